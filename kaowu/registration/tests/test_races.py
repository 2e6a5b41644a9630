"""Two actions on one application at the same moment: one wins, the other is refused (#15).

Each call loads the application on its own connection before either writes, as two browser tabs or two
API clients do; the services lock the row and re-read its status under the lock.
"""

import pytest

from kaowu.core.testing.races import message_of, one_refused, postgres_only, race
from kaowu.registration import services
from kaowu.registration.models import Application, Payment
from kaowu.registration.tests.test_workflow import submitted

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]
Status = Application.Status


def approved(clerk, reviewer, item) -> Application:
    application = submitted(clerk, item)
    services.application_institution_approve(application=application, by=clerk, originals_seen=True)
    services.application_center_approve(application=application, by=reviewer)
    return application


def test_two_payments_recorded_at_once_make_one_payment(institution_clerk, chengdu_reviewer, infant_care_item):
    application = approved(institution_clerk, chengdu_reviewer, infant_care_item)

    def pay(receipt: str):
        def call():
            loaded = Application.objects.select_related("plan").get(pk=application.pk)
            return services.payment_record(application=loaded, by=institution_clerk, method="cash",
                                           receipt_number=receipt)
        return call

    _won, refused = one_refused(race(pay("NO.1"), pay("NO.2")))
    assert "须在资格复核通过后缴费" in message_of(refused.error)
    assert Payment.objects.filter(application=application).count() == 1
    application.refresh_from_db()
    assert application.status == Status.PAID
