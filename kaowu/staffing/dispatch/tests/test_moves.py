"""A session moved by an approved plan change (R-CQ-8) carries its dispatch: 我的派遣 and the letters show
the new time, people who had confirmed are asked again, what the new time breaks for someone is flagged to
the center and the chief examiner, and the chief examiner sees who has not confirmed. Other batches' solver
runs see the moved people free at the old time and busy at the new one, and say so (R-FJ-8, not 已谢绝)."""

import subprocess
from datetime import date, datetime, time, timedelta

import pytest

from kaowu.catalog.policy import policy_active
from kaowu.core.models import AuditEvent
from kaowu.core.tests.browser_support import ARTIFACTS
from kaowu.plans import services as plan_services
from kaowu.sites.models import Room, RoomKind, Site, Station
from kaowu.staffing.dispatch import services
from kaowu.staffing.models import DispatchAssignment, DispatchRun, StaffAvailability
from kaowu.staffing.tests.factories import practical_move, staff_add

pytestmark = pytest.mark.django_db
AStatus = DispatchAssignment.Status
TODAY = date(2026, 9, 1)  # well ahead of the exam (2026-12-05): the new day obeys R-CQ-1 and R-CQ-2
NEW_DAY = date(2026, 12, 12)


def live(run):
    return list(run.assignments.filter(status__in=(AStatus.PROPOSED, AStatus.CONFIRMED)).select_related("staff"))


@pytest.fixture
def world(confirmed_world):
    return confirmed_world


def move_practical(world, clerk, reviewer, *, day=NEW_DAY, start="09:00", end="11:00"):
    return practical_move(world, clerk, reviewer, day=day, start=start, end=end, today=TODAY)


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_my_dispatch_page_and_the_letter_show_the_moved_sessions_new_time(world, institution_clerk, chengdu_reviewer,
                                                                          assessor, login, tmp_path):
    move_practical(world, institution_clerk, chengdu_reviewer)

    page = login(assessor).get("/staffing/dispatch/mine/").content.decode()
    card = page[page.index(f'data-assignment="{world.mine.pk}"'):]
    card = card[:card.index("</div></div>")]
    assert "2026-12-12" in card and "2026-12-05 14:00" not in card
    assert "考试时间已变更，请重新确认" in card and "需重新确认" in card

    arrival = timedelta(minutes=policy_active().assessor_arrival_minutes_before)
    starts = datetime.combine(NEW_DAY, time(9)) - arrival
    letter = login(assessor).post(f"/staffing/dispatch/mine/letters/{world.run.pk}/")
    assert letter.status_code == 200
    data = b"".join(letter.streaming_content)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "moves_letter.pdf").write_bytes(data)  # for a look with pdftoppm
    text = "".join(pdf_text(data, tmp_path).split())  # table cells wrap
    assert f"{starts:%m-%d%H:%M}–11:00" in text
    assert "需重新确认" in text and "考试时间已变更" in text
    old = datetime.combine(date(2026, 12, 5), time(14)) - arrival
    table = text.split("时间变更")[0]
    assert f"{old:%m-%d%H:%M}–16:00" not in table  # the table has no old time left


def test_a_confirmed_assignment_is_asked_again_and_can_be_confirmed_at_the_new_time(world, institution_clerk,
                                                                                   chengdu_reviewer, assessor):
    assert DispatchAssignment.objects.get(pk=world.mine.pk).status == AStatus.CONFIRMED
    move_practical(world, institution_clerk, chengdu_reviewer)

    mine = DispatchAssignment.objects.get(pk=world.mine.pk)
    assert mine.status == AStatus.PROPOSED and mine.date == NEW_DAY
    assert mine.notice.startswith("考试时间已变更，请重新确认")
    event = AuditEvent.objects.get(action="dispatch.assignment_reconfirm", object_id=str(mine.pk))
    assert event.after["reason"] == "考试时间已变更，请重新确认"
    moved = AuditEvent.objects.get(action="dispatch.assignment_move", object_id=str(mine.pk))
    assert "12-05" in moved.before["time"] and "12-12" in moved.after["time"]
    # The theory rooms did not move: their invigilators stay confirmed.
    theory = [a for a in live(world.run) if a.role == "invigilator"]
    assert theory and all(a.status == AStatus.CONFIRMED and not a.notice for a in theory)

    services.assignment_confirm(assignment=mine, by=assessor)
    mine.refresh_from_db()
    assert mine.status == AStatus.CONFIRMED and not mine.notice


def test_a_day_off_at_the_new_time_is_flagged_to_the_center_and_the_chief(world, institution_clerk, chengdu_reviewer,
                                                                           institution_admin, login):
    StaffAvailability.objects.create(staff=world.assessors[0], date=NEW_DAY, available=False, note="出差")
    move_practical(world, institution_clerk, chengdu_reviewer)

    mine = DispatchAssignment.objects.get(pk=world.mine.pk)
    assert "2026-12-12 不能出勤" in mine.conflict
    assert "不能出勤" in AuditEvent.objects.get(action="dispatch.assignment_move", object_id=str(mine.pk)).after[
        "conflict"]
    others = [a for a in live(world.run) if a.role == "assessor" and a.pk != mine.pk]
    assert others and not any(a.conflict for a in others)

    center = login(chengdu_reviewer).get(f"/staffing/dispatch/plans/{world.plan.pk}/").content.decode()
    assert 'id="moved"' in center and "时间冲突" in center and world.assessors[0].name in center
    chief = login(institution_admin).get("/staffing/dispatch/mine/").content.decode()
    assert "本批次人员确认情况" in chief and "2026-12-12 不能出勤" in chief


def test_another_batchs_assignment_at_the_new_time_is_flagged(world, institution_clerk, chengdu_reviewer, login):
    """A second batch, a week later, is staffed by the first batch's assessor group; then the first batch's
    practical room moves onto that very morning."""
    second = _second_batch(world, institution_clerk)
    change = plan_services.plan_change_request(
        plan=second.plan, by=institution_clerk, reason="调整", today=TODAY,
        sessions=[{"id": second.sessions["infant_practical"].pk, "date": NEW_DAY.isoformat(), "start": "09:00",
                   "end": "11:00"}])
    plan_services.plan_change_approve(change=change, by=chengdu_reviewer, today=TODAY)
    group = {a.staff_id for a in live(world.run) if a.role == "assessor"}
    for member in world.assessors:
        if member.pk not in group:
            member.is_active = False
            member.save()
    other = services.dispatch_generate(plan=second.plan, by=chengdu_reviewer, time_limit=10)
    services.dispatch_publish(run=other, by=chengdu_reviewer)
    assert {a.staff_id for a in live(other) if a.role == "assessor"} == group

    move_practical(world, institution_clerk, chengdu_reviewer)

    flagged = [a for a in live(world.run) if a.role == "assessor"]
    assert len(flagged) == 3
    for a in flagged:
        assert "同一时间已派往其他批次" in a.conflict and "R-FJ-8" in a.conflict, a.conflict
    page = login(chengdu_reviewer).get(f"/staffing/dispatch/plans/{world.plan.pk}/").content.decode()
    assert page.count("moved-conflict") == 3


def _second_batch(world, clerk):
    from kaowu.arrangement.services import arrangement_run
    from kaowu.arrangement.tests.factories import exam_build

    site = Site.objects.create(institution=world.institution, name="二站考点", address="锦江区东大街200号",
                               region_code="510104", contact_name="陈录", contact_phone="028", safety_officer="王安")
    for name in ("第1考场", "第2考场"):
        Room.objects.create(site=site, name=name, kind=RoomKind.THEORY, capacity=30, desks=30)
    practical = Room.objects.create(site=site, name="实操室B", kind=RoomKind.PRACTICAL, capacity=12)
    Station.objects.bulk_create(Station(room=practical, number=n) for n in range(1, 13))
    second = exam_build(clerk, plan_name="一站第02批次", site=site)
    arrangement_run(plan=second.plan, by=clerk, mode="full")
    staff_add(world.institution, "主考03", is_chief=True)  # the first batch's chief is busy that day
    return second


def test_the_chief_examiner_sees_who_has_not_confirmed_again(world, institution_clerk, chengdu_reviewer,
                                                              institution_admin, assessor, login):
    move_practical(world, institution_clerk, chengdu_reviewer)

    page = login(institution_admin).get("/staffing/dispatch/mine/").content.decode()
    assert "本批次人员确认情况" in page
    table = page[page.index("chief-team"):]
    row = table[table.index(f'data-team-member="{world.mine.pk}"'):]
    row = row[:row.index("</tr>")]
    assert world.assessors[0].name in row and "需重新确认" in row
    invigilator = next(a for a in live(world.run) if a.role == "invigilator")
    row = table[table.index(f'data-team-member="{invigilator.pk}"'):]
    assert "已确认" in row[:row.index("</tr>")]

    center = login(chengdu_reviewer).get(f"/staffing/dispatch/plans/{world.plan.pk}/").content.decode()
    unconfirmed = center[center.index('id="unconfirmed"'):]
    assert world.assessors[0].name in unconfirmed[:unconfirmed.index("</p>")]


def test_only_the_chief_examiner_sees_the_batchs_confirmations(world, institution_clerk, chengdu_reviewer, assessor,
                                                                login):
    move_practical(world, institution_clerk, chengdu_reviewer)
    page = login(assessor).get("/staffing/dispatch/mine/").content.decode()
    assert "本批次人员确认情况" not in page
    invigilator = next(a for a in live(world.run) if a.role == "invigilator")
    assert invigilator.staff.name not in page
    # An institution's clerk who is nobody's chief examiner sees no batch either.
    assert "本批次人员确认情况" not in login(institution_clerk).get("/staffing/dispatch/mine/").content.decode()


def test_a_place_the_move_opens_is_filled_after_the_change_commits(world, institution_clerk, chengdu_reviewer,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        move_practical(world, institution_clerk, chengdu_reviewer)
    run = DispatchRun.objects.get(pk=world.run.pk)
    day_post = f"site:{world.exam.site.pk}:{NEW_DAY:%Y%m%d}"
    assert day_post in {p["id"] for p in run.posts}
    assert [a.role for a in live(run) if a.post_id == day_post] == ["supervisor"]  # a supervisor for the new day
    assert run.assignments.filter(post_id=f"site:{world.exam.site.pk}:20261205", status__in=(
        AStatus.PROPOSED, AStatus.CONFIRMED)).count() == 1  # the morning's theory still has its own


def test_replacing_the_person_whose_new_time_conflicts_lets_the_open_place_be_filled(
        world, institution_clerk, chengdu_reviewer, django_capture_on_commit_callbacks):
    StaffAvailability.objects.create(staff=world.assessors[1], date=NEW_DAY, available=False, note="出差")
    group = {a.staff_id for a in live(world.run) if a.role == "assessor"}
    if world.assessors[1].pk not in group:  # make sure the one off that day is in the group
        other = next(a for a in live(world.run) if a.role == "assessor" and a.pk != world.mine.pk)
        services.assignment_replace(assignment=other, staff=world.assessors[1], by=chengdu_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        move_practical(world, institution_clerk, chengdu_reviewer)
    run = DispatchRun.objects.get(pk=world.run.pk)
    day_post = f"site:{world.exam.site.pk}:{NEW_DAY:%Y%m%d}"
    assert not [a for a in live(run) if a.post_id == day_post]  # the conflict stops the refill
    assert "不能出勤" in run.error
    flagged = next(a for a in live(run) if a.conflict)
    free = next(m for m in world.assessors if m.pk not in {a.staff_id for a in live(run)})

    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_replace(assignment=flagged, staff=free, by=chengdu_reviewer)
    run.refresh_from_db()
    assert [a.role for a in live(run) if a.post_id == day_post] == ["supervisor"] and not run.error
    assert not any(a.conflict for a in live(run))


def test_the_solver_sees_moved_people_free_at_the_old_time(world, institution_clerk, chengdu_reviewer):
    """Only the first batch's group can take the second batch's practical room (the other two assessors
    are not enough): before the first batch moved they were busy at 14:00; once it moved, they are free."""
    move_practical(world, institution_clerk, chengdu_reviewer)
    second = _second_batch(world, institution_clerk)
    run = services.dispatch_generate(plan=second.plan, by=chengdu_reviewer, time_limit=10)
    assert run.status == DispatchRun.Status.PROPOSED, run.shortages


def test_people_busy_in_another_batch_are_counted_as_busy_not_as_declined(world, institution_clerk,
                                                                          chengdu_reviewer):
    second = _second_batch(world, institution_clerk)
    run = services.dispatch_generate(plan=second.plan, by=chengdu_reviewer, time_limit=10)

    assert run.status == DispatchRun.Status.INFEASIBLE
    (shortage,) = [s for s in run.shortages if s["role"] == "assessor"]
    assert shortage["available"] == 2
    assert "3名因同一时间已有安排（R-FJ-8）排除" in shortage["message"], shortage["message"]
    assert "已谢绝" not in shortage["message"]
    assert shortage["excluded"] == {"R-FJ-8": 3}
