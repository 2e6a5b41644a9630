"""Downloads for reporting: a plan's roster of those who passed (合格人员花名册, Excel and PDF) and the export
of certificate data for the national platform (CSV and JSON, R-CQ-14, R-SC24-9).

Scope: the roster's plan comes from `plan_get_for_user` (the institution's staff, its reviewing center and
the province; anyone else gets 404); the export reads `certificates_visible_to` and is for the centers and
the province, who report to the national platform. Both carry full ID numbers: the services audit every
download.
"""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kaowu.accounts.roles import CENTER_STAFF_ROLES, OFFICE_ROLES
from kaowu.certificates.reports import exports, services
from kaowu.certificates.reports.forms import ExportForm
from kaowu.core.downloads import private_download
from kaowu.core.permissions import role_required
from kaowu.plans.selectors import plan_get_for_user

EXPORT_FORMATS = ("csv", "json")


def _download(download: services.Download):
    return private_download(download.content, filename=download.filename, content_type=download.content_type)


def _roster_download(request, plan_id: int, kind: str):
    plan = plan_get_for_user(user=request.user, plan_id=plan_id)
    return _download(services.roster_download(plan=plan, kind=kind, by=request.user))


@require_GET
@role_required(*OFFICE_ROLES)
def roster_xlsx(request, plan_id: int):
    return _roster_download(request, plan_id, "xlsx")


@require_GET
@role_required(*OFFICE_ROLES)
def roster_pdf(request, plan_id: int):
    return _roster_download(request, plan_id, "pdf")


@require_GET
@role_required(*CENTER_STAFF_ROLES)
def export(request):
    """The export page (a period, CSV or JSON); with a valid period and a format, the file itself."""
    start, end = exports.half_month_before(timezone.localdate())
    asked = "issued_from" in request.GET
    form = ExportForm(request.GET if asked else None, initial={"issued_from": start, "issued_to": end})
    kind = request.GET.get("format", "")
    if asked and kind in EXPORT_FORMATS and form.is_valid():
        return _download(services.certificates_export(by=request.user, kind=kind, **form.cleaned_data))
    return render(request, "certificates/export.html", {
        "form": form, "fields": exports.EXPORT_FIELDS, "scope": exports.ExportScope.of(request.user),
        "format_version": exports.FORMAT,
    })
