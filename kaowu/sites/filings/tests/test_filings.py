"""The facility filing (设施设备申报表): R-FJ-2 completeness and lead time, review by the city center
(R-SC24-6), scope, the transitions and the audit trail."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.models import AuditEvent
from kaowu.core.workdays import is_workday, workdays_add, workdays_between
from kaowu.sites import services as site_services
from kaowu.sites.filings import services
from kaowu.sites.filings.selectors import facility_filing_approved_for, filings_to_review, filings_visible_to
from kaowu.sites.models import FacilityFilingAttachment, ReviewStatus
from kaowu.sites.tests.factories import MONDAY, photo

pytestmark = pytest.mark.django_db


def test_r_fj_2_submit_without_a_photo_or_video_is_refused(draft_filing, institution_clerk):
    with pytest.raises(RuleViolation) as refused:
        services.facility_filing_submit(filing=draft_filing, by=institution_clerk, today=MONDAY)
    assert refused.value.rule_id == "R-FJ-2" and "照片或视频" in refused.value.message
    draft_filing.refresh_from_db()
    assert draft_filing.status == ReviewStatus.DRAFT


def test_r_fj_2_a_document_alone_does_not_count_as_a_photo(draft_filing, institution_clerk):
    services.facility_filing_attach(filing=draft_filing, by=institution_clerk,
                                    kind=FacilityFilingAttachment.Kind.DOCUMENT, file=photo("table.pdf"))
    with pytest.raises(RuleViolation, match="照片或视频"):
        services.facility_filing_submit(filing=draft_filing, by=institution_clerk, today=MONDAY)


def test_r_fj_2_submit_without_equipment_or_rooms_is_refused(chengdu_site, institution_clerk, special_item):
    filing = services.facility_filing_create(site=chengdu_site, by=institution_clerk, special_item=special_item)
    services.facility_filing_attach(filing=filing, by=institution_clerk, kind="photo", file=photo())
    with pytest.raises(RuleViolation) as refused:
        services.facility_filing_submit(filing=filing, by=institution_clerk, today=MONDAY)
    assert refused.value.rule_id == "R-FJ-2"
    assert "设施设备" in refused.value.message and "考场" in refused.value.message


def test_r_fj_2_submit_nine_working_days_before_the_exam_is_refused_and_names_the_latest_date(
    complete_filing, institution_clerk
):
    planned = workdays_add(MONDAY, 9)
    services.facility_filing_update(filing=complete_filing, by=institution_clerk, planned_exam_date=planned)
    with pytest.raises(RuleViolation) as refused:
        services.facility_filing_submit(filing=complete_filing, by=institution_clerk, today=MONDAY)
    assert refused.value.rule_id == "R-FJ-2"
    assert "10个工作日" in refused.value.message
    # Ten working days before 2025-03-14 (a Friday): submitting on Friday 2025-02-28 still leaves ten.
    assert planned == date(2025, 3, 14)
    assert "最晚应于2025年02月28日提交" in refused.value.message


def test_r_fj_2_submit_ten_working_days_before_the_exam_is_accepted(complete_filing, institution_clerk):
    services.facility_filing_update(filing=complete_filing, by=institution_clerk,
                                    planned_exam_date=workdays_add(MONDAY, 10))
    filing = services.facility_filing_submit(filing=complete_filing, by=institution_clerk, today=MONDAY)
    assert filing.status == ReviewStatus.SUBMITTED and filing.submitted_at is not None


def test_r_fj_2_an_exam_on_a_saturday_counts_the_working_days_before_it(complete_filing, institution_clerk):
    services.facility_filing_update(filing=complete_filing, by=institution_clerk,
                                    planned_exam_date=date(2025, 3, 15))
    with pytest.raises(RuleViolation) as refused:
        services.facility_filing_submit(filing=complete_filing, by=institution_clerk, today=MONDAY)
    assert "2025年02月28日" in refused.value.message
    assert services.facility_filing_submit(filing=complete_filing, by=institution_clerk, today=date(2025, 2, 28))


def test_r_fj_2_latest_day_leaves_exactly_the_working_days_the_policy_asks():
    for planned in [date(2025, 3, 14), date(2025, 3, 15), date(2025, 10, 9), date(2025, 5, 6)]:
        latest = services.facility_filing_latest_submission_day(planned_exam_date=planned, workdays=10)
        assert is_workday(latest)
        assert workdays_between(latest, planned) >= 10
        assert workdays_between(workdays_add(latest, 1), planned) < 10


def test_chengdu_reviewer_approves_a_filing_of_a_chengdu_institution(submitted_filing, chengdu_reviewer):
    assert list(filings_to_review(chengdu_reviewer)) == [submitted_filing]
    filing = services.facility_filing_approve(filing=submitted_filing, by=chengdu_reviewer, reason="符合条件")
    assert filing.status == ReviewStatus.APPROVED
    assert filing.reviewed_by == chengdu_reviewer and filing.review_reason == "符合条件"
    assert facility_filing_approved_for(institution=filing.institution, special_item=filing.special_item)
    assert not filings_to_review(chengdu_reviewer).exists()


def test_chengdu_reviewer_returns_a_filing_only_with_a_reason_and_it_may_be_resubmitted(
    submitted_filing, chengdu_reviewer, institution_clerk
):
    with pytest.raises(ValidationError):
        services.facility_filing_return(filing=submitted_filing, by=chengdu_reviewer, reason="  ")
    filing = services.facility_filing_return(filing=submitted_filing, by=chengdu_reviewer, reason="缺少监控设备照片")
    assert filing.status == ReviewStatus.RETURNED and filing.review_reason == "缺少监控设备照片"
    services.facility_filing_attach(filing=filing, by=institution_clerk, kind="photo", file=photo("cctv.jpg"))
    filing = services.facility_filing_submit(filing=filing, by=institution_clerk, today=MONDAY)
    assert filing.status == ReviewStatus.SUBMITTED and filing.reviewed_by is None


def test_province_admin_may_review_any_filing(submitted_filing, province_admin):
    assert services.facility_filing_approve(filing=submitted_filing, by=province_admin).status == "approved"


def test_institution_cannot_approve_its_own_filing(submitted_filing, institution_clerk, institution_admin):
    for user in (institution_clerk, institution_admin):
        with pytest.raises(PermissionRefused):
            services.facility_filing_approve(filing=submitted_filing, by=user)
    submitted_filing.refresh_from_db()
    assert submitted_filing.status == ReviewStatus.SUBMITTED


def test_mianyang_reviewer_cannot_see_or_review_a_chengdu_filing(submitted_filing, mianyang_reviewer):
    assert not filings_visible_to(mianyang_reviewer).exists()
    assert not filings_to_review(mianyang_reviewer).exists()
    with pytest.raises(PermissionRefused):
        services.facility_filing_approve(filing=submitted_filing, by=mianyang_reviewer)
    with pytest.raises(PermissionRefused):
        services.facility_filing_return(filing=submitted_filing, by=mianyang_reviewer, reason="不予确认")


def test_other_institution_clerk_cannot_file_for_or_submit_anothers_filing(
    complete_filing, equipped_site, other_institution_clerk, special_item
):
    with pytest.raises(PermissionRefused):
        services.facility_filing_create(site=equipped_site, by=other_institution_clerk, special_item=special_item)
    with pytest.raises(PermissionRefused):
        services.facility_filing_submit(filing=complete_filing, by=other_institution_clerk, today=MONDAY)
    assert not filings_visible_to(other_institution_clerk).exists()


def test_a_draft_cannot_be_approved_and_an_approved_filing_cannot_be_returned(
    complete_filing, chengdu_reviewer, institution_clerk
):
    with pytest.raises(ValidationError):
        services.facility_filing_approve(filing=complete_filing, by=chengdu_reviewer)
    services.facility_filing_submit(filing=complete_filing, by=institution_clerk, today=MONDAY)
    services.facility_filing_approve(filing=complete_filing, by=chengdu_reviewer)
    with pytest.raises(ValidationError):
        services.facility_filing_return(filing=complete_filing, by=chengdu_reviewer, reason="再看看")
    with pytest.raises(ValidationError):
        services.facility_filing_attach(filing=complete_filing, by=institution_clerk, kind="photo", file=photo())


def test_an_approved_filing_cannot_go_back_to_returned(complete_filing, chengdu_reviewer, institution_clerk):
    services.facility_filing_submit(filing=complete_filing, by=institution_clerk, today=MONDAY)
    approved = services.facility_filing_approve(filing=complete_filing, by=chengdu_reviewer)
    with pytest.raises(ValidationError) as refused:
        services.filing_transition(filing=approved, to=ReviewStatus.RETURNED, by=chengdu_reviewer, reason="再看看")
    assert "申报当前状态为“已确认”，不能变为“已退回”" in refused.value.messages
    complete_filing.refresh_from_db()
    assert complete_filing.status == ReviewStatus.APPROVED


def test_transitions_are_listed_in_one_place():
    assert services.FILING_TRANSITIONS == {
        "draft": {"submitted"}, "submitted": {"approved", "returned"}, "returned": {"submitted"}, "approved": set(),
    }


def test_a_filing_is_for_an_occupation_at_a_level_or_for_a_special_item(
    equipped_site, institution_clerk, occupation, special_item
):
    with pytest.raises(ValidationError):
        services.facility_filing_create(site=equipped_site, by=institution_clerk)
    with pytest.raises(ValidationError):
        services.facility_filing_create(site=equipped_site, by=institution_clerk, occupation=occupation,
                                        special_item=special_item, level=4)
    with pytest.raises(ValidationError):
        services.facility_filing_create(site=equipped_site, by=institution_clerk, occupation=occupation)
    with pytest.raises(ValidationError, match="未开设"):
        services.facility_filing_create(site=equipped_site, by=institution_clerk, occupation=occupation, level=1)
    filing = services.facility_filing_create(site=equipped_site, by=institution_clerk, occupation=occupation,
                                             level=4)
    assert filing.level == 4
    with pytest.raises(ValidationError, match="已有"):
        services.facility_filing_create(site=equipped_site, by=institution_clerk, occupation=occupation, level=4)


def test_an_attachment_of_the_wrong_type_is_refused(draft_filing, institution_clerk):
    with pytest.raises(ValidationError, match="照片"):
        services.facility_filing_attach(filing=draft_filing, by=institution_clerk, kind="photo",
                                        file=photo("page.svg"))
    assert not draft_filing.attachments.exists()


def test_facility_filing_approved_for_answers_per_institution_and_item(
    equipped_site, institution_clerk, chengdu_reviewer, occupation, special_item, chengdu_other_institution
):
    filing = services.facility_filing_create(site=equipped_site, by=institution_clerk, occupation=occupation,
                                             level=4)
    services.facility_filing_attach(filing=filing, by=institution_clerk, kind="video", file=photo("tour.mp4"))
    institution = equipped_site.institution
    assert not facility_filing_approved_for(institution=institution, occupation=occupation, level=4)
    services.facility_filing_submit(filing=filing, by=institution_clerk, today=MONDAY)
    assert not facility_filing_approved_for(institution=institution, occupation=occupation, level=4)
    services.facility_filing_approve(filing=filing, by=chengdu_reviewer)
    assert facility_filing_approved_for(institution=institution, occupation=occupation, level=4)
    assert facility_filing_approved_for(institution=institution, occupation=occupation)
    assert not facility_filing_approved_for(institution=institution, occupation=occupation, level=3)
    assert not facility_filing_approved_for(institution=institution, special_item=special_item)
    assert not facility_filing_approved_for(institution=chengdu_other_institution, occupation=occupation, level=4)
    with pytest.raises(ValueError):
        facility_filing_approved_for(institution=institution)


def test_every_filing_write_leaves_an_audit_event(submitted_filing, chengdu_reviewer, institution_clerk):
    services.facility_filing_return(filing=submitted_filing, by=chengdu_reviewer, reason="照片不清")
    attachment = services.facility_filing_attach(filing=submitted_filing, by=institution_clerk, kind="photo",
                                                 file=photo())
    services.facility_filing_attachment_delete(attachment=attachment, by=institution_clerk)
    services.facility_filing_update(filing=submitted_filing, by=institution_clerk, station_opinion="同意")
    services.facility_filing_submit(filing=submitted_filing, by=institution_clerk, today=MONDAY)
    services.facility_filing_approve(filing=submitted_filing, by=chengdu_reviewer)
    events = AuditEvent.objects.filter(object_type="sites.FacilityFiling", object_id=str(submitted_filing.pk))
    actions = [event.action for event in events.order_by("pk")]
    assert actions == [
        "facility_filing.create", "facility_filing.attach", "facility_filing.submit", "facility_filing.return",
        "facility_filing.attach", "facility_filing.detach", "facility_filing.update", "facility_filing.submit",
        "facility_filing.approve",
    ]
    returned = events.get(action="facility_filing.return")
    assert returned.actor == chengdu_reviewer and returned.after == {"status": "returned", "reason": "照片不清"}
    assert returned.organisation == submitted_filing.institution


def test_a_mianyang_site_is_filed_and_reviewed_in_mianyang(
    mianyang_site, mianyang_clerk, mianyang_reviewer, chengdu_reviewer, special_item
):
    site_services.room_create(site=mianyang_site, by=mianyang_clerk, name="实操1", kind="practical", capacity=10)
    site_services.equipment_add(site=mianyang_site, by=mianyang_clerk, name="工作台", count=10)
    filing = services.facility_filing_create(site=mianyang_site, by=mianyang_clerk, special_item=special_item)
    services.facility_filing_attach(filing=filing, by=mianyang_clerk, kind="photo", file=photo())
    services.facility_filing_submit(filing=filing, by=mianyang_clerk, today=MONDAY)
    with pytest.raises(PermissionRefused):
        services.facility_filing_approve(filing=filing, by=chengdu_reviewer)
    assert services.facility_filing_approve(filing=filing, by=mianyang_reviewer).status == "approved"

