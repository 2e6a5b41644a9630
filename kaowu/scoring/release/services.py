"""A plan's results from the institution to the public: submission (R-FJ-10), the center's review,
publication (公示, R-CQ-12), rechecks of clerical errors (R-FJ-11) and finality.

Once submitted, a score changes only through `recheck_correct` (an audited ScoreCorrection); the entry
services refuse every write then (`entry.services.require_entry_open`, the same question as
`release.selectors.scores_locked(plan)`).

Late steps are not refused: a submission after the report deadline, a confirmation after the center's
deadline and a publication after the latest start date (R-CQ-12) are all still the right thing to do,
and refusing them would only keep the results from the candidates. They are recorded as late in the
audit event and shown on the home pages (`overdue_releases`).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaowu.accounts.models import Role, User
from kaowu.accounts.roles import is_institution_staff_of, require_reviewing_center_of
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.services import audit_record, snapshot
from kaowu.core.workflow import row_lock, transition_check
from kaowu.plans.models import Plan
from kaowu.registration.models import Application
from kaowu.scoring.audit import ScoringAction
from kaowu.scoring.models import RecheckRequest, Result, ResultRelease, ScoreCorrection, SubjectScore
from kaowu.scoring.release import selectors as sel
from kaowu.scoring.release.compose import results_build, results_compose

Status = ResultRelease.Status
RELEASE_FIELDS = ["status", "exam_end", "report_due", "submitted_at", "confirm_due", "reviewed_at", "return_reason",
                  "published_at", "publication_ends", "recheck_until", "finalised_at"]


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _release_locked(release: ResultRelease) -> ResultRelease:
    """The release row locked for the transaction, so that two clicks cannot both move it."""
    return ResultRelease.objects.select_for_update(of=("self",)).select_related(
        "plan__institution", "plan__reviewing_center").get(pk=release.pk)


def _require_staff(by: User, plan: Plan) -> None:
    # The refusal names the institution; checked first so that an allowed call does not load it.
    if not is_institution_staff_of(by, plan.institution_id):
        raise PermissionRefused(f"只有{plan.institution.name}的管理员或经办人可以上报本计划的成绩")


def _require_center(by: User, plan: Plan) -> None:
    center = plan.reviewing_center
    require_reviewing_center_of(by, center, f"本计划的成绩由{center.name}审核，您无权操作")


# --- the two workflows: a release's status and a recheck's ------------------------------------------

# A release goes from the institution to the center and to the public; RETURNED goes back to the
# institution, which submits again. FINAL is the end: a result changes afterwards only through a
# certificate's own procedures, never here.
RESULT_RELEASE_TRANSITIONS: dict[str, set[str]] = {
    Status.ENTERING: {Status.SUBMITTED},
    Status.RETURNED: {Status.SUBMITTED},
    Status.SUBMITTED: {Status.APPROVED, Status.RETURNED},
    Status.APPROVED: {Status.PUBLISHED},
    Status.PUBLISHED: {Status.FINAL},
    Status.FINAL: set(),
}
RESULT_RELEASE_ACTIONS = {
    Status.SUBMITTED: ScoringAction.RELEASE_SUBMIT, Status.APPROVED: ScoringAction.RELEASE_APPROVE,
    Status.RETURNED: ScoringAction.RELEASE_RETURN, Status.PUBLISHED: ScoringAction.RELEASE_PUBLISH,
    Status.FINAL: ScoringAction.RELEASE_FINALISE,
}


def result_release_transition(*, release: ResultRelease, to: str, by: User | None, reason: str = "",
                              values: dict | None = None, after: dict | None = None) -> ResultRelease:
    """Move `release` to `to` if RESULT_RELEASE_TRANSITIONS allows it, with the timestamps the move implies
    (and `values`: the deadlines the caller computed), save it and write the audit event (`after` adds to
    the release's snapshot). `reason` is the return's reason. `by` None is the daily job (finality). The
    caller is atomic."""
    row_lock(release, fields=["status"])
    transition_check(table=RESULT_RELEASE_TRANSITIONS, status=Status, current=release.status, to=to, noun="成绩")
    before = snapshot(release, RELEASE_FIELDS)
    now = timezone.now()
    fields = ["status", *(values or {})]
    release.status = to
    for name, value in (values or {}).items():
        setattr(release, name, value)
    if to == Status.SUBMITTED:
        release.submitted_at, release.submitted_by, release.return_reason = now, by, ""
        fields += ["submitted_at", "submitted_by", "return_reason"]
    elif to in (Status.APPROVED, Status.RETURNED):
        release.reviewed_at, release.reviewed_by = now, by
        fields += ["reviewed_at", "reviewed_by"]
        if to == Status.RETURNED:
            release.return_reason = reason[:300]
            fields.append("return_reason")
    elif to == Status.PUBLISHED:
        release.published_at = now
        fields.append("published_at")
    elif to == Status.FINAL:
        release.finalised_at = now
        fields.append("finalised_at")
    release.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
    audit_record(action=RESULT_RELEASE_ACTIONS[to], actor=by, target=release, before=before,
                 after={**snapshot(release, RELEASE_FIELDS), **(after or {})},
                 organisation_id=release.plan.institution_id, username="" if by else "system")
    return release


# A recheck is decided once: upheld, or corrected; a corrected recheck may correct a further subject of
# the same candidate (one subject after the other), so CORRECTED may move to itself.
RECHECK_TRANSITIONS: dict[str, set[str]] = {
    RecheckRequest.Status.PENDING: {RecheckRequest.Status.UPHELD, RecheckRequest.Status.CORRECTED},
    RecheckRequest.Status.CORRECTED: {RecheckRequest.Status.CORRECTED},
    RecheckRequest.Status.UPHELD: set(),
}
RECHECK_ACTIONS = {RecheckRequest.Status.UPHELD: ScoringAction.RECHECK_UPHOLD,
                   RecheckRequest.Status.CORRECTED: ScoringAction.RECHECK_CORRECT}


def recheck_transition(*, recheck: RecheckRequest, to: str, by: User, reason: str = "",
                       after: dict | None = None) -> RecheckRequest:
    """Decide `recheck` (to UPHELD or CORRECTED) if RECHECK_TRANSITIONS allows it: the decision's reason
    (a further correction's reason is added to the earlier ones), who and when; saved and audited
    (`after` adds to the recheck's snapshot). The caller is atomic."""
    row_lock(recheck, fields=["status"])
    transition_check(table=RECHECK_TRANSITIONS, status=RecheckRequest.Status, current=recheck.status, to=to,
                     noun="复查申请")
    before = snapshot(recheck, ["status", "decision_reason"])
    if to == RecheckRequest.Status.CORRECTED and recheck.decision_reason:
        reason = f"{recheck.decision_reason}；{reason}"
    recheck.status = to
    recheck.decision_reason = reason[:300]
    recheck.decided_by = by
    recheck.decided_at = timezone.now()
    recheck.save(update_fields=["status", "decision_reason", "decided_by", "decided_at", "updated_at"])
    audit_record(action=RECHECK_ACTIONS[to], actor=by, target=recheck, before=before,
                 after={**snapshot(recheck, ["status", "decision_reason"]), **(after or {})},
                 organisation_id=recheck.result.release.plan.institution_id)
    return recheck


def _status_refusal(release: ResultRelease, rule: str, doing: str) -> RuleViolation:
    return RuleViolation(rule, f"{release.plan.name}的成绩当前为“{release.get_status_display()}”，不能{doing}")


# --- the release ---------------------------------------------------------------------------------

@transaction.atomic
def release_get_or_create(plan: Plan) -> ResultRelease:
    """The plan's release, created with the exam's end (its last session day) and the report deadline
    (R-FJ-10). Refused for a plan without sessions: there is nothing to report."""
    release = ResultRelease.objects.filter(plan=plan).first()
    if release is not None:
        return release
    exam_end = sel.exam_end_of(plan)
    if exam_end is None:
        raise ValidationError(f"{plan.name}没有考核场次，无成绩可上报")
    release, created = ResultRelease.objects.get_or_create(
        plan=plan, defaults={"exam_end": exam_end, "report_due": sel.report_due(exam_end)})
    if created:
        audit_record(action=ScoringAction.RELEASE_CREATE, target=release, after=snapshot(release, RELEASE_FIELDS),
                     organisation_id=plan.institution_id)
    return release


# --- submission and review -----------------------------------------------------------------------

def _missing_subjects(plan: Plan) -> list[sel.Gap]:
    """Candidates for whom composition finds a subject of the scheme without a score: a subject the plan
    has no session for would otherwise fail them silently (R-FJ-10: the report is complete)."""
    missing = [(application_id, composed.missing) for application_id, composed in results_build(plan).composed
               if composed.missing]
    if not missing:
        return []
    names = dict(Application.objects.filter(pk__in=[a for a, _ in missing[:sel.NAMES_SHOWN]])
                 .values_list("pk", "candidate__name"))
    listed = "、".join(f"{names[a]}（{'、'.join(subjects)}）" for a, subjects in missing[:sel.NAMES_SHOWN])
    more = f"等{len(missing)}人" if len(missing) > sel.NAMES_SHOWN else ""
    return [sel.Gap("R-FJ-10", f"{listed}{more}有科目没有成绩")]


@transaction.atomic
def results_submit(*, plan: Plan, by: User, today: date | None = None) -> ResultRelease:
    """The institution reports the plan's results to its center (R-FJ-10). Refused while any score,
    signed sheet, summary photo, spread settlement or second check is missing (R-FJ-10, R-CQ-11); the
    refusal lists them all. Composes the results and starts the center's confirmation deadline."""
    _require_staff(by, plan)
    # Score entry share-locks the plan (entry.services.require_entry_open): it finishes before the gaps are
    # read below, or waits and is refused once the results are submitted.
    row_lock(plan)
    today = _today(today)
    release = _release_locked(release_get_or_create(plan))
    if release.status not in (Status.ENTERING, Status.RETURNED):
        raise _status_refusal(release, "R-FJ-10", "再次上报")
    if not Application.objects.filter(plan=plan, status__in=sel.SITTING).exists():
        raise RuleViolation("R-FJ-10", f"{plan.name}没有已缴费的考生，无成绩可上报")
    gaps = sel.submission_gaps(plan) + _missing_subjects(plan)
    if gaps:
        listing = "；".join(f"{gap.text}（{gap.rule}）" for gap in gaps)
        raise RuleViolation(gaps[0].rule, f"成绩尚不能上报：{listing}")
    results_compose(plan=plan, by=by)
    return result_release_transition(release=release, to=Status.SUBMITTED, by=by,
                                     values={"confirm_due": sel.confirm_due(today)},
                                     after={"late": today > release.report_due, "results": release.results.count()})


@transaction.atomic
def results_approve(*, release: ResultRelease, by: User, today: date | None = None) -> ResultRelease:
    """The center confirms the submitted results (R-FJ-10); the candidates may now see them (R-FJ-11)."""
    release = _release_locked(release)
    _require_center(by, release.plan)
    if release.status != Status.SUBMITTED:
        raise _status_refusal(release, "R-FJ-10", "审核确认")
    today = _today(today)
    return result_release_transition(release=release, to=Status.APPROVED, by=by,
                                     after={"late": bool(release.confirm_due and today > release.confirm_due)})


@transaction.atomic
def results_return(*, release: ResultRelease, reason: str, by: User) -> ResultRelease:
    """The center sends the results back with a reason; the institution corrects and submits again."""
    release = _release_locked(release)
    _require_center(by, release.plan)
    if release.status != Status.SUBMITTED:
        raise _status_refusal(release, "R-FJ-10", "退回")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写退回原因，说明需要更正的内容"})
    return result_release_transition(release=release, to=Status.RETURNED, by=by, reason=reason)


# --- publication -------------------------------------------------------------------------------

@dataclass(frozen=True)
class PublicationTerms:
    starts: date
    ends: date
    recheck_until: date
    latest_start: date

    @property
    def late_days(self) -> int:
        return max(0, (self.starts - self.latest_start).days)


def publication_terms(release: ResultRelease, today: date | None = None) -> PublicationTerms:
    """The dates a publication starting today would have (shown before the center clicks)."""
    today = _today(today)
    ends = sel.publication_ends(today)
    # A recheck may be asked at least as long as the list is up.
    until = max(sel.recheck_until(today), ends)
    return PublicationTerms(starts=today, ends=ends, recheck_until=until,
                            latest_start=sel.publication_start_latest(release.exam_end))


@transaction.atomic
def results_publish(*, release: ResultRelease, by: User, today: date | None = None) -> ResultRelease:
    """The center publishes the approved results (公示, R-CQ-12) for at least the profile's working days;
    rechecks may be asked until `recheck_until` (R-FJ-11). A publication after the latest start date
    (10 working days after the exam) goes ahead and is recorded as late: refusing it would keep the
    results from the candidates for good."""
    release = _release_locked(release)
    _require_center(by, release.plan)
    if release.status != Status.APPROVED:
        raise _status_refusal(release, "R-CQ-12", "公示（须先审核确认）")
    terms = publication_terms(release, today)
    return result_release_transition(
        release=release, to=Status.PUBLISHED, by=by,
        values={"publication_ends": terms.ends, "recheck_until": terms.recheck_until},
        after={"latest_start": terms.latest_start.isoformat(), "late": terms.late_days > 0,
               "late_days": terms.late_days})


# --- rechecks (R-FJ-11) -------------------------------------------------------------------------

@transaction.atomic
def recheck_request(*, result: Result, kind: str, reason: str, by: User,
                    today: date | None = None) -> RecheckRequest:
    """A recheck of a published result, asked by the candidate or by the institution for them, within
    the window and only for clerical errors: 漏登、错登、错统 (R-FJ-11)."""
    result = Result.objects.select_related("release__plan__institution", "application__candidate").get(pk=result.pk)
    # Locked: a finalisation or another recheck of the same result waits, or is waited for.
    release, plan = row_lock(result.release), result.release.plan
    own = by.role == Role.CANDIDATE and result.application.candidate.user_id == by.pk
    if not (own or is_institution_staff_of(by, plan.institution_id)):
        raise PermissionRefused("只有考生本人或报名考核机构可以申请复查")
    today = _today(today)
    if release.status != Status.PUBLISHED:
        raise RuleViolation("R-FJ-11",
                            f"成绩当前为“{release.get_status_display()}”，只能在成绩公布后的复查期内申请复查")
    if not sel.recheck_window_open(release, today):
        until = release.recheck_until
        raise RuleViolation("R-FJ-11", f"复查申请已于{until.year}年{until.month}月{until.day}日截止")
    if kind not in RecheckRequest.Kind.values:
        raise RuleViolation("R-FJ-11", "成绩复查只核对漏登、错登、错统分数，不涉及评分标准，请选择其中一类")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请说明申请复查的理由（哪一科目、哪一处登记或统计有误）"})
    if result.rechecks.filter(status=RecheckRequest.Status.PENDING).exists():
        raise ValidationError("该成绩已有待处理的复查申请，请等待中心处理")
    recheck = RecheckRequest.objects.create(result=result, kind=kind, reason=reason[:300], requested_by=by)
    audit_record(action=ScoringAction.RECHECK_REQUEST, actor=by, target=recheck,
                 after={**snapshot(recheck, ["kind", "reason", "status"]), "result": result.pk},
                 organisation_id=plan.institution_id)
    return recheck


def _recheck_for_decision(recheck: RecheckRequest, by: User, *, corrections: bool = False) -> RecheckRequest:
    recheck = RecheckRequest.objects.select_for_update(of=("self",)).select_related(
        "result__release__plan__institution", "result__release__plan__reviewing_center",
        "result__application").get(pk=recheck.pk)
    release = recheck.result.release
    _require_center(by, release.plan)
    if release.status != Status.PUBLISHED:
        raise RuleViolation("R-FJ-11", f"成绩已{release.get_status_display()}，不能再处理复查")
    allowed = {RecheckRequest.Status.PENDING} | ({RecheckRequest.Status.CORRECTED} if corrections else set())
    if recheck.status not in allowed:
        raise ValidationError(f"该复查已处理（{recheck.get_status_display()}）")
    return recheck


@transaction.atomic
def recheck_uphold(*, recheck: RecheckRequest, reason: str, by: User) -> RecheckRequest:
    """The center finds no clerical error and keeps the score, saying why (R-FJ-11)."""
    recheck = _recheck_for_decision(recheck, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写处理意见（核对了什么、为何维持原成绩）"})
    return recheck_transition(recheck=recheck, to=RecheckRequest.Status.UPHELD, by=by, reason=reason)


def _score_value(value, subject_score: SubjectScore) -> Decimal:
    try:
        score = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValidationError({"new_score": "请填写更正后的成绩（数字）"}) from exc
    full = subject_score.session.subject.full_marks if subject_score.session and subject_score.session.subject_id \
        else Decimal("100")
    if score < 0 or score > full:
        raise ValidationError({"new_score": f"成绩应在0到{full:g}之间"})
    return score


@transaction.atomic
def recheck_correct(*, recheck: RecheckRequest, subject_score: SubjectScore, new_score, reason: str,
                    by: User) -> ScoreCorrection:
    """The center corrects a clerical error found by a recheck (R-FJ-11): the one path that changes a
    score after submission. Writes a ScoreCorrection and an audit event, and composes the candidate's
    result again. Several subjects of one recheck may be corrected one after the other."""
    recheck = _recheck_for_decision(recheck, by, corrections=True)
    subject_score = SubjectScore.objects.select_for_update(of=("self",)).select_related("session__subject").get(
        pk=subject_score.pk)
    if subject_score.application_id != recheck.result.application_id:
        raise ValidationError({"subject_score": "只能更正本次复查考生本人的科目成绩"})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写更正理由（登记或统计错在何处）"})
    score = _score_value(new_score, subject_score)
    if subject_score.score == score:
        raise ValidationError({"new_score": "更正后的成绩与原成绩相同；无差错的请选择“维持原成绩”"})
    before = snapshot(subject_score, ["score", "attendance", "status"])
    correction = ScoreCorrection.objects.create(subject_score=subject_score, recheck=recheck,
                                                before=subject_score.score, after=score, by=by)
    subject_score.score = score
    if subject_score.attendance == "absent":  # 漏登: the candidate sat the exam after all
        subject_score.attendance = "present"
    subject_score.save(update_fields=["score", "attendance", "updated_at"])
    organisation_id = recheck.result.release.plan.institution_id
    audit_record(action=ScoringAction.SCORE_CORRECT, actor=by, target=subject_score, before=before,
                 after={**snapshot(subject_score, ["score", "attendance", "status"]), "recheck": recheck.pk,
                        "correction": correction.pk, "reason": reason[:300]},
                 organisation_id=organisation_id)
    result_before = snapshot(recheck.result, ["total", "outcome", "grade"])
    # The composition reads every score of the plan in one query; composing the plan again changes only
    # this candidate's result (the others' scores did not move).
    results_compose(plan=recheck.result.release.plan, by=by)
    result = Result.objects.get(pk=recheck.result_id)
    recheck_transition(recheck=recheck, to=RecheckRequest.Status.CORRECTED, by=by, reason=reason,
                       after={"result_before": result_before,
                              "result_after": snapshot(result, ["total", "outcome", "grade"])})
    return correction


# --- finality -----------------------------------------------------------------------------------

@transaction.atomic
def results_finalise(*, release: ResultRelease, by: User | None = None, today: date | None = None) -> ResultRelease:
    """After the publication period and the recheck window, with every recheck decided, the results
    become final (R-FJ-11, R-CQ-12): nothing changes them afterwards. `by` is None when the daily job
    (`results_finalise_due`) does it."""
    release = _release_locked(release)
    if by is not None:
        _require_center(by, release.plan)
    if release.status != Status.PUBLISHED:
        raise _status_refusal(release, "R-FJ-11", "确认为最终成绩")
    today = _today(today)
    last = max(release.recheck_until, release.publication_ends)
    if today <= last:
        raise RuleViolation("R-FJ-11", f"复查申请期至{last.year}年{last.month}月{last.day}日，期满后才能确认最终成绩")
    pending = RecheckRequest.objects.filter(result__release=release, status=RecheckRequest.Status.PENDING).count()
    if pending:
        raise RuleViolation("R-FJ-11", f"尚有{pending}项复查申请未处理，处理后才能确认最终成绩")
    count = Result.objects.filter(release=release).update(final=True, updated_at=timezone.now())
    return result_release_transition(release=release, to=Status.FINAL, by=by, after={"results": count})


def results_finalise_due(today: date | None = None) -> list[ResultRelease]:
    """Finalise every published release whose windows have passed without a pending recheck: what a
    daily job runs. Each release in its own transaction, so one refusal does not hold back the rest."""
    today = _today(today)
    done = []
    for release in ResultRelease.objects.filter(status=Status.PUBLISHED, recheck_until__lt=today,
                                                publication_ends__lt=today):
        if RecheckRequest.objects.filter(result__release=release, status=RecheckRequest.Status.PENDING).exists():
            continue
        done.append(results_finalise(release=release, today=today))
    return done


# --- evidence downloads -----------------------------------------------------------------------------

def summary_download_record(*, summary, by: User) -> None:
    """Who looked at a signed summary's photo (personal data: names and scores)."""
    audit_record(action=ScoringAction.SUMMARY_DOWNLOAD, actor=by, target=summary,
                 after={"session": summary.session_id, "room": summary.room_id},
                 organisation_id=summary.session.plan.institution_id)
