"""Scoped reads of unified-exam applications, and whether an institution is a 统考报名机构 (R-SC24-3)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kaowu.accounts.models import Organisation, User
from kaowu.accounts.roles import is_center_staff
from kaowu.sites.models import ReviewStatus, UnifiedExamApplication
from kaowu.sites.selectors import institution_scope


def applications_visible_to(user: User) -> QuerySet[UnifiedExamApplication]:
    scope = institution_scope(user)
    if scope is None:
        return UnifiedExamApplication.objects.none()
    return UnifiedExamApplication.objects.filter(scope).select_related("institution", "site", "reviewed_by")


def applications_to_review(user: User) -> QuerySet[UnifiedExamApplication]:
    if not is_center_staff(user):
        return UnifiedExamApplication.objects.none()
    return applications_visible_to(user).filter(status=ReviewStatus.SUBMITTED).order_by("submitted_at")


def application_get_for_user(*, user: User, application_id: int) -> UnifiedExamApplication:
    return get_object_or_404(applications_visible_to(user), pk=application_id)


def unified_exam_institution_approved(*, institution: Organisation) -> bool:
    """Whether the institution is an approved 统考报名机构 (R-SC24-3)."""
    return UnifiedExamApplication.objects.filter(institution=institution, status=ReviewStatus.APPROVED).exists()
