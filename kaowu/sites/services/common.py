"""What the site services share: who may write and who may review, field changes, and the one
status workflow of filings and unified-exam applications (DESIGN.md §5)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from kaowu.accounts.models import Organisation, Role, User
from kaowu.core.errors import PermissionRefused
from kaowu.core.services import audit_record
from kaowu.sites.models import FacilityFiling, ReviewStatus, UnifiedExamApplication

INSTITUTION_STAFF_ROLES = frozenset({Role.INSTITUTION_ADMIN, Role.INSTITUTION_CLERK})
REVIEWER_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_REVIEWER})

# The one list of allowed transitions for filings and unified-exam applications (DESIGN.md §5).
FILING_TRANSITIONS: dict[str, set[str]] = {
    ReviewStatus.DRAFT: {ReviewStatus.SUBMITTED},
    ReviewStatus.SUBMITTED: {ReviewStatus.APPROVED, ReviewStatus.RETURNED},
    ReviewStatus.RETURNED: {ReviewStatus.SUBMITTED},
    ReviewStatus.APPROVED: set(),
}
EDITABLE_STATUSES = frozenset({ReviewStatus.DRAFT, ReviewStatus.RETURNED})


# --- permissions -----------------------------------------------------------------------------

def _require_institution_staff(by: User, institution: Organisation) -> None:
    if (
        by is None or not by.is_authenticated or not by.is_active
        or by.role not in INSTITUTION_STAFF_ROLES or by.organisation_id != institution.pk
    ):
        raise PermissionRefused(f"只有{institution.name}的管理员或经办人可以办理")


def can_review(user: User, institution: Organisation) -> bool:
    """A province admin, or a city reviewer of the center the institution belongs to."""
    if user is None or not user.is_authenticated or not user.is_active or user.organisation_id is None:
        return False
    if user.role == Role.PROVINCE_ADMIN:
        return True
    return user.role == Role.CITY_REVIEWER and institution.path.startswith(user.organisation.path)


def _require_reviewer(by: User, institution: Organisation) -> None:
    if not can_review(by, institution):
        center = institution.parent.name if institution.parent_id else "所属中心"
        raise PermissionRefused(f"{institution.name}的申报由{center}或省中心审核，您无权审核")


def _apply_changes(instance, changes: dict[str, Any], allowed: frozenset[str]) -> list[str]:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError(f"不能修改这些字段：{'、'.join(unknown)}")
    changed = []
    for name, value in changes.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


# --- status workflow -------------------------------------------------------------------------

def _transition(obj: FacilityFiling | UnifiedExamApplication, *, to: str, by: User, action: str,
                reason: str = "") -> None:
    """Move a filing or an application to `to` if FILING_TRANSITIONS allows it; write the audit event."""
    if to not in FILING_TRANSITIONS[obj.status]:
        raise ValidationError(
            f"当前状态为“{ReviewStatus(obj.status).label}”，不能变为“{ReviewStatus(to).label}”"
        )
    before = obj.status
    now = timezone.now()
    obj.status = to
    if to == ReviewStatus.SUBMITTED:
        obj.submitted_at = now
        obj.reviewed_at = None
        obj.reviewed_by = None
    else:
        obj.reviewed_at = now
        obj.reviewed_by = by
        obj.review_reason = reason
    obj.save()
    after: dict[str, Any] = {"status": to}
    if reason:
        after["reason"] = reason
    audit_record(action=action, actor=by, target=obj, organisation=obj.institution,
                 before={"status": before}, after=after)
