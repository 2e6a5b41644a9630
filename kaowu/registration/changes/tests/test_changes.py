"""Changes to a candidate's data (R-LN-5b): at once before submission, by a request the center
approves after it; the approved data is what the records show."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kaowu.core.errors import RuleViolation
from kaowu.core.models import AuditEvent
from kaowu.registration import services
from kaowu.registration.changes import services as changes
from kaowu.registration.models import Candidate, CandidateChangeRequest
from kaowu.registration.tests.factories import ZHANG_ID, draft_for

pytestmark = pytest.mark.django_db
ChangeStatus = CandidateChangeRequest.Status
# 1990-01-01, 男, like ZHANG_ID but another sequence number.
ZHANG_NEW_ID = "510104199001011257"


def submit(application):
    return services.application_submit(application=application, by=application.candidate.user,
                                       commitment_accepted=True, today=timezone.localdate())


def form_data(candidate: Candidate, **overrides) -> dict:
    data = {field: getattr(candidate, field) for field in changes.CHANGEABLE_FIELDS}
    data["birth_date"] = candidate.birth_date.isoformat()
    return {**data, "reason": "", **overrides}


def test_before_submission_a_change_applies_at_once(client, login, zhang, infant_care_item):
    application = draft_for(zhang, infant_care_item)
    login(zhang.user)
    response = client.post(reverse("change_request_new", args=[application.pk]),
                           form_data(zhang, phone="13711112222", employer="新单位"))
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert (zhang.phone, zhang.employer) == ("13711112222", "新单位")
    assert not CandidateChangeRequest.objects.exists()
    event = AuditEvent.objects.get(action="candidate.update")
    assert event.after == {"phone": "13711112222", "employer": "新单位"}


def test_r_ln_5b_after_submission_a_change_waits_for_the_center(client, login, zhang, infant_care_item,
                                                               chengdu_reviewer):
    application = draft_for(zhang, infant_care_item)
    submit(application)
    login(zhang.user)
    url = reverse("change_request_new", args=[application.pk])
    page = client.get(url).content.decode()
    assert "须提交变更申请" in page and "R-LN-5b" in page
    response = client.post(url, form_data(zhang, name="张卫"))
    assert response.status_code == 400 and "须写明原因" in response.content.decode()
    response = client.post(url, form_data(zhang, name="张卫", reason="户籍更名，已换发身份证"))
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert zhang.name == "张伟", "nothing changes before the center decides"
    change = CandidateChangeRequest.objects.get()
    assert change.status == ChangeStatus.PENDING and change.changes == {"name": {"old": "张伟", "new": "张卫"}}
    # One pending request at a time.
    response = client.post(url, form_data(zhang, phone="13711112222", reason="换号"))
    assert response.status_code == 400 and "已有待审核的信息变更申请" in response.content.decode()

    login(chengdu_reviewer)
    listing = client.get(reverse("change_request_list")).content.decode()
    assert "张伟" in listing and ZHANG_ID not in listing, "the list masks the ID number"
    detail = client.get(reverse("change_request_detail", args=[change.pk])).content.decode()
    assert "户籍更名" in detail and "张卫" in detail
    response = client.post(reverse("change_request_decide", args=[change.pk]), {"decision": "approve"}, follow=True)
    assert "已同意变更" in response.content.decode()
    zhang.refresh_from_db()
    zhang.user.refresh_from_db()
    assert zhang.name == "张卫" and zhang.user.full_name == "张卫"
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED and change.decided_by == chengdu_reviewer
    assert AuditEvent.objects.get(action="candidate.change_approve").after == {"name": "张卫"}
    # The records show the approved data from now on.
    login(zhang.user)
    assert "张卫" in client.get(reverse("candidate_application", args=[application.pk])).content.decode()


def test_r_ln_5b_a_new_id_number_moves_the_login_too(zhang, infant_care_item, chengdu_reviewer):
    application = draft_for(zhang, infant_care_item)
    submit(application)
    change = changes.candidate_data_change(application=application, by=zhang.user,
                                           proposed={"id_number": ZHANG_NEW_ID}, reason="换证")
    changes.change_request_approve(change_request=change, by=chengdu_reviewer)
    zhang.refresh_from_db()
    zhang.user.refresh_from_db()
    assert zhang.id_number == ZHANG_NEW_ID and zhang.user.username == ZHANG_NEW_ID


def test_r_ln_5b_an_invalid_or_taken_id_number_is_refused_when_requested(zhang, li, infant_care_item):
    application = draft_for(zhang, infant_care_item)
    submit(application)
    with pytest.raises(ValidationError) as refused:
        changes.candidate_data_change(application=application, by=zhang.user,
                                      proposed={"id_number": ZHANG_ID[:-1] + "9"}, reason="录错")
    assert "id_number" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        changes.candidate_data_change(application=application, by=zhang.user,
                                      proposed={"id_number": li.id_number}, reason="录错")
    assert "另一名考生" in str(refused.value) or "不符" in str(refused.value)
    assert not CandidateChangeRequest.objects.exists()


def test_r_ln_5b_a_request_overtaken_by_another_change_is_refused(zhang, infant_care_item, chengdu_reviewer):
    application = draft_for(zhang, infant_care_item)
    submit(application)
    change = changes.candidate_data_change(application=application, by=zhang.user,
                                           proposed={"phone": "13711112222"}, reason="换号")
    Candidate.objects.filter(pk=zhang.pk).update(phone="13600000000")
    with pytest.raises(RuleViolation) as refused:
        changes.change_request_approve(change_request=change, by=chengdu_reviewer)
    assert refused.value.rule_id == "R-LN-5b"
    zhang.refresh_from_db()
    assert zhang.phone == "13600000000"


def test_r_ln_5b_rejecting_needs_a_reason_the_candidate_sees(client, login, zhang, infant_care_item,
                                                            chengdu_reviewer):
    application = draft_for(zhang, infant_care_item)
    submit(application)
    change = changes.candidate_data_change(application=application, by=zhang.user,
                                           proposed={"employer": "另一单位"}, reason="换工作")
    login(chengdu_reviewer)
    url = reverse("change_request_decide", args=[change.pk])
    response = client.post(url, {"decision": "reject", "reason": ""}, follow=True)
    assert "须写明原因" in response.content.decode()
    client.post(url, {"decision": "reject", "reason": "未提供单位证明"})
    change.refresh_from_db()
    assert change.status == ChangeStatus.REJECTED
    zhang.refresh_from_db()
    assert zhang.employer == ""
    login(zhang.user)
    page = client.get(reverse("candidate_application", args=[application.pk])).content.decode()
    assert "未同意" in page and "未提供单位证明" in page


def test_outsiders_cannot_see_request_or_decide_changes(client, login, zhang, li, infant_care_item, institution_clerk,
                                                        other_institution_clerk, mianyang_reviewer):
    application = draft_for(zhang, infant_care_item)
    submit(application)
    change = changes.candidate_data_change(application=application, by=zhang.user,
                                           proposed={"employer": "另一单位"}, reason="换工作")
    new_url = reverse("change_request_new", args=[application.pk])
    for outsider in (li.user, other_institution_clerk, mianyang_reviewer):
        login(outsider)
        assert client.get(new_url).status_code in (403, 404), outsider.username
        assert client.get(reverse("change_request_detail", args=[change.pk])).status_code in (403, 404)
        assert client.post(reverse("change_request_decide", args=[change.pk]),
                           {"decision": "approve"}).status_code in (403, 404)
        if outsider.role != "candidate":
            assert "另一单位" not in client.get(reverse("change_request_list") + "?status=all").content.decode()
    # The institution proposes and sees, but only the center decides.
    login(institution_clerk)
    assert client.get(reverse("change_request_detail", args=[change.pk])).status_code == 200
    assert client.post(reverse("change_request_decide", args=[change.pk]), {"decision": "approve"}).status_code == 403
    change.refresh_from_db()
    zhang.refresh_from_db()
    assert change.status == ChangeStatus.PENDING and zhang.employer == ""


def test_a_decided_change_request_cannot_be_decided_again(zhang, infant_care_item, chengdu_reviewer):
    application = draft_for(zhang, infant_care_item)
    submit(application)
    change = changes.candidate_data_change(application=application, by=zhang.user,
                                           proposed={"phone": "13911112222"}, reason="换了手机号")
    changes.change_request_approve(change_request=change, by=chengdu_reviewer)
    change.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        changes.change_request_transition(change_request=change, to=ChangeStatus.REJECTED, by=chengdu_reviewer,
                                          reason="晚了")
    assert refused.value.messages == ["信息变更申请当前状态为“已同意”，不能变为“未同意”"]
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED
