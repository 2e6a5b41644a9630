from collections.abc import Mapping

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from kaowu.accounts.models import Organisation, Role, User
from kaowu.accounts.roles import INSTITUTION_STAFF_ROLES
from kaowu.accounts.selectors import organisations_visible_to
from kaowu.catalog.eligibility import ProfileError, RuleSet, profile_parse, ruleset_find
from kaowu.catalog.eligibility.engine import name_warnings
from kaowu.catalog.selectors import CatalogueOccupations
from kaowu.core.selectors import person_text_q
from kaowu.plans.models import Plan, PlanItem
from kaowu.plans.selectors import plans_visible_to
from kaowu.registration.models import Application, Refund


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


# --- eligibility as users read it ------------------------------------------------------------------

def eligibility_shown(application: Application) -> dict | None:
    """The stored verdict (R-LN-7) as pages show it: every condition with its readable label
    (「三级 条件(1)」, never the rule file's id; verdicts stored before labels were kept get theirs from
    the rules), and `warnings` for the names typed in the profile that the catalogue does not know,
    worked out from the profile as it is now (so a draft has them too: `pending`). None: nothing to show."""
    stored = application.eligibility
    item = application.item
    rules = ruleset_find(item.occupation.name) if item.occupation_id else None
    warnings = profile_name_warnings(application.profile, rules)
    if stored is None:
        return {"pending": True, "warnings": warnings} if warnings else None
    conditions = [dict(c) for c in stored.get("conditions", [])]
    known = {c.id: c for c in (rules.levels.get(item.level, ()) if rules else ())}
    for c in conditions:
        if not c.get("label"):
            condition = known.get(c.get("id"))
            c["label"] = condition.label if condition else "条件"
            c["summary"] = condition.summary if condition else ""
    return {**stored, "conditions": conditions, "warnings": warnings}


def profile_name_warnings(profile: dict | None, rules: RuleSet | None) -> list[str]:
    """「“人力资源管理”不是目录中的职业（工种）名称，该段工作年限未计入」 for every occupation of the declared
    profile that neither counts for `rules` nor is in the catalogue, and every major no rule knows
    (engine.name_warnings); [] without rules or for a malformed profile (the submission names what is
    malformed)."""
    if not profile or rules is None:
        return []
    try:
        parsed = profile_parse({"as_of": "2000-01-01", **profile})
    except ProfileError:
        return []
    return name_warnings(parsed, rules, catalogue=CatalogueOccupations())


def refunds_visible_to(user: User) -> QuerySet[Refund]:
    """The refunds of the applications the user can see (the candidate their own, the institution its own, ...),
    with what the list and the confirmation show."""
    return (Refund.objects.filter(payment__application__in=applications_visible_to(user).values("pk"))
            .select_related("payment__application__candidate", "payment__application__plan__institution",
                            "payment__application__item__occupation", "payment__application__item__special_item",
                            "payment__recorded_by", "confirmed_by"))


def refunds_to_confirm(user: User, state: str = "pending") -> QuerySet[Refund]:
    """The institution's list: refunds waiting for confirmation (oldest first, the longest waiting on top), or
    the confirmed ones (latest first), or all."""
    refunds = refunds_visible_to(user)
    if state == "pending":
        return refunds.filter(confirmed_at__isnull=True).order_by("created_at", "pk")
    if state == "confirmed":
        return refunds.filter(confirmed_at__isnull=False).order_by("-confirmed_at", "-pk")
    return refunds.order_by("-created_at", "-pk")


def refund_get_for_user(*, user: User, refund_id: int) -> Refund:
    return get_object_or_404(refunds_visible_to(user), pk=refund_id)


def plans_open_for_import(user: User) -> QuerySet[Plan]:
    """The plans of the user's own institution that take registrations now: where its clerk may import a list
    (the import refuses other plans), soonest closing first, with their number of items and applications."""
    if user.role not in INSTITUTION_STAFF_ROLES:
        return Plan.objects.none()
    return (plans_visible_to(user).filter(institution_id=user.organisation_id, status=Plan.Status.REGISTRATION_OPEN)
            .annotate(item_count=Count("items", distinct=True), application_count=Count("applications", distinct=True))
            .order_by("registration_closes", "pk"))
