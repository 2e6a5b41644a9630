"""补办 (R-FJ-15): applying (fee and deadline from the profile, the files required), who may apply, the
approval (a new number, the old certificate pointing to it) and the rejection."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kaowu.catalog.models import PolicyProfile
from kaowu.certificates import services
from kaowu.certificates.audit import CertificateAction
from kaowu.certificates.models import Certificate, ReplacementRequest
from kaowu.certificates.numbering import skill_level_number_parse
from kaowu.certificates.replacement import services as replacement
from kaowu.certificates.tests.support import ISSUE_DAY, issue, photo_jpeg
from kaowu.certificates.verification import selectors as lookup
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.models import AuditEvent
from kaowu.core.workflow import TransitionRefused

pytestmark = pytest.mark.django_db


def uploads():
    return {"id_document": SimpleUploadedFile("id.pdf", b"%PDF-1.4 scan", content_type="application/pdf"),
            "photo": SimpleUploadedFile("p.jpg", photo_jpeg(), content_type="image/jpeg")}


def test_r_fj_15_the_station_applies_the_fee_and_the_working_day_deadline_come_from_the_profile(
        final, chengdu_reviewer, institution_clerk):
    certificate = issue(final, chengdu_reviewer)[0]
    request = replacement.replacement_apply(certificate=certificate, reason="lost", by=institution_clerk,
                                         today=date(2026, 9, 28), **uploads())
    assert request.fee == Decimal("10.00")
    # 15 working days from Monday 28 September 2026 skip the 国庆 holiday (1–7 October) and count the
    # make-up Saturday 10 October: Friday 23 October.
    assert request.due_on == date(2026, 10, 23)
    PolicyProfile.objects.filter(is_active=True).update(certificate_replacement_fee=Decimal("20"))
    with pytest.raises(RuleViolation, match="已有一份补办申请"):
        replacement.replacement_apply(certificate=certificate, reason="lost", by=institution_clerk, **uploads())


def test_r_fj_15_an_application_without_the_photo_or_id_scan_is_refused(final, chengdu_reviewer, institution_clerk):
    certificate = issue(final, chengdu_reviewer)[0]
    with pytest.raises(ValidationError) as refused:
        replacement.replacement_apply(certificate=certificate, reason="lost", by=institution_clerk,
                                   id_document=uploads()["id_document"], photo=None)
    assert "照片" in str(refused.value)
    bad = SimpleUploadedFile("p.jpg", b"GIF89a...", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="JPG"):
        replacement.replacement_apply(certificate=certificate, reason="lost", by=institution_clerk,
                                   id_document=uploads()["id_document"], photo=bad)
    assert not ReplacementRequest.objects.exists()


def test_r_fj_15_another_institution_or_candidate_cannot_apply(final, chengdu_reviewer, other_institution_clerk,
                                                               candidate):
    certificate = issue(final, chengdu_reviewer)[0]
    for outsider in (other_institution_clerk, candidate):
        with pytest.raises(PermissionRefused):
            replacement.replacement_apply(certificate=certificate, reason="lost", by=outsider, **uploads())


def test_r_fj_15_approval_issues_a_new_number_and_the_old_one_points_to_it(final, chengdu_reviewer,
                                                                           institution_clerk, mianyang_reviewer):
    certificates = issue(final, chengdu_reviewer)
    old = certificates[0]
    request = replacement.replacement_apply(certificate=old, reason="damaged", by=institution_clerk, **uploads())
    with pytest.raises(PermissionRefused):
        replacement.replacement_approve(request=request, by=mianyang_reviewer)
    new = replacement.replacement_approve(request=request, by=chengdu_reviewer, today=ISSUE_DAY)
    assert skill_level_number_parse(new.number).serial == 4  # the next one of the same sequence
    assert new.replaces_id == old.pk and new.photo_name == ReplacementRequest.objects.get().photo.name
    old_view = lookup.certificate_verify_lookup(number=old.number, name=old.holder_name)
    assert not old_view.valid and old_view.status_label == "已补发新证" and old_view.replaced_by == new.number
    assert lookup.certificate_verify_lookup(number=new.number, name=new.holder_name).valid
    with pytest.raises(RuleViolation):
        replacement.replacement_approve(request=request, by=chengdu_reviewer)


def test_r_fj_15_a_rejection_needs_a_reason_and_leaves_the_certificate_valid(final, chengdu_reviewer, candidate,
                                                                              institution_clerk):
    certificate = issue(final, chengdu_reviewer)[0]
    request = replacement.replacement_apply(certificate=certificate, reason="lost", by=institution_clerk, **uploads())
    with pytest.raises(ValidationError):
        replacement.replacement_reject(request=request, reason="", by=chengdu_reviewer)
    replacement.replacement_reject(request=request, reason="照片不符合要求", by=chengdu_reviewer)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID
    assert ReplacementRequest.objects.get().status == ReplacementRequest.Status.REJECTED


def test_a_rejected_replacement_request_cannot_be_approved_afterwards(final, chengdu_reviewer, institution_clerk):
    certificate = issue(final, chengdu_reviewer)[0]
    request = replacement.replacement_apply(certificate=certificate, reason="lost", by=institution_clerk,
                                            **uploads())
    request = replacement.replacement_reject(request=request, reason="照片不符合要求", by=chengdu_reviewer)
    with pytest.raises(TransitionRefused) as refused:
        replacement.replacement_request_transition(request=request, to=ReplacementRequest.Status.APPROVED,
                                                   by=chengdu_reviewer)
    assert "补办申请当前状态为“未通过”，不能变为“已补发”" in str(refused.value)
    assert ReplacementRequest.objects.get().status == ReplacementRequest.Status.REJECTED


def test_revoking_a_certificate_rejects_its_pending_replacement_request_with_an_audit_event(
        final, chengdu_reviewer, institution_clerk):
    certificate = issue(final, chengdu_reviewer)[0]
    request = replacement.replacement_apply(certificate=certificate, reason="lost", by=institution_clerk,
                                            **uploads())
    services.certificate_revoke(certificate=certificate, reason="提供虚假材料（R-LN-3）", by=chengdu_reviewer)
    request.refresh_from_db()
    assert request.status == ReplacementRequest.Status.REJECTED and request.decision_reason == "原证书已撤销"
    assert request.decided_by == chengdu_reviewer
    event = AuditEvent.objects.get(action=CertificateAction.REPLACEMENT_REJECT)
    assert event.object_id == str(request.pk)
    assert event.after == {"certificate": certificate.number, "reason": "原证书已撤销"}
