"""Plan pages: a clerk files through the UI, the right reviewer decides, outsiders see nothing."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from kaowu.core.workdays import workdays_add
from kaowu.plans import services
from kaowu.plans.models import Plan
from kaowu.plans.tests.factories import make_plan

pytestmark = pytest.mark.django_db


def future_monday(weeks: int) -> date:
    day = timezone.localdate() + timedelta(weeks=weeks)
    return day - timedelta(days=day.weekday())


def test_clerk_creates_a_plan_through_the_form(catalogue, login, institution_clerk, site):
    from kaowu.catalog.models import Occupation

    client = login(institution_clerk)
    form_page = client.get("/plans/new/")
    assert form_page.status_code == 200 and "一站锦江考点" in form_page.content.decode()
    occupation = Occupation.objects.get(name="育婴员")
    response = client.post("/plans/new/", {
        "name": "成都市职业技能鉴定第一站2026年第01批次", "kind": "unified", "assessment_type": "qualification",
        "sites": [site.pk], "registration_place": "锦江区东大街100号", "registration_opens": "2026-12-01",
        "registration_closes": "2026-12-20", "contact_name": "陈录", "contact_phone": "02800000000",
        "items-TOTAL_FORMS": "3", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "20",
        "items-0-occupation": occupation.pk, "items-0-level": "4", "items-0-expected_candidates": "30",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = Plan.objects.get()
    assert plan.items.get().level == 4 and plan.status == Plan.Status.DRAFT


def test_r_cq_1_filing_too_late_through_the_ui_shows_the_rule_and_the_latest_date(
    catalogue, login, institution_clerk, site
):
    exam = workdays_add(timezone.localdate(), 9)
    plan = make_plan(institution_clerk, site, sessions=[exam])
    page = login(institution_clerk).post(f"/plans/{plan.pk}/file/", follow=True).content.decode()
    assert "R-CQ-1" in page and "最晚应于" in page
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def test_chengdu_reviewer_approves_through_the_ui(catalogue, login, institution_clerk, chengdu_reviewer, site):
    plan = make_plan(institution_clerk, site, sessions=[future_monday(8)])
    login(institution_clerk).post(f"/plans/{plan.pk}/file/")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.FILED
    client = login(chengdu_reviewer)
    assert plan.name in client.get("/plans/").content.decode()
    client.post(f"/plans/{plan.pk}/review/", {"decision": "approve"})
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED


def test_mianyang_reviewer_cannot_see_a_chengdu_plan(catalogue, login, institution_clerk, mianyang_reviewer, site):
    plan = make_plan(institution_clerk, site, sessions=[future_monday(8)])
    services.plan_file(plan=plan, by=institution_clerk, today=timezone.localdate())
    client = login(mianyang_reviewer)
    assert plan.name not in client.get("/plans/").content.decode()
    assert client.get(f"/plans/{plan.pk}/").status_code == 404
    assert client.post(f"/plans/{plan.pk}/review/", {"decision": "approve"}).status_code == 404
    plan.refresh_from_db()
    assert plan.status == Plan.Status.FILED


def test_an_institution_cannot_approve_its_own_plan_through_the_ui(catalogue, login, institution_admin,
                                                                   institution_clerk, site):
    plan = make_plan(institution_clerk, site, sessions=[future_monday(8)])
    services.plan_file(plan=plan, by=institution_clerk, today=timezone.localdate())
    response = login(institution_admin).post(f"/plans/{plan.pk}/review/", {"decision": "approve"})
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == Plan.Status.FILED


@pytest.mark.parametrize("outsider", ["candidate", "assessor", "other_institution_clerk"])
def test_outsiders_are_refused_a_plan(request, catalogue, login, institution_clerk, site, outsider):
    plan = make_plan(institution_clerk, site, sessions=[future_monday(8)])
    client = login(request.getfixturevalue(outsider))
    assert client.get(f"/plans/{plan.pk}/").status_code in {403, 404}
    assert client.post(f"/plans/{plan.pk}/file/").status_code in {403, 404}


def test_r_cq_8_another_citys_reviewer_cannot_decide_a_change_request(catalogue, login, institution_clerk,
                                                                      chengdu_reviewer, mianyang_reviewer, site):
    plan = make_plan(institution_clerk, site, sessions=[future_monday(8)])
    services.plan_file(plan=plan, by=institution_clerk, today=timezone.localdate())
    services.plan_approve(plan=plan, by=chengdu_reviewer, today=timezone.localdate())
    session = plan.sessions.get()
    change = services.plan_change_request(
        plan=plan, by=institution_clerk, reason="考场检修",
        sessions=[{"id": session.pk, "date": future_monday(9).isoformat(), "start": "14:00", "end": "15:00"}],
    )
    response = login(mianyang_reviewer).post(f"/plans/{plan.pk}/changes/{change.pk}/review/", {"decision": "approve"})
    assert response.status_code == 404
    change.refresh_from_db()
    assert change.status == change.Status.PENDING
    login(chengdu_reviewer).post(f"/plans/{plan.pk}/changes/{change.pk}/review/", {"decision": "approve"})
    change.refresh_from_db()
    assert change.status == change.Status.APPROVED


def test_the_clerk_closes_registration_and_outsiders_cannot(catalogue, login, institution_clerk,
                                                             other_institution_clerk, chengdu_reviewer, site):
    plan = make_plan(institution_clerk, site, sessions=[timezone.localdate() + timedelta(days=40)])
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.REGISTRATION_OPEN)
    url = f"/plans/{plan.pk}/close/"
    assert login(other_institution_clerk).post(url).status_code == 404
    assert login(chengdu_reviewer).post(url).status_code == 403
    plan.refresh_from_db()
    assert plan.status == Plan.Status.REGISTRATION_OPEN
    client = login(institution_clerk)
    assert 'id="plan-close"' in client.get(f"/plans/{plan.pk}/").content.decode()
    page = client.post(url, follow=True).content.decode()
    assert "已截止报名" in page
    plan.refresh_from_db()
    assert plan.status == Plan.Status.REGISTRATION_CLOSED
    # Closing twice is refused with the reason.
    assert "不能变为" in client.post(url, follow=True).content.decode()
