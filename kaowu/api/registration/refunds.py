"""Refunds over the API (R-SC21-5): the institution's refunds, and confirming one with how, how much and when
the fee went back — the same selectors and service as the 退费确认 page."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Schema

from kaowu.api.errors import refusals_as_http
from kaowu.api.registration.reads import router
from kaowu.registration import selectors, services
from kaowu.registration.models import Refund


class RefundOut(Schema):
    id: int
    application_id: int
    candidate_name: str
    receipt_number: str
    paid: str
    amount: str
    reason: str
    status: Literal["pending", "confirmed"]
    method: str
    refunded_on: date | None
    note: str
    confirmed_at: datetime | None

    @staticmethod
    def resolve_application_id(obj) -> int:
        return obj.payment.application_id

    @staticmethod
    def resolve_candidate_name(obj) -> str:
        return obj.payment.application.candidate.name

    @staticmethod
    def resolve_receipt_number(obj) -> str:
        return obj.payment.receipt_number

    @staticmethod
    def resolve_paid(obj) -> str:
        return str(obj.payment.amount)

    @staticmethod
    def resolve_amount(obj) -> str:
        return str(obj.amount)

    @staticmethod
    def resolve_status(obj) -> str:
        return "confirmed" if obj.confirmed_at else "pending"


@router.get("/refunds", response=list[RefundOut], summary="退费（本机构；默认只列待确认的）")
def refund_list(request, status: Literal["pending", "confirmed", "all"] = "pending"):
    return selectors.refunds_to_confirm(request.auth, status)


class RefundConfirmIn(Schema):
    method: Literal[tuple(Refund.Method.values)]  # type: ignore[valid-type]
    amount: Decimal | None = None
    refunded_on: date | None = None
    note: str = ""


@router.post("/refunds/{refund_id}/confirm", response=RefundOut,
             summary="确认退费：方式、金额（默认实缴金额，不超过实缴）、日期（默认今天）（R-SC21-5）")
def refund_confirm(request, refund_id: int, payload: RefundConfirmIn):
    refund = get_object_or_404(selectors.refunds_visible_to(request.auth), pk=refund_id)
    with refusals_as_http():
        services.refund_confirm(refund=refund, by=request.auth, method=payload.method, amount=payload.amount,
                                refunded_on=payload.refunded_on, note=payload.note)
    return selectors.refunds_visible_to(request.auth).get(pk=refund.pk)
