"""R-SC24-3: an institution applies to become a 统考报名机构; its city center (or the province) decides."""

import pytest
from django.core.exceptions import ValidationError

from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.models import AuditEvent
from kaowu.sites.models import ReviewStatus
from kaowu.sites.unified import services
from kaowu.sites.unified.selectors import (
    applications_to_review,
    applications_visible_to,
    unified_exam_institution_approved,
)

pytestmark = pytest.mark.django_db


def apply(site, by, **extra):
    values = {"equipment_summary": "电脑30台、打印机2台", "staff_summary": "考务人员6人，岗位齐全",
              "rules_summary": "考务管理制度、保密制度", **extra}
    return services.unified_application_create(site=site, by=by, **values)


def test_r_sc24_3_an_application_without_a_room_at_its_site_is_refused(chengdu_site, institution_clerk):
    application = apply(chengdu_site, institution_clerk)
    with pytest.raises(RuleViolation) as refused:
        services.unified_application_submit(application=application, by=institution_clerk)
    assert refused.value.rule_id == "R-SC24-3" and "考场" in refused.value.message


def test_r_sc24_3_an_application_with_an_empty_statement_is_refused(equipped_site, institution_clerk):
    application = apply(equipped_site, institution_clerk)
    services.unified_application_update(application=application, by=institution_clerk, rules_summary=" ")
    with pytest.raises(RuleViolation, match="规章制度"):
        services.unified_application_submit(application=application, by=institution_clerk)


def test_r_sc24_3_chengdu_reviewer_approves_the_application(equipped_site, institution_clerk, chengdu_reviewer):
    application = apply(equipped_site, institution_clerk)
    services.unified_application_submit(application=application, by=institution_clerk)
    assert list(applications_to_review(chengdu_reviewer)) == [application]
    assert not unified_exam_institution_approved(institution=equipped_site.institution)
    application = services.unified_application_approve(application=application, by=chengdu_reviewer)
    assert application.status == ReviewStatus.APPROVED
    assert unified_exam_institution_approved(institution=equipped_site.institution)
    actions = set(AuditEvent.objects.filter(object_type="sites.UnifiedExamApplication").values_list("action",
                                                                                                    flat=True))
    assert actions == {"unified_application.create", "unified_application.submit", "unified_application.approve"}


def test_r_sc24_3_a_return_needs_a_reason(equipped_site, institution_clerk, chengdu_reviewer):
    application = apply(equipped_site, institution_clerk)
    services.unified_application_submit(application=application, by=institution_clerk)
    with pytest.raises(ValidationError):
        services.unified_application_return(application=application, by=chengdu_reviewer, reason="")
    application = services.unified_application_return(application=application, by=chengdu_reviewer, reason="人员不足")
    assert application.status == ReviewStatus.RETURNED


def test_r_sc24_3_mianyang_reviewer_neither_sees_nor_decides_a_chengdu_application(
    equipped_site, institution_clerk, mianyang_reviewer
):
    application = apply(equipped_site, institution_clerk)
    services.unified_application_submit(application=application, by=institution_clerk)
    assert not applications_visible_to(mianyang_reviewer).exists()
    with pytest.raises(PermissionRefused):
        services.unified_application_approve(application=application, by=mianyang_reviewer)


def test_r_sc24_3_the_institution_cannot_approve_its_own_application(equipped_site, institution_admin,
                                                                     institution_clerk):
    application = apply(equipped_site, institution_clerk)
    services.unified_application_submit(application=application, by=institution_clerk)
    with pytest.raises(PermissionRefused):
        services.unified_application_approve(application=application, by=institution_admin)


def test_r_sc24_3_one_pending_application_at_a_time(equipped_site, institution_clerk):
    services.unified_application_submit(application=apply(equipped_site, institution_clerk), by=institution_clerk)
    with pytest.raises(ValidationError, match="已有"):
        services.unified_application_submit(application=apply(equipped_site, institution_clerk), by=institution_clerk)


def test_another_institutions_clerk_cannot_apply_with_a_site_it_does_not_own(equipped_site, other_institution_clerk):
    with pytest.raises(PermissionRefused):
        apply(equipped_site, other_institution_clerk)


def test_a_draft_application_cannot_be_approved_before_it_is_submitted(equipped_site, institution_clerk,
                                                                        chengdu_reviewer):
    application = apply(equipped_site, institution_clerk)
    with pytest.raises(ValidationError) as refused:
        services.unified_application_approve(application=application, by=chengdu_reviewer)
    assert "申请当前状态为“草稿”，不能变为“已确认”" in refused.value.messages
    application.refresh_from_db()
    assert application.status == ReviewStatus.DRAFT
    assert not AuditEvent.objects.filter(action="unified_application.approve").exists()
