"""R-CERT-NO: once a certificate has been numbered with an evaluation body's kind, code and sequence (and its
region code's province), those fields are read-only in the admin and refused by the service."""

import pytest

from kaowu.accounts.services import organisation_update
from kaowu.core.errors import RuleViolation
from kaowu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _change_page(client, institution) -> str:
    return client.get(f"/admin/accounts/organisation/{institution.pk}/change/").content.decode()


def test_the_numbering_fields_are_editable_until_a_certificate_is_numbered_with_them(
        final, chengdu_reviewer, client, login, province_admin):
    institution = final.plan.institution
    login(province_admin)
    assert 'name="evaluation_body_code"' in _change_page(client, institution)

    from kaowu.certificates.tests.support import issue

    issue(final, chengdu_reviewer)
    page = _change_page(client, institution)
    for field in ("evaluation_body_kind", "evaluation_body_code", "evaluation_body_sequence", "region_code"):
        assert f'name="{field}"' not in page
    assert "已有证书按" in page and "R-CERT-NO" in page
    assert 'name="contact_phone"' in page  # the contact stays editable


def test_the_service_refuses_a_numbering_field_after_a_certificate_exists(issued, province_admin):
    institution = issued[0].plan.institution
    with pytest.raises(RuleViolation) as refused:
        organisation_update(organisation=institution, changes={"evaluation_body_sequence": "000999"},
                            by=province_admin)
    assert refused.value.rule_id == "R-CERT-NO" and "评价机构序号" in str(refused.value)
    institution.refresh_from_db()
    assert institution.evaluation_body_sequence == "000123"

    organisation_update(organisation=institution, changes={"contact_phone": "028-12345678"}, by=province_admin)
    assert AuditEvent.objects.filter(action="organisation.update", object_id=str(institution.pk)).count() == 1


def test_the_center_s_special_number_format_is_frozen_once_it_numbered_a_certificate(
        institution_clerk, chengdu_reviewer, province_admin):
    from kaowu.certificates.tests.support import final_release_build, issue

    special = final_release_build(institution_clerk, passed=1, failed=0, special=True)
    issue(special, chengdu_reviewer)
    center = special.plan.reviewing_center
    with pytest.raises(RuleViolation):
        organisation_update(organisation=center, changes={"certificate_number_template": "SC{year}{serial:06d}"},
                            by=province_admin)
