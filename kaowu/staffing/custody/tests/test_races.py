"""One package handed over twice at the same moment, to two supervisors (R-FJ-9, #15): the package leaves once.
`handover_record` locks the package and re-reads where it is under the lock. (It locked it before, but joined
to its holder: PostgreSQL then found no package for the second handover and it failed with DoesNotExist.)"""

import pytest
from django.utils import timezone

from kaowu.core.testing.races import message_of, one_refused, postgres_only, race
from kaowu.staffing.custody.tests.factories import hand
from kaowu.staffing.models import Handover, PaperPackage

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_a_package_issued_to_two_supervisors_at_once_goes_to_one(world, chengdu_reviewer):
    at = timezone.now()

    won, refused = one_refused(race(
        lambda: hand(world, Handover.Stage.ISSUE, world.custodian, world.supervisor, chengdu_reviewer, at=at),
        lambda: hand(world, Handover.Stage.ISSUE, world.custodian, world.other_supervisor, chengdu_reviewer, at=at),
    ))
    assert "交接须按顺序进行" in message_of(refused.error)
    package = PaperPackage.objects.get(pk=world.package.pk)
    assert package.status == PaperPackage.Status.IN_TRANSIT and package.holder == won.value.receiver
    assert list(package.handovers.values_list("receiver", flat=True)) == [won.value.receiver_id]
