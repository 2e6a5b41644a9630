"""Scoped reads. Every later query about organisations or people starts from these."""

from collections.abc import Mapping

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kaowu.accounts.models import ApiToken, Organisation, Role, User
from kaowu.accounts.roles import OFFICE_ROLES

# Office roles browse their organisation's subtree (organisations and people); assessors,
# supervisors and invigilators see their own organisation and themselves; candidates themselves.


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    """The organisations a user may see: its organisation's subtree, or only its own."""
    if not user.is_authenticated or user.organisation_id is None:
        return Organisation.objects.none()
    org = user.organisation
    if user.role in OFFICE_ROLES:
        return Organisation.objects.filter(path__startswith=org.path)
    return Organisation.objects.filter(pk=org.pk)


def organisation_get_for_user(*, user: User, organisation_id: int) -> Organisation:
    return get_object_or_404(organisations_visible_to(user), pk=organisation_id)


def users_visible_to(user: User) -> QuerySet[User]:
    """The accounts a user may see: those of its subtree for office roles, else only itself."""
    if not user.is_authenticated:
        return User.objects.none()
    if user.role in OFFICE_ROLES and user.organisation_id is not None:
        return User.objects.filter(organisation__path__startswith=user.organisation.path).select_related(
            "organisation"
        )
    return User.objects.filter(pk=user.pk).select_related("organisation")


def user_get_for_user(*, user: User, user_id: int) -> User:
    return get_object_or_404(users_visible_to(user), pk=user_id)


def organisation_children_counts(*, user: User, organisation: Organisation) -> dict[str, int]:
    visible = organisations_visible_to(user).filter(path__startswith=organisation.path).exclude(pk=organisation.pk)
    return {
        "cities": visible.filter(kind=Organisation.Kind.CITY).count(),
        "institutions": visible.filter(kind=Organisation.Kind.INSTITUTION).count(),
        "users": users_visible_to(user).filter(organisation__path__startswith=organisation.path).count(),
    }


def organisation_detail_data(*, user: User, organisation: Organisation) -> dict:
    """What the organisation page shows: its visible children and people, and the counts below it."""
    return {
        "children": organisations_visible_to(user).filter(parent=organisation),
        "users": users_visible_to(user).filter(organisation=organisation),
        "counts": organisation_children_counts(user=user, organisation=organisation),
    }


def users_search(*, user: User, text: str = "", role: str = "", organisation_id: int | None = None):
    users = users_visible_to(user)
    if text:
        users = users.filter(Q(username__icontains=text) | Q(full_name__icontains=text) | Q(phone__contains=text))
    if role:
        users = users.filter(role=role)
    if organisation_id:
        users = users.filter(organisation_id=organisation_id)
    return users


def api_token_get(key: str) -> ApiToken | None:
    """The live token of a bearer key (with its active user), or None.

    Every API request runs this, so it fetches only the columns requests use: building the SQL of
    three whole rows cost more than the query itself (registration_load benchmark). The key is
    unique, so a slice rather than first(): no ORDER BY to build.
    """
    tokens = (
        ApiToken.objects.select_related("user", "user__organisation")
        .only(
            "id", "last_used_at", "user__id", "user__username", "user__full_name", "user__role",
            "user__is_active", "user__organisation", "user__organisation__id", "user__organisation__path",
            "user__organisation__kind", "user__organisation__name", "user__organisation__short_name",
            "user__organisation__region_code", "user__organisation__code",
        )
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, user__is_active=True)[:1]
    )
    return next(iter(tokens), None)


def api_token_user(key: str) -> User | None:
    """The active user a bearer key belongs to, or None."""
    token = api_token_get(key)
    return token.user if token else None


def organisations_filtered(user: User, query: Mapping[str, str]) -> tuple[QuerySet[Organisation], dict[str, str]]:
    """The organisation list's rows: the visible tree, narrowed by kind."""
    filters = {"kind": query.get("kind", "").strip()}
    organisations = organisations_visible_to(user).select_related("parent")
    if filters["kind"] in Organisation.Kind.values:
        organisations = organisations.filter(kind=filters["kind"])
    return organisations, filters


def users_filtered(user: User, query: Mapping[str, str]) -> tuple[QuerySet[User], dict[str, str]]:
    """The user list's rows: text (account, name, phone) and role as the list's form reads them."""
    filters = {"text": query.get("text", "").strip(), "role": query.get("role", "").strip()}
    role = filters["role"] if filters["role"] in Role.values else ""
    users = users_search(user=user, text=filters["text"], role=role).select_related("organisation")
    return users, filters
