"""Downloads for reporting: a plan's roster of those who passed (合格人员花名册, Excel and PDF) and the export
of certificate data for the national platform (CSV and JSON, R-CQ-14, R-SC24-9).

Scope: the roster's plan comes from `plan_get_for_user` (the institution's staff, its reviewing center and
the province; anyone else gets 404); the export reads `certificates_visible_to` and is for the centers and
the province, who report to the national platform. Both carry full ID numbers: every download is audited.
"""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kaowu.accounts.models import Role
from kaowu.accounts.roles import OFFICE_ROLES
from kaowu.certificates import exports, roster, selectors
from kaowu.certificates.forms_reports import ExportForm
from kaowu.core.downloads import private_download
from kaowu.core.permissions import role_required
from kaowu.core.services import audit_record
from kaowu.plans.selectors import plan_get_for_user

ROSTER_ROLES = tuple(OFFICE_ROLES)
EXPORT_ROLES = (Role.PROVINCE_ADMIN, Role.CITY_REVIEWER)
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def _roster_download(request, plan_id: int, kind: str):
    plan = plan_get_for_user(user=request.user, plan_id=plan_id)
    data = roster.roster_build(plan)
    if kind == "xlsx":
        content, content_type = roster.roster_xlsx(plan, roster=data), roster.XLSX_CONTENT_TYPE
    else:
        content, content_type = roster.roster_pdf(plan, roster=data), "application/pdf"
    audit_record(action="certificates.roster_download", actor=request.user, target=plan,
                 after={"format": kind, "passed": data.passed, "issued": data.issued},
                 organisation_id=plan.institution_id)
    return private_download(content, filename=f"合格人员花名册-{plan.pk}.{kind}", content_type=content_type)


@require_GET
@role_required(*ROSTER_ROLES)
def roster_xlsx(request, plan_id: int):
    return _roster_download(request, plan_id, "xlsx")


@require_GET
@role_required(*ROSTER_ROLES)
def roster_pdf(request, plan_id: int):
    return _roster_download(request, plan_id, "pdf")


@require_GET
@role_required(*EXPORT_ROLES)
def export(request):
    """The export page (a period, CSV or JSON); with a valid period and a format, the file itself."""
    start, end = exports.half_month_before(timezone.localdate())
    asked = "issued_from" in request.GET
    form = ExportForm(request.GET if asked else None, initial={"issued_from": start, "issued_to": end})
    kind = request.GET.get("format", "")
    if asked and kind in CONTENT_TYPES and form.is_valid():
        return _export_download(request, form.cleaned_data, kind)
    return render(request, "certificates/export.html", {
        "form": form, "fields": exports.EXPORT_FIELDS, "scope": exports.ExportScope.of(request.user),
        "format_version": exports.FORMAT,
    })


def _export_download(request, data: dict, kind: str):
    issued_from, issued_to, include_changed = data["issued_from"], data["issued_to"], data["include_changed"]
    certificates = selectors.certificates_for_export(user=request.user, issued_from=issued_from, issued_to=issued_to,
                                                     include_changed=include_changed)
    scope = exports.ExportScope.of(request.user)
    if kind == "csv":
        result = exports.certificates_csv(certificates)
    else:
        result = exports.certificates_json(certificates, scope=scope, issued_from=issued_from, issued_to=issued_to,
                                           include_changed=include_changed)
    audit_record(action="certificates.export", actor=request.user,
                 after={"format": kind, "issued_from": issued_from.isoformat(), "issued_to": issued_to.isoformat(),
                        "include_changed": include_changed, "count": result.count, "version": exports.FORMAT})
    return private_download(result.file, content_type=CONTENT_TYPES[kind],
                            filename=exports.export_filename(scope, issued_from, issued_to, kind))
