"""The center revokes a certificate while approving its replacement (#15): one of the two wins.

The approval locks the request and the certificate, the revocation the certificate and its pending requests:
both take the certificate first, so neither waits for the other in a circle (PostgreSQL would break that
deadlock by failing one of them with an English error)."""

import pytest

from kaowu.certificates import services
from kaowu.certificates.models import Certificate, ReplacementRequest
from kaowu.certificates.replacement import services as replacement
from kaowu.certificates.replacement.tests.test_services import uploads
from kaowu.certificates.tests.support import ISSUE_DAY
from kaowu.core.models import AuditEvent
from kaowu.core.testing.races import after, holding, message_of, one_refused, postgres_only, race

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_a_certificate_revoked_while_its_replacement_is_approved_ends_replaced_and_the_revocation_refused(
        issued, chengdu_reviewer, institution_clerk):
    old = issued[0]
    request = replacement.replacement_apply(certificate=old, reason="damaged", by=institution_clerk, **uploads())
    loaded_request = ReplacementRequest.objects.get(pk=request.pk)
    loaded_certificate = Certificate.objects.get(pk=old.pk)

    # The approval has taken the request and pauses; the revocation comes in then.
    with holding("kaowu.certificates.replacement.services._replacement_locked") as approving:
        won, refused = one_refused(race(
            lambda: replacement.replacement_approve(request=loaded_request, by=chengdu_reviewer, today=ISSUE_DAY),
            after(approving, lambda: services.certificate_revoke(certificate=loaded_certificate,
                                                                 reason="提供虚假材料取得", by=chengdu_reviewer)),
        ))
    assert "当前为“已补发新证”，不能撤销" in message_of(refused.error)
    old.refresh_from_db()
    request.refresh_from_db()
    assert old.status == Certificate.Status.REPLACED and request.status == ReplacementRequest.Status.APPROVED
    assert request.new_certificate == won.value and won.value.status == Certificate.Status.VALID
    assert not AuditEvent.objects.filter(action="certificates.revoke").exists()

