"""In a browser, the center issues a package to the supervisor through the package page, then a leak is
reported and the overview shows it in red. Screenshots go to var/test-artifacts/ for a person to look at."""

import pytest

from kaowu.core.tests.browser_support import ARTIFACTS, log_in, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_center_issues_a_package_and_a_leak_turns_the_overview_red(live_server, world, browser):
    page, problems = open_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, "cd_reviewer")
    page.goto(f"{live_server.url}/staffing/custody/plans/{world.plan.pk}/")
    assert "CD-2026-001" in page.locator("#packages").inner_text()
    page.click("text=CD-2026-001")
    page.wait_for_selector("#handover-form")
    # The next stage, the giver (the custodian holding it), the count and the seal are filled in already.
    assert page.input_value("#id_stage") == "issue"
    assert page.input_value("#id_count") == "30" and page.input_value("#id_seal_number") == "FT-0001"
    page.select_option("#id_receiver", label=page.locator("#id_receiver option").filter(has_text="郑督导")
                       .inner_text())
    page.check("#id_seal_intact")
    page.check("#id_giver_signed")
    page.screenshot(path=ARTIFACTS / "custody_package_form.png", full_page=True)
    page.click("#handover-form button[type=submit]")
    # The receiver did not sign: refused, with the rule and what was typed kept.
    assert "R-FJ-9" in page.locator(".messages").inner_text()
    assert page.is_checked("#id_giver_signed")
    page.check("#id_receiver_signed")
    page.click("#handover-form button[type=submit]")
    page.wait_for_selector("#chain")
    assert "郑督导" in page.locator("#holder").inner_text()

    page.fill("#leak-form textarea", "试卷袋封口处有重新粘贴痕迹")
    page.click("#leak-form button[type=submit]")
    page.wait_for_selector("#package-halted")
    page.screenshot(path=ARTIFACTS / "custody_package_halted.png", full_page=True)
    page.goto(f"{live_server.url}/staffing/custody/")
    assert "CD-2026-001" in page.locator("#leak-alert").inner_text()
    page.goto(f"{live_server.url}/staffing/custody/plans/{world.plan.pk}/")
    assert "试卷袋封口处有重新粘贴痕迹" in page.locator("#leak-alert").inner_text()
    page.screenshot(path=ARTIFACTS / "custody_plan_leak.png", full_page=True)
    assert problems == []
