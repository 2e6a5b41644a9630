"""Issuing (R-SC24-9, R-CQ-14, R-CERT-NO, R-SC24-12), revocation (R-LN-3) and replacement (R-FJ-15)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kaowu.catalog.models import PolicyProfile
from kaowu.certificates import selectors, services
from kaowu.certificates.keys import verifying_key
from kaowu.certificates.models import Certificate, CertificateSequence, ReplacementRequest
from kaowu.certificates.numbering import skill_level_number_parse
from kaowu.certificates.signing import certificate_verify
from kaowu.certificates.tests.support import ISSUE_DAY, final_release_build, photo_jpeg
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.models import AuditEvent
from kaowu.scoring.models import ResultRelease

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def final(institution_clerk, chengdu_reviewer):
    return final_release_build(institution_clerk, passed=3, failed=1)


def issue(final, by, today=ISSUE_DAY):
    return services.certificates_issue(release=final.release, by=by, today=today)


def test_r_cert_no_the_center_numbers_every_passed_result_in_one_gap_free_sequence(final, chengdu_reviewer):
    certificates = issue(final, chengdu_reviewer)
    assert len(certificates) == 3  # the failed result gets none
    numbers = [skill_level_number_parse(c.number) for c in certificates]
    assert [n.serial for n in numbers] == [1, 2, 3]
    first = numbers[0]
    assert (first.kind, first.body_code, first.province, first.body_sequence, first.year, first.level) == (
        "S", "5101", "51", "000123", "26", 4)
    assert all(len(c.number) == 22 for c in certificates)
    assert CertificateSequence.objects.get(key=first.sequence_key).last_serial == 3
    event = AuditEvent.objects.get(action="certificates.issue")
    assert event.after["count"] == 3 and event.actor == chengdu_reviewer


def test_r_cert_no_a_second_plan_of_the_same_body_and_level_continues_the_sequence(final, institution_clerk,
                                                                                     chengdu_reviewer):
    issue(final, chengdu_reviewer)
    second = final_release_build(institution_clerk, passed=2, failed=0, name="一站第10批次", first_serial=100)
    serials = [skill_level_number_parse(c.number).serial for c in issue(second, chengdu_reviewer)]
    assert serials == [4, 5]


def test_r_cert_no_a_new_year_starts_its_own_sequence_at_one(final, institution_clerk, chengdu_reviewer):
    issue(final, chengdu_reviewer)
    second = final_release_build(institution_clerk, passed=1, failed=0, name="一站第10批次", first_serial=100)
    (certificate,) = issue(second, chengdu_reviewer, today=date(2027, 1, 5))
    number = skill_level_number_parse(certificate.number)
    assert (number.year, number.serial) == ("27", 1)


def test_r_cq_14_certificates_wait_until_the_results_are_final(institution_clerk, chengdu_reviewer):
    published = final_release_build(institution_clerk, status=ResultRelease.Status.PUBLISHED)
    with pytest.raises(RuleViolation) as refused:
        issue(published, chengdu_reviewer)
    assert refused.value.rule_id == "R-CQ-14" and "公示中" in refused.value.message
    assert not Certificate.objects.exists()


def test_r_cq_14_issuing_twice_numbers_nobody_twice(final, chengdu_reviewer):
    issue(final, chengdu_reviewer)
    with pytest.raises(RuleViolation, match="没有待核发"):
        issue(final, chengdu_reviewer)
    assert Certificate.objects.count() == 3


def test_r_sc24_9_only_the_plans_center_or_the_province_issues(final, mianyang_reviewer, institution_clerk,
                                                               province_admin):
    for outsider in (mianyang_reviewer, institution_clerk):
        with pytest.raises(PermissionRefused):
            issue(final, outsider)
    assert len(issue(final, province_admin)) == 3


def test_r_cert_no_an_institution_without_its_evaluation_body_registration_is_refused_and_nothing_is_numbered(
        final, chengdu_reviewer, chengdu_institution):
    type(chengdu_institution).objects.filter(pk=chengdu_institution.pk).update(evaluation_body_code="")
    with pytest.raises(RuleViolation) as refused:
        issue(final, chengdu_reviewer)
    assert refused.value.rule_id == "R-CERT-NO" and "评价机构代码" in refused.value.message
    assert not Certificate.objects.exists() and not CertificateSequence.objects.filter(last_serial__gt=0).exists()


def test_r_sc24_12_special_certificates_are_numbered_by_the_city_center_in_its_own_format(
        institution_clerk, chengdu_reviewer, chengdu):
    special = final_release_build(institution_clerk, passed=2, failed=0, special=True)
    certificates = issue(special, chengdu_reviewer)
    assert [c.number for c in certificates] == ["ZX5101002026000001", "ZX5101002026000002"]
    assert all(c.issuer_id == chengdu.pk and c.grade == "良好" and c.level is None for c in certificates)
    type(chengdu).objects.filter(pk=chengdu.pk).update(certificate_number_template="CD-{item}-{year}-{serial:04d}")
    more = final_release_build(institution_clerk, passed=1, failed=0, special=True, name="专项第2批", first_serial=50)
    assert [c.number for c in issue(more, chengdu_reviewer)] == ["CD-SC2024-01-2026-0001"]


def test_the_certificate_keeps_what_was_true_on_its_issue_date_and_is_signed(final, chengdu_reviewer):
    certificate = issue(final, chengdu_reviewer)[0]
    candidate = certificate.candidate
    assert certificate.holder_name == candidate.name and certificate.holder_id_number == candidate.id_number
    assert certificate.holder_id_masked == candidate.id_number[:6] + "********" + candidate.id_number[-4:]
    assert (certificate.item_name, certificate.level_name, certificate.exam_date, certificate.issued_on) == (
        "育婴员", "四级/中级工", final.release.exam_end, ISSUE_DAY)
    assert certificate_verify(verifying_key(), number=certificate.number, name=certificate.holder_name,
                              issued_on=certificate.issued_on, signature=certificate.signature)
    candidate.name = "改名"
    candidate.save()
    certificate.refresh_from_db()
    assert certificate.holder_name != "改名"


# --- verification -----------------------------------------------------------------------------------

def test_verification_needs_the_number_and_the_name_and_shows_only_the_public_fields(final, chengdu_reviewer):
    certificate = issue(final, chengdu_reviewer)[0]
    found = selectors.certificate_verify_lookup(number=certificate.number.lower(), name=f" {certificate.holder_name} ")
    assert found is not None and found.valid and found.holder_id_masked == certificate.holder_id_masked
    assert not hasattr(found, "holder_id_number")
    assert selectors.certificate_verify_lookup(number=certificate.number, name="别人") is None
    wrong_number = certificate.number[:-1] + "9"
    assert selectors.certificate_verify_lookup(number=wrong_number, name=certificate.holder_name) is None


def test_verification_is_audited_and_rate_limited_per_address(final, chengdu_reviewer, settings):
    from kaowu.core.context import request_ip

    certificate = issue(final, chengdu_reviewer)[0]
    settings.KAOWU_VERIFY_PER_MINUTE = 3
    token = request_ip.set("203.0.113.9")
    try:
        for _ in range(3):
            assert services.certificate_verify_public(number=certificate.number, name=certificate.holder_name)
        with pytest.raises(services.VerifyLimited):
            services.certificate_verify_public(number=certificate.number, name=certificate.holder_name)
        request_ip.set("203.0.113.10")
        assert services.certificate_verify_public(number="S000000000000000000000", name="某人") is None
    finally:
        request_ip.reset(token)
    events = AuditEvent.objects.filter(action="certificates.verify")
    assert events.count() == 4 and events.filter(after__found=False).count() == 1


# --- revocation ----------------------------------------------------------------------------------

def test_r_ln_3_the_center_revokes_with_a_reason_and_verification_shows_it(final, chengdu_reviewer, mianyang_reviewer):
    certificate = issue(final, chengdu_reviewer)[0]
    with pytest.raises(PermissionRefused):
        services.certificate_revoke(certificate=certificate, reason="虚假材料", by=mianyang_reviewer)
    with pytest.raises(ValidationError):
        services.certificate_revoke(certificate=certificate, reason=" ", by=chengdu_reviewer)
    services.certificate_revoke(certificate=certificate, reason="提供虚假工作年限证明（R-LN-3）", by=chengdu_reviewer)
    found = selectors.certificate_verify_lookup(number=certificate.number, name=certificate.holder_name)
    assert not found.valid and found.status_label == "已撤销" and "虚假" in found.status_reason
    with pytest.raises(RuleViolation):
        services.certificate_revoke(certificate=certificate, reason="再次", by=chengdu_reviewer)


# --- replacement (R-FJ-15) --------------------------------------------------------------------------

def uploads():
    return {"id_document": SimpleUploadedFile("id.pdf", b"%PDF-1.4 scan", content_type="application/pdf"),
            "photo": SimpleUploadedFile("p.jpg", photo_jpeg(), content_type="image/jpeg")}


def test_r_fj_15_the_station_applies_the_fee_and_the_working_day_deadline_come_from_the_profile(
        final, chengdu_reviewer, institution_clerk):
    certificate = issue(final, chengdu_reviewer)[0]
    request = services.replacement_apply(certificate=certificate, reason="lost", by=institution_clerk,
                                         today=date(2026, 9, 28), **uploads())
    assert request.fee == Decimal("10.00")
    # 15 working days from Monday 28 September 2026 skip the 国庆 holiday (1–7 October) and count the
    # make-up Saturday 10 October: Friday 23 October.
    assert request.due_on == date(2026, 10, 23)
    PolicyProfile.objects.filter(is_active=True).update(certificate_replacement_fee=Decimal("20"))
    with pytest.raises(RuleViolation, match="已有一份补办申请"):
        services.replacement_apply(certificate=certificate, reason="lost", by=institution_clerk, **uploads())


def test_r_fj_15_an_application_without_the_photo_or_id_scan_is_refused(final, chengdu_reviewer, institution_clerk):
    certificate = issue(final, chengdu_reviewer)[0]
    with pytest.raises(ValidationError) as refused:
        services.replacement_apply(certificate=certificate, reason="lost", by=institution_clerk,
                                   id_document=uploads()["id_document"], photo=None)
    assert "照片" in str(refused.value)
    bad = SimpleUploadedFile("p.jpg", b"GIF89a...", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="JPG"):
        services.replacement_apply(certificate=certificate, reason="lost", by=institution_clerk,
                                   id_document=uploads()["id_document"], photo=bad)
    assert not ReplacementRequest.objects.exists()


def test_r_fj_15_another_institution_or_candidate_cannot_apply(final, chengdu_reviewer, other_institution_clerk,
                                                               candidate):
    certificate = issue(final, chengdu_reviewer)[0]
    for outsider in (other_institution_clerk, candidate):
        with pytest.raises(PermissionRefused):
            services.replacement_apply(certificate=certificate, reason="lost", by=outsider, **uploads())


def test_r_fj_15_approval_issues_a_new_number_and_the_old_one_points_to_it(final, chengdu_reviewer,
                                                                           institution_clerk, mianyang_reviewer):
    certificates = issue(final, chengdu_reviewer)
    old = certificates[0]
    request = services.replacement_apply(certificate=old, reason="damaged", by=institution_clerk, **uploads())
    with pytest.raises(PermissionRefused):
        services.replacement_approve(request=request, by=mianyang_reviewer)
    new = services.replacement_approve(request=request, by=chengdu_reviewer, today=ISSUE_DAY)
    assert skill_level_number_parse(new.number).serial == 4  # the next one of the same sequence
    assert new.replaces_id == old.pk and new.photo_name == ReplacementRequest.objects.get().photo.name
    old_view = selectors.certificate_verify_lookup(number=old.number, name=old.holder_name)
    assert not old_view.valid and old_view.status_label == "已补发新证" and old_view.replaced_by == new.number
    assert selectors.certificate_verify_lookup(number=new.number, name=new.holder_name).valid
    with pytest.raises(RuleViolation):
        services.replacement_approve(request=request, by=chengdu_reviewer)


def test_r_fj_15_a_rejection_needs_a_reason_and_leaves_the_certificate_valid(final, chengdu_reviewer, candidate,
                                                                              institution_clerk):
    certificate = issue(final, chengdu_reviewer)[0]
    request = services.replacement_apply(certificate=certificate, reason="lost", by=institution_clerk, **uploads())
    with pytest.raises(ValidationError):
        services.replacement_reject(request=request, reason="", by=chengdu_reviewer)
    services.replacement_reject(request=request, reason="照片不符合要求", by=chengdu_reviewer)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID
    assert ReplacementRequest.objects.get().status == ReplacementRequest.Status.REJECTED
