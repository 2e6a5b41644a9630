from collections.abc import Mapping

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kaowu.accounts.models import Organisation, Role, User
from kaowu.accounts.roles import INSTITUTION_STAFF_ROLES
from kaowu.accounts.selectors import organisations_visible_to
from kaowu.core.selectors import person_text_q
from kaowu.plans.models import Plan, PlanItem
from kaowu.plans.selectors import plans_visible_to
from kaowu.registration.models import Application


def applications_visible_to(user: User) -> QuerySet[Application]:
    """A candidate sees its own; institution staff their institution's; a center the applications
    of its institutions and of plans filed with it (R-SC24-12); the province all."""
    if not user.is_authenticated:
        return Application.objects.none()
    rows = Application.objects.select_related("candidate", "plan__institution", "item__occupation",
                                              "item__special_item")
    if user.role == Role.CANDIDATE:
        return rows.filter(candidate__user=user)
    if user.role == Role.PROVINCE_ADMIN:
        return rows
    # The scope is a subquery of plan ids, not a join: a list's COUNT(*) then reads the applications alone.
    if user.role == Role.CITY_REVIEWER:
        return rows.filter(plan_id__in=Plan.objects.filter(
            Q(institution__in=organisations_visible_to(user)) | Q(reviewing_center=user.organisation)).values("pk"))
    if user.role in INSTITUTION_STAFF_ROLES:
        return rows.filter(plan_id__in=Plan.objects.filter(institution=user.organisation).values("pk"))
    return Application.objects.none()


def application_get_for_user(*, user: User, application_id: int) -> Application:
    return get_object_or_404(applications_visible_to(user), pk=application_id)


def application_item_options(user: User) -> list[tuple[str, str]]:
    """The occupations and special items of the plans the user can see, as (filter value, name):
    "o:<id>" for an occupation, "s:<id>" for a special item."""
    items = (PlanItem.objects.filter(plan__in=plans_visible_to(user).values("pk"))
             .values_list("occupation_id", "occupation__name", "special_item_id", "special_item__name").distinct())
    return sorted({(f"o:{o}", o_name) if o else (f"s:{s}", s_name) for o, o_name, s, s_name in items},
                  key=lambda option: option[1])


def institution_options(user: User) -> QuerySet:
    """(id, name) of the institutions in the user's scope."""
    return (organisations_visible_to(user).filter(kind=Organisation.Kind.INSTITUTION)
            .order_by("path").values_list("pk", "name"))


def applications_filtered(user: User, query: Mapping[str, str]) -> tuple[QuerySet[Application], dict[str, str]]:
    """The visible applications narrowed by the list's filters (status, plan, item, level, institution,
    text) read from `query` (the list's GET parameters), with the filters as read."""
    applications = applications_visible_to(user).select_related("plan__reviewing_center")
    filters = {key: query.get(key, "").strip() for key in ("status", "plan", "item", "level", "institution", "q")}
    if filters["status"] in Application.Status.values:
        applications = applications.filter(status=filters["status"])
    if filters["plan"].isdigit():
        applications = applications.filter(plan_id=int(filters["plan"]))
    kind, _, item_id = filters["item"].partition(":")
    if item_id.isdigit() and kind in ("o", "s"):
        field = "item__occupation_id" if kind == "o" else "item__special_item_id"
        applications = applications.filter(**{field: int(item_id)})
    if filters["level"] in {"1", "2", "3", "4", "5"}:
        applications = applications.filter(item__level=int(filters["level"]))
    if filters["institution"].isdigit():
        applications = applications.filter(plan__institution_id=int(filters["institution"]))
    if filters["q"]:
        applications = applications.filter(person_text_q(filters["q"], prefix="candidate__"))
    return applications.order_by("-submitted_at", "-id"), filters
