"""Scoped reads for a plan's results on their way out: what still blocks the submission (R-FJ-10,
R-CQ-11), the evidence the center reviews, the published lists (R-CQ-12), rechecks (R-FJ-11), what a
candidate may see, and which submissions and confirmations are overdue.

`scores_locked(plan)` is what the entry services ask before they write: once the plan's results are
submitted, only a recheck decision (release.services.recheck_correct) changes a score.
"""

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import F, Max, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from kaowu.accounts.models import Role, User
from kaowu.accounts.roles import is_center_staff, is_institution_staff, is_institution_staff_of, is_reviewing_center_of
from kaowu.arrangement.models import SeatAssignment
from kaowu.catalog.models import SubjectPart
from kaowu.catalog.policy import policy_active
from kaowu.plans.models import Plan, Session
from kaowu.plans.selectors import plan_get_for_user, plans_visible_to
from kaowu.registration.models import Application, Candidate
from kaowu.scoring import deadlines
from kaowu.scoring.entry.selectors import entry_blockers, session_is_assessed
from kaowu.scoring.models import (
    Attendance,
    RecheckRequest,
    Result,
    ResultRelease,
    ScoreSheet,
    ScoreSummary,
    SubjectScore,
)
from kaowu.sites.models import RoomKind

Status = ResultRelease.Status
# Scores may change only while the institution still holds them (entering, or returned by the center).
LOCKED = (Status.SUBMITTED, Status.APPROVED, Status.PUBLISHED, Status.FINAL)
# After the center confirmed them the candidate is told (R-FJ-11); the public list starts with the
# publication (R-CQ-12) and stays after finality.
SHOWN_TO_CANDIDATE = (Status.APPROVED, Status.PUBLISHED, Status.FINAL)
PUBLIC = (Status.PUBLISHED, Status.FINAL)
# Applications that sit the exam: paid, or holding a ticket (R-CQ-4).
SITTING = (Application.Status.PAID, Application.Status.TICKETED)
NAMES_SHOWN = 5  # a refusal names this many candidates, then says how many more


# --- deadlines ----------------------------------------------------------------------------------
# The pure date arithmetic is kaowu.scoring.deadlines; these feed it the active profile's numbers.

def report_due(exam_end: date) -> date:
    """R-FJ-10: the institution reports within N working days after the exam."""
    return deadlines.report_due(exam_end, policy_active().score_report_workdays)


def confirm_due(submitted_on: date) -> date:
    """R-FJ-10: the center confirms within N working days after the report."""
    return deadlines.confirm_due(submitted_on, policy_active().score_confirmation_workdays)


def publication_start_latest(exam_end: date) -> date:
    """R-CQ-12: the results are published by the Nth working day after the exam."""
    return deadlines.publication_start_latest(exam_end, policy_active().result_publication_workdays)


def publication_ends(published_on: date) -> date:
    """R-CQ-12: the publication lasts at least N working days after the day it starts."""
    return deadlines.publication_ends(published_on, policy_active().publication_min_workdays)


def recheck_until(published_on: date) -> date:
    """R-FJ-11 / R-CQ-12: the later of N days and M months after publication, on a working day."""
    policy = policy_active()
    return deadlines.recheck_until(published_on, policy.recheck_window_days, policy.appeal_window_months)


# --- who may act ---------------------------------------------------------------------------------

def scores_locked(plan: Plan) -> bool:
    """Whether the plan's scores are out of the institution's hands (submitted, approved, published or
    final): the entry services refuse every write then (R-FJ-10, R-FJ-11)."""
    return ResultRelease.objects.filter(plan=plan, status__in=LOCKED).exists()



# --- releases ------------------------------------------------------------------------------------

def exam_end_of(plan: Plan) -> date | None:
    """The last session day of the plan: the exam's end, from which the deadlines count."""
    return plan.sessions.aggregate(last=Max("date"))["last"]


def release_of(plan: Plan) -> ResultRelease | None:
    return ResultRelease.objects.filter(plan=plan).first()


def release_preview(plan: Plan) -> ResultRelease | None:
    """The plan's release, or (before anyone submitted) an unsaved one with its dates, so that a page
    shows the deadline without writing on a GET. None when the plan has no session."""
    release = release_of(plan)
    if release is not None:
        return release
    exam_end = exam_end_of(plan)
    if exam_end is None:
        return None
    return ResultRelease(plan=plan, exam_end=exam_end, report_due=report_due(exam_end))


def releases_visible_to(user: User) -> QuerySet[ResultRelease]:
    return ResultRelease.objects.filter(plan__in=plans_visible_to(user).values("pk")).select_related(
        "plan__institution", "plan__reviewing_center", "submitted_by", "reviewed_by")


def release_get_for_user(*, user: User, release_id: int) -> ResultRelease:
    return get_object_or_404(releases_visible_to(user), pk=release_id)


@dataclass
class PlanRow:
    plan: Plan
    release: ResultRelease | None  # saved or a preview
    exam_end: date | None


def plans_with_results(user: User) -> list[PlanRow]:
    """The plans in the user's scope that held sessions, latest exam first, with their release."""
    plans = (plans_visible_to(user).annotate(exam_end=Max("sessions__date")).filter(exam_end__isnull=False)
             .order_by("-exam_end", "-pk")[:200])
    plans = list(plans)
    releases = {r.plan_id: r for r in ResultRelease.objects.filter(plan__in=[p.pk for p in plans])}
    rows = []
    for plan in plans:
        release = releases.get(plan.pk) or ResultRelease(
            plan=plan, exam_end=plan.exam_end, report_due=report_due(plan.exam_end))
        rows.append(PlanRow(plan=plan, release=release, exam_end=plan.exam_end))
    return rows


# --- what blocks a submission ---------------------------------------------------------------------

@dataclass(frozen=True)
class Gap:
    rule: str
    text: str


def session_label(session: Session) -> str:
    what = session.subject.name if session.subject_id else "考核"
    return f"{session.item} {what}（{session.date.month}月{session.date.day}日 {session.start:%H:%M}）"


def _names(applications: list[Application]) -> str:
    names = "、".join(a.candidate.name for a in applications[:NAMES_SHOWN])
    more = len(applications) - NAMES_SHOWN
    return names + (f"等{len(applications)}人" if more > 0 else "")


def _sessions_of(plan: Plan) -> list[Session]:
    return list(plan.sessions.select_related("subject", "item__occupation", "item__special_item")
                .prefetch_related("rooms").order_by("date", "start", "pk"))


def _scored_rooms(session: Session, sitting: set[int], excused: set[tuple[int, int]]) -> set[int]:
    """Rooms whose sheets the center looks at: where a candidate who sat (not recorded absent) had a
    place, where sheets exist, or the session's practical rooms when nobody was seated."""
    seats = SeatAssignment.objects.filter(session=session, application_id__in=sitting).values_list(
        "application_id", "room_id")
    rooms = {room for app, room in seats if (app, session.pk) not in excused}
    rooms |= set(ScoreSheet.objects.filter(session=session).values_list("room_id", flat=True))
    if not rooms and not seats:
        rooms = {room.pk for room in session.rooms.all() if room.kind == RoomKind.PRACTICAL}
    return rooms


RULE_SUFFIX = re.compile(r"（(R-[A-Z0-9]+-\d+[a-z]?)）$")
# Score entry's problems that concern signing, settling and checking (R-CQ-11); the rest is about the
# report being complete (R-FJ-10).
CQ11_WORDS = ("评分表", "考评组", "评分差", "复核")


def _entry_gap(text: str) -> Gap:
    match = RULE_SUFFIX.search(text)
    if match:
        return Gap(match.group(1), text[:match.start()])
    return Gap("R-CQ-11" if any(word in text for word in CQ11_WORDS) else "R-FJ-10", text)


def submission_gaps(plan: Plan) -> list[Gap]:
    """Everything that keeps the plan's results from being submitted, each with its rule.

    Score entry's own account (entry.selectors.entry_blockers: per session and seated candidate,
    attendance, a score, every group member's signed sheet and the room's summary photo, settled spreads,
    second checks) plus what it cannot see: a paid candidate without a seat in a session who has neither
    a score nor an absence (R-FJ-10), and a check made by the person who entered the score (R-CQ-11)."""
    gaps = [_entry_gap(text) for text in entry_blockers(plan)]
    applications = list(Application.objects.filter(plan=plan, status__in=SITTING).select_related("candidate")
                        .order_by("candidate__name", "pk"))
    sitting = {a.pk for a in applications}
    seated = set(SeatAssignment.objects.filter(session__plan=plan, application_id__in=sitting)
                 .values_list("application_id", "session_id"))
    scored = set(SubjectScore.objects.filter(application_id__in=sitting, session__plan=plan)
                 .values_list("application_id", "session_id"))
    excused = set(Attendance.objects.filter(session__plan=plan, application_id__in=sitting,
                                            status__in=(Attendance.Status.ABSENT, Attendance.Status.CANCELLED))
                  .values_list("application_id", "session_id"))
    covered = seated | scored | excused
    for session in _sessions_of(plan):
        missing = [a for a in applications if a.item_id == session.item_id and (a.pk, session.pk) not in covered]
        if missing:
            gaps.append(Gap("R-FJ-10", f"{session_label(session)}：{_names(missing)}未编排座位，也没有成绩或缺考登记"))
    if policy_active().score_entry_double_signature_required:
        same_person = SubjectScore.objects.filter(
            application_id__in=sitting, session__plan=plan, second_check__checked_by=F("entered_by")).count()
        if same_person:
            gaps.append(Gap("R-CQ-11", f"{same_person}项成绩的复核人与录入人为同一人，须由另一人复核"))
    return gaps


# --- the evidence the center reviews ---------------------------------------------------------------

@dataclass
class RoomEvidence:
    room: object
    sheets: list[ScoreSheet]
    summary: ScoreSummary | None


@dataclass
class SessionEvidence:
    session: Session
    label: str
    needs_sheets: bool
    scores: list[SubjectScore]
    excused: list[Attendance]
    rooms: list[RoomEvidence] = field(default_factory=list)
    flagged: int = 0
    checked: int = 0

    @property
    def absent(self) -> int:
        """缺考 or 成绩取消: recorded with a score row of no score (an import's 缺考), or by attendance alone."""
        return len(self.excused) + sum(1 for s in self.scores if s.attendance != Attendance.Status.PRESENT)


def release_evidence(plan: Plan) -> list[SessionEvidence]:
    """Per session: every score with its check and spread, the absences, and per room the assessors'
    sheets (who signed, when) and the signed summary's photo."""
    from kaowu.sites.models import Room

    sitting = set(Application.objects.filter(plan=plan, status__in=SITTING).values_list("pk", flat=True))
    result = []
    for session in _sessions_of(plan):
        scores = list(SubjectScore.objects.filter(session=session, application_id__in=sitting)
                      .select_related("application__candidate", "second_check__checked_by", "entered_by")
                      .order_by("application__candidate__name", "pk"))
        excused = list(Attendance.objects.filter(session=session, application_id__in=sitting)
                       .exclude(status=Attendance.Status.PRESENT)
                       .exclude(application_id__in=[s.application_id for s in scores])
                       .select_related("application__candidate"))
        parts_named(scores)
        evidence = SessionEvidence(
            session=session, label=session_label(session), needs_sheets=session_is_assessed(session),
            scores=scores, excused=excused, flagged=sum(1 for s in scores if s.flagged),
            checked=sum(1 for s in scores if getattr(s, "second_check", None) is not None))
        if evidence.needs_sheets:
            sheets = defaultdict(list)
            for sheet in (ScoreSheet.objects.filter(session=session).select_related("assessor")
                          .order_by("-leader", "assessor__name")):
                sheets[sheet.room_id].append(sheet)
            summaries = {s.room_id: s for s in ScoreSummary.objects.filter(session=session)
                         .select_related("uploaded_by")}
            excused_pairs = {(a.application_id, session.pk) for a in excused}
            rooms = _scored_rooms(session, sitting, excused_pairs) | set(summaries)
            evidence.rooms = [RoomEvidence(room=room, sheets=sheets[room.pk], summary=summaries.get(room.pk))
                              for room in Room.objects.filter(pk__in=rooms).order_by("name")]
        result.append(evidence)
    return result


def parts_named(scores: list[SubjectScore]) -> list[SubjectScore]:
    """Give each score `part_rows`, [(part name, score)] of its weighted parts (SubjectScore.parts is keyed
    by SubjectPart.order), for the evidence tables. A subject scored as a whole (part 0) has none: its one
    part is the score itself."""
    names = {(subject_id, str(order)): name for subject_id, order, name in SubjectPart.objects.filter(
        subject_id__in={s.subject_id for s in scores if s.subject_id}).values_list("subject_id", "order", "name")}
    for score in scores:
        keys = sorted((key for key in (score.parts or {}) if key != "0"),
                      key=lambda key: int(key) if key.isdigit() else 0)
        score.part_rows = [(names.get((score.subject_id, key), f"第{key}项"), score.parts[key]) for key in keys]
    return scores


def summary_get_for_user(*, user: User, summary_id: int) -> ScoreSummary:
    """A summary photo for the plan's institution or its center (404 for anyone else)."""
    summary = get_object_or_404(ScoreSummary.objects.select_related("session__plan", "room"), pk=summary_id)
    plan = summary.session.plan
    if not (is_institution_staff_of(user, plan.institution_id) or is_reviewing_center_of(user, plan.reviewing_center)):
        raise Http404("文件不存在")
    return summary


def release_results(release: ResultRelease) -> QuerySet[Result]:
    return (release.results.select_related("application__candidate", "application__item__occupation",
                                           "application__item__special_item")
            .order_by("application__item_id", "application__candidate__name", "pk"))


def release_counts(release: ResultRelease) -> dict[str, int]:
    counts = {value: 0 for value in Result.Outcome.values}
    for outcome in release.results.values_list("outcome", flat=True):
        counts[outcome] += 1
    return counts


# --- rechecks ------------------------------------------------------------------------------------

def rechecks_visible_to(user: User) -> QuerySet[RecheckRequest]:
    rows = RecheckRequest.objects.select_related(
        "result__application__candidate", "result__application__item__occupation",
        "result__application__item__special_item", "result__release__plan__institution",
        "result__release__plan__reviewing_center", "requested_by", "decided_by")
    if not user.is_authenticated:
        return rows.none()
    if user.role == Role.CANDIDATE:
        return rows.filter(result__application__candidate__user=user)
    return rows.filter(result__release__plan__in=plans_visible_to(user).values("pk"))


def recheck_get_for_user(*, user: User, recheck_id: int) -> RecheckRequest:
    return get_object_or_404(rechecks_visible_to(user), pk=recheck_id)


def recheck_window_open(release: ResultRelease, today: date) -> bool:
    """A recheck is asked while the results are published, up to the release's deadline (R-FJ-11)."""
    return (release.status == Status.PUBLISHED and release.recheck_until is not None
            and today <= release.recheck_until)


def result_scores(result: Result) -> list[SubjectScore]:
    """The candidate's subject scores in this plan: what a recheck may correct."""
    return parts_named(list(SubjectScore.objects.filter(application=result.application)
                            .select_related("session__subject", "session__item__occupation",
                                            "session__item__special_item", "subject")
                            .order_by("session__date", "session__start", "pk")))


def public_release_of_plan(plan_id: int) -> ResultRelease | None:
    """The plan's results while they may be shown to the public (published or final)."""
    return ResultRelease.objects.filter(plan_id=plan_id, status__in=PUBLIC).first()


def candidate_of(user: User) -> Candidate | None:
    return Candidate.objects.filter(user=user).first()


def result_get_for_user(*, user: User, result_id: int) -> Result:
    """A result for its candidate (once shown to candidates) or for office staff who see the plan."""
    rows = Result.objects.select_related("release__plan__institution", "application__candidate",
                                         "application__item__occupation", "application__item__special_item")
    if user.role == Role.CANDIDATE:
        rows = rows.filter(application__candidate__user=user, release__status__in=SHOWN_TO_CANDIDATE)
    else:
        rows = rows.filter(release__plan__in=plans_visible_to(user).values("pk"))
    return get_object_or_404(rows, pk=result_id)


# --- the candidate and the public ------------------------------------------------------------------

@dataclass
class CandidateRow:
    application: Application
    result: Result | None  # None until the center confirmed the results
    release: ResultRelease | None
    can_recheck: bool
    rechecks: list[RecheckRequest]


def candidate_results(user: User, today: date) -> list[CandidateRow]:
    """The candidate's applications that sat an exam, with the result once it may be shown."""
    applications = list(Application.objects.filter(candidate__user=user, status__in=SITTING)
                        .select_related("plan__institution", "item__occupation", "item__special_item")
                        .order_by("-created_at"))
    releases = {r.plan_id: r for r in ResultRelease.objects.filter(plan__in={a.plan_id for a in applications})}
    results = {r.application_id: r for r in Result.objects.filter(
        application__in=applications, release__status__in=SHOWN_TO_CANDIDATE)}
    rechecks = defaultdict(list)
    for recheck in RecheckRequest.objects.filter(result__in=results.values()).order_by("-created_at"):
        rechecks[recheck.result_id].append(recheck)
    rows = []
    for application in applications:
        result = results.get(application.pk)
        release = releases.get(application.plan_id)
        pending = result is not None and any(r.status == RecheckRequest.Status.PENDING for r in rechecks[result.pk])
        rows.append(CandidateRow(
            application=application, result=result, release=release,
            can_recheck=result is not None and recheck_window_open(release, today) and not pending,
            rechecks=rechecks[result.pk] if result else []))
    return rows


def candidate_notices(user: User, today: date) -> list[str]:
    """What the candidate should know now: results confirmed, the recheck deadline, recheck decisions.
    The lead may show these on the portal's home page too."""
    notices = []
    for row in candidate_results(user, today):
        if row.result is None:
            continue
        name = f"{row.application.plan.name}（{row.application.item}）"
        if recheck_window_open(row.release, today):
            notices.append(f"{name}的成绩已公布。如认为有漏登、错登、错统，可在"
                           f"{row.release.recheck_until.month}月{row.release.recheck_until.day}日前申请复查（R-FJ-11）。")
        elif row.release.status == Status.APPROVED:
            notices.append(f"{name}的成绩已经中心审核确认，公示后可申请复查。")
        for recheck in row.rechecks:
            if recheck.status != RecheckRequest.Status.PENDING:
                notices.append(f"{name}的复查申请已处理：{recheck.get_status_display()}。{recheck.decision_reason}")
    return notices


def public_releases() -> QuerySet[ResultRelease]:
    """The plans whose results are published (公示, R-CQ-12) or final, newest first."""
    return (ResultRelease.objects.filter(status__in=PUBLIC).select_related("plan__institution")
            .order_by("-published_at", "-pk"))


def public_release_get(release_id: int) -> ResultRelease:
    return get_object_or_404(public_releases(), pk=release_id)


def score_query_lookup(*, name: str, id_number: str) -> list[Result]:
    """The results shown to candidates for the person with this name and ID number; an empty list
    whether the number is unknown or the name does not match (the caller says the same for both)."""
    number = (id_number or "").strip().upper()
    name = (name or "").strip()
    if not number or not name:
        return []
    candidate = Candidate.objects.filter(id_number=number, name=name).first()
    if candidate is None:
        return []
    return list(Result.objects.filter(application__candidate=candidate, release__status__in=SHOWN_TO_CANDIDATE)
                .select_related("release__plan__institution", "application__item__occupation",
                                "application__item__special_item", "application__candidate")
                .order_by("-release__plan__created_at"))


# --- overdue -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OverdueRelease:
    plan: Plan
    release: ResultRelease | None
    what: str  # "report" (the institution's submission) or "confirm" (the center's confirmation)
    due: date
    days_late: int

    @property
    def label(self) -> str:
        return "成绩上报逾期" if self.what == "report" else "成绩审核确认逾期"


LOOKBACK_DAYS = 180  # a plan whose exam ended longer ago than this is history, not a home-page reminder


def overdue_releases(user: User, today: date) -> list[OverdueRelease]:
    """For the home page: the institution's plans whose results are not submitted past the deadline
    (R-FJ-10: 3 working days after the exam), and the center's submitted results not confirmed within
    3 working days (R-FJ-10). Other roles get nothing."""
    if not user.is_authenticated:
        return []
    rows: list[OverdueRelease] = []
    plans = plans_visible_to(user)
    if is_institution_staff(user):
        candidates = (plans.annotate(exam_end=Max("sessions__date"))
                      .filter(exam_end__lt=today, exam_end__gte=today - timedelta(days=LOOKBACK_DAYS))
                      .filter(Q(result_release__isnull=True)
                              | Q(result_release__status__in=(Status.ENTERING, Status.RETURNED))))
        for plan in candidates.filter(applications__status__in=SITTING).distinct():
            release = release_of(plan)
            due = release.report_due if release else report_due(plan.exam_end)
            if due < today:
                rows.append(OverdueRelease(plan, release, "report", due, (today - due).days))
    if is_center_staff(user):
        releases = ResultRelease.objects.filter(status=Status.SUBMITTED, confirm_due__lt=today)
        if user.role == Role.CITY_REVIEWER:
            releases = releases.filter(plan__reviewing_center=user.organisation)
        for release in releases.select_related("plan__institution"):
            rows.append(OverdueRelease(release.plan, release, "confirm", release.confirm_due,
                                       (today - release.confirm_due).days))
    return sorted(rows, key=lambda row: row.due)


def rechecks_filtered(user: User, query: Mapping[str, str]) -> tuple[QuerySet[RecheckRequest], dict[str, str]]:
    """The recheck list's rows, narrowed by status."""
    filters = {"status": query.get("status", "").strip()}
    rows = rechecks_visible_to(user)
    if filters["status"] in RecheckRequest.Status.values:
        rows = rows.filter(status=filters["status"])
    return rows, filters


def plan_results_filtered(user: User, query: Mapping[str, str]) -> tuple[QuerySet[Result], dict[str, str]]:
    """The results of a plan's release as its page lists them (`plan_id` from the URL; another's plan is a 404)."""
    plan = plan_get_for_user(user=user, plan_id=int(query.get("plan_id", "0") or 0))
    release = ResultRelease.objects.filter(plan=plan).first()
    if release is None:
        return Result.objects.none(), {"plan": str(plan.pk)}
    return release_results(release), {"plan": str(plan.pk)}


def public_results_filtered(user: User, query: Mapping[str, str]) -> tuple[QuerySet[Result], dict[str, str]]:
    """The results of a published release as the public page lists them (`release_id` from the URL)."""
    release = public_release_get(int(query.get("release_id", "0") or 0))
    return release_results(release), {"release": str(release.pk)}


def releases_list_rows(user: User, query: Mapping[str, str]) -> tuple[list[PlanRow], dict]:
    """The 成绩上报与发布 list's rows (plans that held sessions, with their release), as the page shows them."""
    return plans_with_results(user), {}
