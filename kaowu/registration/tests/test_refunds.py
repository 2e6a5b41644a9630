"""Fees and refunds (R-SC21-5, #15): one live payment per application, a withdrawal refunds it, and the
institution's clerk confirms the refund with method, amount and date."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kaowu.core.errors import PermissionRefused
from kaowu.core.models import AuditEvent
from kaowu.registration import services
from kaowu.registration.models import Application, Payment, Refund
from kaowu.registration.tests.factories import paid_application, withdrawn_after_payment

pytestmark = pytest.mark.django_db
Status = Application.Status


def test_the_database_refuses_a_second_live_payment_of_one_application(institution_clerk, chengdu_reviewer,
                                                                       infant_care_item):
    application = paid_application(institution_clerk, chengdu_reviewer, infant_care_item)
    payment = application.payments.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(application=application, method="cash", amount=payment.amount, receipt_number="NO.2",
                               paid_at=timezone.now(), recorded_by=institution_clerk)
    # Once refunded, the payment no longer counts: a new one may be recorded.
    Payment.objects.filter(pk=payment.pk).update(refunded=True)
    Payment.objects.create(application=application, method="cash", amount=payment.amount, receipt_number="NO.2",
                           paid_at=timezone.now(), recorded_by=institution_clerk)


def test_recording_a_second_payment_is_refused_in_chinese(institution_clerk, chengdu_reviewer, infant_care_item):
    application = paid_application(institution_clerk, chengdu_reviewer, infant_care_item, receipt_number="NO.7")
    # As if a re-opened review had put it back before payment, the live payment still on it.
    Application.objects.filter(pk=application.pk).update(status=Status.CENTER_APPROVED)
    with pytest.raises(ValidationError) as refused:
        services.payment_record(application=application, by=institution_clerk, method="cash", receipt_number="NO.8")
    assert "该报名已缴费（票据号NO.7" in str(refused.value) and "不能重复缴费" in str(refused.value)
    assert application.payments.count() == 1


def test_withdrawal_refunds_the_live_payment(institution_clerk, chengdu_reviewer, infant_care_item):
    application = withdrawn_after_payment(institution_clerk, chengdu_reviewer, infant_care_item)
    payment = application.payments.get()
    assert payment.refunded and payment.refund.amount == payment.amount and payment.refund.confirmed_at is None
    event = AuditEvent.objects.get(action="refund.request")
    assert event.after == {"amount": str(payment.amount), "receipt_number": "NO.0001"}


def test_the_clerk_confirms_a_refund_with_method_amount_and_date(institution_clerk, chengdu_reviewer,
                                                                 infant_care_item):
    application = withdrawn_after_payment(institution_clerk, chengdu_reviewer, infant_care_item)
    refund = Refund.objects.get()
    today = timezone.localdate()
    services.refund_confirm(refund=refund, by=institution_clerk, method=Refund.Method.ORIGINAL, today=today)
    refund.refresh_from_db()
    assert (refund.method, refund.amount, refund.refunded_on) == ("original", refund.payment.amount, today)
    assert refund.confirmed_by == institution_clerk
    application.refresh_from_db()
    assert application.status == Status.REFUNDED
    event = AuditEvent.objects.get(action="refund.confirm")
    assert event.after["method"] == "original" and event.after["refunded_on"] == today.isoformat()


def test_a_refund_confirmation_checks_amount_method_and_date(institution_clerk, chengdu_reviewer, infant_care_item):
    withdrawn_after_payment(institution_clerk, chengdu_reviewer, infant_care_item)
    refund = Refund.objects.get()
    paid = refund.payment.amount
    today = timezone.localdate()
    cases = [
        ({"method": "cash", "amount": paid + 1}, "amount", f"退费金额不能超过实缴金额{paid}元"),
        ({"method": "cash", "amount": Decimal("0")}, "amount", "退费金额须大于0元"),
        ({"method": "cash", "amount": paid - 10}, "note", "请在备注中写明原因"),
        ({"method": ""}, "method", "请选择退费方式"),
        ({"method": "cash", "refunded_on": today + timedelta(days=1)}, "refunded_on", "不能晚于今天"),
        ({"method": "cash", "refunded_on": today - timedelta(days=30)}, "refunded_on", "不能早于缴费日期"),
    ]
    for kwargs, field, message in cases:
        with pytest.raises(ValidationError) as refused:
            services.refund_confirm(refund=refund, by=institution_clerk, today=today, **kwargs)
        assert message in " ".join(refused.value.message_dict[field]), kwargs
    refund.refresh_from_db()
    assert refund.confirmed_at is None
    # Less than paid, with the reason.
    services.refund_confirm(refund=refund, by=institution_clerk, method="transfer", amount=paid - 10,
                            note="扣除已制作的准考证工本费", today=today)
    refund.refresh_from_db()
    assert refund.amount == paid - 10
    with pytest.raises(ValidationError, match="该退费已确认"):
        services.refund_confirm(refund=refund, by=institution_clerk, method="cash", today=today)


@pytest.mark.parametrize("outsider", ["other_institution_clerk", "chengdu_reviewer", "candidate"])
def test_only_the_institutions_staff_confirm_a_refund(request, institution_clerk, chengdu_reviewer,
                                                      infant_care_item, outsider):
    withdrawn_after_payment(institution_clerk, chengdu_reviewer, infant_care_item)
    refund = Refund.objects.get()
    with pytest.raises(PermissionRefused):
        services.refund_confirm(refund=refund, by=request.getfixturevalue(outsider), method="cash")
    refund.refresh_from_db()
    assert refund.confirmed_at is None
