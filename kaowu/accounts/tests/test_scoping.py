"""A user sees its organisation's subtree and nothing else (lists, details, API)."""

import pytest

from kaowu.accounts.selectors import organisations_visible_to, users_visible_to
from kaowu.accounts.services import api_token_create

pytestmark = pytest.mark.django_db


def test_mianyang_reviewer_does_not_see_chengdu_in_the_organisation_list(
    login, mianyang_reviewer, chengdu_institution, chengdu_other_institution, mianyang_institution
):
    page = login(mianyang_reviewer).get("/organisations/").content.decode()
    assert "绵阳市职业技能鉴定站" in page
    assert "成都市职业技能鉴定第一站" not in page
    assert "四川城市技师学院" not in page
    assert "成都市职业技能鉴定指导中心" not in page


def test_mianyang_reviewer_gets_404_for_a_chengdu_institution(login, mianyang_reviewer, chengdu_institution):
    response = login(mianyang_reviewer).get(f"/organisations/{chengdu_institution.pk}/")
    assert response.status_code == 404
    assert "成都" not in response.content.decode()


def test_mianyang_reviewer_does_not_see_chengdu_users(login, mianyang_reviewer, institution_clerk, chengdu_reviewer):
    client = login(mianyang_reviewer)
    page = client.get("/users/").content.decode()
    assert "cd01_clerk" not in page and "cd_reviewer" not in page
    assert "my_reviewer" in page
    assert client.get(f"/users/{institution_clerk.pk}/").status_code == 404
    assert client.get("/users/?text=cd01").content.decode().count("cd01_clerk") == 0


def test_chengdu_reviewer_sees_the_institutions_of_chengdu_only(
    login, chengdu_reviewer, chengdu_institution, chengdu_other_institution, mianyang_institution
):
    page = login(chengdu_reviewer).get("/organisations/").content.decode()
    assert "成都市职业技能鉴定第一站" in page and "四川城市技师学院职业技能等级认定站" in page
    assert "绵阳市职业技能鉴定站" not in page


def test_province_admin_sees_the_whole_province(province_admin, chengdu_institution, mianyang_institution):
    names = set(organisations_visible_to(province_admin).values_list("name", flat=True))
    assert {"成都市职业技能鉴定第一站", "绵阳市职业技能鉴定站"} <= names


def test_clerk_cannot_open_another_institution_or_its_clerks(
    login, institution_clerk, other_institution_clerk, chengdu_other_institution
):
    client = login(institution_clerk)
    assert client.get(f"/organisations/{chengdu_other_institution.pk}/").status_code == 404
    assert client.get(f"/users/{other_institution_clerk.pk}/").status_code == 404
    assert other_institution_clerk not in users_visible_to(institution_clerk)


@pytest.mark.parametrize("outsider", ["candidate", "assessor", "supervisor", "invigilator"])
def test_non_office_roles_are_refused_the_organisation_and_user_pages(request, login, outsider):
    user = request.getfixturevalue(outsider)
    client = login(user)
    for url in ["/organisations/", "/users/", f"/organisations/{user.organisation_id}/", f"/users/{user.pk}/"]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "无权访问" in response.content.decode()


def test_staff_roles_see_only_themselves_and_their_own_organisation(assessor, chengdu_institution):
    assert list(users_visible_to(assessor)) == [assessor]
    assert list(organisations_visible_to(assessor)) == [assessor.organisation]


def test_anonymous_visitor_is_sent_to_login(client, chengdu_institution):
    response = client.get(f"/organisations/{chengdu_institution.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# --- API -------------------------------------------------------------------------------------


def bearer(user) -> dict:
    _token, key = api_token_create(user=user, name="测试")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_api_list_of_mianyang_reviewer_leaves_out_chengdu(client, mianyang_reviewer, chengdu_institution):
    response = client.get("/api/v1/organisations", **bearer(mianyang_reviewer))
    assert response.status_code == 200
    codes = {org["code"] for org in response.json()}
    assert codes == {"510700", "510703001"}


def test_api_detail_of_chengdu_institution_is_404_for_mianyang_reviewer(
    client, mianyang_reviewer, chengdu_institution
):
    response = client.get(f"/api/v1/organisations/{chengdu_institution.pk}", **bearer(mianyang_reviewer))
    assert response.status_code == 404


def test_api_users_of_mianyang_reviewer_leave_out_chengdu(client, mianyang_reviewer, institution_clerk):
    headers = bearer(mianyang_reviewer)
    usernames = {u["username"] for u in client.get("/api/v1/users", **headers).json()}
    assert usernames == {"my_reviewer"}
    assert client.get(f"/api/v1/users/{institution_clerk.pk}", **headers).status_code == 404


def test_api_refuses_requests_without_a_valid_token(client, chengdu_institution):
    assert client.get("/api/v1/organisations").status_code == 401
    assert client.get("/api/v1/organisations", HTTP_AUTHORIZATION="Bearer kw_wrong").status_code == 401


def test_api_me_names_the_token_owner(client, institution_clerk):
    data = client.get("/api/v1/me", **bearer(institution_clerk)).json()
    assert data["username"] == "cd01_clerk" and data["role"] == "institution_clerk"


def test_revoked_token_no_longer_works(client, institution_clerk, province_admin):
    from kaowu.accounts.services import api_token_revoke

    token, key = api_token_create(user=institution_clerk, name="测试")
    api_token_revoke(token=token, by=province_admin)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_openapi_document_is_public_json(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/organisations" in response.json()["paths"]


def test_city_detail_counts_only_its_own_institutions_and_people(
    login, chengdu_reviewer, chengdu, institution_clerk, other_institution_clerk, mianyang_reviewer
):
    from kaowu.accounts.selectors import organisation_children_counts

    counts = organisation_children_counts(user=chengdu_reviewer, organisation=chengdu)
    assert counts == {"cities": 0, "institutions": 2, "users": 3}  # the reviewer and two clerks
    page = login(chengdu_reviewer).get(f"/organisations/{chengdu.pk}/").content.decode()
    assert "成都市职业技能鉴定第一站" in page and "赵绵" not in page
