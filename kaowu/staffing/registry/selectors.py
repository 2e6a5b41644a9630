"""Scoped reads of the staff registry.

The province sees every registry; a city center sees its own and those of the institutions under it
(Organisation.path prefix); an institution sees its own. Assessors, supervisors, invigilators and
candidates see none (their pages answer 403 before any of this runs). Outside the scope: 404.
"""

import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from stdnum import numdb

from kaowu.accounts.models import Organisation, Role, User
from kaowu.accounts.roles import is_center_staff, is_office
from kaowu.accounts.selectors import organisations_visible_to
from kaowu.staffing.models import AssessorCard, StaffMember, StaffRelation, TrainingClass
from kaowu.staffing.registry.services import ROLE_FLAGS, ROLES, card_is_valid


def registries_visible_to(user: User) -> QuerySet[Organisation]:
    """The organisations whose registry the user may read."""
    if not is_office(user) or user.organisation_id is None:
        return Organisation.objects.none()
    if user.role == Role.PROVINCE_ADMIN:
        return Organisation.objects.all()
    if user.role == Role.CITY_REVIEWER:
        return Organisation.objects.filter(path__startswith=user.organisation.path)
    return Organisation.objects.filter(pk=user.organisation_id)


def staff_visible_to(user: User) -> QuerySet[StaffMember]:
    if not is_office(user) or user.organisation_id is None:
        return StaffMember.objects.none()
    if user.role == Role.PROVINCE_ADMIN:
        return StaffMember.objects.all()
    if user.role == Role.CITY_REVIEWER:
        return StaffMember.objects.filter(organisation__path__startswith=user.organisation.path)
    return StaffMember.objects.filter(organisation_id=user.organisation_id)


def staff_get_for_user(*, user: User, staff_id: int) -> StaffMember:
    return get_object_or_404(staff_visible_to(user).select_related("organisation", "employer", "user"),
                             pk=staff_id)


def staff_can_edit(*, user: User, staff: StaffMember) -> bool:
    return is_office(user) and user.organisation_id == staff.organisation_id


def staff_search(*, user: User, role: str = "", text: str = "", organisation_id: int | None = None,
                 active: str = "", today: date | None = None) -> QuerySet[StaffMember]:
    """The list's rows: filters applied, valid and expired card counts annotated (one query a page)."""
    today = today or timezone.localdate()
    staff = staff_visible_to(user).select_related("organisation", "employer").annotate(
        cards_valid=Count("cards", filter=Q(cards__valid_until__gte=today)),
        cards_expired=Count("cards", filter=Q(cards__valid_until__lt=today)),
    )
    if role in ROLE_FLAGS:
        staff = staff.filter(**{ROLE_FLAGS[role]: True})
    text = text.strip()
    if text:
        # An exact ID number finds the person too; a part of one would let anybody probe numbers.
        staff = staff.filter(Q(name__contains=text) | Q(id_number=text.upper()))
    if organisation_id:
        staff = staff.filter(organisation_id=organisation_id)
    if active == "1":
        staff = staff.filter(is_active=True)
    elif active == "0":
        staff = staff.filter(is_active=False)
    return staff.order_by("organisation__path", "name", "pk")


def registry_options(user: User) -> list[tuple[int, str]]:
    """The registries the list can be narrowed to (for centers, which see more than their own)."""
    if not is_center_staff(user):
        return []
    return [(pk, short or name) for pk, name, short in registries_visible_to(user).filter(
        pk__in=StaffMember.objects.values("organisation_id")).order_by("path").values_list("pk", "name",
                                                                                           "short_name")]


def staff_detail_parts(*, staff: StaffMember, today: date | None = None) -> dict:
    """What the person page shows besides the person: cards (each marked `expired`, R-SC24-8), availability,
    classes taught, relations."""
    today = today or timezone.localdate()
    cards = list(AssessorCard.objects.filter(staff=staff).select_related("occupation", "special_item")
                 .order_by("-valid_until", "number"))
    for card in cards:
        card.expired = not card_is_valid(card, on=today)
    return {
        "cards": cards,
        "availability": list(staff.availability.order_by("-date")[:200]),
        "training_classes": list(TrainingClass.objects.filter(staff=staff).select_related("institution")
                                 .prefetch_related(Prefetch("candidates", to_attr="students"))
                                 .order_by("-starts_on", "-pk")),
        "relations": list(StaffRelation.objects.filter(staff=staff).select_related("candidate")
                          .order_by("candidate__name")),
    }


def card_get_for_user(*, user: User, staff: StaffMember, card_id: int) -> AssessorCard:
    return get_object_or_404(AssessorCard.objects.select_related("staff__organisation"), pk=card_id, staff=staff,
                             staff__in=staff_visible_to(user))


def relation_get_for_user(*, user: User, staff: StaffMember, relation_id: int) -> StaffRelation:
    return get_object_or_404(StaffRelation.objects.select_related("staff__organisation", "candidate"),
                             pk=relation_id, staff=staff, staff__in=staff_visible_to(user))


def institutions_for_training(user: User) -> QuerySet[Organisation]:
    """The institutions a training class can be recorded at: those the user can see."""
    return organisations_visible_to(user).filter(kind=Organisation.Kind.INSTITUTION, is_active=True)


def employers_for(user: User) -> QuerySet[Organisation]:
    """The organisations of the system a person can be recorded as working for (the rest is free text)."""
    return organisations_visible_to(user).filter(is_active=True)


@lru_cache(maxsize=4096)
def region_name(code: str) -> str:
    """The name of a 6-digit administrative code (锦江区), from python-stdnum's table; "" if unknown."""
    try:
        info = numdb.get("cn/loc").info(code)
    except Exception:  # noqa: BLE001 - a table that cannot be read only costs the label
        return ""
    names = {key: value for _part, data in info for key, value in data.items()}
    # Historical names carry their years: "[2015-]双流区".
    return re.sub(r"\[[^\]]*\]", "", names.get("county") or names.get("province") or "").strip()


def role_labels(staff: StaffMember) -> list[str]:
    return [label for _key, flag, label in ROLES if getattr(staff, flag)]


def staff_rows_label(rows) -> None:
    """Give the rows of one list page their role and region labels (no query)."""
    for staff in rows:
        staff.role_labels = role_labels(staff)
        staff.region_label = region_name(staff.region_code)


def staff_filtered(user: User, query: Mapping[str, str]) -> tuple[QuerySet[StaffMember], dict[str, str]]:
    """The registry list's rows with its filters (role, text, registry, active) as the page reads them."""
    filters = {key: query.get(key, "").strip() for key in ("role", "q", "registry", "active")}
    staff = staff_search(user=user, role=filters["role"], text=filters["q"], active=filters["active"],
                         organisation_id=int(filters["registry"]) if filters["registry"].isdigit() else None)
    return staff, filters
