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
from kaowu.registration.tests.factories import bearer, paid_application, withdrawn_after_payment

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


# --- the pages -------------------------------------------------------------------------------------

def test_the_clerk_finds_the_refund_and_confirms_it_on_its_page(login, institution_clerk, chengdu_reviewer,
                                                                infant_care_item):
    application = withdrawn_after_payment(institution_clerk, chengdu_reviewer, infant_care_item)
    refund = Refund.objects.get()
    clerk = login(institution_clerk)
    listed = clerk.get("/registration/applications/").content.decode()
    assert 'id="refunds-button"' in listed and "退费确认" in listed
    waiting = clerk.get("/registration/refunds/").content.decode()
    assert "张三" in waiting and "待确认" in waiting and f"/registration/refunds/{refund.pk}/" in waiting
    detail = clerk.get(f"/registration/applications/{application.pk}/").content.decode()
    assert "退费待确认" in detail and 'id="refund-confirm-link"' in detail
    form = clerk.get(f"/registration/refunds/{refund.pk}/").content.decode()
    assert f'value="{refund.payment.amount}"' in form, "the amount defaults to what was paid"

    too_much = clerk.post(f"/registration/refunds/{refund.pk}/", {
        "method": "transfer", "amount": str(refund.payment.amount + 1), "refunded_on": timezone.localdate()})
    assert too_much.status_code == 400 and "退费金额不能超过实缴金额" in too_much.content.decode()
    done = clerk.post(f"/registration/refunds/{refund.pk}/", {
        "method": "transfer", "amount": str(refund.payment.amount), "refunded_on": timezone.localdate(),
        "note": "工行流水 20261203001"}, follow=True).content.decode()
    assert "已确认退费" in done and "没有待确认的退费" in done
    refund.refresh_from_db()
    assert refund.method == "transfer" and refund.note == "工行流水 20261203001"
    application.refresh_from_db()
    assert application.status == Status.REFUNDED
    confirmed = clerk.get("/registration/refunds/?state=confirmed").content.decode()
    assert "已退费" in confirmed and "转账" in confirmed
    shown = clerk.get(f"/registration/refunds/{refund.pk}/").content.decode()
    assert 'id="refund-confirmed"' in shown and 'id="refund-confirm-form"' not in shown


@pytest.mark.parametrize("outsider", ["other_institution_clerk", "chengdu_reviewer", "mianyang_reviewer",
                                      "candidate"])
def test_outsiders_cannot_see_or_confirm_a_refund(request, login, institution_clerk, chengdu_reviewer,
                                                  infant_care_item, outsider):
    withdrawn_after_payment(institution_clerk, chengdu_reviewer, infant_care_item)
    refund = Refund.objects.get()
    client = login(request.getfixturevalue(outsider))
    listed = client.get("/registration/refunds/")
    assert listed.status_code == 403 or "张三" not in listed.content.decode()
    assert client.get(f"/registration/refunds/{refund.pk}/").status_code in (403, 404)
    posted = client.post(f"/registration/refunds/{refund.pk}/", {"method": "cash", "amount": "1",
                                                                 "refunded_on": timezone.localdate()})
    assert posted.status_code in (403, 404)
    refund.refresh_from_db()
    assert refund.confirmed_at is None


def test_the_candidate_sees_the_refund_on_their_application(login, candidate, institution_clerk, chengdu_reviewer,
                                                            infant_care_item):
    application = withdrawn_after_payment(institution_clerk, chengdu_reviewer, infant_care_item)
    application.candidate.user = candidate  # the candidate's own account
    application.candidate.save()
    page = login(candidate).get(f"/portal/me/applications/{application.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "待机构确认" in text and "应退" in text
    refund = Refund.objects.get()
    services.refund_confirm(refund=refund, by=institution_clerk, method="original")
    text = login(candidate).get(f"/portal/me/applications/{application.pk}/").content.decode()
    assert "已退费" in text and "原路退回" in text


# --- the API ---------------------------------------------------------------------------------------

def api_post(client, url: str, data: dict, user):
    return client.post(url, data, content_type="application/json", **bearer(user))


def test_the_api_lists_and_confirms_a_refund(client, institution_clerk, chengdu_reviewer, infant_care_item):
    withdrawn_after_payment(institution_clerk, chengdu_reviewer, infant_care_item)
    refund = Refund.objects.get()
    waiting = client.get("/api/v1/refunds", **bearer(institution_clerk)).json()
    assert [(r["id"], r["status"], r["paid"]) for r in waiting] == [(refund.pk, "pending", str(refund.payment.amount))]
    url = f"/api/v1/refunds/{refund.pk}/confirm"
    too_much = api_post(client, url, {"method": "cash", "amount": str(refund.payment.amount + 1)}, institution_clerk)
    assert too_much.status_code == 422 and "退费金额不能超过实缴金额" in too_much.json()["detail"]
    done = api_post(client, url, {"method": "original"}, institution_clerk)
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["status"], body["method"], body["amount"]) == ("confirmed", "original", str(refund.payment.amount))
    assert body["refunded_on"] == timezone.localdate().isoformat()
    again = api_post(client, url, {"method": "original"}, institution_clerk)
    assert again.status_code == 422 and "该退费已确认" in again.json()["detail"]
    assert client.get("/api/v1/refunds", **bearer(institution_clerk)).json() == []


@pytest.mark.parametrize("outsider", ["other_institution_clerk", "mianyang_reviewer", "candidate"])
def test_the_api_refuses_outsiders_a_refund(request, client, institution_clerk, chengdu_reviewer, infant_care_item,
                                            outsider):
    withdrawn_after_payment(institution_clerk, chengdu_reviewer, infant_care_item)
    refund = Refund.objects.get()
    user = request.getfixturevalue(outsider)
    assert client.get("/api/v1/refunds?status=all", **bearer(user)).json() == []
    assert api_post(client, f"/api/v1/refunds/{refund.pk}/confirm", {"method": "cash"}, user).status_code == 404
    # The center sees the refund of its institution but does not confirm it.
    assert api_post(client, f"/api/v1/refunds/{refund.pk}/confirm", {"method": "cash"},
                    chengdu_reviewer).status_code == 403
    refund.refresh_from_db()
    assert refund.confirmed_at is None
