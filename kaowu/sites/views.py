"""Site pages: thin views over sites.services and sites.selectors.

A refusal by a service is shown next to the form it came from (RuleViolation names its rule);
PermissionRefused becomes a 403 and an object outside the user's scope a 404.
"""

import mimetypes
from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kaowu.accounts.models import Role
from kaowu.catalog.policy import policy_active
from kaowu.core.actions import service_action as _act
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.forms import form_add_error
from kaowu.core.permissions import role_required
from kaowu.sites import selectors, services
from kaowu.sites.forms import (
    AttachmentForm,
    EquipmentForm,
    FacilityFilingEditForm,
    FacilityFilingForm,
    ReviewForm,
    RoomForm,
    SiteEditForm,
    SiteForm,
    UnifiedApplicationForm,
)
from kaowu.sites.models import ReviewStatus, Site

STAFF = (Role.INSTITUTION_ADMIN, Role.INSTITUTION_CLERK)
REVIEWERS = (Role.CITY_REVIEWER, Role.PROVINCE_ADMIN)
VIEWERS = STAFF + REVIEWERS

# Served inline (the browser shows them); anything else is downloaded.
INLINE_TYPES = {"image/jpeg", "image/png", "video/mp4", "video/quicktime", "video/webm", "application/pdf"}


def _run(form, call):
    """Call a service; put a refusal on the form. Returns the result, or None when refused."""
    try:
        with transaction.atomic():
            return call()
    except RuleViolation as exc:
        form.add_error(None, str(exc))
    except ValidationError as exc:
        form_add_error(form, exc)
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message) from exc
    return None


def _own_sites(user):
    return selectors.sites_visible_to(user).filter(institution_id=user.organisation_id, is_active=True)


# --- sites -----------------------------------------------------------------------------------

@role_required(*VIEWERS)
def site_list(request):
    sites = selectors.sites_with_counts(request.user)
    text = request.GET.get("q", "").strip()
    if text:
        sites = sites.filter(name__icontains=text)
    return render(request, "sites/site_list.html", {
        "sites": sites, "q": text, "is_staff": request.user.role in STAFF,
        "to_review_count": selectors.filings_to_review(request.user).count(),
        "applications_to_review_count": selectors.applications_to_review(request.user).count(),
    })


@role_required(*STAFF)
def site_create(request):
    form = SiteForm(request.POST or None, initial={
        "contact_name": request.user.full_name, "contact_phone": request.user.phone,
        "region_code": request.user.organisation.region_code,
    })
    if request.method == "POST" and form.is_valid():
        site = _run(form, lambda: services.site_create(
            institution=request.user.organisation, by=request.user, **form.cleaned_data))
        if site is not None:
            messages.success(request, f"考点“{site.name}”已添加。请登记考场和设施设备。")
            return redirect("site_detail", site_id=site.pk)
    return render(request, "sites/form.html", {
        "form": form, "title": "新增考点", "submit_label": "保存",
        "crumbs": [("考点", reverse("site_list"))],
    })


@role_required(*VIEWERS)
def site_detail(request, site_id: int):
    site = selectors.site_get_for_user(user=request.user, site_id=site_id)
    can_edit = request.user.role in STAFF and request.user.organisation_id == site.institution_id
    return render(request, "sites/site_detail.html", {
        "site": site, "rooms": selectors.site_rooms(site=site),
        "equipment": site.equipment.select_related("room"),
        "filings": selectors.filings_visible_to(request.user).filter(site=site),
        "can_edit": can_edit, "policy_theory_capacity": policy_active().theory_room_capacity,
        "readiness_items": services.ROOM_READINESS_ITEMS,
        "setup_days_before": policy_active().room_setup_days_before,
    })


@role_required(*STAFF)
def site_update(request, site_id: int):
    site = selectors.site_get_for_user(user=request.user, site_id=site_id)
    form = SiteEditForm(request.POST or None, instance=Site.objects.get(pk=site.pk))
    if request.method == "POST" and form.is_valid():
        if _run(form, lambda: services.site_update(site=site, by=request.user, **form.cleaned_data)):
            messages.success(request, "考点信息已保存。")
            return redirect("site_detail", site_id=site.pk)
    return render(request, "sites/form.html", {
        "form": form, "title": f"修改考点 · {site.name}", "submit_label": "保存",
        "crumbs": [("考点", reverse("site_list")), (site.name, reverse("site_detail", args=[site.pk]))],
    })


@role_required(*STAFF)
def room_create(request, site_id: int):
    site = selectors.site_get_for_user(user=request.user, site_id=site_id)
    form = RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["station_count"] = data.get("station_count") or 0
        room = _run(form, lambda: services.room_create(site=site, by=request.user, **data))
        if room is not None:
            messages.success(request, f"考场“{room.name}”已添加。")
            return redirect("site_detail", site_id=site.pk)
    theory = policy_active().theory_room_capacity
    return render(request, "sites/form.html", {
        "form": form, "title": f"新增考场 · {site.name}", "submit_label": "保存",
        "crumbs": [("考点", reverse("site_list")), (site.name, reverse("site_detail", args=[site.pk]))],
        "hint": f"R-CQ-6：理论考场、机考考场每室不超过{theory}人，单人单桌，理论考场不使用阶梯教室；"
                "实操考场按职业（工种）需要的设备、场地准备。",
    })


@role_required(*STAFF)
def equipment_add(request, site_id: int):
    site = selectors.site_get_for_user(user=request.user, site_id=site_id)
    form = EquipmentForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid():
        line = _run(form, lambda: services.equipment_add(site=site, by=request.user, **form.cleaned_data))
        if line is not None:
            messages.success(request, f"设备“{line.name}”已登记。")
            return redirect("site_detail", site_id=site.pk)
    return render(request, "sites/form.html", {
        "form": form, "title": f"登记设施设备 · {site.name}", "submit_label": "保存",
        "crumbs": [("考点", reverse("site_list")), (site.name, reverse("site_detail", args=[site.pk]))],
        "hint": "R-FJ-2：设施设备申报表须列明设备名称、型号规格和数量。",
    })


# --- facility filings ------------------------------------------------------------------------

@role_required(*VIEWERS)
def filing_list(request):
    filings = selectors.filings_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in ReviewStatus.values:
        filings = filings.filter(status=status)
    return render(request, "sites/filing_list.html", {
        "filings": filings, "status": status, "statuses": ReviewStatus.choices,
        "to_review": selectors.filings_to_review(request.user), "is_staff": request.user.role in STAFF,
    })


@role_required(*STAFF)
def filing_create(request):
    sites = _own_sites(request.user)
    initial = {"site": request.GET.get("site")} if request.GET.get("site") else {}
    form = FacilityFilingForm(request.POST or None, sites=sites, initial=initial)
    if request.method == "POST" and form.is_valid():
        filing = _run(form, lambda: services.facility_filing_create(by=request.user, **form.cleaned_data))
        if filing is not None:
            messages.success(request, "申报已保存为草稿。请上传考场照片或视频，然后提交中心确认。")
            return redirect("filing_detail", filing_id=filing.pk)
    return render(request, "sites/form.html", {
        "form": form, "title": "新建设施设备申报", "submit_label": "保存草稿",
        "crumbs": [("设施设备申报", reverse("filing_list"))],
        "hint": "R-FJ-2：首次组织考核的项目，须将考场照片或视频和《设施设备申报表》提交所属中心，"
                "审核确认后方可组织报名。",
    })


def _filing_context(request, filing, **extra):
    user = request.user
    is_owner = user.role in STAFF and user.organisation_id == filing.institution_id
    editable = is_owner and filing.status in services.EDITABLE_STATUSES
    reviewable = filing.status == ReviewStatus.SUBMITTED and services.can_review(user, filing.institution)
    context = {
        "filing": filing, "site": filing.site, "rooms": selectors.site_rooms(site=filing.site),
        "equipment": filing.site.equipment.select_related("room"), "attachments": filing.attachments.all(),
        "is_owner": is_owner, "editable": editable, "reviewable": reviewable,
        "problems": services.facility_filing_problems(filing=filing) if editable else [],
        "attachment_form": AttachmentForm() if editable else None,
        "edit_form": FacilityFilingEditForm(instance=filing) if editable else None,
        "review_form": ReviewForm() if reviewable else None,
        "workdays": policy_active().facility_filing_workdays,
    }
    context.update(extra)
    return context


@role_required(*VIEWERS)
def filing_detail(request, filing_id: int):
    filing = selectors.filing_get_for_user(user=request.user, filing_id=filing_id)
    return render(request, "sites/filing_detail.html", _filing_context(request, filing))


@require_POST
@role_required(*STAFF)
def filing_edit(request, filing_id: int):
    filing = selectors.filing_get_for_user(user=request.user, filing_id=filing_id)
    form = FacilityFilingEditForm(request.POST, instance=type(filing).objects.get(pk=filing.pk))
    if form.is_valid() and _run(form, lambda: services.facility_filing_update(
            filing=filing, by=request.user, **form.cleaned_data)):
        messages.success(request, "申报信息已保存。")
        return redirect("filing_detail", filing_id=filing.pk)
    return render(request, "sites/filing_detail.html", _filing_context(request, filing, edit_form=form), status=400)


@require_POST
@role_required(*STAFF)
def filing_attach(request, filing_id: int):
    filing = selectors.filing_get_for_user(user=request.user, filing_id=filing_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid() and _run(form, lambda: services.facility_filing_attach(
            filing=filing, by=request.user, **form.cleaned_data)):
        messages.success(request, "附件已上传。")
        return redirect("filing_detail", filing_id=filing.pk)
    return render(request, "sites/filing_detail.html", _filing_context(request, filing, attachment_form=form),
                  status=400)


@require_POST
@role_required(*STAFF)
def filing_submit(request, filing_id: int):
    filing = selectors.filing_get_for_user(user=request.user, filing_id=filing_id)
    _act(request, lambda: services.facility_filing_submit(filing=filing, by=request.user),
         "申报已提交中心审核确认。")
    return redirect("filing_detail", filing_id=filing.pk)


@role_required(*REVIEWERS)
def filing_review(request, filing_id: int):
    filing = selectors.filing_get_for_user(user=request.user, filing_id=filing_id)
    if not services.can_review(request.user, filing.institution):
        raise PermissionDenied("您无权审核该申报")
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        if form.cleaned_data["decision"] == "approve":
            done = _run(form, lambda: services.facility_filing_approve(filing=filing, by=request.user, reason=reason))
            note = "已确认该考点设施设备，机构可以组织报名。"
        else:
            done = _run(form, lambda: services.facility_filing_return(filing=filing, by=request.user, reason=reason))
            note = "申报已退回机构。"
        if done:
            messages.success(request, note)
            return redirect("filing_detail", filing_id=filing.pk)
    context = _filing_context(request, filing)
    if context["reviewable"]:
        context["review_form"] = form
    return render(request, "sites/filing_detail.html", context, status=400 if form.errors else 200)


@role_required(*VIEWERS)
def filing_attachment(request, attachment_id: int):
    attachment = selectors.attachment_get_for_user(user=request.user, attachment_id=attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("附件文件不存在") from exc
    content_type = mimetypes.guess_type(attachment.file.name)[0] or "application/octet-stream"
    inline = content_type in INLINE_TYPES
    name = PurePath(attachment.caption or attachment.file.name).stem + PurePath(attachment.file.name).suffix
    response = FileResponse(handle, as_attachment=not inline, filename=name,
                            content_type=content_type if inline else "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@role_required(*STAFF)
def filing_attachment_delete(request, attachment_id: int):
    attachment = selectors.attachment_get_for_user(user=request.user, attachment_id=attachment_id)
    filing_id = attachment.filing_id
    _act(request, lambda: services.facility_filing_attachment_delete(attachment=attachment, by=request.user),
         "附件已删除。")
    return redirect("filing_detail", filing_id=filing_id)


# --- unified-exam applications (R-SC24-3) ----------------------------------------------------

@role_required(*VIEWERS)
def application_list(request):
    return render(request, "sites/application_list.html", {
        "applications": selectors.applications_visible_to(request.user),
        "to_review": selectors.applications_to_review(request.user), "is_staff": request.user.role in STAFF,
    })


@role_required(*STAFF)
def application_create(request):
    form = UnifiedApplicationForm(request.POST or None, sites=_own_sites(request.user))
    if request.method == "POST" and form.is_valid():
        application = _run(form, lambda: services.unified_application_create(by=request.user, **form.cleaned_data))
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
    is_owner = user.role in STAFF and user.organisation_id == application.institution_id
    editable = is_owner and application.status in services.EDITABLE_STATUSES
    reviewable = application.status == ReviewStatus.SUBMITTED and services.can_review(user, application.institution)
    context = {
        "application": application, "is_owner": is_owner, "editable": editable, "reviewable": reviewable,
        "edit_form": UnifiedApplicationForm(instance=application, sites=_own_sites(user)) if editable else None,
        "review_form": ReviewForm() if reviewable else None,
    }
    context.update(extra)
    return context


@role_required(*VIEWERS)
def application_detail(request, application_id: int):
    application = selectors.application_get_for_user(user=request.user, application_id=application_id)
    if request.method == "POST":
        if request.user.role not in STAFF:
            raise PermissionDenied("只有申请机构可以修改申请")
        form = UnifiedApplicationForm(request.POST, instance=type(application).objects.get(pk=application.pk),
                                      sites=_own_sites(request.user))
        if form.is_valid() and _run(form, lambda: services.unified_application_update(
                application=application, by=request.user, **form.cleaned_data)):
            messages.success(request, "申请已保存。")
            return redirect("unified_application_detail", application_id=application.pk)
        return render(request, "sites/application_detail.html",
                      _application_context(request, application, edit_form=form), status=400)
    return render(request, "sites/application_detail.html", _application_context(request, application))


@require_POST
@role_required(*STAFF)
def application_submit(request, application_id: int):
    application = selectors.application_get_for_user(user=request.user, application_id=application_id)
    _act(request, lambda: services.unified_application_submit(application=application, by=request.user),
         "申请已提交中心审核。")
    return redirect("unified_application_detail", application_id=application.pk)


@role_required(*REVIEWERS)
def application_review(request, application_id: int):
    application = selectors.application_get_for_user(user=request.user, application_id=application_id)
    if not services.can_review(request.user, application.institution):
        raise PermissionDenied("您无权审核该申请")
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        if form.cleaned_data["decision"] == "approve":
            done = _run(form, lambda: services.unified_application_approve(
                application=application, by=request.user, reason=reason))
            note = "已批准该机构为统考报名机构。"
        else:
            done = _run(form, lambda: services.unified_application_return(
                application=application, by=request.user, reason=reason))
            note = "申请已退回机构。"
        if done:
            messages.success(request, note)
            return redirect("unified_application_detail", application_id=application.pk)
    context = _application_context(request, application)
    if context["reviewable"]:
        context["review_form"] = form
    return render(request, "sites/application_detail.html", context, status=400 if form.errors else 200)

