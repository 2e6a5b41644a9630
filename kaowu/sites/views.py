"""Site pages: thin views over sites.services and sites.selectors (filings and unified-exam
applications have their own views in sites/filings and sites/unified, which share `form_service_call`).

A refusal by a service is shown next to the form it came from (RuleViolation names its rule);
PermissionRefused becomes a 403 and an object outside the user's scope a 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse

from kaowu.accounts.roles import INSTITUTION_STAFF_ROLES, OFFICE_ROLES, is_institution_staff, is_institution_staff_of
from kaowu.catalog.policy import policy_active
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.forms import form_add_error
from kaowu.core.permissions import role_required
from kaowu.sites import selectors, services
from kaowu.sites.filings import selectors as filing_selectors
from kaowu.sites.forms import EquipmentForm, RoomForm, SiteEditForm, SiteForm
from kaowu.sites.unified import selectors as application_selectors


def form_service_call(form, call):
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


# --- sites -----------------------------------------------------------------------------------

@role_required(*OFFICE_ROLES)
def site_list(request):
    sites, filters = selectors.sites_filtered(request.user, request.GET)
    page = Paginator(sites, 50).get_page(request.GET.get("page"))
    return render(request, "sites/site_list.html", {
        "sites": page, "page": page, "q": filters["q"], "is_staff": is_institution_staff(request.user),
        "to_review_count": filing_selectors.filings_to_review(request.user).count(),
        "applications_to_review_count": application_selectors.applications_to_review(request.user).count(),
    })


@role_required(*INSTITUTION_STAFF_ROLES)
def site_create(request):
    form = SiteForm(request.POST or None, initial={
        "contact_name": request.user.full_name, "contact_phone": request.user.phone,
        "region_code": request.user.organisation.region_code,
    })
    if request.method == "POST" and form.is_valid():
        site = form_service_call(form, lambda: services.site_create(
            institution=request.user.organisation, by=request.user, **form.cleaned_data))
        if site is not None:
            messages.success(request, f"考点“{site.name}”已添加。请登记考场和设施设备。")
            return redirect("site_detail", site_id=site.pk)
    return render(request, "sites/form.html", {
        "form": form, "title": "新增考点", "submit_label": "保存",
        "crumbs": [("考点", reverse("site_list"))],
    })


@role_required(*OFFICE_ROLES)
def site_detail(request, site_id: int):
    site = selectors.site_get_for_user(user=request.user, site_id=site_id)
    return render(request, "sites/site_detail.html", {
        "site": site, "rooms": selectors.site_rooms(site=site), "equipment": selectors.site_equipment(site=site),
        "filings": filing_selectors.filings_visible_to(request.user).filter(site=site),
        "can_edit": is_institution_staff_of(request.user, site.institution_id),
        "policy_theory_capacity": policy_active().theory_room_capacity,
        "readiness_items": services.ROOM_READINESS_ITEMS,
        "setup_days_before": policy_active().room_setup_days_before,
    })


@role_required(*INSTITUTION_STAFF_ROLES)
def site_update(request, site_id: int):
    site = selectors.site_get_for_user(user=request.user, site_id=site_id)
    # The form writes into its own copy; the service is given the stored site.
    copy = selectors.site_get_for_user(user=request.user, site_id=site_id)
    form = SiteEditForm(request.POST or None, instance=copy)
    if request.method == "POST" and form.is_valid():
        if form_service_call(form, lambda: services.site_update(site=site, by=request.user, **form.cleaned_data)):
            messages.success(request, "考点信息已保存。")
            return redirect("site_detail", site_id=site.pk)
    return render(request, "sites/form.html", {
        "form": form, "title": f"修改考点 · {site.name}", "submit_label": "保存",
        "crumbs": [("考点", reverse("site_list")), (site.name, reverse("site_detail", args=[site.pk]))],
    })


@role_required(*INSTITUTION_STAFF_ROLES)
def room_create(request, site_id: int):
    site = selectors.site_get_for_user(user=request.user, site_id=site_id)
    form = RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["station_count"] = data.get("station_count") or 0
        room = form_service_call(form, lambda: services.room_create(site=site, by=request.user, **data))
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


@role_required(*INSTITUTION_STAFF_ROLES)
def equipment_add(request, site_id: int):
    site = selectors.site_get_for_user(user=request.user, site_id=site_id)
    form = EquipmentForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid():
        line = form_service_call(form, lambda: services.equipment_add(site=site, by=request.user, **form.cleaned_data))
        if line is not None:
            messages.success(request, f"设备“{line.name}”已登记。")
            return redirect("site_detail", site_id=site.pk)
    return render(request, "sites/form.html", {
        "form": form, "title": f"登记设施设备 · {site.name}", "submit_label": "保存",
        "crumbs": [("考点", reverse("site_list")), (site.name, reverse("site_detail", args=[site.pk]))],
        "hint": "R-FJ-2：设施设备申报表须列明设备名称、型号规格和数量。",
    })
