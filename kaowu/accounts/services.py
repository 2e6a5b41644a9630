import secrets
from datetime import datetime, timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaowu.accounts.audit import AccountAction
from kaowu.accounts.models import ROLE_ORGANISATION_KINDS, ApiToken, Organisation, Role, User
from kaowu.core.errors import PermissionRefused
from kaowu.core.services import audit_record, snapshot

# An administrator revoking tokens wants to see which are in use, but not to the minute: writing
# last_used_at on every call would cost every API request a commit (the registration_load benchmark).
LAST_USED_RESOLUTION = timedelta(minutes=5)

# Which kind of organisation sits directly below which.
PARENT_KIND = {
    Organisation.Kind.PROVINCE: None,
    Organisation.Kind.CITY: Organisation.Kind.PROVINCE,
    Organisation.Kind.INSTITUTION: Organisation.Kind.CITY,
}


@transaction.atomic
def organisation_create(
    *,
    name: str,
    kind: str,
    code: str,
    region_code: str,
    parent: Organisation | None = None,
    by: User | None = None,
    **details: str,
) -> Organisation:
    """Add an organisation under its parent (province → city → institution)."""
    expected_parent = PARENT_KIND[kind]
    if expected_parent is None and parent is not None:
        raise ValidationError("省级中心不能有上级机构")
    if expected_parent is not None and (parent is None or parent.kind != expected_parent):
        raise ValidationError(
            f"{Organisation.Kind(kind).label}的上级机构应为{Organisation.Kind(expected_parent).label}"
        )
    if by is not None and by.role != Role.PROVINCE_ADMIN:
        raise PermissionRefused("只有省中心管理员可以新增机构")
    org = Organisation(name=name, kind=kind, code=code, region_code=region_code, parent=parent, **details)
    org.path = f"{parent.path if parent else ''}{code}/"
    org.full_clean()
    org.save()
    audit_record(action=AccountAction.ORGANISATION_CREATE, actor=by, target=org, after=snapshot(org), organisation=org)
    return org


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    full_name: str,
    password: str | None = None,
    organisation: Organisation | None = None,
    phone: str = "",
    email: str = "",
    by: User | None = None,
    password_hash: str | None = None,
) -> User:
    """Create an account with one role in one organisation.

    `password_hash` lets the demo generator reuse one argon2 hash for thousands of accounts.
    """
    allowed = ROLE_ORGANISATION_KINDS[Role(role)]
    kind = organisation.kind if organisation else None
    if kind not in allowed:
        where = organisation.name if organisation else "无所属机构"
        raise ValidationError(f"角色“{Role(role).label}”不能属于{where}")
    user = User(
        username=username, role=role, full_name=full_name, organisation=organisation, phone=phone, email=email,
        is_staff=role == Role.PROVINCE_ADMIN, is_superuser=role == Role.PROVINCE_ADMIN,
    )
    if password_hash:
        user.password = password_hash
    elif password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(action=AccountAction.USER_CREATE, actor=by, target=user, after=snapshot(user),
                 organisation=organisation)
    return user


@transaction.atomic
def api_token_create(*, user: User, name: str, by: User | None = None) -> tuple[ApiToken, str]:
    """Issue a bearer token; the key is returned once and only its hash is kept."""
    key = "kw_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:10], key_hash=ApiToken.hash_key(key))
    audit_record(action=AccountAction.API_TOKEN_CREATE, actor=by or user, target=token,
                 after={"user": user.username, "name": name})
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    audit_record(action=AccountAction.API_TOKEN_REVOKE, actor=by, target=token)
    return token


def api_token_mark_used(*, token: ApiToken, now: datetime) -> None:
    """Note when a token was last used, at most once per LAST_USED_RESOLUTION (every API request, GET
    too, comes through here: bookkeeping of the token, not an audited change)."""
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
