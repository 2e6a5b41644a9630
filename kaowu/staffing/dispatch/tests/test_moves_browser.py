"""A moved session in Chromium: the assessor's 我的派遣 on a phone shows the new time and asks again, the chief
examiner sees who has not confirmed, the center's board lists the people to reconfirm and the conflict, and
the plan page shows a too-close change with the rules it breaks and the exception field."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from kaowu.core.tests.browser_support import ARTIFACTS, log_in, open_page
from kaowu.plans import services as plan_services
from kaowu.staffing.models import StaffAvailability
from kaowu.staffing.tests.factories import confirmed_world_build, practical_move

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1280, "height": 900}
NEW_DAY = date(2026, 12, 12)


@pytest.fixture
def world(institution_clerk, chengdu_reviewer, assessor, institution_admin):
    """Written before Chromium starts: the confirmed dispatch, one assessor of the group off on the new day,
    the practical session moved there, and a further change request too close to be filed in time."""
    world = confirmed_world_build(institution_clerk, chengdu_reviewer, assessor, institution_admin)
    group = [a for a in world.run.assignments.filter(role="assessor").select_related("staff")
             if a.pk != world.mine.pk]
    StaffAvailability.objects.create(staff=group[0].staff, date=NEW_DAY, available=False, note="出差")
    world.off = group[0].staff
    practical_move(world, institution_clerk, chengdu_reviewer, day=NEW_DAY, start="09:00", end="11:00",
                   today=date(2026, 9, 1))
    today = timezone.localdate()
    plan_services.plan_change_request(
        plan=world.plan, by=institution_clerk, reason="考点临时征用", today=today,
        sessions=[{"id": world.exam.sessions["infant_theory"].pk, "date": (today + timedelta(days=3)).isoformat(),
                   "start": "09:00", "end": "10:30"}])
    return world


def test_a_moved_session_is_seen_by_the_assessor_the_chief_and_the_center(live_server, world, browser):
    url = live_server.url
    phone, phone_problems = open_page(browser, viewport={"width": 390, "height": 844})
    log_in(phone, live_server, "cd_assessor01")
    phone.goto(f"{url}/staffing/dispatch/mine/")
    card = phone.locator(f".assignment[data-assignment='{world.mine.pk}']")
    assert "2026-12-12" in card.inner_text() and "考试时间已变更，请重新确认" in card.inner_text()
    assert card.locator(".assignment-status").inner_text() == "需重新确认"
    phone.screenshot(path=ARTIFACTS / "moves_1_assessor.png", full_page=True)
    card.get_by_role("button", name="确认参加").click()
    phone.wait_for_load_state()
    assert phone.locator(f".assignment[data-assignment='{world.mine.pk}'] .assignment-status").inner_text() == "已确认"

    chief, chief_problems = open_page(browser, viewport=DESKTOP)
    log_in(chief, live_server, "cd01_admin")
    chief.goto(f"{url}/staffing/dispatch/mine/")
    team = chief.locator(".chief-team")
    assert "需重新确认" in team.inner_text() and world.off.name in team.inner_text()
    assert "不能出勤" in team.inner_text()
    chief.screenshot(path=ARTIFACTS / "moves_2_chief.png", full_page=True)

    center, center_problems = open_page(browser, viewport=DESKTOP)
    log_in(center, live_server, "cd_reviewer")
    center.goto(f"{url}/staffing/dispatch/plans/{world.plan.pk}/")
    moved = center.locator("#moved").inner_text()
    assert world.off.name in moved and "不能出勤" in moved
    center.screenshot(path=ARTIFACTS / "moves_3_center_board.png", full_page=True)

    center.goto(f"{url}/plans/{world.plan.pk}/")
    problems = center.locator(".change-problems").inner_text()
    assert "R-CQ-1" in problems
    center.locator("#changes").screenshot(path=ARTIFACTS / "moves_4_change_review.png")
    assert phone_problems == [] and chief_problems == [] and center_problems == []
