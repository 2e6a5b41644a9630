"""The migration to one live payment per application (#15): a database where two payments were recorded at once
for one application, and a withdrawal refunded only one of them, migrates with every extra fee turned into a
refund for the institution to confirm, and the constraint in place."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("registration", "0005_application_carried_subjects")]
AFTER = [("registration", "0008_payment_one_live_per_application")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_double_payments_become_refunds_to_confirm(institution_clerk, chengdu_reviewer, infant_care_item):
    from kaowu.registration.tests.factories import paid_application

    paid = paid_application(institution_clerk, chengdu_reviewer, infant_care_item, receipt_number="A1")
    withdrawn = paid_application(institution_clerk, chengdu_reviewer, infant_care_item,
                                 id_number="110105199003071239", name="李四", receipt_number="B1")
    try:
        apps = migrate(BEFORE)
        Payment = apps.get_model("registration", "Payment")
        Refund = apps.get_model("registration", "Refund")
        Application = apps.get_model("registration", "Application")
        first = Payment.objects.get(application_id=paid.pk)
        # The race of #15: a second payment of the same application, and a withdrawal that refunded one of two.
        Payment.objects.create(application_id=paid.pk, method="cash", amount=first.amount, receipt_number="A2",
                               paid_at=timezone.now(), recorded_by_id=institution_clerk.pk)
        b1 = Payment.objects.get(application_id=withdrawn.pk)
        Payment.objects.create(application_id=withdrawn.pk, method="cash", amount=b1.amount, receipt_number="B2",
                               paid_at=timezone.now(), recorded_by_id=institution_clerk.pk)
        Application.objects.filter(pk=withdrawn.pk).update(status="withdrawn")
        Refund.objects.create(payment=b1, amount=b1.amount, reason="考生撤回报名")

        apps = migrate(AFTER)
    finally:
        migrate(AFTER)
    Payment = apps.get_model("registration", "Payment")
    live = dict(Payment.objects.filter(refunded=False).values_list("receipt_number", "application_id"))
    assert live == {"A1": paid.pk}, "the first payment stays; the other fees are to be refunded"
    refunded = {p.receipt_number: (p.refund.reason, p.refund.confirmed_at)
                for p in Payment.objects.filter(refunded=True).select_related("refund")}
    assert set(refunded) == {"A2", "B1", "B2"}
    assert "重复缴费" in refunded["A2"][0] and "撤回报名时未退" in refunded["B2"][0]
    assert all(confirmed is None for _, confirmed in refunded.values())
