"""Reads of the catalogue: occupations, schemes and fees.

The catalogue is public within a province (every role may see what can be examined), so these
selectors are not scoped to a user.
"""

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from kaowu.catalog.eligibility.rules import names_known, ruleset_find, rulesets_all
from kaowu.catalog.models import Fee, Occupation, Scheme, SpecialItem


def occupations_active() -> QuerySet[Occupation]:
    return Occupation.objects.filter(is_active=True).order_by("code", "-edition")


def catalogue_occupation_names() -> frozenset[str]:
    """The names of the catalogue's active occupations (and of those the eligibility rules are for)."""
    return frozenset(occupations_active().values_list("name", flat=True)) | frozenset(
        r.occupation for r in rulesets_all())


class CatalogueOccupations:
    """`catalogue_occupation_names` read from the database on the first `in` only: the eligibility engine asks
    it only about a typed name that does not count for the occupation, so a submission with known names
    costs no query."""

    def __init__(self) -> None:
        self._names: frozenset[str] | None = None

    def __contains__(self, name: object) -> bool:
        if self._names is None:
            self._names = catalogue_occupation_names()
        return name in self._names


def eligibility_name_options(occupations: list[str] | tuple[str, ...] = ()) -> dict[str, list[str]]:
    """What a profile form offers to pick from (an <input list> datalist): the catalogue's occupations and
    the related occupations and certificates of `occupations`' rules (those of the plan's items), and every
    major the rules know. Sorted."""
    names = set(catalogue_occupation_names())
    for occupation in occupations:
        rules = ruleset_find(occupation)
        if rules is not None:
            names |= rules.work_occupations | rules.certificate_occupations
    return {"occupations": sorted(names), "majors": sorted(names_known()[1])}


def occupation_find(name_or_code: str) -> Occupation | None:
    """The active occupation whose name or code is exactly this (an import cell, a form field).

    When two editions of the 大典 both have it, the newer edition wins.
    """
    text = (name_or_code or "").strip()
    if not text:
        return None
    return occupations_active().filter(Q(code=text) | Q(name=text)).order_by("-edition").first()


def scheme_for(
    *, occupation: Occupation | None = None, level: int | None = None, special_item: SpecialItem | None = None
) -> Scheme | None:
    """The active scheme of an occupation at a level (or of a special item), with subjects and parts.

    Should several be active (a new scheme published beside an old one), the newest wins.
    """
    if special_item is not None:
        schemes = Scheme.objects.filter(special_item=special_item)
    elif occupation is not None and level is not None:
        schemes = Scheme.objects.filter(occupation=occupation, level=level)
    else:
        raise ValueError("须指定职业和等级，或专项职业能力考核项目")
    return schemes.filter(is_active=True).prefetch_related("subjects__parts").order_by("-created_at", "-id").first()


def region_chain(region_code: str) -> list[str]:
    """A region and the regions above it: 510104 → 510100 → 510000."""
    if len(region_code) != 6 or not region_code.isdigit():
        raise ValueError(f"地区代码应为6位数字：{region_code}")
    chain = [region_code, region_code[:4] + "00", region_code[:2] + "0000"]
    return list(dict.fromkeys(chain))


def fee_for(
    *,
    region_code: str,
    occupation: Occupation | None = None,
    level: int | None = None,
    special_item: SpecialItem | None = None,
    subject_kind: str = "",
    on: date | None = None,
) -> Fee | None:
    """The fee in force on `on` (default today): the nearest region that has one, its latest valid_from.

    A district without its own fee pays the city's, a city without one the province's.
    `subject_kind` "" asks for the fee of the whole item (what special items are charged by).
    """
    if (special_item is None) == (occupation is None):
        raise ValueError("须指定职业和等级，或专项职业能力考核项目（二者之一）")
    if occupation is not None and level is None:
        raise ValueError("按职业查询收费标准时须指定等级")
    on = on or timezone.localdate()
    fees = Fee.objects.filter(
        occupation=occupation, level=level, special_item=special_item, subject_kind=subject_kind, valid_from__lte=on,
    )
    for code in region_chain(region_code):
        fee = fees.filter(region_code=code).order_by("-valid_from").first()
        if fee is not None:
            return fee
    return None
