"""A subject score's check status moves with its own audit event (#15): verified by a matching second check
(R-CQ-11), back to waiting for a check when the score changes."""

import pytest

from kaowu.core.models import AuditEvent
from kaowu.scoring.entry import services
from kaowu.scoring.models import Attendance
from kaowu.scoring.tests.factories import sign_all

pytestmark = pytest.mark.django_db


def test_a_verified_score_and_its_reopening_are_each_in_the_audit_trail(ew, institution_clerk):
    sign_all(ew)
    score = services.room_compile(session=ew.practical, room=ew.room, by=ew.leader)[0]
    services.score_check(subject_score=score, entered=score.score, by=institution_clerk)
    services.attendance_record(session=ew.practical, rows={score.application_id: Attendance.Status.CANCELLED},
                               by=institution_clerk)

    events = AuditEvent.objects.filter(object_id=str(score.pk), action__startswith="scoring.score_").order_by("id")
    assert [(e.action, e.before, e.after, e.actor_id) for e in events if e.action != "scoring.score_check"] == [
        ("scoring.score_verified", {"status": "entered"}, {"status": "verified"}, institution_clerk.pk),
        ("scoring.score_reopened", {"status": "verified"}, {"status": "entered"}, institution_clerk.pk),
    ]
    assert events.first().organisation_id == ew.plan.institution_id
