"""Scoped reads of facility filings and their attachments, and whether an item's site is confirmed (R-FJ-2)."""

from collections.abc import Mapping

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kaowu.accounts.models import Organisation, User
from kaowu.accounts.roles import is_center_staff
from kaowu.catalog.models import Occupation, SpecialItem
from kaowu.sites.models import FacilityFiling, FacilityFilingAttachment, ReviewStatus
from kaowu.sites.selectors import institution_scope


def filings_visible_to(user: User) -> QuerySet[FacilityFiling]:
    scope = institution_scope(user)
    if scope is None:
        return FacilityFiling.objects.none()
    return FacilityFiling.objects.filter(scope).select_related(
        "institution", "site", "occupation", "special_item", "reviewed_by"
    )


def filings_to_review(user: User) -> QuerySet[FacilityFiling]:
    """Submitted filings waiting for this reviewer; none for anyone who does not review."""
    if not is_center_staff(user):
        return FacilityFiling.objects.none()
    return filings_visible_to(user).filter(status=ReviewStatus.SUBMITTED).order_by("submitted_at")


def filing_get_for_user(*, user: User, filing_id: int) -> FacilityFiling:
    return get_object_or_404(filings_visible_to(user), pk=filing_id)


def filing_attachments(*, filing: FacilityFiling) -> QuerySet[FacilityFilingAttachment]:
    """The attachments of a filing already fetched through a scoped selector."""
    return filing.attachments.all()


def attachment_get_for_user(*, user: User, attachment_id: int) -> FacilityFilingAttachment:
    return get_object_or_404(
        FacilityFilingAttachment.objects.filter(filing__in=filings_visible_to(user)).select_related("filing"),
        pk=attachment_id,
    )


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


def filings_filtered(user: User, query: Mapping[str, str]) -> tuple[QuerySet[FacilityFiling], dict[str, str]]:
    """The filing list's rows: the visible filings, narrowed by status."""
    filters = {"status": query.get("status", "").strip()}
    filings = filings_visible_to(user)
    if filters["status"] in ReviewStatus.values:
        filings = filings.filter(status=filters["status"])
    return filings, filters
