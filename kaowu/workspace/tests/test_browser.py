"""A real Chromium (Debian's, driven by Playwright) logs in as a clerk and sees the home page.

Screenshots are saved under var/test-artifacts/ for a person to look at.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from conftest import TEST_PASSWORD
from kaowu.core.tests.browser_support import ARTIFACTS, log_in, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_logs_in_and_sees_the_home_page(live_server, institution_clerk, browser):
    page, problems = open_page(browser, viewport={"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url
    page.screenshot(path=ARTIFACTS / "login.png", full_page=True)

    log_in(page, live_server, "cd01_clerk")
    assert page.locator("h1").inner_text().startswith("陈录")
    todo = page.locator("#todo").inner_text()
    assert "成都市职业技能鉴定第一站" in todo
    assert page.locator(".navbar").get_by_text("机构经办人").is_visible()
    page.screenshot(path=ARTIFACTS / "home_clerk.png", full_page=True)
    assert problems == [], problems  # no CSP violation, no failed asset, no script error


def test_home_page_fits_a_phone_and_the_menu_opens(live_server, institution_clerk, browser):
    page, problems = open_page(browser, viewport={"width": 390, "height": 844}, device_scale_factor=2,
                               is_mobile=True, has_touch=True)
    log_in(page, live_server, "cd01_clerk")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "page wider than the phone"
    assert not page.get_by_role("link", name="机构").is_visible()
    page.click(".navbar-toggler")
    page.get_by_role("link", name="机构").wait_for(state="visible")
    page.screenshot(path=ARTIFACTS / "home_clerk_phone.png", full_page=True)
    assert problems == [], problems


def test_a_locked_account_sees_when_to_retry(live_server, institution_clerk, browser):
    page, _ = open_page(browser, viewport={"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/login/")
    for _ in range(6):
        page.fill("#id_username", "cd01_clerk")
        page.fill("#id_password", "wrong-Passw0rd")
        page.click("button[type=submit]")
        page.wait_for_load_state()
    page.fill("#id_username", "cd01_clerk")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "请于" in page.locator("#login-error").inner_text()
    page.screenshot(path=ARTIFACTS / "login_locked.png", full_page=True)


@pytest.fixture
def calendar(db):
    from kaowu.plans.calendar.services import calendar_load

    calendar_load()


def test_office_pages_render_cleanly_for_the_province_admin(live_server, province_admin, institution_clerk,
                                                            mianyang_reviewer, calendar, browser):
    page, problems = open_page(browser, viewport={"width": 1280, "height": 800})
    log_in(page, live_server, "sc_admin")
    page.screenshot(path=ARTIFACTS / "home_province_admin.png", full_page=True)
    for name, path, heading in [
        ("organisations", "/organisations/", "机构"),
        ("organisation_detail", f"/organisations/{institution_clerk.organisation_id}/", "成都市职业技能鉴定第一站"),
        ("users", "/users/", "用户"),
        ("audit", "/audit/", "审计日志"),
        ("tasks", "/tasks/", "后台任务"),
        ("plans", "/plans/", "考核计划"),
        ("calendar_2024_10", "/plans/calendar/2024/10/", "考核日历"),
        ("sites", "/sites/", "考点"),
        ("filings", "/sites/filings/", "设施设备申报"),
        ("applications", "/sites/applications/", "统考报名机构申请"),
        ("portal", "/portal/", "考核公告"),
    ]:
        page.goto(f"{live_server.url}{path}")
        assert heading in page.locator("h1").inner_text(), name
        page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    assert problems == [], problems


def run_worker_process():
    """Run the queued jobs in a real `kaowu worker` process against the test database."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        url = f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    kaowu = Path(sys.executable).parent / "kaowu"
    result = subprocess.run(
        [str(kaowu), "worker", "--batch", "--no-startup-delay"],
        env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_background_job_progress_updates_in_the_page(live_server, institution_clerk, browser):
    page, problems = open_page(browser, viewport={"width": 1280, "height": 800})
    log_in(page, live_server, "cd01_clerk")
    page.goto(f"{live_server.url}/tasks/")
    page.get_by_role("button", name="开始统计").click()
    page.wait_for_url("**/tasks/*/")
    assert "排队中" in page.locator("#job-status").inner_text()
    run_worker_process()
    # htmx polls every second and swaps in the finished state without a reload.
    page.locator("#job-status", has_text="已完成").wait_for(timeout=10_000)
    assert "成都市职业技能鉴定第一站" in page.locator("#job-progress").inner_text()
    page.screenshot(path=ARTIFACTS / "task_progress.png", full_page=True)
    assert problems == [], problems


def test_a_reviewers_menu_stays_on_one_line_and_groups_exam_day_work(live_server, chengdu_reviewer, browser):
    page, problems = open_page(browser, viewport={"width": 1280, "height": 800})
    log_in(page, live_server, "cd_reviewer")
    assert page.locator("nav.navbar").bounding_box()["height"] < 70  # one line, no label broken per character
    page.locator("#nav-main").get_by_role("button", name="考务").click()
    page.locator("#nav-main").get_by_role("link", name="三员派遣").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "三员派遣"
    assert page.locator("#nav-main .dropdown-toggle.active").inner_text() == "考务"
    page.screenshot(path=ARTIFACTS / "menu_reviewer.png")
    assert problems == [], problems
