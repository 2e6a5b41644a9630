"""Plan pages: thin views over plans.services and plans.selectors."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kaowu.accounts.roles import (
    CENTER_STAFF_ROLES,
    INSTITUTION_STAFF_ROLES,
    OFFICE_ROLES,
    is_institution_staff,
    is_reviewing_center_of,
)
from kaowu.core.actions import refusal_messages, service_action
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.permissions import role_required
from kaowu.plans import selectors, services
from kaowu.plans.forms import ChangeRequestForm, PlanForm, PlanItemFormSet, ReviewForm, SessionForm
from kaowu.plans.models import Plan


@role_required(*OFFICE_ROLES)
def plan_list(request):
    plans, filters = selectors.plans_filtered(request.user, request.GET)
    page = Paginator(plans, 50).get_page(request.GET.get("page"))
    return render(request, "plans/plan_list.html", {
        "plans": page, "page": page, "to_review": selectors.plans_to_review(request.user), "status": filters["status"],
        "statuses": Plan.Status.choices, "can_create": is_institution_staff(request.user),
    })


@role_required(*INSTITUTION_STAFF_ROLES)
def plan_create(request):
    institution = request.user.organisation
    initial = {"name": selectors.plan_default_name(institution=institution, kind="daily", on=timezone.localdate()),
               "contact_name": request.user.full_name, "contact_phone": request.user.phone}
    form = PlanForm(request.POST or None, institution=institution, initial=initial)
    items = PlanItemFormSet(request.POST or None, prefix="items")
    if request.method == "POST" and form.is_valid() and items.is_valid():
        data = dict(form.cleaned_data)
        sites = data.pop("sites")
        item_rows = [row for row in (f.item_data() for f in items.forms) if row]
        try:
            with transaction.atomic():
                plan = services.plan_create(institution=institution, by=request.user, sites=sites,
                                            items=item_rows, **data)
        except (ValidationError, RuleViolation, PermissionRefused) as exc:
            for message in refusal_messages(exc):
                form.add_error(None, message)
        else:
            messages.success(request, "计划已保存为草稿。请添加考试场次，然后报备。")
            return redirect("plan_detail", plan_id=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "items": items})


@role_required(*OFFICE_ROLES)
def plan_detail(request, plan_id: int):
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    is_staff = is_institution_staff(request.user)
    session_form = SessionForm(plan=plan) if is_staff and plan.status in services.EDITABLE_STATUSES else None
    # A city reviewer's subtree holds only its own center: this is "the plan's reviewing center".
    is_reviewer = is_reviewing_center_of(request.user, plan.reviewing_center)
    can_review = plan.status == Plan.Status.FILED and is_reviewer
    change_form = (ChangeRequestForm(plan=plan)
                   if is_staff and plan.status in services.CHANGEABLE_STATUSES else None)
    data = selectors.plan_detail_data(plan=plan)
    changes = list(data.pop("changes"))
    for change in changes:
        # What a pending change's new times break (R-CQ-1, R-CQ-2) if approved today: the center needs an
        # exception with a reason to approve it.
        change.problems = (services.plan_change_problems(
            plan=plan, sessions=change.changes.get("sessions", []), filed_on=services.plan_change_filed_on(change),
            announced_on=timezone.localdate()) if change.status == change.Status.PENDING else [])
    return render(request, "plans/plan_detail.html", {
        "plan": plan, **data, "changes": changes, "session_form": session_form,
        "is_staff": is_staff, "can_review": can_review, "review_form": ReviewForm() if can_review else None,
        "change_form": change_form, "is_reviewer": is_reviewer,
    })


@require_POST
@role_required(*INSTITUTION_STAFF_ROLES)
def session_add_view(request, plan_id: int):
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    form = SessionForm(request.POST, plan=plan)
    if form.is_valid():
        data = form.cleaned_data
        service_action(request, lambda: services.session_add(
            plan=plan, by=request.user, item=data["item"], day=data["date"], start=data["start"], end=data["end"],
            subject=data["subject"], rooms=list(data["rooms"]),
        ), "已添加考试场次。")
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    return redirect("plan_detail", plan_id=plan.pk)


@require_POST
@role_required(*INSTITUTION_STAFF_ROLES)
def plan_file_view(request, plan_id: int):
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    service_action(request, lambda: services.plan_file(plan=plan, by=request.user, today=timezone.localdate()),
                   f"计划已报备{plan.reviewing_center.name}，等待审核。")
    return redirect("plan_detail", plan_id=plan.pk)


@require_POST
@role_required(*CENTER_STAFF_ROLES)
def plan_review(request, plan_id: int):
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for message in form.non_field_errors() or ["请选择审核结论"]:
            messages.error(request, message)
        return redirect("plan_detail", plan_id=plan.pk)
    data = form.cleaned_data
    if data["decision"] == "approve":
        service_action(request, lambda: services.plan_approve(
            plan=plan, by=request.user, today=timezone.localdate(),
            approve_schedule_exception=data["approve_schedule_exception"],
        ), "计划已批准，公告已发布。")
    else:
        service_action(request, lambda: services.plan_return(plan=plan, by=request.user, reason=data["reason"]),
                       "计划已退回。")
    return redirect("plan_detail", plan_id=plan.pk)


@require_POST
@role_required(*INSTITUTION_STAFF_ROLES)
def plan_open_view(request, plan_id: int):
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    service_action(request, lambda: services.plan_open_registration(plan=plan, by=request.user), "已开放报名。")
    return redirect("plan_detail", plan_id=plan.pk)


@require_POST
@role_required(*INSTITUTION_STAFF_ROLES)
def plan_close_view(request, plan_id: int):
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    service_action(request, lambda: services.plan_close_registration(plan=plan, by=request.user),
                   "已截止报名，可以进行考场编排。")
    return redirect("plan_detail", plan_id=plan.pk)


@require_POST
@role_required(*INSTITUTION_STAFF_ROLES)
def plan_change_create(request, plan_id: int):
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    form = ChangeRequestForm(request.POST, plan=plan)
    if form.is_valid():
        data = form.cleaned_data
        service_action(request, lambda: services.plan_change_request(
            plan=plan, by=request.user, reason=data["reason"], sessions=[{
                "id": data["session"].pk, "date": data["date"].isoformat(),
                "start": data["start"].strftime("%H:%M"), "end": data["end"].strftime("%H:%M"),
            }], today=timezone.localdate(),
        ), "变更申请已提交，中心批准前计划保持原安排（R-CQ-8）。")
    else:
        problems = "；".join(e for errors in form.errors.values() for e in errors)
        messages.error(request, f"变更申请填写不完整：{problems}")
    return redirect("plan_detail", plan_id=plan.pk)


@require_POST
@role_required(*CENTER_STAFF_ROLES)
def plan_change_review(request, plan_id: int, change_id: int):
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    change = selectors.plan_change_get(plan=plan, change_id=change_id)
    if request.POST.get("decision") == "approve":
        service_action(request, lambda: services.plan_change_approve(
            change=change, by=request.user, today=timezone.localdate(),
            exception_reason=request.POST.get("exception_reason", ""),
        ), "已批准变更，计划已按新安排更新；已派遣的人员须重新确认新的时间。")
    else:
        service_action(request, lambda: services.plan_change_reject(
            change=change, by=request.user, reason=request.POST.get("reason", ""),
        ), "已驳回变更申请。")
    return redirect("plan_detail", plan_id=plan.pk)
