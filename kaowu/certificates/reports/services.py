"""The downloads of reporting, built and audited here (they carry full ID numbers): a plan's roster of those
who passed and the national platform's export of a period's certificates."""

from dataclasses import dataclass
from datetime import date

from kaowu.accounts.models import User
from kaowu.certificates.audit import CertificateAction
from kaowu.certificates.reports import exports, roster, selectors
from kaowu.core.services import audit_record
from kaowu.plans.models import Plan

CONTENT_TYPES = {"xlsx": roster.XLSX_CONTENT_TYPE, "pdf": "application/pdf",
                 "csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


@dataclass(frozen=True)
class Download:
    content: object  # bytes, or a rewound file
    content_type: str
    filename: str


def roster_download(*, plan: Plan, kind: str, by: User) -> Download:
    """The roster of a plan the caller sees (`plan_get_for_user`), as "xlsx" or "pdf"; refused (R-SC24-9)
    while the results are not approved."""
    data = roster.roster_build(plan)
    content = roster.roster_xlsx(plan, roster=data) if kind == "xlsx" else roster.roster_pdf(plan, roster=data)
    audit_record(action=CertificateAction.ROSTER_DOWNLOAD, actor=by, target=plan,
                 after={"format": kind, "passed": data.passed, "issued": data.issued},
                 organisation_id=plan.institution_id)
    return Download(content, CONTENT_TYPES[kind], f"合格人员花名册-{plan.pk}.{kind}")


def certificates_export(*, by: User, issued_from: date, issued_to: date, include_changed: bool,
                        kind: str) -> Download:
    """The certificates the caller sees issued in the period (with `include_changed`, also those revoked or
    replaced in it), as "csv" or "json" for the national platform."""
    certificates = selectors.certificates_for_export(user=by, issued_from=issued_from, issued_to=issued_to,
                                                     include_changed=include_changed)
    scope = exports.ExportScope.of(by)
    if kind == "csv":
        result = exports.certificates_csv(certificates)
    else:
        result = exports.certificates_json(certificates, scope=scope, issued_from=issued_from, issued_to=issued_to,
                                           include_changed=include_changed)
    audit_record(action=CertificateAction.EXPORT, actor=by,
                 after={"format": kind, "issued_from": issued_from.isoformat(), "issued_to": issued_to.isoformat(),
                        "include_changed": include_changed, "count": result.count, "version": exports.FORMAT})
    return Download(result.file, CONTENT_TYPES[kind], exports.export_filename(scope, issued_from, issued_to, kind))
