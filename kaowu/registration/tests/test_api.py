import pytest
from django.utils import timezone

from kaowu.registration import services
from kaowu.registration.tests.factories import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(institution_clerk, infant_care_item):
    candidate = services.candidate_create(by=institution_clerk, name="张三", education="bachelor",
                                          id_number="11010519491231002X", address="成都", phone="13800138000")
    application = services.application_create(candidate=candidate, item=infant_care_item, by=institution_clerk)
    return services.application_submit(application=application, by=institution_clerk, commitment_accepted=True,
                                       today=timezone.localdate())


def test_api_shows_an_application_to_its_institution_and_center(client, application, institution_clerk,
                                                               chengdu_reviewer):
    for user in (institution_clerk, chengdu_reviewer):
        data = client.get("/api/v1/applications", **bearer(user)).json()
        assert [a["id"] for a in data] == [application.pk]
    detail = client.get(f"/api/v1/applications/{application.pk}", **bearer(institution_clerk)).json()
    assert detail["status"] == "submitted" and detail["candidate_name"] == "张三"


@pytest.mark.parametrize("outsider", ["other_institution_clerk", "mianyang_reviewer", "candidate"])
def test_api_refuses_an_application_to_outsiders(request, client, application, outsider):
    headers = bearer(request.getfixturevalue(outsider))
    assert client.get("/api/v1/applications", **headers).json() == []
    assert client.get(f"/api/v1/applications/{application.pk}", **headers).status_code == 404


def test_api_submits_a_draft_and_refuses_a_full_item_with_409(client, institution_clerk, infant_care_item):
    infant_care_item.max_candidates = 1
    infant_care_item.save()
    drafts = []
    for id_number, name in (("11010519491231002X", "张三"), ("110105199003071239", "李四")):
        candidate = services.candidate_create(by=institution_clerk, name=name, education="bachelor",
                                              id_number=id_number, address="成都", phone="13800138000")
        drafts.append(services.application_create(candidate=candidate, item=infant_care_item, by=institution_clerk))
    headers = bearer(institution_clerk)
    no_commitment = client.post(f"/api/v1/applications/{drafts[0].pk}/submit", {"commitment_accepted": False},
                                content_type="application/json", **headers)
    assert no_commitment.status_code == 422 and "R-SC24-7" in no_commitment.json()["detail"]
    ok = client.post(f"/api/v1/applications/{drafts[0].pk}/submit", {"commitment_accepted": True},
                     content_type="application/json", **headers)
    assert ok.status_code == 200 and ok.json()["status"] == "submitted"
    full = client.post(f"/api/v1/applications/{drafts[1].pk}/submit", {"commitment_accepted": True},
                       content_type="application/json", **headers)
    assert full.status_code == 409 and "已满" in full.json()["detail"]
