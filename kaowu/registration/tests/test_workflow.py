"""Registration: a candidate from draft to paid, both reviews, fees and refunds, and who may act."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.models import AuditEvent
from kaowu.registration import services
from kaowu.registration.models import Application, Candidate
from kaowu.registration.selectors import applications_visible_to

pytestmark = pytest.mark.django_db
Status = Application.Status
HR_PROFILE = {
    "work": [{"occupation": "企业人力资源管理师", "start": "2012-03-01", "end": None}],
    "certificates": [{"occupation": "企业人力资源管理师", "level": 4, "issued_on": "2014-06-01", "kind": "技能等级"}],
}


def person(by=None, **overrides):
    data = {"name": "张三", "education": "bachelor", "id_number": "11010519491231002X", "address": "成都市锦江区",
            "postal_code": "610000", "phone": "13800138000", "employer": "某公司", **overrides}
    return services.candidate_create(by=by, **data)


def test_r_fj_4_birth_date_and_gender_come_from_the_id_number(institution_clerk):
    candidate = person(by=institution_clerk)
    assert (candidate.birth_date.isoformat(), candidate.gender) == ("1949-12-31", "女")


def test_r_fj_4_a_gender_that_disagrees_with_the_id_number_is_refused(institution_clerk):
    with pytest.raises(ValidationError) as refused:
        person(by=institution_clerk, gender="男")
    assert "性别与身份证号不符" in str(refused.value)


def test_r_fj_4_a_bad_id_number_is_refused_with_the_reason(institution_clerk):
    with pytest.raises(ValidationError) as refused:
        person(by=institution_clerk, id_number="110105194912310021")
    assert "校验位" in str(refused.value)


def test_one_candidate_per_id_number(institution_clerk):
    person(by=institution_clerk)
    with pytest.raises(ValidationError, match="已登记"):
        person(by=institution_clerk, name="张三丰")
    assert Candidate.objects.count() == 1


def submitted(clerk, item, **profile):
    application = services.application_create(candidate=person(by=clerk), item=item, by=clerk, profile=profile)
    return services.application_submit(application=application, by=clerk, commitment_accepted=True,
                                       today=timezone.localdate())


def test_an_application_goes_from_draft_to_paid_with_both_reviews(institution_clerk, chengdu_reviewer,
                                                                  infant_care_item):
    """R-FJ-5: the institution approves (初审) and submits to the center, which re-reviews (复核); only then
    is the fee paid."""
    application = submitted(institution_clerk, infant_care_item)
    assert application.status == Status.SUBMITTED and application.commitment_version
    services.application_institution_approve(application=application, by=institution_clerk, originals_seen=True)
    services.application_center_approve(application=application, by=chengdu_reviewer)
    payment = services.payment_record(application=application, by=institution_clerk, method="cash",
                                      receipt_number="NO.0001")
    assert application.status == Status.PAID
    assert payment.amount > Decimal("0")  # from the (demo) fee schedule of the catalogue
    actions = list(AuditEvent.objects.filter(object_type="registration.Application")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["application.create", "application.submitted", "application.institution_approved",
                       "application.center_approved", "application.paid"]


def test_r_sc24_7_submitting_needs_the_candidates_commitment(institution_clerk, infant_care_item):
    application = services.application_create(candidate=person(by=institution_clerk), item=infant_care_item,
                                              by=institution_clerk)
    with pytest.raises(RuleViolation) as refused:
        services.application_submit(application=application, by=institution_clerk, commitment_accepted=False,
                                    today=timezone.localdate())
    assert refused.value.rule_id == "R-SC24-7"


def test_submitting_after_the_registration_deadline_is_refused(institution_clerk, infant_care_item):
    application = services.application_create(candidate=person(by=institution_clerk), item=infant_care_item,
                                              by=institution_clerk)
    with pytest.raises(ValidationError, match="不在报名时间内"):
        services.application_submit(application=application, by=institution_clerk, commitment_accepted=True,
                                    today=timezone.localdate() + timedelta(days=30))


def test_r_ln_7_the_eligibility_verdict_is_recorded_on_submit(institution_clerk, hr_item):
    """R-LN-7 and R-CQ-3: the declared experience and certificates are checked against the occupation's standard."""
    application = submitted(institution_clerk, hr_item, **HR_PROFILE)
    assert application.eligibility["eligible"] is True
    assert application.eligibility["matched"].startswith("三级 条件(1)")


def test_r_ln_7_an_ineligible_application_can_still_be_submitted_and_shows_what_is_missing(institution_clerk,
                                                                                           hr_item):
    """R-LN-7 and R-CQ-3: the verdict against the standard names the conditions the declaration does not meet."""
    application = submitted(institution_clerk, hr_item)
    assert application.eligibility["eligible"] is False
    assert any(c["missing"] for c in application.eligibility["conditions"])


def test_a_malformed_profile_is_refused_on_submit(institution_clerk, hr_item):
    application = services.application_create(candidate=person(by=institution_clerk), item=hr_item,
                                              by=institution_clerk, profile={"work": [{"occupation": "x"}]})
    with pytest.raises(ValidationError, match="申报资历填写有误"):
        services.application_submit(application=application, by=institution_clerk, commitment_accepted=True,
                                    today=timezone.localdate())


def test_r_cq_3_the_institutions_review_shows_eligibility_against_the_standard_from_the_declaration(
        login, institution_clerk, hr_item):
    """R-CQ-3: the candidate shows ID, certificates and proof of experience, and the institution reviews the
    eligibility against the occupation's standard: its review page shows the verdict on what was declared."""
    eligible = submitted(institution_clerk, hr_item, **HR_PROFILE)
    other = person(by=institution_clerk, name="李四", id_number="110105194912310038")
    undeclared = services.application_submit(
        application=services.application_create(candidate=other, item=hr_item, by=institution_clerk),
        by=institution_clerk, commitment_accepted=True, today=timezone.localdate())
    clerk = login(institution_clerk)
    page = clerk.get(f"/registration/applications/{eligible.pk}/").content.decode()
    assert f"申报条件审核（{eligible.eligibility['rule_id']}）" in page
    assert "符合</span> " + eligible.eligibility["matched"] in page
    page = clerk.get(f"/registration/applications/{undeclared.pk}/").content.decode()
    assert "不符合" in page
    missing = next(c for c in undeclared.eligibility["conditions"] if c["missing"])
    assert f"{missing['label']}（{missing['summary']}）：{missing['missing'][0]}" in page
    assert missing["id"] not in page  # 「三级 条件(1)」, not the rule file's L3-1


def test_r_ln_7_the_review_page_labels_verdicts_stored_with_ids_only_and_names_unknown_occupations(
        login, institution_clerk, hr_item):
    """A verdict stored before conditions kept their label still reads 「三级 条件(1)」; an occupation name the
    catalogue does not know (a major typed for the work period) is named as not counted."""
    application = submitted(institution_clerk, hr_item,
                            work=[{"occupation": "人力资源管理", "start": "2010-03-01", "end": None}])
    assert application.eligibility["warnings"] == ["“人力资源管理”不是目录中的职业（工种）名称，该段工作年限未计入"]
    old = {**application.eligibility, "conditions": [{"id": c["id"], "met": c["met"], "missing": c["missing"]}
                                                     for c in application.eligibility["conditions"]]}
    old.pop("warnings")
    Application.objects.filter(pk=application.pk).update(eligibility=old)

    page = login(institution_clerk).get(f"/registration/applications/{application.pk}/").content.decode()

    assert "三级 条件(1)（" in page and "L3-1" not in page
    assert "“人力资源管理”不是目录中的职业（工种）名称，该段工作年限未计入" in page


def test_r_fj_5_the_center_re_reviews_only_what_the_institution_approved(institution_clerk, chengdu_reviewer,
                                                                         mianyang_reviewer, infant_care_item):
    """R-FJ-5: the center cannot approve an application the institution has not approved (the move is refused
    in Chinese); once approved, the plan's own center re-reviews it and no other center can. The preparation
    notice that follows the approvals is arrangement's (R-FJ-1b)."""
    application = submitted(institution_clerk, infant_care_item)
    with pytest.raises(ValidationError) as refused:
        services.application_center_approve(application=application, by=chengdu_reviewer)
    assert "报名当前状态为“已提交”，不能变为“复核通过”" in refused.value.messages[0]
    services.application_institution_approve(application=application, by=institution_clerk, originals_seen=True)
    with pytest.raises(PermissionRefused):
        services.application_center_approve(application=application, by=mianyang_reviewer)
    services.application_center_approve(application=application, by=chengdu_reviewer)
    application.refresh_from_db()
    assert application.status == Status.CENTER_APPROVED and application.center_reviewed_by == chengdu_reviewer


def test_a_rejected_application_cannot_be_paid_or_approved_again(institution_clerk, chengdu_reviewer,
                                                                 infant_care_item):
    application = submitted(institution_clerk, infant_care_item)
    services.application_institution_approve(application=application, by=institution_clerk, originals_seen=True)
    services.application_center_reject(application=application, by=chengdu_reviewer, reason="工作年限不足")
    with pytest.raises(ValidationError) as refused:
        services.application_transition(application=application, to=Status.CENTER_APPROVED, by=chengdu_reviewer)
    assert "不能变为" in refused.value.messages[0] and "复核未通过" in refused.value.messages[0]


def test_r_fj_4_institution_approval_records_that_originals_were_seen(institution_clerk, infant_care_item):
    application = submitted(institution_clerk, infant_care_item)
    with pytest.raises(RuleViolation) as refused:
        services.application_institution_approve(application=application, by=institution_clerk,
                                                 originals_seen=False)
    assert refused.value.rule_id == "R-FJ-4"


def test_r_cq_4_payment_before_the_center_approves_is_refused(institution_clerk, infant_care_item):
    application = submitted(institution_clerk, infant_care_item)
    with pytest.raises(RuleViolation) as refused:
        services.payment_record(application=application, by=institution_clerk, method="cash", receipt_number="1")
    assert refused.value.rule_id == "R-CQ-4"


def test_r_sc21_5_withdrawing_after_payment_creates_a_refund_to_confirm(institution_clerk, chengdu_reviewer,
                                                                        infant_care_item):
    application = submitted(institution_clerk, infant_care_item)
    services.application_institution_approve(application=application, by=institution_clerk, originals_seen=True)
    services.application_center_approve(application=application, by=chengdu_reviewer)
    payment = services.payment_record(application=application, by=institution_clerk, method="cash",
                                      receipt_number="NO.0002")
    services.application_withdraw(application=application, by=institution_clerk, reason="时间冲突")
    refund = payment.refund
    assert refund.amount == payment.amount and refund.confirmed_at is None
    services.refund_confirm(refund=refund, by=institution_clerk, method="cash")
    application.refresh_from_db()
    assert application.status == Status.REFUNDED


def test_outsiders_cannot_review_or_act_on_an_application(institution_clerk, other_institution_clerk,
                                                          mianyang_reviewer, chengdu_reviewer, candidate,
                                                          infant_care_item):
    application = submitted(institution_clerk, infant_care_item)
    with pytest.raises(PermissionRefused):
        services.application_institution_approve(application=application, by=other_institution_clerk,
                                                 originals_seen=True)
    services.application_institution_approve(application=application, by=institution_clerk, originals_seen=True)
    for outsider in (mianyang_reviewer, institution_clerk):
        with pytest.raises(PermissionRefused):
            services.application_center_approve(application=application, by=outsider)
    with pytest.raises(PermissionRefused):
        services.application_withdraw(application=application, by=candidate, reason="不是我的")
    for outsider in (other_institution_clerk, mianyang_reviewer, candidate):
        assert application not in applications_visible_to(outsider)
    assert application in applications_visible_to(chengdu_reviewer)


def test_a_candidate_applies_and_sees_only_their_own(candidate, other_candidate_user, institution_clerk,
                                                     infant_care_item):
    mine = services.candidate_create(by=candidate, user=candidate, name="张考生", education="senior",
                                     id_number="11010519491231002X", address="成都", phone="13900000000")
    application = services.application_create(candidate=mine, item=infant_care_item, by=candidate)
    services.application_submit(application=application, by=candidate, commitment_accepted=True,
                                today=timezone.localdate())
    assert list(applications_visible_to(candidate)) == [application]
    assert list(applications_visible_to(other_candidate_user)) == []
    with pytest.raises(PermissionRefused):
        services.application_create(candidate=mine, item=infant_care_item, by=other_candidate_user)


def test_a_full_item_refuses_further_submissions(institution_clerk, infant_care_item):
    infant_care_item.max_candidates = 1
    infant_care_item.save()
    submitted(institution_clerk, infant_care_item)
    second = services.application_create(
        candidate=person(by=institution_clerk, id_number="110105199003071239", name="李四"),
        item=infant_care_item, by=institution_clerk,
    )
    with pytest.raises(ValidationError, match="报名人数已满"):
        services.application_submit(application=second, by=institution_clerk, commitment_accepted=True,
                                    today=timezone.localdate())
