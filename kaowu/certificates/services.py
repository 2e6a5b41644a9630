"""Every write of the certificates app's core: issuing with gap-free numbers (R-SC24-9, R-CERT-NO,
R-SC24-12), the certificate's status workflow (`certificate_transition`) and revocation (R-LN-3). The
sub-areas have their own: replacement (补办, R-FJ-15), printing, reports and the public verification.

Numbering: certificates are issued per plan by the center that reviewed it, once its results are final
(R-CQ-14: published without objection). Each number's sequence has a counter row that the issuing
transaction locks (in key order, so two issuers never wait on each other crosswise); the serials it hands
out are the counter's next ones, and the unique (sequence, serial) and number constraints stand behind it.
A transaction that fails gives its serials back with its rollback, so no number is lost (gap-free).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaowu.accounts.models import Organisation, User
from kaowu.certificates import selectors as sel
from kaowu.certificates.audit import CertificateAction
from kaowu.certificates.keys import signing_key
from kaowu.certificates.models import Certificate, CertificateKind, CertificateSequence, ReplacementRequest
from kaowu.certificates.numbering import (
    DEFAULT_LOCAL_TEMPLATE,
    LEVEL_NAMES,
    CertificateNumberError,
    LocalFormat,
    next_serial,
    skill_level_number_make,
)
from kaowu.certificates.signing import certificate_sign
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.ids import id_mask
from kaowu.core.services import audit_record, snapshot
from kaowu.core.workflow import row_lock, transition_check
from kaowu.scoring.models import Result, ResultRelease

Status = Certificate.Status
ReplacementStatus = ReplacementRequest.Status


def today_or_local(today: date | None) -> date:
    return today or timezone.localdate()


# --- numbering -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NumberPlan:
    """How the certificates of one result are numbered: the kind, the sequence and how to write a serial."""

    kind: str
    sequence_key: str
    render: object  # serial -> number text
    maximum: int


def number_plan_for(*, result: Result, issued_on: date) -> NumberPlan:
    """The sequence a result's certificate is numbered in. Refusals name R-CERT-NO and what is missing."""
    application = result.application
    plan = application.plan
    item = application.item
    if item.special_item_id:
        center = plan.reviewing_center
        try:
            local = LocalFormat(center.certificate_number_template or DEFAULT_LOCAL_TEMPLATE)
            parts = {"city": center.region_code, "year": issued_on.year, "item": item.special_item.code}
            key = local.sequence_key(**parts)
        except CertificateNumberError as exc:
            raise RuleViolation("R-SC24-12", f"{center.name}的专项证书编号格式有误：{exc}") from exc
        return NumberPlan(CertificateKind.SPECIAL, key, lambda serial: local.format(serial=serial, **parts),
                          local.serial_max)
    body = plan.institution
    missing = [label for label, value in (("评价机构类型", body.evaluation_body_kind),
                                          ("评价机构代码", body.evaluation_body_code),
                                          ("评价机构序号", body.evaluation_body_sequence)) if not value]
    if missing:
        raise RuleViolation("R-CERT-NO", f"{body.name}尚未登记{'、'.join(missing)}，无法生成职业技能等级证书编号；"
                                         "请在机构信息中补充后再核发")
    try:
        first = skill_level_number_make(
            kind=body.evaluation_body_kind, body_code=body.evaluation_body_code, province=body.region_code[:2],
            body_sequence=body.evaluation_body_sequence, year=issued_on.year, level=item.level, serial=1)
    except CertificateNumberError as exc:
        raise RuleViolation("R-CERT-NO", f"{body.name}的证书编号要素有误：{exc}") from exc
    return NumberPlan(CertificateKind.SKILL_LEVEL, first.sequence_key,
                      lambda serial: f"{first.sequence_key}{serial:06d}", 999_999)


def serials_take(key: str, count: int, *, maximum: int) -> list[int]:
    """`count` consecutive serials of a sequence, from its locked counter row (see the module docstring)."""
    CertificateSequence.objects.bulk_create([CertificateSequence(key=key)], ignore_conflicts=True)
    counter = CertificateSequence.objects.select_for_update().get(key=key)
    serials = []
    last = counter.last_serial
    for _ in range(count):
        try:
            last = next_serial(last, maximum=maximum)
        except CertificateNumberError as exc:
            raise RuleViolation("R-CERT-NO", f"编号序列{key}：{exc}") from exc
        serials.append(last)
    counter.last_serial = last
    counter.save(update_fields=["last_serial"])
    return serials


def _content_of(result: Result) -> dict:
    application = result.application
    candidate = application.candidate
    item = application.item
    subject = item.special_item if item.special_item_id else item.occupation
    return {
        "holder_name": candidate.name, "holder_gender": candidate.gender, "holder_id_type": candidate.id_type,
        "holder_id_number": candidate.id_number, "holder_id_masked": id_mask(candidate.id_number),
        "item_code": subject.code, "item_name": subject.name,
        "level": None if item.special_item_id else item.level,
        "level_name": "" if item.special_item_id else LEVEL_NAMES.get(item.level, ""),
        "grade": result.grade if item.special_item_id else "",
        "photo_name": candidate.photo.name if candidate.photo else "",
    }


def certificate_build(*, result: Result, number_plan: NumberPlan, serial: int, issued_on: date, exam_date: date,
                       issuer: Organisation, numbered_by: Organisation, content: dict,
                       replaces: Certificate | None = None) -> Certificate:
    number = number_plan.render(serial)
    return Certificate(
        number=number, kind=number_plan.kind, sequence_key=number_plan.sequence_key, serial=serial,
        result=result, candidate_id=result.application.candidate_id, plan_id=result.application.plan_id,
        replaces=replaces, exam_date=exam_date, issued_on=issued_on, issuer=issuer, issuer_name=issuer.name,
        numbered_by=numbered_by,
        signature=certificate_sign(signing_key(), number=number, name=content["holder_name"], issued_on=issued_on),
        **content,
    )


def issuer_of(result: Result) -> Organisation:
    """Who a certificate names as issuer: the evaluation body for 职业技能等级证书 (it issues them under
    its registration), the center where the exam took place for 专项 certificates (R-SC24-12)."""
    plan = result.application.plan
    return plan.reviewing_center if result.application.item.special_item_id else plan.institution


@transaction.atomic
def certificates_issue(*, release: ResultRelease, by: User, today: date | None = None) -> list[Certificate]:
    """The center approves the certificates of a plan's final results and numbers them (R-SC24-9, R-CQ-14):
    one per passed result that has none yet. Returns the new certificates in number order."""
    release = ResultRelease.objects.select_for_update(of=("self",)).select_related(
        "plan__institution", "plan__reviewing_center").get(pk=release.pk)
    plan = release.plan
    if not sel.can_issue(by, plan):
        raise PermissionRefused(f"本计划的证书由{plan.reviewing_center.name}核发，您无权操作")
    if release.status != ResultRelease.Status.FINAL:
        raise RuleViolation("R-CQ-14", f"{plan.name}的成绩当前为“{release.get_status_display()}”；"
                                       "成绩公示无异议并确认为最终成绩后才能核发证书")
    today = today_or_local(today)
    results = list(
        Result.objects.filter(release=release, outcome=Result.Outcome.PASSED, certificates__isnull=True)
        .select_related("application__candidate", "application__plan__institution",
                        "application__plan__reviewing_center", "application__item__occupation",
                        "application__item__special_item")
        .order_by("application__item_id", "application__candidate__id_number")
    )
    if not results:
        raise RuleViolation("R-CQ-14", f"{plan.name}没有待核发证书的合格人员")
    groups: dict[str, list[tuple[Result, NumberPlan]]] = defaultdict(list)
    for result in results:
        number_plan = number_plan_for(result=result, issued_on=today)
        groups[number_plan.sequence_key].append((result, number_plan))
    certificates = []
    numbered_by = plan.reviewing_center
    for key in sorted(groups):  # one lock order for every issuer: no deadlock between two plans
        members = groups[key]
        serials = serials_take(key, len(members), maximum=members[0][1].maximum)
        for (result, number_plan), serial in zip(members, serials, strict=True):
            certificates.append(certificate_build(
                result=result, number_plan=number_plan, serial=serial, issued_on=today, exam_date=release.exam_end,
                issuer=issuer_of(result), numbered_by=numbered_by, content=_content_of(result)))
    Certificate.objects.bulk_create(certificates)
    numbers = sorted(c.number for c in certificates)
    audit_record(action=CertificateAction.ISSUE, actor=by, target=release,
                 after={"count": len(certificates), "first": numbers[0], "last": numbers[-1],
                        "sequences": {key: len(members) for key, members in groups.items()}},
                 organisation_id=plan.institution_id)
    return sorted(certificates, key=lambda c: c.number)



# --- the certificate's status ----------------------------------------------------------------------

# A certificate is valid until it is revoked (R-LN-3) or replaced by a new one (R-FJ-15); neither comes back.
CERTIFICATE_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.VALID: frozenset({Status.REVOKED, Status.REPLACED}),
    Status.REVOKED: frozenset(),
    Status.REPLACED: frozenset(),
}
CERTIFICATE_ACTIONS = {Status.REVOKED: CertificateAction.REVOKE, Status.REPLACED: CertificateAction.REPLACE}


def certificate_transition(*, certificate: Certificate, to: str, by: User, reason: str = "",
                           successor: Certificate | None = None) -> Certificate:
    """Move a (locked) certificate to `to`, stamping when; a revocation keeps its reason (public on
    verification), a replacement names its `successor` in the audit event. The caller is atomic."""
    row_lock(certificate, fields=["status"])
    transition_check(table=CERTIFICATE_TRANSITIONS, status=Status, current=certificate.status, to=to, noun="证书")
    before = snapshot(certificate, ["status", "status_reason"])
    certificate.status = to
    fields = ["status", "status_changed_at", "updated_at"]
    if to == Status.REVOKED:
        certificate.status_reason = reason[:300]
        fields.insert(1, "status_reason")
    certificate.status_changed_at = timezone.now()
    certificate.save(update_fields=fields)
    after = snapshot(certificate, ["status", "status_reason"])
    if successor is not None:
        after["replaced_by"] = successor.number
    audit_record(action=CERTIFICATE_ACTIONS[to], actor=by, target=certificate, before=before, after=after,
                 organisation_id=certificate.plan.institution_id)
    return certificate


# --- revocation ------------------------------------------------------------------------------------

def certificate_locked(certificate: Certificate) -> Certificate:
    return Certificate.objects.select_for_update(of=("self",)).select_related("plan", "candidate", "numbered_by").get(
        pk=certificate.pk)


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str, by: User) -> Certificate:
    """The issuing center revokes a certificate, e.g. for false materials (R-LN-3); verification shows it."""
    certificate = certificate_locked(certificate)
    if not sel.is_numbering_center(by, certificate):
        raise PermissionRefused("只有核发该证书的鉴定中心可以撤销证书")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写撤销原因，如：提供虚假材料取得（R-LN-3）"})
    if certificate.status != Status.VALID:  # the rule's own words before the transition's generic ones
        raise RuleViolation("R-LN-3", f"证书{certificate.number}当前为“{certificate.get_status_display()}”，不能撤销")
    certificate_transition(certificate=certificate, to=Status.REVOKED, by=by, reason=reason)
    # A replacement waiting for a revoked certificate has nothing left to replace. Imported here: the
    # replacement sub-area builds on this module (numbers, the certificate's transition).
    from kaowu.certificates.replacement.selectors import replacements_pending_of
    from kaowu.certificates.replacement.services import replacement_requests_transition

    replacement_requests_transition(requests=replacements_pending_of(certificate), to=ReplacementStatus.REJECTED,
                                    by=by, reason="原证书已撤销")
    return certificate

