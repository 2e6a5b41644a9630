"""Dispatch against the database: a proposal that staffs every post, the explanation when it cannot, hand
edits re-checked with the rule id, publishing, confirm and decline (which re-solves only the open place),
letters, and outsiders refused."""

import subprocess
from datetime import date

import pytest

from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.models import AuditEvent
from kaowu.sites.models import Room, RoomKind, Site, Station
from kaowu.staffing.dispatch import services
from kaowu.staffing.models import DispatchAssignment, DispatchRun, StaffRelation, TrainingClass
from kaowu.staffing.tests.factories import staff_add, world_build

pytestmark = pytest.mark.django_db
AStatus = DispatchAssignment.Status


@pytest.fixture
def world(institution_clerk, assessor):
    return world_build(institution_clerk, assessor_user=assessor)


def live(run):
    return list(run.assignments.filter(status__in=(AStatus.PROPOSED, AStatus.CONFIRMED)).select_related("staff"))


def test_generate_staffs_every_post_with_the_right_people(world, chengdu_reviewer):
    run = services.dispatch_generate(plan=world.plan, by=chengdu_reviewer, time_limit=10)

    assert run.status == DispatchRun.Status.PROPOSED, run.shortages
    assert run.gap is not None and run.objective is not None
    people = live(run)
    by_post: dict[str, list] = {}
    for a in people:
        by_post.setdefault(a.post_id, []).append(a)
    for post in run.posts:
        assert len(by_post[post["id"]]) == post["count"], post
    practical = [p for p in run.posts if p["role"] == "assessor"]
    assert len(practical) == 1 and practical[0]["count"] == 3  # 12 stations, at least 3 (R-SC21-3)
    group = by_post[practical[0]["id"]]
    assert sum(a.leader for a in group) == 1
    assert {a.staff_id for a in group} <= {m.pk for m in world.assessors}
    roles = {a.role for a in people}
    assert roles == {"assessor", "invigilator", "supervisor", "chief"}
    for a in people:
        if a.role in ("invigilator", "chief"):
            assert a.staff.organisation_id == world.institution.pk  # the institution's own (R-FJ-7)
        else:
            assert a.staff.organisation_id == world.center.pk  # sent by the center (R-FJ-8)
    assert AuditEvent.objects.filter(action="dispatch.generate", object_id=str(run.pk)).exists()


def test_training_and_relations_keep_people_out_and_a_shortage_is_explained(world, chengdu_reviewer):
    candidates = [a.candidate for a in world.exam.made[:2]]
    # Two assessors taught this batch's candidates (考培分离) and one is related to a candidate (回避).
    for member in world.assessors[:2]:
        TrainingClass.objects.create(staff=member, name="育婴员培训班").candidates.set(candidates)
    practical_candidate = world.exam.practical_room.seats.first().application.candidate
    StaffRelation.objects.create(staff=world.assessors[2], candidate=practical_candidate, kind="relative")

    run = services.dispatch_generate(plan=world.plan, by=chengdu_reviewer, time_limit=10)

    assert run.status == DispatchRun.Status.INFEASIBLE
    assert not run.assignments.exists()
    (shortage,) = [s for s in run.shortages if s["role"] == "assessor"]
    assert shortage["needed"] == 3 and shortage["available"] == 2
    assert "需3名" in shortage["message"] and "可用2名" in shortage["message"]
    assert "考培分离" in shortage["message"] and "R-FJ-7" in shortage["message"]


def test_a_hand_edit_that_breaks_a_rule_is_refused_with_its_rule_id(world, chengdu_reviewer):
    run = services.dispatch_generate(plan=world.plan, by=chengdu_reviewer, time_limit=10)
    assessor_assignment = next(a for a in live(run) if a.role == "assessor")
    expired = staff_add(world.center, "过期考评员", is_assessor=True, cards=[(world.infant, 3, date(2020, 1, 1))])

    with pytest.raises(RuleViolation) as refused:
        services.assignment_replace(assignment=assessor_assignment, staff=expired, by=chengdu_reviewer)
    assert refused.value.rule_id == "R-SC24-8"
    assessor_assignment.refresh_from_db()
    assert assessor_assignment.status == AStatus.PROPOSED

    # An invigilator of the institution cannot take an assessor's place either (no card).
    with pytest.raises(RuleViolation):
        services.assignment_replace(assignment=assessor_assignment, staff=world.invigilators[0], by=chengdu_reviewer)

    free = next(m for m in world.assessors if m.pk not in {a.staff_id for a in live(run)})
    new = services.assignment_replace(assignment=assessor_assignment, staff=free, by=chengdu_reviewer)
    assert new.manual and new.staff_id == free.pk and new.leader == assessor_assignment.leader
    assessor_assignment.refresh_from_db()
    assert assessor_assignment.status == AStatus.WITHDRAWN
    assert AuditEvent.objects.filter(action="dispatch.assignment_replace").count() == 1


def test_publish_then_confirm_and_a_decline_refills_only_that_place(world, chengdu_reviewer, assessor):
    run = services.dispatch_generate(plan=world.plan, by=chengdu_reviewer, time_limit=10)
    mine = next((a for a in live(run) if a.staff.user_id == assessor.pk), None)
    if mine is None:  # make sure the logged-in assessor is in the group
        group_member = next(a for a in live(run) if a.role == "assessor")
        mine = services.assignment_replace(assignment=group_member, staff=world.assessors[0], by=chengdu_reviewer)
    services.dispatch_publish(run=run, by=chengdu_reviewer)
    run.refresh_from_db()
    assert run.status == DispatchRun.Status.PUBLISHED

    before = {(a.post_id, a.staff_id) for a in live(run) if a.pk != mine.pk}
    new = services.assignment_decline(assignment=mine, by=assessor, reason="当天出差")

    mine.refresh_from_db()
    assert mine.status == AStatus.DECLINED and mine.decline_reason == "当天出差"
    assert len(new) == 1 and new[0].post_id == mine.post_id and new[0].staff_id != mine.staff_id
    after = {(a.post_id, a.staff_id) for a in live(run)}
    assert before <= after and len(after) == len(before) + 1  # nobody else moved
    group = [a for a in live(run) if a.post_id == mine.post_id]
    assert len(group) == 3 and sum(a.leader for a in group) == 1


def test_confirm_is_for_the_person_only(world, chengdu_reviewer, assessor, chengdu):
    run = services.dispatch_generate(plan=world.plan, by=chengdu_reviewer, time_limit=10)
    services.dispatch_publish(run=run, by=chengdu_reviewer)
    someone_else = next(a for a in live(run) if a.staff.user_id != assessor.pk)
    with pytest.raises(PermissionRefused):
        services.assignment_confirm(assignment=someone_else, by=assessor)


def test_only_the_plans_center_dispatches(world, mianyang_reviewer, institution_clerk):
    for outsider in (mianyang_reviewer, institution_clerk):
        with pytest.raises(PermissionRefused):
            services.dispatch_generate(plan=world.plan, by=outsider, time_limit=5)
    assert not DispatchRun.objects.exists()


def test_people_busy_in_another_batch_are_not_dispatched_twice(world, chengdu_reviewer, institution_clerk):
    run = services.dispatch_generate(plan=world.plan, by=chengdu_reviewer, time_limit=10)
    services.dispatch_publish(run=run, by=chengdu_reviewer)
    taken = {a.staff_id for a in live(run) if a.role in ("assessor", "supervisor")}

    # A second plan of the same institution at the same hours at another site, staffed from the same center.
    from kaowu.arrangement.services import arrangement_run
    from kaowu.arrangement.tests.factories import exam_build

    for n in range(2):
        staff_add(world.center, f"新考评员{n}", is_assessor=True, cards=[(world.infant, 4, date(2030, 1, 1))])
    site = Site.objects.create(institution=world.institution, name="二站考点", address="锦江区东大街200号",
                               region_code="510104", contact_name="陈录", contact_phone="028", safety_officer="王安")
    for name in ("第1考场", "第2考场"):
        Room.objects.create(site=site, name=name, kind=RoomKind.THEORY, capacity=30, desks=30)
    practical = Room.objects.create(site=site, name="实操室B", kind=RoomKind.PRACTICAL, capacity=12)
    Station.objects.bulk_create(Station(room=practical, number=n) for n in range(1, 13))
    second = exam_build(institution_clerk, plan_name="一站第02批次", site=site)
    arrangement_run(plan=second.plan, by=institution_clerk, mode="full")
    other_run = services.dispatch_generate(plan=second.plan, by=chengdu_reviewer, time_limit=10)

    assert other_run.status == DispatchRun.Status.PROPOSED, other_run.shortages
    overlapping = {a.staff_id for a in live(other_run) if a.role in ("assessor", "supervisor")} & taken
    assert not overlapping


def test_letters_are_pdfs_with_the_people(world, chengdu_reviewer, tmp_path):
    from kaowu.staffing.dispatch.documents import dispatch_letter_person_pdf, dispatch_letter_site_pdf
    from kaowu.staffing.dispatch.selectors import letter_assignments

    run = services.dispatch_generate(plan=world.plan, by=chengdu_reviewer, time_limit=10)
    leader = next(a for a in live(run) if a.leader)
    person_pdf = dispatch_letter_person_pdf(run, leader.staff, letter_assignments(run, staff_id=leader.staff_id))
    site_pdf = dispatch_letter_site_pdf(run, world.exam.site, letter_assignments(run, site_id=world.exam.site.pk))
    for name, data in (("person", person_pdf), ("site", site_pdf)):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(data)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        flat = "".join(text.split())  # table cells wrap
        assert "派遣表" in flat and world.plan.name in flat
        assert leader.staff.name in flat and "考评组长" in flat
