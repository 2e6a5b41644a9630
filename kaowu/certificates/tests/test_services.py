"""Issuing (R-SC24-9, R-CQ-14, R-CERT-NO, R-SC24-12) and revocation (R-LN-3)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from kaowu.certificates import services
from kaowu.certificates.audit import CertificateAction
from kaowu.certificates.keys import verifying_key
from kaowu.certificates.models import Certificate, CertificateSequence
from kaowu.certificates.numbering import skill_level_number_parse
from kaowu.certificates.signing import certificate_verify
from kaowu.certificates.tests.support import ISSUE_DAY, final_release_build, issue
from kaowu.certificates.verification import selectors as lookup
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.models import AuditEvent
from kaowu.core.workflow import TransitionRefused
from kaowu.scoring.models import ResultRelease

pytestmark = pytest.mark.django_db


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


# --- revocation ----------------------------------------------------------------------------------

def test_r_ln_3_the_center_revokes_with_a_reason_and_verification_shows_it(final, chengdu_reviewer, mianyang_reviewer):
    certificate = issue(final, chengdu_reviewer)[0]
    with pytest.raises(PermissionRefused):
        services.certificate_revoke(certificate=certificate, reason="虚假材料", by=mianyang_reviewer)
    with pytest.raises(ValidationError):
        services.certificate_revoke(certificate=certificate, reason=" ", by=chengdu_reviewer)
    services.certificate_revoke(certificate=certificate, reason="提供虚假工作年限证明（R-LN-3）", by=chengdu_reviewer)
    found = lookup.certificate_verify_lookup(number=certificate.number, name=certificate.holder_name)
    assert not found.valid and found.status_label == "已撤销" and "虚假" in found.status_reason
    with pytest.raises(RuleViolation):
        services.certificate_revoke(certificate=certificate, reason="再次", by=chengdu_reviewer)


def test_a_revoked_certificate_cannot_be_replaced_or_become_valid_again(final, chengdu_reviewer):
    certificate = issue(final, chengdu_reviewer)[0]
    services.certificate_revoke(certificate=certificate, reason="提供虚假材料（R-LN-3）", by=chengdu_reviewer)
    certificate.refresh_from_db()
    for to in (Certificate.Status.REPLACED, Certificate.Status.VALID):
        with pytest.raises(TransitionRefused) as refused:
            services.certificate_transition(certificate=certificate, to=to, by=chengdu_reviewer)
        assert "证书当前状态为“已撤销”" in str(refused.value) and "不能变为" in str(refused.value)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert list(AuditEvent.objects.filter(action=CertificateAction.REVOKE).values_list("object_id", flat=True)) == [
        str(certificate.pk)]
