"""The center approves and rejects one 补办 request at the same moment (R-FJ-15, #15): it is decided once. Both
decisions lock the request and re-read its status under the lock."""

import pytest

from kaowu.certificates.models import Certificate, ReplacementRequest
from kaowu.certificates.replacement import services as replacement
from kaowu.certificates.replacement.tests.test_services import uploads
from kaowu.certificates.tests.support import ISSUE_DAY
from kaowu.core.models import AuditEvent
from kaowu.core.testing.races import message_of, one_refused, postgres_only, race

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_a_replacement_approved_and_rejected_at_once_is_decided_once(issued, chengdu_reviewer, institution_clerk):
    old = issued[0]
    request = replacement.replacement_apply(certificate=old, reason="lost", by=institution_clerk, **uploads())
    first, second = (ReplacementRequest.objects.get(pk=request.pk) for _ in range(2))

    won, refused = one_refused(race(
        lambda: replacement.replacement_approve(request=first, by=chengdu_reviewer, today=ISSUE_DAY),
        lambda: replacement.replacement_reject(request=second, reason="照片不符合要求", by=chengdu_reviewer),
    ))
    request.refresh_from_db()
    old.refresh_from_db()
    assert f"该补办申请当前为“{request.get_status_display()}”，不能再次审核" in message_of(refused.error)
    approved = request.status == ReplacementRequest.Status.APPROVED
    assert old.status == (Certificate.Status.REPLACED if approved else Certificate.Status.VALID)
    assert Certificate.objects.filter(replaces=old).count() == (1 if approved else 0)
    decisions = AuditEvent.objects.filter(action__in=["certificates.replacement_approve",
                                                      "certificates.replacement_reject"])
    assert decisions.count() == 1
