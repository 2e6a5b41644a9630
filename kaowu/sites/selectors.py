"""Scoped reads of sites, filings and unified-exam applications.

Institution staff see their own institution's; a city reviewer those of the institutions under
its center; a province admin all; every other role nothing.
"""

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from kaowu.accounts.models import Organisation, Role, User
from kaowu.catalog.models import Occupation, SpecialItem
from kaowu.sites.models import (
    FacilityFiling,
    FacilityFilingAttachment,
    ReviewStatus,
    Room,
    Site,
    UnifiedExamApplication,
)

INSTITUTION_STAFF_ROLES = frozenset({Role.INSTITUTION_ADMIN, Role.INSTITUTION_CLERK})


def _institution_scope(user: User, prefix: str = "institution") -> Q | None:
    """A filter on the institution an object belongs to, or None when the user may see nothing."""
    if not user.is_authenticated or not user.is_active or user.organisation_id is None:
        return None
    if user.role in INSTITUTION_STAFF_ROLES:
        return Q(**{f"{prefix}_id": user.organisation_id})
    if user.role in {Role.CITY_REVIEWER, Role.PROVINCE_ADMIN}:
        return Q(**{f"{prefix}__path__startswith": user.organisation.path})
    return None


def sites_visible_to(user: User) -> QuerySet[Site]:
    scope = _institution_scope(user)
    if scope is None:
        return Site.objects.none()
    return Site.objects.filter(scope).select_related("institution")


def site_get_for_user(*, user: User, site_id: int) -> Site:
    return get_object_or_404(sites_visible_to(user), pk=site_id)


def sites_with_counts(user: User) -> QuerySet[Site]:
    return sites_visible_to(user).annotate(
        room_count=Count("rooms", distinct=True),
        approved_filing_count=Count("filings", filter=Q(filings__status=ReviewStatus.APPROVED), distinct=True),
    )


def site_rooms(*, site: Site) -> QuerySet[Room]:
    """The rooms of a site already fetched through a scoped selector, with their station counts."""
    return site.rooms.annotate(station_count=Count("stations"))


def room_get_for_user(*, user: User, site: Site, room_id: int) -> Room:
    return get_object_or_404(Room.objects.filter(site__in=sites_visible_to(user), site=site), pk=room_id)


def filings_visible_to(user: User) -> QuerySet[FacilityFiling]:
    scope = _institution_scope(user)
    if scope is None:
        return FacilityFiling.objects.none()
    return FacilityFiling.objects.filter(scope).select_related(
        "institution", "site", "occupation", "special_item", "reviewed_by"
    )


def filings_to_review(user: User) -> QuerySet[FacilityFiling]:
    """Submitted filings waiting for this reviewer; none for anyone who does not review."""
    if user.role not in {Role.CITY_REVIEWER, Role.PROVINCE_ADMIN}:
        return FacilityFiling.objects.none()
    return filings_visible_to(user).filter(status=ReviewStatus.SUBMITTED).order_by("submitted_at")


def filing_get_for_user(*, user: User, filing_id: int) -> FacilityFiling:
    return get_object_or_404(filings_visible_to(user), pk=filing_id)


def attachment_get_for_user(*, user: User, attachment_id: int) -> FacilityFilingAttachment:
    return get_object_or_404(
        FacilityFilingAttachment.objects.filter(filing__in=filings_visible_to(user)).select_related("filing"),
        pk=attachment_id,
    )


def applications_visible_to(user: User) -> QuerySet[UnifiedExamApplication]:
    scope = _institution_scope(user)
    if scope is None:
        return UnifiedExamApplication.objects.none()
    return UnifiedExamApplication.objects.filter(scope).select_related("institution", "site", "reviewed_by")


def applications_to_review(user: User) -> QuerySet[UnifiedExamApplication]:
    if user.role not in {Role.CITY_REVIEWER, Role.PROVINCE_ADMIN}:
        return UnifiedExamApplication.objects.none()
    return applications_visible_to(user).filter(status=ReviewStatus.SUBMITTED).order_by("submitted_at")


def application_get_for_user(*, user: User, application_id: int) -> UnifiedExamApplication:
    return get_object_or_404(applications_visible_to(user), pk=application_id)


def facility_filing_approved_for(
    *,
    institution: Organisation,
    occupation: Occupation | None = None,
    level: int | None = None,
    special_item: SpecialItem | None = None,
) -> bool:
    """Whether the center has confirmed a site of `institution` for the item (R-FJ-2, R-SC24-6).

    An item an institution has never examined needs this before a plan can open registration.
    With an occupation and no level, a filing at any level of the occupation counts.
    """
    if (occupation is None) == (special_item is None):
        raise ValueError("facility_filing_approved_for needs an occupation or a special item, not both")
    filings = FacilityFiling.objects.filter(institution=institution, status=ReviewStatus.APPROVED)
    if special_item is not None:
        filings = filings.filter(special_item=special_item)
    else:
        filings = filings.filter(occupation=occupation)
        if level is not None:
            filings = filings.filter(level=level)
    return filings.exists()


def unified_exam_institution_approved(*, institution: Organisation) -> bool:
    """Whether the institution is an approved 统考报名机构 (R-SC24-3)."""
    return UnifiedExamApplication.objects.filter(institution=institution, status=ReviewStatus.APPROVED).exists()
