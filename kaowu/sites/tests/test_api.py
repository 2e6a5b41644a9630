"""/api/v1/sites: scoped like the pages. Until the router is mounted in kaowu/api/api.py these tests
call it through ninja's TestClient; once it is mounted they go through the real URL and token auth."""

import pytest
from django.urls import Resolver404, resolve
from ninja.testing import TestClient

from kaowu.accounts.services import api_token_create
from kaowu.api.sites import router
from kaowu.sites import services
from kaowu.sites.models import Site

pytestmark = pytest.mark.django_db


def _mounted() -> bool:
    try:
        resolve("/api/v1/sites")
    except Resolver404:
        return False
    return True


class Api:
    """GET and POST as a user, through the real API when it is mounted."""

    def __init__(self, client):
        self.client = client
        self.direct = None if _mounted() else TestClient(router)

    def get(self, user, path):
        if self.direct is not None:
            return self.direct.get(path, auth=user)
        _token, key = api_token_create(user=user, name="测试")
        return self.client.get(f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {key}")

    def post(self, user, path, payload):
        if self.direct is not None:
            return self.direct.post(path, json=payload, auth=user)
        _token, key = api_token_create(user=user, name="测试")
        return self.client.post(f"/api/v1{path}", payload, content_type="application/json",
                                HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def api(client):
    return Api(client)


SITE = {"name": "接口考点", "address": "青羊区光华大道二段88号", "region_code": "510105", "contact_name": "陈录",
        "contact_phone": "13800138000", "safety_officer": "刘安"}


def test_api_list_of_mianyang_reviewer_leaves_out_chengdu_sites(api, mianyang_reviewer, chengdu_site, mianyang_site):
    names = {site["name"] for site in api.get(mianyang_reviewer, "/sites").json()}
    assert names == {mianyang_site.name}


def test_api_detail_and_rooms_of_a_chengdu_site_are_404_for_mianyang_reviewer(
    api, mianyang_reviewer, equipped_site
):
    assert api.get(mianyang_reviewer, f"/sites/{equipped_site.pk}").status_code == 404
    assert api.get(mianyang_reviewer, f"/sites/{equipped_site.pk}/rooms").status_code == 404


def test_api_rooms_of_a_site_carry_their_station_counts(api, institution_clerk, equipped_site):
    services.room_create(site=equipped_site, by=institution_clerk, name="实操1", kind="practical", capacity=8,
                         station_count=8)
    rooms = {room["name"]: room for room in api.get(institution_clerk, f"/sites/{equipped_site.pk}/rooms").json()}
    assert rooms["实操1"]["station_count"] == 8 and rooms["理论考场1"]["capacity"] == 30
    assert api.get(institution_clerk, f"/sites/{equipped_site.pk}").json()["name"] == equipped_site.name


def test_api_clerk_creates_a_site_of_its_own_institution(api, institution_clerk):
    response = api.post(institution_clerk, "/sites", SITE)
    assert response.status_code == 201, response.content
    site = Site.objects.get(pk=response.json()["id"])
    assert site.institution == institution_clerk.organisation


def test_api_site_creation_is_refused_to_reviewers_and_candidates(api, chengdu_reviewer, candidate):
    assert api.post(chengdu_reviewer, "/sites", SITE).status_code == 403
    assert api.post(candidate, "/sites", SITE).status_code == 403
    assert not Site.objects.exists()


def test_api_site_without_a_safety_officer_is_refused_with_the_rule(api, institution_clerk):
    response = api.post(institution_clerk, "/sites", {**SITE, "safety_officer": " "})
    assert response.status_code == 422 and "R-SC21-1" in response.json()["detail"]


def test_api_other_institution_clerk_cannot_see_another_institutions_site(api, other_institution_clerk,
                                                                         chengdu_site):
    assert api.get(other_institution_clerk, "/sites").json() == []
    assert api.get(other_institution_clerk, f"/sites/{chengdu_site.pk}").status_code == 404
