"""Every write of 补办 (R-FJ-15): the holder or the station applies with the ID document and a photo, the
issuing center approves (a new certificate with a new number, the old one "replaced") or rejects; a pending
request of a revoked certificate is rejected with it (`replacement_requests_transition`)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from kaowu.accounts.models import User
from kaowu.catalog.policy import policy_active
from kaowu.certificates import selectors as sel
from kaowu.certificates.audit import CertificateAction
from kaowu.certificates.models import Certificate, ReplacementRequest
from kaowu.certificates.services import (
    Status,
    certificate_build,
    certificate_locked,
    certificate_transition,
    number_plan_for,
    serials_take,
    today_or_local,
)
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.services import AuditRow, audit_record, audit_record_many
from kaowu.core.workdays import workdays_add
from kaowu.core.workflow import row_lock, transition_check
from kaowu.scoring.models import Result

RequestStatus = ReplacementRequest.Status

# A request is decided once: approved (a new certificate) or rejected (with a reason).
REPLACEMENT_REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    RequestStatus.PENDING: frozenset({RequestStatus.APPROVED, RequestStatus.REJECTED}),
    RequestStatus.APPROVED: frozenset(),
    RequestStatus.REJECTED: frozenset(),
}
REPLACEMENT_REQUEST_ACTIONS = {RequestStatus.APPROVED: CertificateAction.REPLACEMENT_APPROVE,
                               RequestStatus.REJECTED: CertificateAction.REPLACEMENT_REJECT}


def _decision_after(request: ReplacementRequest, today: date | None) -> dict:
    """The audit payload of a decision, as the approval and the rejection wrote it."""
    if request.status == RequestStatus.APPROVED:
        return {"old": request.certificate.number, "new": request.new_certificate.number,
                "late": today_or_local(today) > request.due_on}
    return {"certificate": request.certificate.number, "reason": request.decision_reason}


def replacement_request_transition(*, request: ReplacementRequest, to: str, by: User, reason: str = "",
                                   new_certificate: Certificate | None = None,
                                   today: date | None = None) -> ReplacementRequest:
    """Decide a (locked) request: approved with its `new_certificate`, or rejected for `reason`; `today`
    says whether the decision came after the deadline. The caller is atomic."""
    row_lock(request, fields=["status"])
    transition_check(table=REPLACEMENT_REQUEST_TRANSITIONS, status=RequestStatus, current=request.status, to=to,
                     noun="补办申请")
    request.status = to
    request.decided_by = by
    request.decided_at = timezone.now()
    if to == RequestStatus.APPROVED:
        request.new_certificate = new_certificate
        fields = ["status", "decided_by", "decided_at", "new_certificate", "updated_at"]
    else:
        request.decision_reason = reason[:300]
        fields = ["status", "decided_by", "decided_at", "decision_reason", "updated_at"]
    request.save(update_fields=fields)
    audit_record(action=REPLACEMENT_REQUEST_ACTIONS[to], actor=by, target=request,
                 after=_decision_after(request, today), organisation_id=request.certificate.plan.institution_id)
    return request


def replacement_requests_transition(*, requests: QuerySet[ReplacementRequest], to: str, by: User,
                                    reason: str = "") -> int:
    """Reject many requests in one update (a revoked certificate's pending ones), one audit event each, as
    `replacement_request_transition` would one by one. An approval is never bulk: each one has its own new
    certificate. The caller is atomic. Returns how many."""
    if to != RequestStatus.REJECTED:
        raise ValueError("only rejections are decided in bulk")
    requests = list(requests.select_for_update(of=("self",)).select_related("certificate__plan").order_by("pk"))
    for request in requests:
        transition_check(table=REPLACEMENT_REQUEST_TRANSITIONS, status=RequestStatus, current=request.status, to=to,
                         noun="补办申请")
    if not requests:
        return 0
    reason = reason[:300]
    now = timezone.now()
    ReplacementRequest.objects.filter(pk__in=[r.pk for r in requests]).update(
        status=to, decided_by=by, decided_at=now, decision_reason=reason, updated_at=now)
    return audit_record_many(
        action=REPLACEMENT_REQUEST_ACTIONS[to], actor=by, model=ReplacementRequest,
        rows=[AuditRow(object_id=r.pk, object_repr=str(r), organisation_id=r.certificate.plan.institution_id,
                       after={"certificate": r.certificate.number, "reason": reason}) for r in requests])


MAX_UPLOAD = 5 * 1024 * 1024


def _upload_check(upload: UploadedFile | None, field: str, label: str, allowed: tuple[str, ...]) -> None:
    if upload is None:
        raise ValidationError({field: f"请上传{label}（R-FJ-15）"})
    if upload.size > MAX_UPLOAD:
        raise ValidationError({field: f"{label}不能超过5MB"})
    head = upload.read(8)
    upload.seek(0)
    kinds = {"jpg": head.startswith(b"\xff\xd8\xff"), "png": head.startswith(b"\x89PNG"),
             "pdf": head.startswith(b"%PDF")}
    if not any(kinds[kind] for kind in allowed):
        raise ValidationError({field: f"{label}应为{'、'.join(k.upper() for k in allowed)}文件"})


@transaction.atomic
def replacement_apply(*, certificate: Certificate, reason: str, note: str = "", id_document: UploadedFile | None,
                      photo: UploadedFile | None, by: User, today: date | None = None) -> ReplacementRequest:
    """The holder, or the station for them, applies for a replacement with the ID document and a photo; the
    fee comes from the policy profile and the deadline is counted in working days (R-FJ-15)."""
    certificate = certificate_locked(certificate)
    if not (sel.is_holder(by, certificate) or sel.is_station_of(by, certificate)):
        raise PermissionRefused("只有持证人本人或其报名考核机构可以申请补办")
    if certificate.status != Status.VALID:
        raise RuleViolation("R-FJ-15", f"证书{certificate.number}当前为“{certificate.get_status_display()}”，不能补办")
    if reason not in ReplacementRequest.Reason.values:
        raise ValidationError({"reason": "请选择补办原因"})
    if ReplacementRequest.objects.filter(certificate=certificate, status=ReplacementRequest.Status.PENDING).exists():
        raise RuleViolation("R-FJ-15", f"证书{certificate.number}已有一份补办申请在审核中")
    _upload_check(id_document, "id_document", "身份证件扫描件", ("jpg", "png", "pdf"))
    _upload_check(photo, "photo", "照片", ("jpg",))
    policy = policy_active()
    today = today_or_local(today)
    request = ReplacementRequest.objects.create(
        certificate=certificate, reason=reason, note=(note or "").strip()[:300], id_document=id_document, photo=photo,
        fee=Decimal(policy.certificate_replacement_fee), applied_by=by, applied_on=today,
        due_on=workdays_add(today, policy.certificate_replacement_workdays))
    audit_record(action=CertificateAction.REPLACEMENT_APPLY, actor=by, target=request,
                 after={"certificate": certificate.number, "reason": reason, "fee": str(request.fee),
                        "due_on": request.due_on.isoformat()},
                 organisation_id=certificate.plan.institution_id)
    return request


def _replacement_locked(request: ReplacementRequest, by: User) -> ReplacementRequest:
    request = ReplacementRequest.objects.select_for_update(of=("self",)).select_related(
        "certificate__plan", "certificate__numbered_by").get(pk=request.pk)
    if not sel.is_numbering_center(by, request.certificate):
        raise PermissionRefused("补办申请由核发证书的鉴定中心审核")
    if request.status != ReplacementRequest.Status.PENDING:
        raise RuleViolation("R-FJ-15", f"该补办申请当前为“{request.get_status_display()}”，不能再次审核")
    return request


@transaction.atomic
def replacement_approve(*, request: ReplacementRequest, by: User, today: date | None = None) -> Certificate:
    """The issuing center approves: a new certificate with a new number (this year's sequence) and the new
    photo; the old one becomes "replaced" and its verification points to the new one."""
    # The certificate before the request, in the order a revocation takes them: two orders would deadlock.
    old = certificate_locked(request.certificate)
    request = _replacement_locked(request, by)
    if old.status != Status.VALID:
        raise RuleViolation("R-FJ-15", f"原证书当前为“{old.get_status_display()}”，不能补发")
    today = today_or_local(today)
    result = Result.objects.select_related(
        "application__candidate", "application__plan__institution", "application__plan__reviewing_center",
        "application__item__occupation", "application__item__special_item").get(pk=old.result_id)
    number_plan = number_plan_for(result=result, issued_on=today)
    (serial,) = serials_take(number_plan.sequence_key, 1, maximum=number_plan.maximum)
    content = {field: getattr(old, field) for field in (
        "holder_name", "holder_gender", "holder_id_type", "holder_id_number", "holder_id_masked", "item_code",
        "item_name", "level", "level_name", "grade")}
    content["photo_name"] = request.photo.name
    new = certificate_build(result=result, number_plan=number_plan, serial=serial, issued_on=today,
                            exam_date=old.exam_date, issuer=old.issuer, numbered_by=old.numbered_by,
                            content=content, replaces=old)
    new.save()
    certificate_transition(certificate=old, to=Status.REPLACED, by=by, successor=new)
    replacement_request_transition(request=request, to=RequestStatus.APPROVED, by=by, new_certificate=new,
                                   today=today)
    return new


def replacement_file_record(*, request: ReplacementRequest, which: str, by: User) -> None:
    """Who looked at a request's ID scan or photo (personal data)."""
    audit_record(action=CertificateAction.REPLACEMENT_FILE, actor=by, target=request, after={"file": which},
                 organisation_id=request.certificate.plan.institution_id)


@transaction.atomic
def replacement_reject(*, request: ReplacementRequest, reason: str, by: User) -> ReplacementRequest:
    request = _replacement_locked(request, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写不予补办的原因"})
    return replacement_request_transition(request=request, to=RequestStatus.REJECTED, by=by, reason=reason)
