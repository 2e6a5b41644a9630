"""The application to become a 统考报名机构 (R-SC24-3): site, equipment, staff and rules, reviewed by the center."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kaowu.accounts.models import User
from kaowu.core.errors import RuleViolation
from kaowu.core.services import audit_record, snapshot
from kaowu.sites.models import ReviewStatus, Site, UnifiedExamApplication
from kaowu.sites.services.common import (
    EDITABLE_STATUSES,
    FILING_TRANSITIONS,
    _apply_changes,
    _require_institution_staff,
    _require_reviewer,
    _transition,
)

APPLICATION_EDITABLE_FIELDS = frozenset({"site", "equipment_summary", "staff_summary", "rules_summary"})


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
    _require_institution_staff(by, site.institution)
    application = UnifiedExamApplication(
        institution=site.institution, site=site, equipment_summary=equipment_summary, staff_summary=staff_summary,
        rules_summary=rules_summary,
    )
    application.full_clean()
    application.save()
    audit_record(action="unified_application.create", actor=by, target=application, after=snapshot(application),
                 organisation=site.institution)
    return application


@transaction.atomic
def unified_application_update(*, application: UnifiedExamApplication, by: User, **changes: Any
                               ) -> UnifiedExamApplication:
    _require_institution_staff(by, application.institution)
    application = UnifiedExamApplication.objects.select_for_update().get(pk=application.pk)
    if application.status not in EDITABLE_STATUSES:
        raise ValidationError(f"申请当前为“{application.get_status_display()}”，不能修改")
    site = changes.get("site")
    if site is not None and site.institution_id != application.institution_id:
        raise ValidationError("报名场地须为本机构的考点")
    before = snapshot(application, list(changes))
    changed = _apply_changes(application, changes, APPLICATION_EDITABLE_FIELDS)
    if not changed:
        return application
    application.full_clean()
    application.save()
    audit_record(action="unified_application.update", actor=by, target=application,
                 organisation=application.institution, before={k: before[k] for k in changed},
                 after=snapshot(application, changed))
    return application


@transaction.atomic
def unified_application_submit(*, application: UnifiedExamApplication, by: User) -> UnifiedExamApplication:
    """Send the application to the center (R-SC24-3): a usable site and all three statements."""
    _require_institution_staff(by, application.institution)
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
    _transition(application, to=ReviewStatus.SUBMITTED, by=by, action="unified_application.submit")
    return application


@transaction.atomic
def unified_application_approve(*, application: UnifiedExamApplication, by: User, reason: str = ""
                                ) -> UnifiedExamApplication:
    _require_reviewer(by, application.institution)
    application = UnifiedExamApplication.objects.select_for_update().get(pk=application.pk)
    _transition(application, to=ReviewStatus.APPROVED, by=by, action="unified_application.approve",
                reason=reason.strip())
    return application


@transaction.atomic
def unified_application_return(*, application: UnifiedExamApplication, by: User, reason: str
                               ) -> UnifiedExamApplication:
    _require_reviewer(by, application.institution)
    if not reason or not reason.strip():
        raise ValidationError("退回须填写原因")
    application = UnifiedExamApplication.objects.select_for_update().get(pk=application.pk)
    _transition(application, to=ReviewStatus.RETURNED, by=by, action="unified_application.return",
                reason=reason.strip())
    return application
