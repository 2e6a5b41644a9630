"""The candidate picks occupations and majors from the catalogue's lists, hears when a typed name is not one
of them (next to the field and in the eligibility result, without being stopped from saving), and reads the
conditions not met by their label (「三级 条件(1)」), never the rule file's id (`L3-1`)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kaowu.plans.models import Plan
from kaowu.registration.models import Application
from kaowu.registration.tests.factories import draft_for

pytestmark = pytest.mark.django_db
NOT_COUNTED = "“人力资源管理”不是目录中的职业（工种）名称，该段工作年限未计入"


@pytest.fixture(autouse=True)
def announce(open_plan):
    Plan.objects.filter(pk=open_plan.pk).update(announced_at=timezone.now())


def apply_data(item, **overrides) -> dict:
    return {"item": item.pk, "work_occupation": "", "work_start": "", "work_end": "", "cert_occupation": "",
            "cert_level": "", "cert_kind": "", "cert_issued_on": "", "edu_school": "", "edu_major": "",
            "edu_status": "", "edu_graduated_on": "", **overrides}


def test_the_apply_form_offers_the_catalogues_occupations_and_majors(client, login, zhang, hr_item):
    login(zhang.user)
    page = client.get(reverse("candidate_apply", args=[hr_item.plan_id])).content.decode()

    occupations = re.search(r'<datalist id="occupation-options">(.*?)</datalist>', page, re.S).group(1)
    majors = re.search(r'<datalist id="major-options">(.*?)</datalist>', page, re.S).group(1)
    assert {'<option value="企业人力资源管理师">', '<option value="育婴员">', '<option value="企业管理">'} <= set(
        re.findall(r'<option value="[^"]+">', occupations))
    assert '<option value="人力资源管理">' in majors and '<option value="人力资源管理">' not in occupations
    for field, datalist in (("work_occupation", "occupation-options"), ("cert_occupation", "occupation-options"),
                            ("edu_major", "major-options")):
        tag = re.search(rf'<input[^>]*name="{field}"[^>]*>', page).group(0)
        assert f'list="{datalist}"' in tag
    assert "/static/kaowu/names.js" in page


def test_an_unknown_occupation_is_saved_with_a_warning_and_named_in_the_eligibility_result(client, login, zhang,
                                                                                           hr_item):
    login(zhang.user)
    response = client.post(reverse("candidate_apply", args=[hr_item.plan_id]), apply_data(
        hr_item, work_occupation="人力资源管理", work_start="2010-03-01"), follow=True)

    application = Application.objects.get(candidate=zhang)  # saved: the warning does not block
    assert application.profile["work"][0]["occupation"] == "人力资源管理"
    page = response.content.decode()
    assert page.count(NOT_COUNTED) == 2  # the message after saving and the eligibility section
    assert 'id="eligibility-warnings"' in page


def test_the_warning_shows_next_to_the_field_when_the_form_comes_back(client, login, zhang, hr_item):
    login(zhang.user)
    response = client.post(reverse("candidate_apply", args=[hr_item.plan_id]), apply_data(
        hr_item, work_occupation="人力资源管理", work_start="2010-03-01", edu_major="人力资源管理",
        edu_status="毕业"))  # 学历层次 missing: the form comes back

    assert response.status_code == 400
    page = response.content.decode()
    box = re.search(r'<div [^>]*data-name-warning-for="id_work_occupation"[^>]*>(.*?)</div>', page).group(0)
    assert NOT_COUNTED in box and "d-none" not in box
    major = re.search(r'<div [^>]*data-name-warning-for="id_edu_major"[^>]*>(.*?)</div>', page).group(0)
    assert "d-none" in major  # a known major: no warning


def test_unmet_conditions_are_shown_by_their_label_not_their_id(client, login, zhang, hr_item):
    from kaowu.registration import services

    application = draft_for(zhang, hr_item)
    Application.objects.filter(pk=application.pk).update(
        profile={"work": [{"occupation": "人力资源管理", "start": "2020-01-01", "end": None}]})
    application.refresh_from_db()
    Application.objects.filter(pk=application.pk).update(eligibility=services.eligibility_for(application))
    login(zhang.user)

    page = client.get(reverse("candidate_application", args=[application.pk])).content.decode()

    assert "三级 条件(1)（" in page and "三级 条件(2)第一种情形" in page
    assert not re.search(r"L3-\d", page)
    assert NOT_COUNTED in page
