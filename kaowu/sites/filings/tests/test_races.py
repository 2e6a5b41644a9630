"""The center approves and returns one facility filing at the same moment: one decision stands (#15)."""

import pytest

from kaowu.core.models import AuditEvent
from kaowu.core.testing.races import message_of, one_refused, postgres_only, race
from kaowu.sites.filings import services
from kaowu.sites.models import FacilityFiling, ReviewStatus

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_a_filing_approved_and_returned_at_once_is_decided_once(submitted_filing, chengdu_reviewer):
    first, second = (FacilityFiling.objects.get(pk=submitted_filing.pk) for _ in range(2))

    won, refused = one_refused(race(
        lambda: services.facility_filing_approve(filing=first, by=chengdu_reviewer),
        lambda: services.facility_filing_return(filing=second, by=chengdu_reviewer, reason="照片不清晰"),
    ))
    filing = FacilityFiling.objects.get(pk=submitted_filing.pk)
    assert filing.status == won.value.status != ReviewStatus.SUBMITTED
    assert message_of(refused.error).startswith(f"申报当前状态为“{filing.get_status_display()}”，不能变为")
    decisions = AuditEvent.objects.filter(object_id=str(filing.pk),
                                          action__in=["facility_filing.approve", "facility_filing.return"])
    assert decisions.count() == 1
