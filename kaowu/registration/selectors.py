from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kaowu.accounts.models import Organisation, Role, User
from kaowu.accounts.selectors import organisations_visible_to
from kaowu.plans.models import PlanItem
from kaowu.plans.selectors import plans_visible_to
from kaowu.registration.models import Application, Candidate, CandidateChangeRequest


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
    if user.role == Role.CITY_REVIEWER:
        return rows.filter(Q(plan__institution__in=organisations_visible_to(user))
                           | Q(plan__reviewing_center=user.organisation))
    if user.role in {Role.INSTITUTION_ADMIN, Role.INSTITUTION_CLERK}:
        return rows.filter(plan__institution=user.organisation)
    return Application.objects.none()


def application_get_for_user(*, user: User, application_id: int) -> Application:
    return get_object_or_404(applications_visible_to(user), pk=application_id)


def change_requests_visible_to(user: User) -> QuerySet[CandidateChangeRequest]:
    """Change requests of the applications the user can see (R-LN-5b)."""
    return (CandidateChangeRequest.objects.filter(application__in=applications_visible_to(user).values("pk"))
            .select_related("candidate", "application__plan__institution", "application__item__occupation",
                            "application__item__special_item", "requested_by", "decided_by"))


def change_rows(change_request: CandidateChangeRequest) -> list[tuple[str, str, str]]:
    """(field label, old, new) for display, with code lists shown by their labels."""
    rows = []
    for field, change in change_request.changes.items():
        model_field = Candidate._meta.get_field(field)
        labels = dict(model_field.choices or ())
        rows.append((str(model_field.verbose_name), str(labels.get(change["old"], change["old"])),
                     str(labels.get(change["new"], change["new"]))))
    return rows


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
