"""Two 统考报名机构 applications of one institution submitted at the same moment: only one may be pending
(R-SC24-3, #15). Each submission re-reads the others; the service locks the institution so that the second
one sees the first."""

import pytest

from kaowu.core.models import AuditEvent
from kaowu.core.testing.races import after, holding, message_of, one_refused, postgres_only, race
from kaowu.sites.models import ReviewStatus, UnifiedExamApplication
from kaowu.sites.unified import services
from kaowu.sites.unified.tests.test_applications import apply

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_applications_submitted_at_once_leave_one_pending(equipped_site, institution_clerk):
    first, second = apply(equipped_site, institution_clerk), apply(equipped_site, institution_clerk)

    # The first submission stops a moment inside its transaction, after it has checked for other pending
    # applications; the second starts then.
    with holding("kaowu.sites.unified.services.unified_application_transition") as checked:
        won, refused = one_refused(race(
            lambda: services.unified_application_submit(application=first, by=institution_clerk),
            after(checked, lambda: services.unified_application_submit(application=second, by=institution_clerk)),
        ))
    assert won.value.pk == first.pk
    assert "本机构已有待审核或已批准的统考报名机构申请" in message_of(refused.error)
    submitted = UnifiedExamApplication.objects.filter(status=ReviewStatus.SUBMITTED)
    assert list(submitted.values_list("pk", flat=True)) == [first.pk]
    assert AuditEvent.objects.filter(action="unified_application.submit").count() == 1
