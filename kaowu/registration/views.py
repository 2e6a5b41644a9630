"""Clerk and reviewer pages for applications: lists with filters and bulk actions, the detail page
with both reviews and the payment, and the audited Excel export."""

from io import BytesIO

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from kaowu.accounts.models import Role
from kaowu.accounts.roles import OFFICE_ROLES
from kaowu.catalog.models.catalogue import LEVEL_LABELS
from kaowu.core.actions import refusal_messages, service_action
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.permissions import role_required
from kaowu.core.services import audit_record
from kaowu.plans.selectors import plans_visible_to
from kaowu.registration import selectors, services
from kaowu.registration.models import Application, Payment

STAFF = (Role.INSTITUTION_ADMIN, Role.INSTITUTION_CLERK)
REVIEWERS = (Role.CITY_REVIEWER, Role.PROVINCE_ADMIN)
REFUSALS = (ValidationError, RuleViolation, PermissionRefused)


def _filtered(request):
    """The visible applications narrowed by the list's filters: status, plan, item, level, institution, text."""
    applications = selectors.applications_visible_to(request.user).select_related("plan__reviewing_center")
    get = request.GET
    filters = {key: get.get(key, "").strip() for key in ("status", "plan", "item", "level", "institution", "q")}
    if filters["status"] in Application.Status.values:
        applications = applications.filter(status=filters["status"])
    if filters["plan"].isdigit():
        applications = applications.filter(plan_id=int(filters["plan"]))
    kind, _, item_id = filters["item"].partition(":")
    if item_id.isdigit() and kind in ("o", "s"):
        field = "item__occupation_id" if kind == "o" else "item__special_item_id"
        applications = applications.filter(**{field: int(item_id)})
    if filters["level"] in {"1", "2", "3", "4", "5"}:
        applications = applications.filter(item__level=int(filters["level"]))
    if filters["institution"].isdigit():
        applications = applications.filter(plan__institution_id=int(filters["institution"]))
    if filters["q"]:
        text = filters["q"]
        applications = applications.filter(candidate__name__contains=text) | applications.filter(
            candidate__id_number=text)
    return applications.order_by("-submitted_at", "-id"), filters


def _filter_choices(user) -> dict:
    """The options of the list's drop-downs (a fixed number of queries)."""
    return {"plans": plans_visible_to(user).order_by("-created_at")[:100],
            "items": selectors.application_item_options(user), "levels": sorted(LEVEL_LABELS.items(), reverse=True),
            "institutions": list(selectors.institution_options(user)) if user.role in REVIEWERS else []}


@role_required(*OFFICE_ROLES)
def application_list(request):
    applications, filters = _filtered(request)
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "registration/application_list.html", {
        "page": page, "filters": filters, "statuses": Application.Status.choices, "query": query.urlencode(),
        **_filter_choices(request.user),
        "is_staff": request.user.role in STAFF, "is_reviewer": request.user.role in REVIEWERS,
    })


@role_required(*OFFICE_ROLES)
def application_detail(request, application_id: int):
    application = selectors.application_get_for_user(user=request.user, application_id=application_id)
    user = request.user
    is_staff = user.role in STAFF
    is_center = user.role == Role.PROVINCE_ADMIN or (
        user.role == Role.CITY_REVIEWER and user.organisation_id == application.plan.reviewing_center_id)
    fee = (services.application_fee(application, on=timezone.localdate())
           if application.status == Application.Status.CENTER_APPROVED else None)
    return render(request, "registration/application_detail.html", {
        "application": application, "candidate": application.candidate, "is_staff": is_staff,
        "is_center": is_center, "fee": fee, "payments": application.payments.all(),
        "documents": application.documents.all(), "methods": Payment.Method.choices,
        "change_requests": application.candidate.change_requests.order_by("-created_at"),
    })


@require_POST
@role_required(*STAFF)
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
@role_required(*REVIEWERS)
def application_center_review(request, application_id: int):
    application = selectors.application_get_for_user(user=request.user, application_id=application_id)
    if request.POST.get("decision") == "approve":
        service_action(request, lambda: services.application_center_approve(application=application,
                                                                            by=request.user), "复核通过。")
    else:
        service_action(request, lambda: services.application_center_reject(
            application=application, by=request.user, reason=request.POST.get("reason", ""),
        ), "复核不通过，已通知考生。")
    return redirect("application_detail", application_id=application.pk)


@require_POST
@role_required(*STAFF)
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
        with transaction.atomic():
            for application in applications:
                if action == "institution_approve":
                    services.application_institution_approve(application=application, by=request.user,
                                                             originals_seen=True)
                elif action == "return":
                    services.application_return(application=application, by=request.user, reason=reason)
                elif action == "center_approve":
                    services.application_center_approve(application=application, by=request.user)
                elif action == "center_reject":
                    services.application_center_reject(application=application, by=request.user, reason=reason)
                else:
                    raise ValidationError("请选择批量操作")
    except REFUSALS as exc:
        messages.error(request, f"批量操作未执行（全部保持原状）：{'；'.join(refusal_messages(exc))}")
    else:
        messages.success(request, f"已处理 {len(applications)} 条报名。")
    return redirect(request.POST.get("next") or "application_list")


@role_required(*OFFICE_ROLES)
def application_export(request):
    """The filtered list as Excel; personal data leaves the system, so the export is audited."""
    applications, filters = _filtered(request)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("报名名单")
    sheet.append(["序号", "姓名", "证件类型", "证件号码", "性别", "手机号", "工作单位", "计划", "报考项目", "状态",
                  "提交时间"])
    count = 0
    for count, a in enumerate(applications.iterator(chunk_size=2000), start=1):
        c = a.candidate
        sheet.append([count, c.name, c.get_id_type_display(), c.id_number, c.gender, c.phone, c.employer,
                      a.plan.name, str(a.item), a.get_status_display(),
                      timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M") if a.submitted_at else ""])
    buffer = BytesIO()
    book.save(buffer)
    audit_record(action="registration.export", actor=request.user, after={"rows": count, "filters": filters})
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename=\"applications.xlsx\""
    return response
