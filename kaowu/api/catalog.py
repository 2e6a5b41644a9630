from typing import Any

from ninja import Router, Schema
from ninja.errors import HttpError

from kaowu.catalog.eligibility import LevelNotOffered, ProfileError, UnknownOccupation, eligibility_evaluate
from kaowu.catalog.selectors import CatalogueOccupations

router = Router(tags=["考核目录与申报条件"])


class EligibilityIn(Schema):
    occupation: str
    level: int
    profile: dict[str, Any]


class ConditionOut(Schema):
    id: str
    label: str  # how people read it: 三级 条件(1)
    summary: str
    met: bool
    missing: list[str]


class EligibilityOut(Schema):
    eligible: bool
    matched: str | None
    conditions: list[ConditionOut]
    warnings: list[str]  # names in the profile that are not in the catalogue and so count for nothing


@router.post("/eligibility/check", response=EligibilityOut, summary="申报条件审核（R-LN-7）")
def eligibility_check(request, payload: EligibilityIn):
    """Check a profile (format: docs/eligibility.md) against an occupation's conditions at a level."""
    try:
        verdict = eligibility_evaluate(payload.occupation, payload.level, payload.profile,
                                       catalogue=CatalogueOccupations())
    except (UnknownOccupation, LevelNotOffered, ProfileError) as exc:
        raise HttpError(422, str(exc)) from None
    return verdict.as_json()
