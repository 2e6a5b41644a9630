"""Two actions on one application at the same moment: one wins, the other is refused (#15).

Each call works on an application loaded before either writes, as two browser tabs or two API clients do
(the API loads the application before its transaction); the services lock the row and re-read its status
under the lock. Where the loser's move is still allowed after the winner's (submitted, then withdrawn), the
test asserts what must hold whichever wins, and repeats the race so that a lost one shows before the fix.
"""

from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from kaowu.core.ids import id_make
from kaowu.core.models import AuditEvent
from kaowu.core.testing.races import message_of, one_refused, postgres_only, race
from kaowu.registration import services
from kaowu.registration.models import Application, Payment, Refund
from kaowu.registration.tests.factories import bearer
from kaowu.registration.tests.test_workflow import person

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]
Status = Application.Status
ROUNDS = 8


def loaded(application: Application) -> Application:
    """The application as a page or the API loads it, before its transaction."""
    return Application.objects.select_related("plan", "candidate", "item").get(pk=application.pk)


def draft(clerk, item, n: int = 1) -> Application:
    candidate = person(by=clerk, id_number=id_make("510104", date(1990, 1, n), 2 * n))
    return services.application_create(candidate=candidate, item=item, by=clerk)


def submitted(clerk, item, n: int = 1) -> Application:
    return services.application_submit(application=draft(clerk, item, n), by=clerk, commitment_accepted=True,
                                       today=timezone.localdate())


def institution_approved(clerk, item, n: int = 1) -> Application:
    return services.application_institution_approve(application=submitted(clerk, item, n), by=clerk,
                                                    originals_seen=True)


def approved(clerk, reviewer, item, n: int = 1) -> Application:
    return services.application_center_approve(application=institution_approved(clerk, item, n), by=reviewer)


def statuses(application: Application) -> list[str]:
    """The statuses the application went through, from its audit trail."""
    actions = (AuditEvent.objects.filter(object_type="registration.Application", object_id=str(application.pk))
               .exclude(action="application.create").order_by("id").values_list("action", flat=True))
    return [action.removeprefix("application.") for action in actions]


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


def test_a_withdrawn_application_never_comes_back_as_submitted(institution_clerk, infant_care_item):
    """Withdrawn, then submitted is refused; submitted, then withdrawn is allowed: either way it ends withdrawn."""
    for n in range(1, ROUNDS + 1):
        application = draft(institution_clerk, infant_care_item, n)
        first, second = loaded(application), loaded(application)
        submit, withdraw = race(
            lambda first=first: services.application_submit(application=first, by=institution_clerk,
                                                            commitment_accepted=True, today=timezone.localdate()),
            lambda second=second: services.application_withdraw(application=second, by=institution_clerk,
                                                                reason="考生放弃"))
        assert withdraw.ok, withdraw.error
        application.refresh_from_db()
        assert application.status == Status.WITHDRAWN
        if submit.ok:
            assert statuses(application) == ["submitted", "withdrawn"]
        else:
            assert "报名当前状态为“已撤回”，不能变为“已提交”" in message_of(submit.error)
            assert statuses(application) == ["withdrawn"]


def test_a_payment_recorded_while_the_candidate_withdraws_is_refunded(institution_clerk, chengdu_reviewer,
                                                                     infant_care_item):
    """Paid, then withdrawn makes a refund of that payment; withdrawn, then paid is refused."""
    for n in range(1, ROUNDS + 1):
        application = approved(institution_clerk, chengdu_reviewer, infant_care_item, n)
        first, second = loaded(application), loaded(application)
        pay, withdraw = race(
            lambda first=first, n=n: services.payment_record(application=first, by=institution_clerk, method="cash",
                                                             receipt_number=f"NO.{n}"),
            lambda second=second: services.application_withdraw(application=second, by=institution_clerk,
                                                                reason="考生放弃"))
        assert withdraw.ok, withdraw.error
        application.refresh_from_db()
        assert application.status == Status.WITHDRAWN
        payments = Payment.objects.filter(application=application)
        if pay.ok:
            refunds = Refund.objects.filter(payment__application=application)
            assert [r.amount for r in refunds] == [pay.value.amount], "the paid fee is to be refunded"
        else:
            assert "须在资格复核通过后缴费" in message_of(pay.error) and not payments.exists()


def test_the_center_cannot_both_approve_and_reject_one_application(institution_clerk, chengdu_reviewer,
                                                                  province_admin, infant_care_item):
    application = institution_approved(institution_clerk, infant_care_item)
    first, second = loaded(application), loaded(application)
    won, refused = one_refused(race(
        lambda: services.application_center_approve(application=first, by=chengdu_reviewer),
        lambda: services.application_center_reject(application=second, by=province_admin, reason="材料不全")))
    application.refresh_from_db()
    assert application.status == won.value.status
    assert "不能变为" in message_of(refused.error)
    assert statuses(application) == ["submitted", "institution_approved", application.status]


def test_a_bulk_review_and_a_single_one_at_once(institution_clerk, chengdu_reviewer, province_admin,
                                                infant_care_item):
    """The list's bulk rejection and an approval on the detail page: one of them, not both."""
    applications = [institution_approved(institution_clerk, infant_care_item, n) for n in (1, 2)]
    bulk = [loaded(a) for a in applications]
    single = loaded(applications[1])
    won, refused = one_refused(race(
        lambda: services.applications_review_bulk(applications=bulk, action="center_reject", by=province_admin,
                                                  reason="材料不全"),
        lambda: services.application_center_approve(application=single, by=chengdu_reviewer)))
    assert "不能变为" in message_of(refused.error)
    bulk_won = won.value is None  # the bulk review returns nothing, the single one the application
    # All of the bulk review or none of it (the refused one rolls back the rejections made before it).
    assert [statuses(a)[-1] for a in applications] == (["rejected", "rejected"] if bulk_won
                                                        else ["institution_approved", "center_approved"])


def test_a_refund_is_confirmed_once(institution_clerk, institution_admin, chengdu_reviewer, infant_care_item):
    application = approved(institution_clerk, chengdu_reviewer, infant_care_item)
    services.payment_record(application=application, by=institution_clerk, method="cash", receipt_number="NO.1")
    services.application_withdraw(application=application, by=institution_clerk, reason="考生放弃")
    refund = Refund.objects.get(payment__application=application)
    first, second = (Refund.objects.select_related("payment__application__plan").get(pk=refund.pk)
                     for _ in range(2))
    _won, refused = one_refused(race(
        lambda: services.refund_confirm(refund=first, by=institution_clerk, method="cash"),
        lambda: services.refund_confirm(refund=second, by=institution_admin, method="transfer")))
    assert "该退费已确认" in message_of(refused.error)
    assert AuditEvent.objects.filter(action="refund.confirm").count() == 1
    assert statuses(application)[-2:] == ["withdrawn", "refunded"]


def test_two_api_clients_cannot_both_decide_the_review(institution_clerk, chengdu_reviewer, province_admin,
                                                      infant_care_item):
    """Over the HTTP API, each request on its own connection: approve and reject at once, one is refused with
    the Chinese reason."""
    headers = [bearer(chengdu_reviewer), bearer(province_admin)]
    bodies = [{"decision": "approve"}, {"decision": "reject", "reason": "材料不全"}]
    for n in range(1, ROUNDS // 2 + 1):
        application = institution_approved(institution_clerk, infant_care_item, n)
        url = f"/api/v1/applications/{application.pk}/center-review"
        outcomes = race(*(lambda i=i, url=url: Client().post(url, bodies[i], content_type="application/json",
                                                             **headers[i])
                          for i in range(2)))
        codes = sorted(outcome.value.status_code for outcome in outcomes)
        assert codes[0] == 200 and codes[1] in (409, 422), codes
        refused = next(outcome.value for outcome in outcomes if outcome.value.status_code != 200)
        assert "不能变为" in refused.json()["detail"]
        application.refresh_from_db()
        assert statuses(application) == ["submitted", "institution_approved", application.status]
