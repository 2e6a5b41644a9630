from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kaowu.accounts.models import Role, User
from kaowu.accounts.selectors import organisations_visible_to
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
    if user.role == Role.CITY_REVIEWER:
        return rows.filter(Q(plan__institution__in=organisations_visible_to(user))
                           | Q(plan__reviewing_center=user.organisation))
    if user.role in {Role.INSTITUTION_ADMIN, Role.INSTITUTION_CLERK}:
        return rows.filter(plan__institution=user.organisation)
    return Application.objects.none()


def application_get_for_user(*, user: User, application_id: int) -> Application:
    return get_object_or_404(applications_visible_to(user), pk=application_id)
