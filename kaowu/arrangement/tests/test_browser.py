"""考场编排 in Chromium: the clerk closes registration and arranges from the plan page, reviews the
arrangement room by room, publishes the tickets; the 成都 center looks on read-only; the candidate
downloads the ticket on a phone; a plan with too few places shows the shortage report."""

import pytest

from conftest import TEST_PASSWORD
from kaowu.arrangement.tests.factories import exam_build
from kaowu.core.tests.browser_support import ARTIFACTS, log_in, open_page
from kaowu.plans.models import Plan
from kaowu.registration.models import Candidate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def exam(institution_clerk, chengdu_reviewer, candidate):
    """Everything the database needs is written here, before Chromium starts: 20 paid candidates, the
    first of them with a portal account; registration is still open."""
    exam = exam_build(institution_clerk, stations=16)
    Plan.objects.filter(pk=exam.plan.pk).update(status=Plan.Status.REGISTRATION_OPEN)
    first = exam.made[0]
    Candidate.objects.filter(pk=first.candidate_id).update(user=candidate)
    exam.candidate_application_id = first.pk
    return exam


def test_clerk_arranges_reviews_rooms_and_publishes_tickets(live_server, exam, browser):
    url, plan = live_server.url, exam.plan
    clerk, problems = open_page(browser, viewport=DESKTOP)
    log_in(clerk, live_server, "cd01_clerk")
    clerk.goto(f"{url}/plans/{plan.pk}/")
    clerk.click("#plan-close")
    clerk.wait_for_load_state()
    assert "已截止报名" in clerk.locator("main").inner_text()
    clerk.click("#plan-arrangement-link")
    assert clerk.locator("#count-fee-paid").inner_text() == "20"
    assert clerk.locator("#button-publish").is_disabled()
    clerk.screenshot(path=ARTIFACTS / "arrangement_1_before.png", full_page=True)

    clerk.fill("#inc_seed", "20261205")
    clerk.click("#button-incremental")
    clerk.wait_for_load_state()
    main = clerk.locator("main").inner_text()
    assert "编排完成：新编排 32 人次" in main and clerk.locator("#last-seed").inner_text() == "20261205"
    assert clerk.locator("#count-placed").inner_text() == "20"
    clerk.screenshot(path=ARTIFACTS / "arrangement_2_arranged.png", full_page=True)

    clerk.click("#seat-list-link")
    clerk.locator("#session-select").select_option(str(exam.sessions["infant_practical"].pk))
    clerk.get_by_role("button", name="查看").click()
    clerk.wait_for_load_state()
    assert clerk.locator("#seat-table tbody tr").count() == 12
    table = clerk.locator("#seat-table").inner_text()
    assert "工位号" in table and "********" in table and "未发布" in table
    clerk.screenshot(path=ARTIFACTS / "arrangement_3_seats.png", full_page=True)

    clerk.goto(f"{url}/arrangement/plans/{plan.pk}/")
    clerk.click("#button-publish")
    clerk.wait_for_load_state()
    assert "已发布准考证 20 张" in clerk.locator("main").inner_text()
    assert clerk.locator("#count-ticketed").inner_text() == "20"
    # A full re-arrangement now asks for the confirmation; the browser refuses to submit without it.
    assert "已发布的 20 张准考证将全部作废" in clerk.locator("#run-full").inner_text()
    clerk.screenshot(path=ARTIFACTS / "arrangement_4_published.png", full_page=True)

    clerk.goto(f"{url}/arrangement/plans/{plan.pk}/seats/?session={exam.sessions['hr_theory'].pk}")
    assert "未发布" not in clerk.locator("#seat-table").inner_text()

    reviewer, reviewer_problems = open_page(browser, viewport=DESKTOP)
    log_in(reviewer, live_server, "cd_reviewer")
    reviewer.goto(f"{url}/arrangement/plans/{plan.pk}/")
    text = reviewer.locator("main").inner_text()
    assert "此处只能查看" in text and reviewer.locator("#button-incremental").count() == 0
    reviewer.screenshot(path=ARTIFACTS / "arrangement_5_center_view.png", full_page=True)

    # The candidate downloads their ticket from the portal.
    phone, phone_problems = open_page(browser, viewport={"width": 390, "height": 844})
    phone.goto(f"{url}/login/?next=/portal/me/applications/{exam.candidate_application_id}/")
    phone.fill("#id_username", "cd01_candidate001")
    phone.fill("#id_password", TEST_PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{url}/portal/me/applications/{exam.candidate_application_id}/")
    assert "已发准考证" in phone.locator("main").inner_text()
    phone.screenshot(path=ARTIFACTS / "arrangement_7_candidate_ticketed.png", full_page=True)
    with phone.expect_download() as download:
        phone.click("#ticket-link")
    path = download.value.path()
    assert open(path, "rb").read(5) == b"%PDF-"
    assert problems == [] and reviewer_problems == [] and phone_problems == []


@pytest.fixture
def short_exam(institution_clerk):
    return exam_build(institution_clerk, infant=15, hr=30, stations=12)


def test_the_shortage_report_in_the_browser(live_server, short_exam, browser):
    url, plan = live_server.url, short_exam.plan
    clerk, problems = open_page(browser, viewport=DESKTOP)
    log_in(clerk, live_server, "cd01_clerk")
    clerk.goto(f"{url}/arrangement/plans/{plan.pk}/")
    clerk.click("#button-full")
    clerk.wait_for_load_state()
    report = clerk.locator("#shortages").inner_text()
    assert "考场不足" in report and "R-CQ-6" in report and "R-SC21-2" in report
    clerk.screenshot(path=ARTIFACTS / "arrangement_6_shortage.png", full_page=True)
    assert problems == []
