"""What a candidate may retake (R-CQ-13): per failed result, the offer and the open plans that take it."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from kaowu.accounts.models import User
from kaowu.core.errors import RuleViolation
from kaowu.plans.models import Plan, PlanItem
from kaowu.registration.models import Application
from kaowu.scoring.models import Result
from kaowu.scoring.retake.services import RetakeOffer, retake_offer


@dataclass(frozen=True)
class RetakeChoice:
    result: Result
    offer: RetakeOffer | None
    refusal: str  # why not, when there is no offer
    items: list[PlanItem]  # open plans of the same institution and item


def retake_items(original: Application) -> QuerySet[PlanItem]:
    """Items of plans open for registration at the same institution for the same occupation and level or
    special item, other than the original plan."""
    item = original.item
    return (PlanItem.objects.filter(plan__institution_id=original.plan.institution_id,
                                    plan__status=Plan.Status.REGISTRATION_OPEN, occupation_id=item.occupation_id,
                                    level=item.level, special_item_id=item.special_item_id)
            .exclude(plan_id=original.plan_id).select_related("plan").order_by("plan__registration_closes"))


def retake_item_get(original: Application, item_id) -> PlanItem | None:
    """The chosen item, if it is one the retake may be made in."""
    try:
        wanted = int(item_id)
    except (TypeError, ValueError):
        return None
    return retake_items(original).filter(pk=wanted).first()


def retake_choices(user: User, today: date) -> dict[int, RetakeChoice]:
    """Result id -> the retake choice, for the candidate's failed results only."""
    choices = {}
    for result in (Result.objects.filter(application__candidate__user=user, outcome=Result.Outcome.FAILED)
                   .select_related("application__plan", "application__item", "release")):
        try:
            offer, refusal = retake_offer(result.application, on=today), ""
        except RuleViolation as exc:
            offer, refusal = None, str(exc)
        items = list(retake_items(result.application)) if offer else []
        choices[result.pk] = RetakeChoice(result=result, offer=offer, refusal=refusal, items=items)
    return choices
