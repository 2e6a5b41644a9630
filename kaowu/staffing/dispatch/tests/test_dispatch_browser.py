"""三员派遣 in Chromium: the 成都 center generates a dispatch, tries a hand edit that breaks a rule (refused
with the rule id), makes a valid one, publishes; the assessor logs in on a phone and confirms."""

import pytest

from kaowu.core.tests.browser_support import ARTIFACTS, log_in, open_page
from kaowu.staffing.tests.factories import VALID, staff_add, world_build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def world(institution_clerk, chengdu_reviewer, assessor):
    """Written before Chromium starts: the arranged plan, a registry that can staff it (the logged-in
    assessor among the five qualified assessors) and one assessor who trained a candidate of the batch."""
    world = world_build(institution_clerk, assessor_user=assessor)
    from kaowu.staffing.models import TrainingClass

    trainer = staff_add(world.center, "培训讲师", is_assessor=True, cards=[(world.infant, 3, VALID)])
    TrainingClass.objects.create(staff=trainer, name="育婴员培训班").candidates.set(
        [a.candidate for a in world.exam.made])
    world.trainer = trainer
    world.mine = world.assessors[0]
    return world


def test_center_generates_edits_and_publishes_then_the_assessor_confirms(live_server, world, browser):
    url, plan = live_server.url, world.plan
    center, problems = open_page(browser, viewport=DESKTOP)
    log_in(center, live_server, "cd_reviewer")
    center.goto(f"{url}/staffing/dispatch/")
    assert plan.name in center.locator("#dispatch-plans").inner_text()
    center.locator("#dispatch-plans").get_by_role("link", name="派遣").first.click()
    center.click("#button-generate")
    center.wait_for_load_state()
    assert "已生成派遣方案" in center.locator("main").inner_text()
    assert center.locator("#run-status").inner_text() == "待发布"
    board = center.locator("#board")
    assert "考评员" in board.inner_text() and "组长" in board.inner_text() and "主考" in board.inner_text()
    center.screenshot(path=ARTIFACTS / "dispatch_1_proposed.png", full_page=True)

    # Put the trainer in an assessor's place: refused (考培分离, R-FJ-7), nothing changes.
    row = center.locator("tr[data-post^='room:']").filter(has_text="实操室A")
    first = row.locator(".assignment").first
    name_before = first.locator(".fw-semibold").inner_text()
    first.locator("summary").click()
    first.locator("select[name=staff]").select_option(str(world.trainer.pk))
    first.get_by_role("button", name="调整").click()
    center.wait_for_load_state()
    main = center.locator("main").inner_text()
    assert "R-FJ-7" in main and "培训讲师" in main
    assert name_before in center.locator("tr[data-post^='room:']").filter(has_text="实操室A").inner_text()
    center.screenshot(path=ARTIFACTS / "dispatch_2_refused.png", full_page=True)

    # Put the logged-in assessor in the group if the solver did not (a valid edit).
    group = center.locator("tr[data-post^='room:']").filter(has_text="实操室A")
    if world.mine.name not in group.inner_text():
        first = group.locator(".assignment").first
        first.locator("summary").click()
        first.locator("select[name=staff]").select_option(str(world.mine.pk))
        first.get_by_role("button", name="调整").click()
        center.wait_for_load_state()
        assert "人工调整" in center.locator("#board").inner_text()
    assert world.mine.name in center.locator("tr[data-post^='room:']").filter(has_text="实操室A").inner_text()

    center.click("#button-publish")
    center.wait_for_load_state()
    assert center.locator("#run-status").inner_text() == "已发布"
    center.screenshot(path=ARTIFACTS / "dispatch_3_published.png", full_page=True)

    phone, phone_problems = open_page(browser, viewport={"width": 390, "height": 844})
    log_in(phone, live_server, "cd_assessor01")
    phone.goto(f"{url}/staffing/dispatch/mine/")
    card = phone.locator(".assignment").first
    assert "待确认" in card.inner_text() and "育婴员" in card.inner_text()
    card.get_by_role("button", name="确认参加").click()
    phone.wait_for_load_state()
    assert "已确认" in phone.locator(".assignment").first.inner_text()
    phone.screenshot(path=ARTIFACTS / "dispatch_4_assessor_confirmed.png", full_page=True)
    with phone.expect_download() as download:
        phone.get_by_role("button", name="派遣表（PDF）").first.click()  # a POST form: the download is audited
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"

    center.reload()
    assert center.locator("#count-confirmed").inner_text() == "1"
    assert problems == [] and phone_problems == []
