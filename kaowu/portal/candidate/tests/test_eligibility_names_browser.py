"""The catalogue's names in Chromium: typing a name that is not in the list (「人力资源管理」, a major, for the
occupation of a work period) shows the warning next to the field at once (kaowu/names.js, no other host); the
form still saves and the application page repeats it; the clerk's review page reads 「三级 条件(1)」."""

import pytest
from django.utils import timezone

from conftest import TEST_PASSWORD
from kaowu.core.tests.browser_support import ARTIFACTS, log_in, open_page
from kaowu.plans.models import Plan
from kaowu.registration import services
from kaowu.registration.models import Application
from kaowu.registration.tests.factories import ZHANG_ID, self_registered

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOT_COUNTED = "“人力资源管理”不是目录中的职业（工种）名称，该段工作年限未计入"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def world(open_plan, hr_item, institution_clerk):
    """Everything the database needs, before Chromium starts: the announced plan, the candidate 张伟, and a
    submitted application of another candidate whose verdict was stored with rule ids only."""
    Plan.objects.filter(pk=open_plan.pk).update(announced_at=timezone.now())
    self_registered(ZHANG_ID, "张伟")
    other = services.candidate_create(by=institution_clerk, name="李四", education="bachelor",
                                      id_number="11010519491231002X", address="成都市锦江区", phone="13800138000")
    application = services.application_create(
        candidate=other, item=hr_item, by=institution_clerk,
        profile={"work": [{"occupation": "人力资源管理", "start": "2019-03-01", "end": None}]})
    application = services.application_submit(application=application, by=institution_clerk,
                                              commitment_accepted=True, today=timezone.localdate())
    stored = {**application.eligibility, "conditions": [
        {"id": c["id"], "met": c["met"], "missing": c["missing"]} for c in application.eligibility["conditions"]]}
    Application.objects.filter(pk=application.pk).update(eligibility=stored)
    return {"plan_id": open_plan.pk, "item": str(hr_item), "review_id": application.pk}


def test_the_candidate_is_warned_next_to_the_field_and_the_clerk_reads_labels(live_server, world, browser):
    url = live_server.url
    phone, problems = open_page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    phone.goto(f"{url}/login/")
    phone.fill("#id_username", ZHANG_ID)
    phone.fill("#id_password", TEST_PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_load_state()
    phone.goto(f"{url}/portal/plans/{world['plan_id']}/apply/")

    warning = phone.locator('[data-name-warning-for="id_work_occupation"]')
    assert not warning.is_visible()
    phone.get_by_label(world["item"]).check()
    phone.get_by_label("从事的职业（工种）").fill("人力资源管理")
    phone.get_by_label("开始日期").first.fill("2010-03-01")  # leaving the field checks the name
    assert warning.is_visible() and warning.inner_text() == NOT_COUNTED
    phone.get_by_label("从事的职业（工种）").fill("企业人力资源管理师")
    phone.get_by_label("开始日期").first.click()
    assert not warning.is_visible()
    phone.get_by_label("从事的职业（工种）").fill("人力资源管理")
    phone.get_by_label("开始日期").first.click()
    phone.locator("#id_work_occupation").scroll_into_view_if_needed()
    phone.screenshot(path=ARTIFACTS / "eligibility_1_apply_warning.png", full_page=True)

    phone.get_by_role("button", name="保存报名表").click()
    phone.wait_for_url("**/portal/me/applications/*/")
    body = phone.locator("main").inner_text()
    assert "报名已保存为草稿" in body and body.count(NOT_COUNTED) == 2
    phone.screenshot(path=ARTIFACTS / "eligibility_2_application.png", full_page=True)

    clerk, clerk_problems = open_page(browser, viewport=DESKTOP)
    log_in(clerk, live_server, "cd01_clerk")
    clerk.goto(f"{url}/registration/applications/{world['review_id']}/")
    card = clerk.locator("#eligibility").inner_text()
    assert "三级 条件(1)（" in card and "L3-1" not in card and NOT_COUNTED in card
    clerk.screenshot(path=ARTIFACTS / "eligibility_3_review.png", full_page=True)
    assert problems == [] and clerk_problems == []
