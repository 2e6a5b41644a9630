"""An assessor declines an assignment at the moment the center puts someone else in its place (#15): the
place is filled once, not twice. The replacement locks the assignment and re-reads it under the lock."""

import pytest

from kaowu.core.testing.races import after, holding, message_of, one_refused, postgres_only, race
from kaowu.staffing.dispatch import services
from kaowu.staffing.dispatch.tests.test_dispatch import live
from kaowu.staffing.models import DispatchAssignment
from kaowu.staffing.tests.factories import world_build

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]
AStatus = DispatchAssignment.Status


def test_a_decline_and_a_replacement_of_one_assignment_at_once_fill_the_place_once(
        institution_clerk, chengdu_reviewer, assessor):
    world = world_build(institution_clerk, assessor_user=assessor)
    run = services.dispatch_generate(plan=world.plan, by=chengdu_reviewer, time_limit=10)
    mine = next((a for a in live(run) if a.staff.user_id == assessor.pk), None)
    if mine is None:  # the logged-in assessor takes a place in the group
        group_member = next(a for a in live(run) if a.role == "assessor")
        mine = services.assignment_replace(assignment=group_member, staff=world.assessors[0], by=chengdu_reviewer)
    services.dispatch_publish(run=run, by=chengdu_reviewer)
    free = next(m for m in world.assessors if m.pk not in {a.staff_id for a in live(run)})
    on_the_page = DispatchAssignment.objects.get(pk=mine.pk)

    # The decline has moved the assignment and pauses before it commits; the center's edit comes in then.
    with holding("kaowu.staffing.dispatch.services.dispatch_assignment_transition") as declining:
        won, refused = one_refused(race(
            lambda: services.assignment_decline(assignment=mine, by=assessor, reason="当天出差"),
            after(declining, lambda: services.assignment_replace(assignment=on_the_page, staff=free,
                                                                  by=chengdu_reviewer)),
        ))
    assert "该安排已谢绝或撤回，不能调整" in message_of(refused.error)
    mine.refresh_from_db()
    assert mine.status == AStatus.DECLINED
    group = [a for a in live(run) if a.post_id == mine.post_id]
    assert len(group) == 3 and sum(a.leader for a in group) == 1
    assert not DispatchAssignment.objects.filter(staff=free, manual=True, post_id=mine.post_id).exists()
