from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kaowu.accounts.models import Role, User
from kaowu.accounts.selectors import organisations_visible_to
from kaowu.plans.models import Plan


def plans_visible_to(user: User) -> QuerySet[Plan]:
    """Institution staff see their institution's plans; a center sees the plans of its institutions
    and those filed with it from elsewhere (R-SC24-12); the province sees all."""
    if not user.is_authenticated or user.organisation_id is None:
        return Plan.objects.none()
    plans = Plan.objects.select_related("institution", "reviewing_center")
    if user.role == Role.PROVINCE_ADMIN:
        return plans
    if user.role == Role.CITY_REVIEWER:
        return plans.filter(
            Q(institution__in=organisations_visible_to(user)) | Q(reviewing_center=user.organisation)
        )
    if user.role in {Role.INSTITUTION_ADMIN, Role.INSTITUTION_CLERK}:
        return plans.filter(institution=user.organisation)
    return Plan.objects.none()


def plan_get_for_user(*, user: User, plan_id: int) -> Plan:
    return get_object_or_404(plans_visible_to(user), pk=plan_id)


def plans_to_review(user: User) -> QuerySet[Plan]:
    """Filed plans waiting for this user's center."""
    plans = plans_visible_to(user).filter(status=Plan.Status.FILED)
    if user.role == Role.CITY_REVIEWER:
        return plans.filter(reviewing_center=user.organisation)
    if user.role == Role.PROVINCE_ADMIN:
        return plans
    return Plan.objects.none()


def plan_detail_data(*, plan: Plan) -> dict:
    return {
        "items": list(plan.items.select_related("occupation", "special_item")),
        "sessions": list(plan.sessions.select_related("item__occupation", "item__special_item", "subject")
                         .prefetch_related("rooms__site")),
        "sites": list(plan.sites.all()),
    }
