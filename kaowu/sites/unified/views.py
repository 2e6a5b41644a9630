"""统考报名机构 application pages: thin views over sites.unified.services and sites.unified.selectors."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kaowu.accounts.roles import (
    CENTER_STAFF_ROLES,
    INSTITUTION_STAFF_ROLES,
    OFFICE_ROLES,
    is_institution_staff,
    is_institution_staff_of,
    is_reviewing_center_of,
)
from kaowu.core.actions import service_action
from kaowu.core.permissions import role_required
from kaowu.sites import selectors as site_selectors
from kaowu.sites.filings.forms import ReviewForm
from kaowu.sites.filings.services import EDITABLE_STATUSES
from kaowu.sites.models import ReviewStatus
from kaowu.sites.unified import selectors, services
from kaowu.sites.unified.forms import UnifiedApplicationForm
from kaowu.sites.views import form_service_call

# --- unified-exam applications (R-SC24-3) ----------------------------------------------------

@role_required(*OFFICE_ROLES)
def application_list(request):
    return render(request, "sites/application_list.html", {
        "applications": selectors.applications_visible_to(request.user),
        "to_review": selectors.applications_to_review(request.user), "is_staff": is_institution_staff(request.user),
    })


@role_required(*INSTITUTION_STAFF_ROLES)
def application_create(request):
    form = UnifiedApplicationForm(request.POST or None, sites=site_selectors.own_active_sites(request.user))
    if request.method == "POST" and form.is_valid():
        application = form_service_call(form, lambda: services.unified_application_create(
            by=request.user, **form.cleaned_data))
        if application is not None:
            messages.success(request, "申请已保存为草稿。核对后请提交中心审核。")
            return redirect("unified_application_detail", application_id=application.pk)
    return render(request, "sites/form.html", {
        "form": form, "title": "申请成为统考报名机构", "submit_label": "保存草稿",
        "crumbs": [("统考报名机构申请", reverse("unified_application_list"))],
        "hint": "R-SC24-3：统考报名机构应具备报名场地、办公设备设施齐全，考务人员充足，管理岗位齐全，有规范规章制度。",
    })


def _application_context(request, application, **extra):
    user = request.user
    is_owner = is_institution_staff_of(user, application.institution_id)
    editable = is_owner and application.status in EDITABLE_STATUSES
    reviewable = application.status == ReviewStatus.SUBMITTED and is_reviewing_center_of(user, application.institution)
    context = {
        "application": application, "is_owner": is_owner, "editable": editable, "reviewable": reviewable,
        "edit_form": (UnifiedApplicationForm(instance=application, sites=site_selectors.own_active_sites(user))
                      if editable else None),
        "review_form": ReviewForm() if reviewable else None,
    }
    context.update(extra)
    return context


@role_required(*OFFICE_ROLES)
def application_detail(request, application_id: int):
    application = selectors.application_get_for_user(user=request.user, application_id=application_id)
    if request.method == "POST":
        if not is_institution_staff(request.user):
            raise PermissionDenied("只有申请机构可以修改申请")
        # The form writes into its own copy; the service is given the stored application.
        copy = selectors.application_get_for_user(user=request.user, application_id=application_id)
        form = UnifiedApplicationForm(request.POST, instance=copy, sites=site_selectors.own_active_sites(request.user))
        if form.is_valid() and form_service_call(form, lambda: services.unified_application_update(
                application=application, by=request.user, **form.cleaned_data)):
            messages.success(request, "申请已保存。")
            return redirect("unified_application_detail", application_id=application.pk)
        return render(request, "sites/application_detail.html",
                      _application_context(request, application, edit_form=form), status=400)
    return render(request, "sites/application_detail.html", _application_context(request, application))


@require_POST
@role_required(*INSTITUTION_STAFF_ROLES)
def application_submit(request, application_id: int):
    application = selectors.application_get_for_user(user=request.user, application_id=application_id)
    service_action(request, lambda: services.unified_application_submit(application=application, by=request.user),
         "申请已提交中心审核。")
    return redirect("unified_application_detail", application_id=application.pk)


@role_required(*CENTER_STAFF_ROLES)
def application_review(request, application_id: int):
    application = selectors.application_get_for_user(user=request.user, application_id=application_id)
    if not is_reviewing_center_of(request.user, application.institution):
        raise PermissionDenied("您无权审核该申请")
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        if form.cleaned_data["decision"] == "approve":
            done = form_service_call(form, lambda: services.unified_application_approve(
                application=application, by=request.user, reason=reason))
            note = "已批准该机构为统考报名机构。"
        else:
            done = form_service_call(form, lambda: services.unified_application_return(
                application=application, by=request.user, reason=reason))
            note = "申请已退回机构。"
        if done:
            messages.success(request, note)
            return redirect("unified_application_detail", application_id=application.pk)
    context = _application_context(request, application)
    if context["reviewable"]:
        context["review_form"] = form
    return render(request, "sites/application_detail.html", context, status=400 if form.errors else 200)
