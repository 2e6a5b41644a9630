"""The application to become a 统考报名机构 (R-SC24-3): site, equipment, staff and rules, reviewed by the center.

It follows the facility filing's workflow (one table, FILING_TRANSITIONS in sites/filings/services.py).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kaowu.accounts.models import User
from kaowu.accounts.roles import require_institution_staff_of, require_reviewing_center_of
from kaowu.core.errors import RuleViolation
from kaowu.core.services import audit_record, snapshot
from kaowu.core.workflow import row_lock
from kaowu.sites.audit import SiteAction
from kaowu.sites.filings.services import EDITABLE_STATUSES, FILING_TRANSITIONS, filing_transition, not_your_review
from kaowu.sites.models import ReviewStatus, Site, UnifiedExamApplication
from kaowu.sites.services import field_changes_apply, staff_only

APPLICATION_EDITABLE_FIELDS = frozenset({"site", "equipment_summary", "staff_summary", "rules_summary"})


def unified_application_transition(*, application: UnifiedExamApplication, to: str, by: User, reason: str = ""
                                   ) -> UnifiedExamApplication:
    """Move an application along the filings' workflow (FILING_TRANSITIONS); write the audit event."""
    return filing_transition(filing=application, to=to, by=by, reason=reason)


# --- unified-exam applications (R-SC24-3) ----------------------------------------------------

@transaction.atomic
def unified_application_create(
    *,
    site: Site,
    by: User,
    equipment_summary: str,
    staff_summary: str,
    rules_summary: str,
) -> UnifiedExamApplication:
    """A draft application to become a 统考报名机构: site, equipment, staff and rules (R-SC24-3)."""
    require_institution_staff_of(by, site.institution, staff_only(site.institution))
    application = UnifiedExamApplication(
        institution=site.institution, site=site, equipment_summary=equipment_summary, staff_summary=staff_summary,
        rules_summary=rules_summary,
    )
    application.full_clean()
    application.save()
    audit_record(action=SiteAction.UNIFIED_APPLICATION_CREATE, actor=by, target=application,
                 after=snapshot(application), organisation=site.institution)
    return application


@transaction.atomic
def unified_application_update(*, application: UnifiedExamApplication, by: User, **changes: Any
                               ) -> UnifiedExamApplication:
    require_institution_staff_of(by, application.institution, staff_only(application.institution))
    application = UnifiedExamApplication.objects.select_for_update().get(pk=application.pk)
    if application.status not in EDITABLE_STATUSES:
        raise ValidationError(f"申请当前为“{application.get_status_display()}”，不能修改")
    site = changes.get("site")
    if site is not None and site.institution_id != application.institution_id:
        raise ValidationError("报名场地须为本机构的考点")
    before = snapshot(application, list(changes))
    changed = field_changes_apply(application, changes, APPLICATION_EDITABLE_FIELDS)
    if not changed:
        return application
    application.full_clean()
    application.save()
    audit_record(action=SiteAction.UNIFIED_APPLICATION_UPDATE, actor=by, target=application,
                 organisation=application.institution, before={k: before[k] for k in changed},
                 after=snapshot(application, changed))
    return application


@transaction.atomic
def unified_application_submit(*, application: UnifiedExamApplication, by: User) -> UnifiedExamApplication:
    """Send the application to the center (R-SC24-3): a usable site and all three statements."""
    require_institution_staff_of(by, application.institution, staff_only(application.institution))
    # One pending application per institution: a second submission waits here and then sees the first.
    row_lock(application.institution)
    application = (UnifiedExamApplication.objects.select_for_update(of=("self",))
                   .select_related("site").get(pk=application.pk))
    if ReviewStatus.SUBMITTED not in FILING_TRANSITIONS[application.status]:
        raise ValidationError(f"申请当前为“{application.get_status_display()}”，不能提交")
    problems = []
    if not application.site.is_active:
        problems.append("报名场地已停用")
    if not application.site.rooms.exists():
        problems.append("报名场地尚未登记考场")
    for field in ("equipment_summary", "staff_summary", "rules_summary"):
        if not getattr(application, field).strip():
            problems.append(f"未填写{UnifiedExamApplication._meta.get_field(field).verbose_name}")
    if problems:
        raise RuleViolation(
            "R-SC24-3", "统考报名机构须具备报名场地、办公设备设施、考务人员和规章制度：" + "；".join(problems)
        )
    other = UnifiedExamApplication.objects.filter(
        institution=application.institution, status__in=[ReviewStatus.SUBMITTED, ReviewStatus.APPROVED]
    ).exclude(pk=application.pk)
    if other.exists():
        raise ValidationError("本机构已有待审核或已批准的统考报名机构申请")
    unified_application_transition(application=application, to=ReviewStatus.SUBMITTED, by=by)
    return application


@transaction.atomic
def unified_application_approve(*, application: UnifiedExamApplication, by: User, reason: str = ""
                                ) -> UnifiedExamApplication:
    require_reviewing_center_of(by, application.institution, not_your_review(application.institution))
    application = UnifiedExamApplication.objects.select_for_update().get(pk=application.pk)
    unified_application_transition(application=application, to=ReviewStatus.APPROVED, by=by,
                                   reason=reason.strip())
    return application


@transaction.atomic
def unified_application_return(*, application: UnifiedExamApplication, by: User, reason: str
                               ) -> UnifiedExamApplication:
    require_reviewing_center_of(by, application.institution, not_your_review(application.institution))
    if not reason or not reason.strip():
        raise ValidationError("退回须填写原因")
    application = UnifiedExamApplication.objects.select_for_update().get(pk=application.pk)
    unified_application_transition(application=application, to=ReviewStatus.RETURNED, by=by,
                                   reason=reason.strip())
    return application
