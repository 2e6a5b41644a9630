from collections.abc import Mapping
from datetime import date

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kaowu.accounts.models import Organisation, Role, User
from kaowu.accounts.roles import INSTITUTION_STAFF_ROLES
from kaowu.accounts.selectors import organisations_visible_to
from kaowu.plans.models import Plan, PlanChangeRequest, PlanKind


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
    if user.role in INSTITUTION_STAFF_ROLES:
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
        "changes": plan.change_requests.select_related("requested_by", "reviewed_by"),
    }


def plan_change_get(*, plan: Plan, change_id: int) -> PlanChangeRequest:
    """A change request of a plan already fetched through a scoped selector."""
    return get_object_or_404(plan.change_requests, pk=change_id)


def plan_default_name(*, institution: Organisation, kind: str, on: date) -> str:
    """R-FJ-3: XX鉴定站20XX年第XX批次专项职业能力考核."""
    count = Plan.objects.filter(institution=institution, created_at__year=on.year).count() + 1
    suffix = "专项职业能力考核" if kind == PlanKind.DAILY else f"{PlanKind(kind).label}"
    return f"{institution.name}{on.year}年第{count:02d}批次{suffix}"


def plans_filtered(user: User, query: Mapping[str, str]) -> tuple[QuerySet[Plan], dict[str, str]]:
    """The plan list's rows: the visible plans, narrowed by status."""
    filters = {"status": query.get("status", "").strip()}
    plans = plans_visible_to(user)
    if filters["status"] in Plan.Status.values:
        plans = plans.filter(status=filters["status"])
    return plans, filters
