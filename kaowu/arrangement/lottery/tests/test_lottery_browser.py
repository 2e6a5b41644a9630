"""On a phone at the room's door, the invigilator ticks who is present, draws the stations, reads out the
seed and checks the replay. Screenshots go to var/test-artifacts/ for a person to look at."""

import re

import pytest

from kaowu.core.tests.browser_support import ARTIFACTS, log_in, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_invigilator_draws_stations_on_a_phone(live_server, exam_day, invigilator, browser):
    page, problems = open_page(browser, viewport={"width": 390, "height": 844}, device_scale_factor=2,
                               is_mobile=True, has_touch=True)
    log_in(page, live_server, "cd01_invigilator01")
    page.goto(f"{live_server.url}/arrangement/lottery/")
    place = page.locator("#lottery-places a").filter(has_text="实操一室")
    assert "未抽签" in place.inner_text()
    page.screenshot(path=ARTIFACTS / "lottery_home_phone.png", full_page=True)

    place.click()
    page.wait_for_selector("#draw-form")
    page.wait_for_load_state("load")
    rows = page.locator("#draw-candidates label")
    assert rows.count() == 5
    assert "510104********0001" in rows.first.inner_text()
    # Every thumbnail loaded (the invigilator may see the photos of this room's candidates).
    assert page.evaluate("[...document.querySelectorAll('#draw-candidates img')]"
                         ".every(img => img.complete && img.naturalWidth > 0)")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "page wider than the phone"
    for name in ("王小明", "李华", "张敏", "陈静"):  # 刘洋 is absent
        rows.filter(has_text=name).tap()
    page.screenshot(path=ARTIFACTS / "lottery_ticked_phone.png", full_page=True)

    page.click("#draw-submit")  # the confirmation is not ticked: the browser stops the form
    assert page.evaluate("document.querySelector('#draw-confirm').validity.valueMissing")
    assert page.locator("#draw-form").is_visible()
    page.check("#draw-confirm")
    page.click("#draw-submit")
    page.wait_for_selector("#draw-seed")
    seed = page.locator("#draw-seed").inner_text().strip()
    assert re.fullmatch(r"\d+", seed)
    result = page.locator("#draw-result tbody tr")
    assert result.count() == 4
    stations = [int(result.nth(i).locator("td").first.inner_text()) for i in range(4)]
    assert len(set(stations)) == 4 and set(stations) <= set(range(1, 7))
    assert "刘洋" in page.locator("#draw-absent").inner_text()
    assert "抽签完成" in page.locator(".alert-success").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "page wider than the phone"
    page.screenshot(path=ARTIFACTS / "lottery_result_phone.png", full_page=True)

    page.click("#draw-replay")
    assert page.locator("#replay-verdict").inner_text().startswith("一致")
    assert seed in page.locator("#replay-verdict").inner_text()
    page.screenshot(path=ARTIFACTS / "lottery_replay_phone.png", full_page=True)

    page.go_back()
    page.click("#draw-print")
    assert page.locator("#print-seed").inner_text().strip() == seed
    assert page.locator("#print-result tbody tr").count() == 4
    page.screenshot(path=ARTIFACTS / "lottery_print_phone.png", full_page=True)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.screenshot(path=ARTIFACTS / "lottery_print_a4.png", full_page=True)
    assert problems == [], problems
