"""In a browser: an assessor scores and signs their sheet on a phone, then the leader compiles the room, sees
the flagged candidate in red and settles it with a reason. Screenshots go to var/test-artifacts/."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from kaowu.core.tests.browser_support import ARTIFACTS, log_in, open_page
from kaowu.scoring.tests.factories import entry_world_build, sign_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(settings, tmp_path, institution_clerk, chengdu_reviewer):
    settings.MEDIA_ROOT = tmp_path
    return entry_world_build(institution_clerk, chengdu_reviewer)


def ids_of(world) -> SimpleNamespace:
    """The keys a test body needs, read before Chromium starts: database work while Playwright's loop runs
    leaves a connection open (see kaowu/core/tests/browser_support.py)."""
    return SimpleNamespace(plan=world.plan.pk, practical=world.practical.pk, room=world.room.pk)


@pytest.fixture
def world_ids(world):
    return ids_of(world)


def test_an_assessor_scores_and_signs_on_a_phone(live_server, world_ids, browser):
    session, room = SimpleNamespace(pk=world_ids.practical), SimpleNamespace(pk=world_ids.room)
    page, problems = open_page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    log_in(page, live_server, "grp1")
    page.goto(f"{live_server.url}/scores/entry/")
    page.click(".room-assignment >> text=我的评分表")
    page.wait_for_selector("#sheet")
    inputs = page.locator("#sheet .score-input")
    assert inputs.count() == 12
    for n in range(12):
        inputs.nth(n).fill(str(70 + n))
    inputs.nth(0).fill("100.5")
    page.click("#sheet-save")
    assert "超出范围" in page.locator(".messages").inner_text()
    assert page.locator("#sheet .score-input").nth(0).input_value() == "100.5"  # what was typed stays
    page.locator("#sheet .score-input").nth(0).fill("70.5")
    page.screenshot(path=ARTIFACTS / "score_sheet_phone.png", full_page=True)
    page.click("#sheet-save")
    assert "评分已保存" in page.locator(".messages").inner_text()
    page.check("#sign-confirm")
    page.click("#sheet-sign")
    page.wait_for_selector("#sheet-status.text-bg-success")
    assert page.locator("#sheet .score-input").count() == 0
    assert "70.5" in page.locator("#sheet").inner_text()
    page.screenshot(path=ARTIFACTS / "score_sheet_signed_phone.png", full_page=True)
    # Before the others sign, the room page shows no one's scores.
    page.goto(f"{live_server.url}/scores/entry/sessions/{session.pk}/rooms/{room.pk}/")
    assert page.locator("#not-signed").is_visible()
    assert problems == []


@pytest.fixture
def signed(world):
    sign_all(world, values=(lambda n: Decimal(60 if n == 0 else 80), lambda n: Decimal(75 if n == 0 else 81),
                            lambda n: Decimal(65 if n == 0 else 82)))
    return world


@pytest.fixture
def signed_ids(signed):
    return ids_of(signed)


def test_the_leader_compiles_and_settles_the_flagged_candidate(live_server, signed_ids, browser):
    session, room = SimpleNamespace(pk=signed_ids.practical), SimpleNamespace(pk=signed_ids.room)
    page, problems = open_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, "grp0")
    page.goto(f"{live_server.url}/scores/entry/sessions/{session.pk}/rooms/{room.pk}/")
    page.click("#compile")
    page.wait_for_selector("#room-scores tr.flagged")
    flagged = page.locator("#room-scores tr.flagged")
    assert flagged.count() == 1 and "66.67" in flagged.inner_text() and "15.00" in flagged.inner_text()
    assert "81.00" in page.locator("#room-scores").inner_text()
    page.screenshot(path=ARTIFACTS / "score_room_flagged.png", full_page=True)
    flagged.locator("input[name=score]").fill("66")
    flagged.locator("input[name=reason]").fill("组内复议，按评分细则扣分")
    flagged.locator("button[type=submit]").click()
    page.wait_for_selector(".messages")
    assert page.locator("#room-scores tr.flagged").count() == 0
    assert "组长裁定：组内复议" in page.locator("#room-scores").inner_text()
    page.screenshot(path=ARTIFACTS / "score_room_settled.png", full_page=True)
    assert problems == []


@pytest.fixture
def compiled(signed):
    from kaowu.scoring.entry import services

    services.room_compile(session=signed.practical, room=signed.room, by=signed.leader)
    return ids_of(signed)


def test_the_clerk_follows_the_overview_to_the_blind_check(live_server, compiled, browser):
    page, problems = open_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, "cd01_clerk")
    page.goto(f"{live_server.url}/scores/entry/plans/{compiled.plan}/")
    practical = page.locator(f".session-progress[data-session='{compiled.practical}']")
    assert "评分差超限待组长裁定1人" in practical.locator(".problems").inner_text()
    page.screenshot(path=ARTIFACTS / "score_entry_plan.png", full_page=True)
    practical.locator("text=成绩复核").click()
    page.wait_for_selector("#check")
    assert page.locator("#check .check-input").count() == 11  # the flagged one waits for the leader
    assert "81.00" not in page.locator("#check").inner_text()
    page.screenshot(path=ARTIFACTS / "score_check.png", full_page=True)
    assert problems == []
