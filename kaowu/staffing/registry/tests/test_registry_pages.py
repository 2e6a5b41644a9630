"""Pages of the staff registry: who sees which registry, who edits it, what the pages show."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kaowu.core.ids import id_mask
from kaowu.staffing.models import AssessorCard, StaffMember, StaffRelation
from kaowu.staffing.registry.tests.factories import staff_id_number, staff_make

pytestmark = pytest.mark.django_db

LIST = reverse("staff_list")


def names_listed(client, query: str = "") -> set[str]:
    response = client.get(LIST + query)
    assert response.status_code == 200
    return {s.name for s in response.context["page"]}


# --- scope -------------------------------------------------------------------------------------

def test_the_province_sees_every_registry(login, province_admin, center_assessor, station_invigilator,
                                          mianyang_supervisor):
    assert names_listed(login(province_admin)) == {"吴考评", "冯监考", "赵督导"}


def test_a_city_center_sees_its_own_registry_and_its_institutions_but_not_another_city(
        login, chengdu_reviewer, mianyang_reviewer, center_assessor, station_invigilator, mianyang_supervisor):
    assert names_listed(login(chengdu_reviewer)) == {"吴考评", "冯监考"}
    assert names_listed(login(mianyang_reviewer)) == {"赵督导"}


def test_an_institution_sees_its_own_registry_only(login, institution_clerk, other_institution_clerk,
                                                   center_assessor, station_invigilator):
    assert names_listed(login(institution_clerk)) == {"冯监考"}
    assert names_listed(login(other_institution_clerk)) == set()


@pytest.mark.parametrize("who", ["assessor", "supervisor", "invigilator", "candidate"])
def test_people_who_are_dispatched_or_examined_get_no_registry_pages(request, client, login, who, center_assessor):
    login(request.getfixturevalue(who))
    for url in (LIST, reverse("staff_create"), reverse("staff_detail", args=[center_assessor.pk]),
                reverse("staff_update", args=[center_assessor.pk]), reverse("staff_import_upload"),
                reverse("staff_import_template")):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("staff_card_add", args=[center_assessor.pk]), {}).status_code == 403


WRITES = ["staff_card_add", "staff_card_remove", "staff_availability_set", "staff_training_add",
          "staff_relation_add", "staff_relation_remove"]


@pytest.mark.parametrize("outsider", ["mianyang_reviewer", "other_institution_clerk", "institution_clerk"])
def test_an_outsider_finds_no_chengdu_center_person(request, client, login, outsider, center_assessor):
    login(request.getfixturevalue(outsider))
    assert client.get(reverse("staff_detail", args=[center_assessor.pk])).status_code == 404
    assert client.get(reverse("staff_update", args=[center_assessor.pk])).status_code == 404
    card = center_assessor.cards.first()
    for name in WRITES:
        response = client.post(reverse(name, args=[center_assessor.pk]), {"card": card.pk})
        assert response.status_code == 404, name
    assert AssessorCard.objects.filter(pk=card.pk).exists()


@pytest.mark.parametrize("outsider", ["mianyang_reviewer", "other_institution_clerk"])
def test_an_outsider_finds_no_station_person(request, client, login, outsider, station_invigilator):
    login(request.getfixturevalue(outsider))
    assert client.get(reverse("staff_detail", args=[station_invigilator.pk])).status_code == 404
    assert client.post(reverse("staff_update", args=[station_invigilator.pk]), {}).status_code == 404


def test_a_center_reads_an_institution_person_but_may_not_edit_it(client, login, chengdu_reviewer,
                                                                   station_invigilator, candidates):
    login(chengdu_reviewer)
    page = client.get(reverse("staff_detail", args=[station_invigilator.pk]))
    assert page.status_code == 200 and "您可以查看，不能修改" in page.content.decode()
    assert "修改人员信息" not in page.content.decode()
    assert client.get(reverse("staff_update", args=[station_invigilator.pk])).status_code == 403
    for name in WRITES:
        response = client.post(reverse(name, args=[station_invigilator.pk]),
                               {"relation-candidate": candidates[0].id_number, "relation-kind": "relative"})
        assert response.status_code == 403, name
    assert not StaffRelation.objects.exists()


def test_the_province_reads_a_city_person_but_may_not_edit_it(client, login, province_admin, center_assessor):
    login(province_admin)
    assert client.get(reverse("staff_detail", args=[center_assessor.pk])).status_code == 200
    card = center_assessor.cards.first()
    assert client.post(reverse("staff_card_remove", args=[center_assessor.pk]), {"card": card.pk}).status_code == 403
    assert AssessorCard.objects.filter(pk=card.pk).exists()


# --- list --------------------------------------------------------------------------------------

def test_the_list_masks_id_numbers_and_shows_card_counts(client, login, chengdu_reviewer, center_assessor):
    html = login(chengdu_reviewer).get(LIST).content.decode()
    assert center_assessor.id_number not in html
    assert id_mask(center_assessor.id_number) in html
    assert "有效 1" in html and "已过期 1" in html
    assert "锦江区" in html and "成都市第一人民医院" in html and "成都中心" in html
    head = html.split("<thead")[1].split("</thead>")[0]
    for title in ("姓名", "身份证号", "角色", "工作单位", "常住地", "考评员证（有效/已过期）", "登记机构"):
        assert title in head


def test_the_list_filters_by_role_and_searches_names(client, login, province_admin, center_assessor,
                                                     station_invigilator, mianyang_supervisor):
    login(province_admin)
    assert names_listed(client, "?role=invigilator") == {"冯监考"}
    assert names_listed(client, "?role=supervisor") == {"赵督导"}
    assert names_listed(client, "?q=考评") == {"吴考评"}
    assert names_listed(client, f"?q={station_invigilator.id_number}") == {"冯监考"}
    assert names_listed(client, f"?q={station_invigilator.id_number[:10]}") == set()  # no partial-number probing
    assert names_listed(client, f"?registry={station_invigilator.organisation_id}") == {"冯监考"}


def test_the_list_takes_the_same_number_of_queries_for_3_and_40_people(client, login, chengdu_reviewer, chengdu,
                                                                       chengdu_institution, infant):
    login(chengdu_reviewer)
    until = timezone.localdate() + timedelta(days=30)

    def grow(start: int, count: int) -> None:
        for n in range(start, start + count):
            staff = staff_make(chengdu if n % 2 else chengdu_institution, 100 + n, f"人员{n:03d}",
                               **({"is_assessor": True} if n % 2 else {"is_invigilator": True}))
            if n % 2:
                AssessorCard.objects.create(staff=staff, occupation=infant, level=3, number=f"Q-{n}",
                                            valid_until=until)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    grow(0, 3)
    few = queries()
    grow(3, 37)
    assert len(client.get(LIST).context["page"]) == 40
    assert queries() == few


# --- person pages ------------------------------------------------------------------------------

def test_an_expired_card_is_shown_as_expired(client, login, chengdu_reviewer, center_assessor):
    html = login(chengdu_reviewer).get(reverse("staff_detail", args=[center_assessor.pk])).content.decode()
    rows = html.split('id="cards"')[1].split("</table>")[0].split("<tr")
    old = next(row for row in rows if "KP-OLD-002" in row)
    valid = next(row for row in rows if "KP-VALID-001" in row)
    assert "已过期" in old and "有效" not in old.replace("有效期", "")
    assert "已过期" not in valid and ">有效<" in valid


def test_a_clerk_creates_an_invigilator_on_the_page(client, login, institution_clerk):
    login(institution_clerk)
    form = client.get(reverse("staff_create")).content.decode()
    assert 'value="invigilator"' in form and 'value="assessor"' not in form  # R-FJ-8: not offered
    response = client.post(reverse("staff_create"), {
        "name": "褚监考", "id_number": staff_id_number(60), "phone": "13800000003", "region_code": "510104",
        "roles": ["invigilator", "chief"], "employer_name": ""})
    staff = StaffMember.objects.get(name="褚监考")
    assert response.status_code == 302 and response["Location"] == reverse("staff_detail", args=[staff.pk])
    assert staff.organisation == institution_clerk.organisation and staff.is_chief


def test_the_create_page_shows_the_refusal_next_to_the_field(client, login, chengdu_reviewer, center_assessor):
    login(chengdu_reviewer)
    wrong = center_assessor.id_number[:17] + ("1" if center_assessor.id_number[17] != "1" else "2")
    response = client.post(reverse("staff_create"), {"name": "孙", "id_number": wrong, "region_code": "510104",
                                                     "roles": ["assessor"]})
    assert response.status_code == 200 and "校验位错误" in response.content.decode()
    response = client.post(reverse("staff_create"), {"name": "孙", "id_number": center_assessor.id_number,
                                                     "region_code": "510104", "roles": ["supervisor"]})
    assert "已有身份证号为" in response.content.decode()
    assert StaffMember.objects.count() == 1


def test_the_edit_page_saves_and_can_take_a_person_off_the_register(client, login, chengdu_reviewer,
                                                                    center_assessor):
    login(chengdu_reviewer)
    response = client.post(reverse("staff_update", args=[center_assessor.pk]), {
        "name": "吴考评", "id_number": center_assessor.id_number, "region_code": "510107",
        "roles": ["assessor", "custodian"], "employer_name": "成都市第一人民医院"})
    assert response.status_code == 302
    center_assessor.refresh_from_db()
    assert center_assessor.is_custodian and not center_assessor.is_active and center_assessor.region_code == "510107"


def test_adding_an_expired_card_on_the_page_warns_and_shows_it_expired(client, login, chengdu_reviewer,
                                                                      center_assessor, infant):
    login(chengdu_reviewer)
    response = client.post(reverse("staff_card_add", args=[center_assessor.pk]), {
        "card-occupation": infant.pk, "card-level": "5", "card-number": "KP-PAST-9",
        "card-valid_until": (timezone.localdate() - timedelta(days=3)).isoformat()}, follow=True)
    html = response.content.decode()
    assert "该证已于" in html and "过期" in html
    assert html.count("已过期</span>") == 2


def test_a_refused_card_is_reported_on_the_person_page(client, login, chengdu_reviewer, center_assessor, infant):
    login(chengdu_reviewer)
    response = client.post(reverse("staff_card_add", args=[center_assessor.pk]), {
        "card-occupation": infant.pk, "card-level": "1", "card-number": "KP-VALID-001",
        "card-valid_until": timezone.localdate().isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    assert "未开设一级/高级技师" in html
    assert center_assessor.cards.count() == 2


def test_availability_training_and_relations_through_the_person_page(client, login, chengdu_reviewer,
                                                                     center_assessor, candidates):
    login(chengdu_reviewer)
    url = reverse("staff_detail", args=[center_assessor.pk])
    day = timezone.localdate() + timedelta(days=5)
    client.post(reverse("staff_availability_set", args=[center_assessor.pk]),
                {"availability-date": day.isoformat(), "availability-available": "0", "availability-note": "出差"})
    client.post(reverse("staff_training_add", args=[center_assessor.pk]), {
        "training-name": "育婴员四级培训班", "training-candidates": "\n".join(c.id_number for c in candidates)})
    client.post(reverse("staff_relation_add", args=[center_assessor.pk]), {
        "relation-candidate": candidates[0].id_number, "relation-kind": "relative", "relation-note": "表兄弟"})
    html = client.get(url).content.decode()
    assert "不能工作" in html and "出差" in html
    assert "育婴员四级培训班" in html and "学员3人" in html
    assert "近亲属" in html and id_mask(candidates[0].id_number) in html
    assert candidates[0].id_number not in html  # candidates' numbers are masked on the page
    relation = StaffRelation.objects.get()
    client.post(reverse("staff_relation_remove", args=[center_assessor.pk]), {"relation": relation.pk})
    assert not StaffRelation.objects.exists()


def test_an_unknown_trainee_is_named_on_the_person_page(client, login, chengdu_reviewer, center_assessor):
    login(chengdu_reviewer)
    unknown = staff_id_number(702)
    response = client.post(reverse("staff_training_add", args=[center_assessor.pk]), {
        "training-name": "班", "training-candidates": unknown})
    assert f"身份证号 {unknown} 不是已登记的考生" in response.content.decode()


def test_a_card_of_another_person_cannot_be_removed_through_this_person(client, login, chengdu_reviewer,
                                                                        center_assessor, chengdu):
    other = staff_make(chengdu, 9, "郑考评", is_assessor=True)
    login(chengdu_reviewer)
    card = center_assessor.cards.first()
    assert client.post(reverse("staff_card_remove", args=[other.pk]), {"card": card.pk}).status_code == 404
    assert AssessorCard.objects.filter(pk=card.pk).exists()
