"""Scoped reads of sites and rooms, and the scope that filings and unified-exam applications share.

Institution staff see their own institution's; a city reviewer those of the institutions under
its center; a province admin all; every other role nothing.
"""

from collections.abc import Mapping

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from kaowu.accounts.models import User
from kaowu.accounts.roles import is_center_staff, is_institution_staff
from kaowu.sites.models import Equipment, ReviewStatus, Room, Site


def institution_scope(user: User, prefix: str = "institution") -> Q | None:
    """A filter on the institution an object belongs to, or None when the user may see nothing."""
    if not user.is_authenticated or not user.is_active or user.organisation_id is None:
        return None
    if is_institution_staff(user):
        return Q(**{f"{prefix}_id": user.organisation_id})
    if is_center_staff(user):
        return Q(**{f"{prefix}__path__startswith": user.organisation.path})
    return None


def sites_visible_to(user: User) -> QuerySet[Site]:
    scope = institution_scope(user)
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


def site_equipment(*, site: Site) -> QuerySet[Equipment]:
    """The equipment lines of a site already fetched through a scoped selector."""
    return site.equipment.select_related("room")


def room_get_for_user(*, user: User, site: Site, room_id: int) -> Room:
    return get_object_or_404(Room.objects.filter(site__in=sites_visible_to(user), site=site), pk=room_id)


def own_active_sites(user: User) -> QuerySet[Site]:
    """The active sites of the user's own institution: what a filing or an application may name."""
    return sites_visible_to(user).filter(institution_id=user.organisation_id, is_active=True)


def sites_filtered(user: User, query: Mapping[str, str]) -> tuple[QuerySet[Site], dict[str, str]]:
    """The site list's rows: the visible sites with their counts, narrowed by the name typed (`q`)."""
    filters = {"q": query.get("q", "").strip()}
    sites = sites_with_counts(user).select_related("institution")
    if filters["q"]:
        sites = sites.filter(name__icontains=filters["q"])
    return sites.order_by("institution__path", "name", "pk"), filters
