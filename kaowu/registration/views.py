"""Clerk and reviewer pages for applications: lists with filters and bulk actions, the detail page
with both reviews and the payment, the refunds the institution confirms (the audited Excel export is
`exports.APPLICATIONS`)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kaowu.accounts.models import Role
from kaowu.accounts.roles import (
    CENTER_STAFF_ROLES,
    INSTITUTION_STAFF_ROLES,
    OFFICE_ROLES,
    is_center_staff,
    is_institution_staff,
)
from kaowu.catalog.models.catalogue import LEVEL_LABELS
from kaowu.core.actions import refusal_messages, service_action
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.forms import form_add_error
from kaowu.core.permissions import role_required
from kaowu.plans.selectors import plans_visible_to
from kaowu.registration import selectors, services
from kaowu.registration.forms import RefundConfirmForm
from kaowu.registration.models import Application, Payment, Refund

REFUSALS = (ValidationError, RuleViolation, PermissionRefused)


def _filtered(request):
    return selectors.applications_filtered(request.user, request.GET)


def _filter_choices(user) -> dict:
    """The options of the list's drop-downs (a fixed number of queries)."""
    return {"plans": plans_visible_to(user).order_by("-created_at")[:100],
            "items": selectors.application_item_options(user), "levels": sorted(LEVEL_LABELS.items(), reverse=True),
            "institutions": list(selectors.institution_options(user)) if is_center_staff(user) else []}


@role_required(*OFFICE_ROLES)
def application_list(request):
    applications, filters = _filtered(request)
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "registration/application_list.html", {
        "page": page, "filters": filters, "statuses": Application.Status.choices, "query": query.urlencode(),
        **_filter_choices(request.user),
        "is_staff": is_institution_staff(request.user), "is_reviewer": is_center_staff(request.user),
        "refunds_pending": (selectors.refunds_to_confirm(request.user).count()
                            if is_institution_staff(request.user) else 0),
    })


@role_required(*OFFICE_ROLES)
def application_detail(request, application_id: int):
    application = selectors.application_get_for_user(user=request.user, application_id=application_id)
    user = request.user
    is_staff = is_institution_staff(user)
    is_center = user.role == Role.PROVINCE_ADMIN or (
        user.role == Role.CITY_REVIEWER and user.organisation_id == application.plan.reviewing_center_id)
    payments = list(application.payments.select_related("refund"))
    fee = (services.application_fee(application, on=timezone.localdate())
           if application.status == Application.Status.CENTER_APPROVED else None)
    return render(request, "registration/application_detail.html", {
        "application": application, "candidate": application.candidate, "is_staff": is_staff,
        "is_center": is_center, "fee": fee, "payments": payments,
        "has_refund": any(p.refunded for p in payments),
        "documents": application.documents.all(), "methods": Payment.Method.choices,
        "change_requests": application.candidate.change_requests.order_by("-created_at"),
        "eligibility": selectors.eligibility_shown(application),
    })


@require_POST
@role_required(*INSTITUTION_STAFF_ROLES)
def application_institution_review(request, application_id: int):
    application = selectors.application_get_for_user(user=request.user, application_id=application_id)
    if request.POST.get("decision") == "approve":
        service_action(request, lambda: services.application_institution_approve(
            application=application, by=request.user, originals_seen=request.POST.get("originals_seen") == "on",
        ), "初审通过，已提交中心复核。")
    else:
        service_action(request, lambda: services.application_return(
            application=application, by=request.user, reason=request.POST.get("reason", ""),
        ), "已退回考生修改。")
    return redirect("application_detail", application_id=application.pk)


@require_POST
@role_required(*CENTER_STAFF_ROLES)
def application_center_review(request, application_id: int):
    application = selectors.application_get_for_user(user=request.user, application_id=application_id)
    if request.POST.get("decision") == "approve":
        service_action(request, lambda: services.application_center_approve(application=application,
                                                                            by=request.user), "复核通过。")
    else:
        service_action(request, lambda: services.application_center_reject(
            application=application, by=request.user, reason=request.POST.get("reason", ""),
        ), "复核不通过，原因已记录。")  # nothing is sent to the candidate yet (no notifications)
    return redirect("application_detail", application_id=application.pk)


@require_POST
@role_required(*INSTITUTION_STAFF_ROLES)
def payment_record(request, application_id: int):
    application = selectors.application_get_for_user(user=request.user, application_id=application_id)
    service_action(request, lambda: services.payment_record(
        application=application, by=request.user, method=request.POST.get("method", "cash"),
        receipt_number=request.POST.get("receipt_number", ""),
    ), "已登记缴费。")
    return redirect("application_detail", application_id=application.pk)


@require_POST
@role_required(*OFFICE_ROLES)
def application_bulk(request):
    """Approve or return the selected applications; all succeed or none changes."""
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    applications = list(selectors.applications_visible_to(request.user).filter(pk__in=ids))
    try:
        services.applications_review_bulk(applications=applications, action=action, by=request.user, reason=reason)
    except REFUSALS as exc:
        messages.error(request, f"批量操作未执行（全部保持原状）：{'；'.join(refusal_messages(exc))}")
    else:
        messages.success(request, f"已处理 {len(applications)} 条报名。")
    return redirect(request.POST.get("next") or "application_list")


# --- refunds (R-SC21-5) -------------------------------------------------------------------------

REFUND_STATES = {"pending": "待确认", "confirmed": "已确认", "all": "全部"}
# The refund's usual way back for each way of paying (the form's first guess; the clerk may change it).
REFUND_METHOD_FOR = {Payment.Method.CASH: Refund.Method.CASH, Payment.Method.TRANSFER: Refund.Method.TRANSFER,
                     Payment.Method.ONLINE: Refund.Method.ORIGINAL, Payment.Method.BULK: Refund.Method.TRANSFER}


@role_required(*INSTITUTION_STAFF_ROLES)
def refund_list(request):
    """The institution's refunds: those waiting for confirmation first."""
    state = request.GET.get("state", "pending")
    state = state if state in REFUND_STATES else "pending"
    page = Paginator(selectors.refunds_to_confirm(request.user, state), 50).get_page(request.GET.get("page"))
    return render(request, "registration/refund_list.html", {
        "page": page, "state": state, "states": REFUND_STATES.items(), "query": f"state={state}",
        "pending_count": selectors.refunds_to_confirm(request.user, "pending").count(),
    })


@role_required(*INSTITUTION_STAFF_ROLES)
def refund_confirm(request, refund_id: int):
    """The confirmation form (GET) and the confirmation (POST): method, amount (the paid amount unless less
    went back), date."""
    refund = selectors.refund_get_for_user(user=request.user, refund_id=refund_id)
    payment = refund.payment
    form = RefundConfirmForm(request.POST or None, initial={
        "amount": payment.amount, "refunded_on": timezone.localdate(), "method": REFUND_METHOD_FOR[payment.method]})
    if request.method == "POST" and not refund.confirmed_at and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.refund_confirm(refund=refund, by=request.user, method=data["method"], amount=data["amount"],
                                        refunded_on=data["refunded_on"], note=data["note"])
        except ValidationError as exc:
            form_add_error(form, exc)
        except PermissionRefused as exc:
            raise PermissionDenied(exc.message) from exc
        else:
            messages.success(request, f"已确认退费 {data['amount']} 元（{payment.application.candidate.name}）。")
            return redirect("refund_list")
    return render(request, "registration/refund_confirm.html", {
        "refund": refund, "payment": payment, "application": payment.application, "form": form,
    }, status=400 if form.errors else 200)


@role_required(*INSTITUTION_STAFF_ROLES)
def application_import_choose(request):
    """The list's 批量导入 button: the plans the clerk may import into, each leading to its upload page."""
    return render(request, "registration/import_choose.html", {
        "plans": selectors.plans_open_for_import(request.user)})
