"""试卷保管与交接 pages: the custody home (open leak reports first), a plan's packages, a package's chain
with the form for the next handover and the leak report, and the printable 交接记录单. Thin: selectors
and services; refusals come back as messages with their rule id."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kaowu.accounts.roles import EXAM_STAFF_ROLES, OFFICE_ROLES, is_reviewing_center_of
from kaowu.core.actions import service_action
from kaowu.core.downloads import private_download
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.forms import form_add_error
from kaowu.core.permissions import role_required
from kaowu.staffing.custody import selectors, services
from kaowu.staffing.custody.documents import custody_chain_pdf
from kaowu.staffing.custody.forms import HandoverForm, LeakReportForm, LeakResolveForm, PackageRegisterForm
from kaowu.staffing.models import Handover

# Every role but the candidate's may open custody pages; scoping decides what each one sees.
VIEWERS = (*OFFICE_ROLES, *EXAM_STAFF_ROLES)


@role_required(*VIEWERS)
def custody_home(request):
    plans = list(selectors.custody_plans(request.user)[:200])
    return render(request, "staffing/custody/home.html", {
        "plans": plans, "leaks": selectors.open_leak_reports(user=request.user),
        "can_export": request.user.role in OFFICE_ROLES,
    })


@role_required(*VIEWERS)
def custody_plan(request, plan_id: int):
    plan = selectors.custody_plan_get_for_user(user=request.user, plan_id=plan_id)
    return render(request, "staffing/custody/plan.html", {
        "plan": plan, "rows": selectors.plan_packages(user=request.user, plan=plan),
        "leaks": selectors.open_leak_reports(user=request.user, plan=plan),
        "can_register": is_reviewing_center_of(request.user, plan.reviewing_center),
    })


@role_required(*VIEWERS)
def custody_package_register(request, plan_id: int):
    plan = selectors.custody_plan_get_for_user(user=request.user, plan_id=plan_id)
    if not is_reviewing_center_of(request.user, plan.reviewing_center):
        raise PermissionDenied("只有审核该计划的中心可以登记试卷袋")
    form = PackageRegisterForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            package = services.package_register(**form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form_add_error(form, exc)
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        except PermissionRefused as exc:
            raise PermissionDenied(exc.message) from exc
        else:
            messages.success(request, f"已登记试卷袋 {package.number}，由保管员{package.custodian.name}保管")
            return redirect("custody_package", package_id=package.pk)
    return render(request, "staffing/custody/package_form.html", {"plan": plan, "form": form})


def _package_page(request, package, *, handover_form=None, leak_form=None, status=200):
    handovers = selectors.handovers_of(package)
    next_stage = selectors.package_next_stage(package, handovers)
    plan = package.session.plan
    can_record = next_stage is not None and selectors.may_record_any_handover(request.user, package)
    if can_record and handover_form is None:
        initial = {}
        if next_stage is not None:
            initial["count"] = selectors.expected_count(package, next_stage, handovers)
            seal = selectors.expected_seal(package, next_stage, handovers)
            initial["seal_number"] = seal or ""
        handover_form = HandoverForm(package=package, next_stage=next_stage, initial=initial)
    leaks = selectors.package_leak_reports(package)
    is_center = is_reviewing_center_of(request.user, plan.reviewing_center)
    return render(request, "staffing/custody/package.html", {
        "package": package, "plan": plan, "handovers": handovers, "leaks": leaks,
        "open_leaks": [report for report in leaks if report.resolved_at is None],
        "next_stage": next_stage, "next_stage_label": dict(Handover.Stage.choices).get(next_stage, ""),
        "handover_form": handover_form if can_record else None,
        "leak_form": leak_form or LeakReportForm(), "resolve_form": LeakResolveForm() if is_center else None,
    }, status=status)


@role_required(*VIEWERS)
def custody_package(request, package_id: int):
    package = selectors.package_get_for_user(user=request.user, package_id=package_id)
    return _package_page(request, package)


@require_POST
@role_required(*VIEWERS)
def custody_handover_record(request, package_id: int):
    package = selectors.package_get_for_user(user=request.user, package_id=package_id)
    next_stage = selectors.package_next_stage(package)
    form = HandoverForm(request.POST, package=package, next_stage=next_stage)
    if form.is_valid():
        data = form.cleaned_data
        recorded = service_action(
            request, lambda: services.handover_record(package=package, **data, by=request.user),
            f"已登记交接：{dict(Handover.Stage.choices)[data['stage']]}，"
            f"{data['giver'].name} → {data['receiver'].name}",
        )
        if recorded:
            return redirect("custody_package", package_id=package.pk)
    # Refused or invalid: the page again with what was typed, the reason in a message or next to the field.
    package.refresh_from_db()
    return _package_page(request, package, handover_form=form)


@require_POST
@role_required(*VIEWERS)
def custody_leak_report(request, package_id: int):
    package = selectors.package_get_for_user(user=request.user, package_id=package_id)
    form = LeakReportForm(request.POST)
    if form.is_valid():
        reported = service_action(
            request, lambda: services.leak_report(package=package, description=form.cleaned_data["description"],
                                                  by=request.user),
            f"已报告疑似泄密：试卷袋 {package.number} 已停用，只能交回保管员；审核中心已可见此报告",
        )
        if reported:
            return redirect("custody_package", package_id=package.pk)
    return _package_page(request, package, leak_form=form)


@require_POST
@role_required(*VIEWERS)
def custody_leak_resolve(request, report_id: int):
    report = selectors.leak_report_get_for_user(user=request.user, report_id=report_id)
    form = LeakResolveForm(request.POST)
    if form.is_valid():
        service_action(
            request, lambda: services.leak_resolve(report=report, resolution=form.cleaned_data["resolution"],
                                                   by=request.user),
            "已记录处理结果；该试卷袋仍停用，不得使用（R-CQ-9）",
        )
    else:
        messages.error(request, "请填写处理结果")
    return redirect("custody_package", package_id=report.package_id)


@role_required(*VIEWERS)
def custody_chain_pdf_view(request, package_id: int):
    package = selectors.package_get_for_user(user=request.user, package_id=package_id)
    pdf = custody_chain_pdf(package, selectors.handovers_of(package), selectors.package_leak_reports(package))
    return private_download(pdf, filename=f"试卷交接记录单-{package.number}.pdf")
