"""Plan workflow: create, file with the center, approve or return, open registration.

Every rule refuses with its id and the policy parameter it read (DESIGN.md §4).
"""

from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaowu.accounts.models import Organisation, User
from kaowu.accounts.roles import require_institution_staff_of, require_reviewing_center_of
from kaowu.catalog.models import AssessmentType
from kaowu.catalog.policy import policy_active
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.services import audit_record, snapshot
from kaowu.core.workdays import uncovered_note, workdays_add, workdays_before, workdays_between
from kaowu.core.workflow import row_lock, transition_check
from kaowu.plans.audit import PlanAction
from kaowu.plans.calendar.selectors import calendar_entry_for
from kaowu.plans.models import Plan, PlanChangeRequest, PlanItem, PlanKind, Session
from kaowu.plans.signals import sessions_moved
from kaowu.sites.filings.selectors import facility_filing_approved_for
from kaowu.sites.models import Site

Status = Plan.Status

# The one list of allowed transitions (DESIGN.md §5); later issues extend it.
PLAN_TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.FILED},
    Status.FILED: {Status.APPROVED, Status.RETURNED},
    Status.RETURNED: {Status.FILED},
    Status.APPROVED: {Status.REGISTRATION_OPEN},
    Status.REGISTRATION_OPEN: {Status.REGISTRATION_CLOSED},
    Status.REGISTRATION_CLOSED: set(),
}
# The audit action of each move (every status a plan can move to has one).
PLAN_TRANSITION_ACTIONS: dict[str, PlanAction] = {
    Status.FILED: PlanAction.FILED,
    Status.RETURNED: PlanAction.RETURNED,
    Status.APPROVED: PlanAction.APPROVED,
    Status.REGISTRATION_OPEN: PlanAction.REGISTRATION_OPEN,
    Status.REGISTRATION_CLOSED: PlanAction.REGISTRATION_CLOSED,
}
EDITABLE_STATUSES = {Status.DRAFT, Status.RETURNED}
STAFF_ONLY = "只有本机构的管理员或经办人可以办理本机构的考核计划"


def plan_transition(*, plan: Plan, to: str, by: User, reason: str = "") -> Plan:
    """Move a plan to `to` if the workflow allows it; write the audit event. The caller is atomic."""
    row_lock(plan, fields=["status"])
    transition_check(table=PLAN_TRANSITIONS, status=Status, current=plan.status, to=to, noun="计划")
    before = plan.status
    plan.status = to
    plan.save()
    audit_record(action=PLAN_TRANSITION_ACTIONS[to], actor=by, target=plan, organisation=plan.institution,
                 before={"status": before}, after={"status": to, **({"reason": reason} if reason else {})})
    return plan


def _not_your_review(plan: Plan) -> str:
    return f"该计划由{plan.reviewing_center.name}审核，您无权审核"


def reviewing_center_for(*, institution: Organisation, sites) -> Organisation:
    """The center that reviews a plan (R-SC21-1): the institution's own city center, or, when the
    plan's sites are in another city, that city's center (R-SC24-12)."""
    home = institution.parent
    cities = {site.region_code[:4] + "00" for site in sites}
    cities.discard(home.region_code)
    if not cities:
        return home
    if len(cities) > 1:
        raise RuleViolation("R-SC24-12", "一个计划的考点须在同一市（州），跨市（州）考核请分别向所在地中心报备")
    code = cities.pop()
    center = Organisation.objects.filter(kind=Organisation.Kind.CITY, region_code=code).first()
    if center is None:
        raise RuleViolation("R-SC24-12", f"考点所在地区{code}没有对应的市（州）中心，无法报备")
    return center


@transaction.atomic
def plan_create(
    *,
    institution: Organisation,
    by: User,
    name: str,
    kind: str,
    assessment_type: str,
    registration_place: str,
    registration_opens: date,
    registration_closes: date,
    contact_name: str,
    contact_phone: str,
    items: list[dict],
    sites: list | None = None,
    **details,
) -> Plan:
    """A draft plan with its items (occupation+level or special item) and sites."""
    require_institution_staff_of(by, institution, STAFF_ONLY)
    sites = list(sites or [])
    if any(site.institution_id != institution.pk for site in sites):
        raise PermissionRefused("只能选择本机构的考点")
    if registration_closes < registration_opens:
        raise ValidationError("报名截止日期不能早于报名开始日期")
    if not items:
        raise ValidationError("计划至少要有一个考核项目")
    plan = Plan(
        institution=institution, reviewing_center=reviewing_center_for(institution=institution, sites=sites),
        name=name, kind=kind, assessment_type=assessment_type, registration_place=registration_place,
        registration_opens=registration_opens, registration_closes=registration_closes,
        contact_name=contact_name, contact_phone=contact_phone, **details,
    )
    plan.full_clean()
    plan.save()
    plan.sites.set(sites)
    for item in items:
        PlanItem(plan=plan, **item).full_clean(exclude=["plan"])
        PlanItem.objects.create(plan=plan, **item)
    audit_record(action=PlanAction.CREATE, actor=by, target=plan, organisation=institution, after=snapshot(plan))
    return plan


@transaction.atomic
def session_add(*, plan: Plan, by: User, item: PlanItem, day: date, start: time, end: time, subject=None,
                rooms=()) -> Session:
    """Add a 场次 to a plan that is still a draft (or was returned)."""
    require_institution_staff_of(by, plan.institution, STAFF_ONLY)
    row_lock(plan)  # not while the plan is being filed
    if plan.status not in EDITABLE_STATUSES:
        raise ValidationError("计划已报备，修改考试时间或考点须提交变更申请（R-CQ-8）")
    if item.plan_id != plan.pk:
        raise ValidationError("考核项目不属于该计划")
    if end <= start:
        raise ValidationError("结束时间须晚于开始时间")
    site_ids = set(plan.sites.values_list("pk", flat=True))
    if any(room.site_id not in site_ids for room in rooms):
        raise ValidationError("考场须属于本计划的考点")
    session = Session.objects.create(plan=plan, item=item, subject=subject, date=day, start=start, end=end)
    session.rooms.set(rooms)
    audit_record(action=PlanAction.SESSION_ADD, actor=by, target=session, organisation=plan.institution,
                 after=snapshot(session))
    return session


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _check_filing_deadline(plan: Plan, first: date, today: date, policy) -> None:
    """R-CQ-1: filed with the center at least N working days before the first session."""
    needed = policy.plan_filing_workdays
    if workdays_between(today, first) < needed:
        latest = workdays_before(first, needed)
        raise RuleViolation(
            "R-CQ-1",
            f"考核计划须在考试前{needed}个工作日报备（首场考试{first:%Y年%m月%d日}），"
            f"最晚应于{latest:%Y年%m月%d日}报备；今天距首场考试只有{workdays_between(today, first)}个工作日"
            f"{uncovered_note(today, first)}",
        )


def _check_announcement_lead(plan: Plan, first: date, publish_on: date, policy) -> None:
    """R-CQ-2: a 等级认定 announcement is published at least N months before the exam."""
    if plan.assessment_type != AssessmentType.SKILL_LEVEL:
        return
    months = policy.announcement_lead_months
    earliest = add_months(publish_on, months)
    if first < earliest:
        raise RuleViolation(
            "R-CQ-2",
            f"职业技能等级认定须提前{months}个月发布公告：今天发布公告，首场考试最早为{earliest:%Y年%m月%d日}，"
            f"而计划的首场考试是{first:%Y年%m月%d日}",
        )


def _check_calendar(plan: Plan, policy) -> None:
    """R-SC24-13 / R-SC24-4: a daily 专项 exam falls on a calendar date or within N days after it,
    unless the plan asks for an exception that its center then approves."""
    if plan.kind != PlanKind.DAILY or plan.assessment_type != AssessmentType.SPECIAL_ABILITY:
        return
    if plan.schedule_exception:
        if not plan.schedule_exception_reason.strip():
            raise RuleViolation(
                "R-SC24-4", "申请在统一考核时间以外考核，须说明原因（节假日调整、重大活动、考核量较大等）"
            )
        return
    days = policy.exam_completion_days
    region = plan.institution.region_code
    for session in plan.sessions.all():
        entry = calendar_entry_for(region_code=region, kind=PlanKind.DAILY,
                                   assessment_type=AssessmentType.SPECIAL_ABILITY,
                                   exam_date=session.date, completion_days=days)
        if entry is None:
            raise RuleViolation(
                "R-SC24-13",
                f"日常考核须在考核日历的考核日期起{days}日内完成，{session.date:%Y年%m月%d日}不在其中。"
                "如确需调整，请勾选“统一时间以外考核”并说明原因，由中心批准（R-SC24-4）",
            )


@transaction.atomic
def plan_file(*, plan: Plan, by: User, today: date) -> Plan:
    """Send a draft (or returned) plan to the center that reviews it."""
    require_institution_staff_of(by, plan.institution, STAFF_ONLY)
    row_lock(plan)
    if not plan.items.exists():
        raise ValidationError("计划至少要有一个考核项目")
    first = plan.first_session_date()
    if first is None:
        raise ValidationError("请先添加考试场次（科目、日期和时间）")
    policy = policy_active()
    _check_filing_deadline(plan, first, today, policy)
    _check_announcement_lead(plan, first, today, policy)
    _check_calendar(plan, policy)
    plan.filed_at = timezone.now()
    return plan_transition(plan=plan, to=Status.FILED, by=by)


@transaction.atomic
def plan_approve(*, plan: Plan, by: User, today: date, approve_schedule_exception: bool = False) -> Plan:
    """The reviewing center accepts the plan; its announcement is published now (R-CQ-2)."""
    require_reviewing_center_of(by, plan.reviewing_center, _not_your_review(plan))
    row_lock(plan)
    if plan.schedule_exception and not approve_schedule_exception:
        raise RuleViolation("R-SC24-4", "该计划申请在统一考核时间以外考核，批准前须确认同意该调整")
    _check_announcement_lead(plan, plan.first_session_date(), today, policy_active())
    plan.reviewed_by, plan.reviewed_at, plan.review_reason = by, timezone.now(), ""
    plan.announced_at = timezone.now()
    return plan_transition(plan=plan, to=Status.APPROVED, by=by)


@transaction.atomic
def plan_return(*, plan: Plan, by: User, reason: str) -> Plan:
    require_reviewing_center_of(by, plan.reviewing_center, _not_your_review(plan))
    row_lock(plan)
    if not reason.strip():
        raise ValidationError("退回计划须写明原因")
    plan.reviewed_by, plan.reviewed_at, plan.review_reason = by, timezone.now(), reason.strip()
    return plan_transition(plan=plan, to=Status.RETURNED, by=by, reason=reason.strip())


def _examined_before(plan: Plan, item: PlanItem) -> bool:
    """Has the institution opened registration for this item in an earlier plan?"""
    return PlanItem.objects.filter(
        plan__institution=plan.institution,
        plan__status__in=[Status.REGISTRATION_OPEN, Status.REGISTRATION_CLOSED],
        occupation=item.occupation, level=item.level, special_item=item.special_item,
    ).exclude(plan=plan).exists()


@transaction.atomic
def plan_open_registration(*, plan: Plan, by: User) -> Plan:
    """Open registration; an item examined here for the first time needs a confirmed filing (R-FJ-2)."""
    require_institution_staff_of(by, plan.institution, STAFF_ONLY)
    row_lock(plan)
    if policy_active().facility_first_time_confirmation_required:
        for item in plan.items.select_related("occupation", "special_item"):
            if _examined_before(plan, item):
                continue
            if not facility_filing_approved_for(institution=plan.institution, occupation=item.occupation,
                                                level=item.level, special_item=item.special_item):
                raise RuleViolation(
                    "R-FJ-2",
                    f"“{item}”是本机构首次考核的项目，须先向中心提交设施设备申报并经确认，才能开放报名",
                )
    return plan_transition(plan=plan, to=Status.REGISTRATION_OPEN, by=by)


@transaction.atomic
def plan_close_registration(*, plan: Plan, by: User) -> Plan:
    """Close registration: no more submissions; the paid applications go on to the arrangement.
    Drafts and returned applications stay as they are (they can no longer be submitted)."""
    require_institution_staff_of(by, plan.institution, STAFF_ONLY)
    row_lock(plan)
    return plan_transition(plan=plan, to=Status.REGISTRATION_CLOSED, by=by)


# --- change requests (R-CQ-8) -------------------------------------------------------------------

CHANGEABLE_STATUSES = {Status.APPROVED, Status.REGISTRATION_OPEN, Status.REGISTRATION_CLOSED}
ChangeStatus = PlanChangeRequest.Status


def _change_dates(sessions: list[dict]) -> list[date]:
    return sorted({date.fromisoformat(change["date"]) for change in sessions})


def _refuse_past(sessions: list[dict], today: date) -> None:
    """A session cannot move to a day that has begun: no exception covers an exam in the past (R-CQ-1)."""
    for day in _change_dates(sessions):
        if day <= today:
            raise RuleViolation(
                "R-CQ-1",
                f"变更后的考试日期{day:%Y年%m月%d日}不在今天（{today:%Y年%m月%d日}）之后，不能把考试改到已过去的日期",
            )


def plan_change_problems(*, plan: Plan, sessions: list[dict], filed_on: date,
                         announced_on: date) -> list[RuleViolation]:
    """What the new times break among the rules of a new session: R-CQ-1 (filed with the center N working
    days ahead, counted from the day the change was filed) and R-CQ-2 (a 等级认定 time announced N months
    ahead, counted from the day the center approves, which announces the new time). An empty list when none.
    The center may still approve with an exception and its reason (`plan_change_approve`)."""
    policy = policy_active()
    problems = []
    for day in _change_dates(sessions):
        needed = policy.plan_filing_workdays
        have = workdays_between(filed_on, day)
        if have < needed:
            problems.append(RuleViolation(
                "R-CQ-1",
                f"变更后的考试日期{day:%Y年%m月%d日}距变更申请提交（{filed_on:%Y年%m月%d日}）只有{have}个工作日，"
                f"新安排须在考试前{needed}个工作日报备，最早可改到{workdays_add(filed_on, needed):%Y年%m月%d日}"
                f"{uncovered_note(filed_on, day)}",
            ))
        if plan.assessment_type == AssessmentType.SKILL_LEVEL:
            months = policy.announcement_lead_months
            earliest = add_months(announced_on, months)
            if day < earliest:
                problems.append(RuleViolation(
                    "R-CQ-2",
                    f"职业技能等级认定须提前{months}个月公告考试时间：{announced_on:%Y年%m月%d日}批准并公告变更，"
                    f"新的考试日期最早为{earliest:%Y年%m月%d日}，而申请改为{day:%Y年%m月%d日}",
                ))
    return problems


@transaction.atomic
def plan_change_request(*, plan: Plan, by: User, reason: str, sessions: list[dict] | None = None,
                        site_ids: list[int] | None = None, today: date | None = None) -> PlanChangeRequest:
    """Ask the center to change the time of sessions or the sites of an approved plan (R-CQ-8).

    `sessions`: [{"id": session id, "date": "YYYY-MM-DD", "start": "HH:MM", "end": "HH:MM"}]. Nothing
    changes on the plan until the center approves. A day that is not after `today` is refused; a day too
    close for R-CQ-1/R-CQ-2 is filed, and the center sees why it needs an exception.
    """
    today = today or timezone.localdate()
    require_institution_staff_of(by, plan.institution, STAFF_ONLY)
    if plan.status not in CHANGEABLE_STATUSES:
        raise ValidationError("计划尚未批准，可直接修改后报备，无需变更申请")
    if not reason.strip():
        raise ValidationError("请说明变更原因")
    sessions = sessions or []
    if not sessions and site_ids is None:
        raise ValidationError("请填写要变更的考试时间或考点")
    own_sessions = set(plan.sessions.values_list("pk", flat=True))
    for change in sessions:
        if change.get("id") not in own_sessions:
            raise ValidationError("变更的场次不属于该计划")
        start, end = time.fromisoformat(change["start"]), time.fromisoformat(change["end"])
        date.fromisoformat(change["date"])
        if end <= start:
            raise ValidationError("结束时间须晚于开始时间")
    _refuse_past(sessions, today)
    if site_ids is not None:
        if Site.objects.filter(pk__in=site_ids, institution=plan.institution).count() != len(set(site_ids)):
            raise PermissionRefused("只能选择本机构的考点")
    change = PlanChangeRequest.objects.create(
        plan=plan, requested_by=by, reason=reason.strip(), filed_on=today,
        changes={"sessions": sessions, **({"sites": site_ids} if site_ids is not None else {})},
    )
    audit_record(action=PlanAction.CHANGE_REQUEST, actor=by, target=change, organisation=plan.institution,
                 after=change.changes)
    return change


# The one list of allowed moves of a change request: the center decides once.
PLAN_CHANGE_REQUEST_TRANSITIONS: dict[str, set[str]] = {
    ChangeStatus.PENDING: {ChangeStatus.APPROVED, ChangeStatus.REJECTED},
    ChangeStatus.APPROVED: set(),
    ChangeStatus.REJECTED: set(),
}
PLAN_CHANGE_REQUEST_ACTIONS: dict[str, PlanAction] = {
    ChangeStatus.APPROVED: PlanAction.CHANGE_APPROVED,
    ChangeStatus.REJECTED: PlanAction.CHANGE_REJECTED,
}


def plan_change_request_transition(*, change: PlanChangeRequest, to: str, by: User, reason: str = "",
                                   before: dict | None = None) -> PlanChangeRequest:
    """Record the center's decision on a change request; write the audit event.

    `before` is what an approval replaced (the sessions' old times and the old sites), which only the
    caller knows: it applies the change before recording the decision. The caller is atomic.
    """
    row_lock(change, fields=["status"])
    transition_check(table=PLAN_CHANGE_REQUEST_TRANSITIONS, status=ChangeStatus, current=change.status, to=to,
                     noun="变更申请")
    change.status, change.reviewed_by, change.reviewed_at = to, by, timezone.now()
    if to == ChangeStatus.REJECTED:
        change.review_reason = reason
    change.save()
    after = change.changes if to == ChangeStatus.APPROVED else {"reason": change.review_reason}
    if to == ChangeStatus.APPROVED and change.exception_rules:
        after = {**after, "exception": {"rules": change.exception_rules, "reason": change.exception_reason}}
    audit_record(action=PLAN_CHANGE_REQUEST_ACTIONS[to], actor=by, target=change,
                 organisation=change.plan.institution, before=before, after=after)
    return change


def plan_change_filed_on(change: PlanChangeRequest) -> date:
    return change.filed_on or timezone.localdate(change.created_at)


@transaction.atomic
def plan_change_approve(*, change: PlanChangeRequest, by: User, today: date | None = None,
                        exception_reason: str = "") -> PlanChangeRequest:
    """The center approves: the new times and sites replace the old ones now (R-CQ-8), and whatever depends
    on the sessions follows in the same transaction (`signals.sessions_moved`: the dispatch).

    New times obey R-CQ-1 and R-CQ-2 like a new session's; the center may set them aside with a reason
    (recorded on the request and in the audit event). A day already begun is refused whatever the reason."""
    today = today or timezone.localdate()
    plan = change.plan
    require_reviewing_center_of(by, plan.reviewing_center, _not_your_review(plan))
    row_lock(change)
    if change.status != ChangeStatus.PENDING:
        raise ValidationError("该变更申请已处理")
    sessions = change.changes.get("sessions", [])
    _refuse_past(sessions, today)
    problems = plan_change_problems(plan=plan, sessions=sessions, filed_on=plan_change_filed_on(change),
                                    announced_on=today)
    exception_reason = exception_reason.strip()
    if problems and not exception_reason:
        first = problems[0]
        raise RuleViolation(first.rule_id, "；".join(p.message for p in problems)
                            + "。如确需按此时间考核，请填写例外批准原因")
    change.exception_rules = sorted({p.rule_id for p in problems})
    change.exception_reason = exception_reason if problems else ""
    before = {"sessions": [], "sites": list(plan.sites.values_list("pk", flat=True))}
    moves = []
    for item in sessions:
        session = plan.sessions.get(pk=item["id"])
        old = {"date": session.date.isoformat(), "start": session.start.isoformat(), "end": session.end.isoformat()}
        before["sessions"].append({"id": session.pk, **old})
        session.date = date.fromisoformat(item["date"])
        session.start, session.end = time.fromisoformat(item["start"]), time.fromisoformat(item["end"])
        session.save()
        moves.append({"id": session.pk, "before": old, "after": {
            "date": session.date.isoformat(), "start": session.start.isoformat(), "end": session.end.isoformat()}})
    if "sites" in change.changes:
        plan.sites.set(change.changes["sites"])
    change = plan_change_request_transition(change=change, to=ChangeStatus.APPROVED, by=by, before=before)
    if moves:
        sessions_moved.send(sender=Plan, plan=plan, moves=moves, by=by)
    return change


@transaction.atomic
def plan_change_reject(*, change: PlanChangeRequest, by: User, reason: str) -> PlanChangeRequest:
    require_reviewing_center_of(by, change.plan.reviewing_center, _not_your_review(change.plan))
    row_lock(change)
    if change.status != ChangeStatus.PENDING:
        raise ValidationError("该变更申请已处理")
    if not reason.strip():
        raise ValidationError("驳回变更申请须写明原因")
    return plan_change_request_transition(change=change, to=ChangeStatus.REJECTED, by=by, reason=reason.strip())
