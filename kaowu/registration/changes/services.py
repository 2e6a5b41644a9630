"""Services for changes to a candidate's data (R-LN-5b).

Before any of the candidate's applications is submitted, the data is the candidate's own and a
change applies at once. From submission on, reviewers have checked it against the originals, so a
change is a request that the center reviewing the application approves; on approval the candidate
record itself changes, and every later document (tickets, results, certificates) shows the approved
data. One pending request per candidate at a time, so two requests cannot overwrite each other.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaowu.accounts.models import User
from kaowu.core.errors import RuleViolation
from kaowu.core.services import audit_record
from kaowu.core.workflow import transition_check
from kaowu.registration.audit import CHANGE_REQUEST_ACTIONS, RegistrationAction
from kaowu.registration.models import Application, Candidate, CandidateChangeRequest
from kaowu.registration.services import (
    _candidate_clean,
    _require_candidate_or_staff,
    _require_center_of,
    candidate_applications_lock,
)

Status = Application.Status
ChangeStatus = CandidateChangeRequest.Status

# The fields of the 申报表 a change may touch; the photo has its own path through the institution.
CHANGEABLE_FIELDS = ("name", "gender", "birth_date", "education", "id_type", "id_number", "address",
                     "postal_code", "phone", "employer")
# While every application is in one of these, nobody has reviewed the data yet.
UNREVIEWED = {Status.DRAFT, Status.RETURNED, Status.WITHDRAWN, Status.REFUNDED}


def candidate_data_locked(candidate: Candidate) -> bool:
    """True once any application of the candidate has been submitted and not withdrawn (R-LN-5b)."""
    return candidate.applications.exclude(status__in=UNREVIEWED).exists()


def _as_json(value) -> str:
    return value.isoformat() if isinstance(value, date) else ("" if value is None else str(value))


def _changed(candidate: Candidate, proposed: dict) -> dict:
    """The fields whose proposed value differs from the record, as {field: {"old": .., "new": ..}}."""
    unknown = set(proposed) - set(CHANGEABLE_FIELDS)
    if unknown:
        raise ValidationError(f"以下信息不能通过变更申请修改：{'、'.join(sorted(unknown))}")
    changes = {}
    for field in CHANGEABLE_FIELDS:
        if field not in proposed:
            continue
        old, new = _as_json(getattr(candidate, field)), _as_json(proposed[field])
        if field == "id_number":
            new = new.strip().upper()
        if old != new:
            changes[field] = {"old": old, "new": new}
    return changes


def _validated(candidate: Candidate, changes: dict) -> dict:
    """The candidate's data with the changes applied, checked as a new candidate would be."""
    data = {field: getattr(candidate, field) for field in CHANGEABLE_FIELDS}
    data.update({field: change["new"] for field, change in changes.items()})
    if isinstance(data["birth_date"], str):
        try:
            data["birth_date"] = date.fromisoformat(data["birth_date"])
        except ValueError:
            raise ValidationError({"birth_date": "出生日期格式应为 YYYY-MM-DD"}) from None
    data = _candidate_clean(data)
    trial = Candidate(pk=candidate.pk, **data)
    # Uniqueness is checked below against the other candidates, not against this one.
    trial.full_clean(exclude=["user", "photo"], validate_unique=False, validate_constraints=False)
    if Candidate.objects.filter(id_type=data["id_type"], id_number=data["id_number"]).exclude(pk=candidate.pk).exists():
        raise ValidationError({"id_number": "该证件号码已登记为另一名考生"})
    return data


def _apply(candidate: Candidate, data: dict, changes: dict) -> None:
    """Write the changed fields; the candidate's account follows (its username is the ID number)."""
    for field in changes:
        setattr(candidate, field, data[field])
    candidate.save()
    user = candidate.user
    if user is not None and {"name", "id_number"} & set(changes):
        if "id_number" in changes:
            if User.objects.filter(username=candidate.id_number).exclude(pk=user.pk).exists():
                raise ValidationError({"id_number": "该证件号码已被另一个账号使用"})
            user.username = candidate.id_number
        user.full_name = candidate.name
        user.save(update_fields=["username", "full_name"])


@transaction.atomic
def candidate_data_change(*, application: Application, by: User, proposed: dict,
                          reason: str = "") -> CandidateChangeRequest | Candidate:
    """Change a candidate's data: at once while nothing was reviewed, else as a request (R-LN-5b).

    Returns the updated candidate, or the pending request."""
    _require_candidate_or_staff(by, application)
    candidate = Candidate.objects.select_for_update().get(pk=application.candidate_id)
    # Whether the data was reviewed depends on the applications' statuses: a submission waits for this change.
    candidate_applications_lock(candidate)
    changes = _changed(candidate, proposed)
    if not changes:
        raise ValidationError("没有需要变更的信息")
    data = _validated(candidate, changes)
    if not candidate_data_locked(candidate):
        _apply(candidate, data, changes)
        audit_record(action=RegistrationAction.CANDIDATE_UPDATE, actor=by, target=candidate,
                     organisation=application.plan.institution,
                     before={f: c["old"] for f, c in changes.items()}, after={f: c["new"] for f, c in changes.items()})
        return candidate
    if not reason.strip():
        raise ValidationError({"reason": "报名提交后变更信息须写明原因，由中心审核"})
    if candidate.change_requests.filter(status=ChangeStatus.PENDING).exists():
        raise ValidationError("该考生已有待审核的信息变更申请，请等待中心审核后再提交")
    change_request = CandidateChangeRequest.objects.create(
        application=application, candidate=candidate, changes=changes, reason=reason.strip(), requested_by=by)
    audit_record(action=RegistrationAction.CANDIDATE_CHANGE_REQUEST, actor=by, target=change_request,
                 organisation=application.plan.institution, after={"fields": sorted(changes)})
    return change_request


# The one list of allowed moves of a change request: the center decides a pending one, once.
CHANGE_REQUEST_TRANSITIONS: dict[str, set[str]] = {
    ChangeStatus.PENDING: {ChangeStatus.APPROVED, ChangeStatus.REJECTED},
    ChangeStatus.APPROVED: set(),
    ChangeStatus.REJECTED: set(),
}


def change_request_transition(*, change_request: CandidateChangeRequest, to: str, by: User | None,
                              reason: str = "") -> CandidateChangeRequest:
    """Decide a change request: the status, who decided when and why, and the audit event (an approval
    records the old and new values, a refusal its reason). Called inside the caller's transaction."""
    transition_check(table=CHANGE_REQUEST_TRANSITIONS, status=ChangeStatus, current=change_request.status, to=to,
                     noun="信息变更申请")
    change_request.status = to
    change_request.decided_by, change_request.decided_at = by, timezone.now()
    change_request.decision_reason = reason.strip()
    change_request.save()
    if to == ChangeStatus.APPROVED:
        payload = {"before": {f: c["old"] for f, c in change_request.changes.items()},
                   "after": {f: c["new"] for f, c in change_request.changes.items()}}
    else:
        payload = {"after": {"reason": reason.strip()}}
    audit_record(action=CHANGE_REQUEST_ACTIONS[to], actor=by, target=change_request,
                 organisation=change_request.application.plan.institution, **payload)
    return change_request


def _pending(change_request: CandidateChangeRequest, by: User) -> CandidateChangeRequest:
    """Lock the request, check it is still pending and that `by` is its center."""
    locked = CandidateChangeRequest.objects.select_for_update(of=("self",)).select_related(
        "application__plan__reviewing_center", "candidate").get(pk=change_request.pk)
    _require_center_of(by, locked.application)
    if locked.status != ChangeStatus.PENDING:
        raise ValidationError(f"该申请已{locked.get_status_display()}，不能再审核")
    return locked


@transaction.atomic
def change_request_approve(*, change_request: CandidateChangeRequest, by: User, note: str = "") -> Candidate:
    """The center approves: the candidate record takes the new values (R-LN-5b)."""
    change_request = _pending(change_request, by)
    candidate = Candidate.objects.select_for_update().get(pk=change_request.candidate_id)
    for field, change in change_request.changes.items():
        if _as_json(getattr(candidate, field)) != change["old"]:
            raise RuleViolation("R-LN-5b", "申请提交后考生信息已有变化，本申请已过时，请驳回后重新申请")
    _apply(candidate, _validated(candidate, change_request.changes), change_request.changes)
    change_request_transition(change_request=change_request, to=ChangeStatus.APPROVED, by=by, reason=note)
    return candidate


@transaction.atomic
def change_request_reject(*, change_request: CandidateChangeRequest, by: User, reason: str) -> CandidateChangeRequest:
    change_request = _pending(change_request, by)
    if not reason.strip():
        raise ValidationError({"reason": "不同意变更须写明原因"})
    return change_request_transition(change_request=change_request, to=ChangeStatus.REJECTED, by=by, reason=reason)
