"""准考证 published twice at the same moment (a double click, two clerks): one numbered ticket per candidate
(#15). Publishing locks the institution, whose plans share a ticket sequence, and moves only 已缴费 applications
(`applications_transition_bulk` filters by status and counts what moved)."""

import pytest

from kaowu.arrangement import services
from kaowu.arrangement.models import AdmissionTicket
from kaowu.arrangement.tests.factories import exam_build
from kaowu.core.models import AuditEvent
from kaowu.core.testing.races import message_of, one_refused, postgres_only, race

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_tickets_published_twice_at_once_are_issued_once(institution_clerk):
    exam = exam_build(institution_clerk, infant=4, hr=2)
    services.arrangement_run(plan=exam.plan, by=institution_clerk, mode="full")

    won, refused = one_refused(race(
        lambda: services.tickets_publish(plan=exam.plan, by=institution_clerk),
        lambda: services.tickets_publish(plan=exam.plan, by=institution_clerk),
    ))
    assert won.value.issued == 6
    assert "已缴费的考生均已发布准考证" in message_of(refused.error)
    assert AdmissionTicket.objects.filter(status="valid").count() == 6
    assert AuditEvent.objects.filter(action="arrangement.tickets_publish").count() == 1
