"""R-LN-5b in Chromium: a candidate whose application is under review asks on a phone to change the
phone number; the 成都 reviewer compares and approves; the candidate sees the new number."""

import pytest
from django.utils import timezone

from conftest import TEST_PASSWORD
from kaowu.core.tests.browser_support import ARTIFACTS, log_in, open_page
from kaowu.registration import services
from kaowu.registration.tests.factories import ZHANG_ID, draft_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def submitted(zhang, infant_care_item, chengdu_reviewer, settings, tmp_path):
    """Everything the database needs is written here, before Chromium starts."""
    settings.MEDIA_ROOT = tmp_path / "media"
    application = draft_for(zhang, infant_care_item)
    services.application_submit(application=application, by=zhang.user, commitment_accepted=True,
                                today=timezone.localdate())
    return application.pk


def test_r_ln_5b_a_phone_change_requested_on_a_phone_and_approved_by_the_center(live_server, submitted, browser):
    url = live_server.url
    phone, problems = open_page(browser, viewport=PHONE)
    phone.goto(f"{url}/login/?next=/portal/me/applications/{submitted}/")
    phone.fill("#id_username", ZHANG_ID)
    phone.fill("#id_password", TEST_PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{url}/portal/me/applications/{submitted}/")
    phone.click("#change-data")
    assert "须提交变更申请" in phone.locator("main").inner_text()
    phone.fill("#id_phone", "13711112222")
    phone.fill("#id_reason", "原手机号已停用")
    phone.screenshot(path=ARTIFACTS / "change_1_request_phone.png", full_page=True)
    phone.click("main button[type=submit]")
    phone.wait_for_url(f"{url}/portal/me/applications/{submitted}/")
    text = phone.locator("main").inner_text()
    assert "已提交信息变更申请" in text and "待审核" in text
    assert "137****2222" not in text, "the new number shows only after approval"

    reviewer, reviewer_problems = open_page(browser, viewport={"width": 1280, "height": 900})
    log_in(reviewer, live_server, "cd_reviewer")
    reviewer.goto(f"{url}/registration/changes/")
    reviewer.screenshot(path=ARTIFACTS / "change_2_list.png", full_page=True)
    reviewer.click("text=张伟")
    rows = reviewer.locator("#change-rows").inner_text()
    assert "手机号" in rows and "13711112222" in rows and "原手机号已停用" in reviewer.locator("main").inner_text()
    reviewer.screenshot(path=ARTIFACTS / "change_3_detail.png", full_page=True)
    reviewer.click("button[value=approve]")
    assert reviewer.locator("#change-status").inner_text() == "已同意"

    phone.reload()
    text = phone.locator("main").inner_text()
    assert "137****2222" in text and "已同意" in text
    phone.screenshot(path=ARTIFACTS / "change_4_approved.png", full_page=True)
    assert problems == [] and reviewer_problems == []
