"""Facility filing pages: thin views over sites.filings.services and sites.filings.selectors."""

import mimetypes
from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
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
from kaowu.catalog.policy import policy_active
from kaowu.core.actions import service_action
from kaowu.core.permissions import role_required
from kaowu.sites import selectors as site_selectors
from kaowu.sites.filings import selectors, services
from kaowu.sites.filings.forms import AttachmentForm, FacilityFilingEditForm, FacilityFilingForm, ReviewForm
from kaowu.sites.models import ReviewStatus
from kaowu.sites.views import form_service_call

# Served inline (the browser shows them); anything else is downloaded.
INLINE_TYPES = {"image/jpeg", "image/png", "video/mp4", "video/quicktime", "video/webm", "application/pdf"}


# --- facility filings ------------------------------------------------------------------------

@role_required(*OFFICE_ROLES)
def filing_list(request):
    filings, filters = selectors.filings_filtered(request.user, request.GET)
    page = Paginator(filings, 50).get_page(request.GET.get("page"))
    return render(request, "sites/filing_list.html", {
        "filings": page, "page": page, "status": filters["status"], "statuses": ReviewStatus.choices,
        "to_review": selectors.filings_to_review(request.user), "is_staff": is_institution_staff(request.user),
    })


@role_required(*INSTITUTION_STAFF_ROLES)
def filing_create(request):
    sites = site_selectors.own_active_sites(request.user)
    initial = {"site": request.GET.get("site")} if request.GET.get("site") else {}
    form = FacilityFilingForm(request.POST or None, sites=sites, initial=initial)
    if request.method == "POST" and form.is_valid():
        filing = form_service_call(form, lambda: services.facility_filing_create(by=request.user, **form.cleaned_data))
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
    is_owner = is_institution_staff_of(user, filing.institution_id)
    editable = is_owner and filing.status in services.EDITABLE_STATUSES
    reviewable = filing.status == ReviewStatus.SUBMITTED and is_reviewing_center_of(user, filing.institution)
    context = {
        "filing": filing, "site": filing.site, "rooms": site_selectors.site_rooms(site=filing.site),
        "equipment": site_selectors.site_equipment(site=filing.site),
        "attachments": selectors.filing_attachments(filing=filing),
        "is_owner": is_owner, "editable": editable, "reviewable": reviewable,
        "problems": services.facility_filing_problems(filing=filing) if editable else [],
        "attachment_form": AttachmentForm() if editable else None,
        "edit_form": FacilityFilingEditForm(instance=filing) if editable else None,
        "review_form": ReviewForm() if reviewable else None,
        "workdays": policy_active().facility_filing_workdays,
    }
    context.update(extra)
    return context


@role_required(*OFFICE_ROLES)
def filing_detail(request, filing_id: int):
    filing = selectors.filing_get_for_user(user=request.user, filing_id=filing_id)
    return render(request, "sites/filing_detail.html", _filing_context(request, filing))


@require_POST
@role_required(*INSTITUTION_STAFF_ROLES)
def filing_edit(request, filing_id: int):
    filing = selectors.filing_get_for_user(user=request.user, filing_id=filing_id)
    # The form writes into its own copy; the service is given the stored filing.
    copy = selectors.filing_get_for_user(user=request.user, filing_id=filing_id)
    form = FacilityFilingEditForm(request.POST, instance=copy)
    if form.is_valid() and form_service_call(form, lambda: services.facility_filing_update(
            filing=filing, by=request.user, **form.cleaned_data)):
        messages.success(request, "申报信息已保存。")
        return redirect("filing_detail", filing_id=filing.pk)
    return render(request, "sites/filing_detail.html", _filing_context(request, filing, edit_form=form), status=400)


@require_POST
@role_required(*INSTITUTION_STAFF_ROLES)
def filing_attach(request, filing_id: int):
    filing = selectors.filing_get_for_user(user=request.user, filing_id=filing_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid() and form_service_call(form, lambda: services.facility_filing_attach(
            filing=filing, by=request.user, **form.cleaned_data)):
        messages.success(request, "附件已上传。")
        return redirect("filing_detail", filing_id=filing.pk)
    return render(request, "sites/filing_detail.html", _filing_context(request, filing, attachment_form=form),
                  status=400)


@require_POST
@role_required(*INSTITUTION_STAFF_ROLES)
def filing_submit(request, filing_id: int):
    filing = selectors.filing_get_for_user(user=request.user, filing_id=filing_id)
    service_action(request, lambda: services.facility_filing_submit(filing=filing, by=request.user),
         "申报已提交中心审核确认。")
    return redirect("filing_detail", filing_id=filing.pk)


@role_required(*CENTER_STAFF_ROLES)
def filing_review(request, filing_id: int):
    filing = selectors.filing_get_for_user(user=request.user, filing_id=filing_id)
    if not is_reviewing_center_of(request.user, filing.institution):
        raise PermissionDenied("您无权审核该申报")
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        if form.cleaned_data["decision"] == "approve":
            done = form_service_call(form, lambda: services.facility_filing_approve(
                filing=filing, by=request.user, reason=reason))
            note = "已确认该考点设施设备，机构可以组织报名。"
        else:
            done = form_service_call(form, lambda: services.facility_filing_return(
                filing=filing, by=request.user, reason=reason))
            note = "申报已退回机构。"
        if done:
            messages.success(request, note)
            return redirect("filing_detail", filing_id=filing.pk)
    context = _filing_context(request, filing)
    if context["reviewable"]:
        context["review_form"] = form
    return render(request, "sites/filing_detail.html", context, status=400 if form.errors else 200)


@role_required(*OFFICE_ROLES)
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
@role_required(*INSTITUTION_STAFF_ROLES)
def filing_attachment_delete(request, attachment_id: int):
    attachment = selectors.attachment_get_for_user(user=request.user, attachment_id=attachment_id)
    filing_id = attachment.filing_id
    service_action(request, lambda: services.facility_filing_attachment_delete(attachment=attachment, by=request.user),
         "附件已删除。")
    return redirect("filing_detail", filing_id=filing_id)
