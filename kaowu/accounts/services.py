import secrets
from datetime import datetime, timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaowu.accounts.audit import AccountAction
from kaowu.accounts.models import ROLE_ORGANISATION_KINDS, ApiToken, Organisation, Role, User
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.services import audit_record, snapshot
from kaowu.core.workflow import row_lock

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


# --- changes to organisations and users (the admin goes through these) ------------------------------------

# The fields of an organisation that go into certificate numbers, by the kind of certificate they number
# (kaowu.certificates.services.number_plan_for): a 职业技能等级证书 takes the evaluation body's kind, code and
# sequence and the province from its region code (R-CERT-NO); a 专项 certificate the city center's format and
# region code (R-SC24-12). Once a certificate has been numbered with them they are frozen: another value would
# give the body's next certificates another body's numbers, or start a second sequence for the same body.
NUMBERING_FIELDS: dict[str, tuple[str, ...]] = {
    "skill_level": ("evaluation_body_kind", "evaluation_body_code", "evaluation_body_sequence", "region_code"),
    "special": ("certificate_number_template", "region_code"),
}
# Moving an organisation in the tree would leave its path, and those of everything under it, stale.
ORGANISATION_STRUCTURE_FIELDS = ("kind", "code", "parent", "path")
USER_FIELDS = ("username", "full_name", "first_name", "last_name", "role", "organisation", "phone", "email",
               "is_active", "is_staff", "is_superuser", "last_login", "date_joined")


def organisation_numbering_fields_frozen(organisation: Organisation) -> list[str]:
    """The fields of `organisation` that certificates have been numbered with (see NUMBERING_FIELDS).

    The certificates app issues them (Certificate.issuer, related name `certificates_issued`): this reads them
    through the reverse relation, so accounts does not import the app above it."""
    if organisation.pk is None:
        return []
    kinds = set(organisation.certificates_issued.values_list("kind", flat=True).distinct())
    return sorted({name for kind in kinds for name in NUMBERING_FIELDS.get(kind, ())})


def _may_administer(by: User | None) -> bool:
    return by is None or by.role == Role.PROVINCE_ADMIN or by.is_superuser


def _field_labels(model, names) -> str:
    return "、".join(str(model._meta.get_field(name).verbose_name) for name in names)


@transaction.atomic
def organisation_update(*, organisation: Organisation, changes: dict, by: User | None) -> Organisation:
    """Change an organisation's details. Audited with the values before and after; refuses the fields that
    certificate numbers were made with (R-CERT-NO) and the organisation's place in the tree."""
    if not _may_administer(by):
        raise PermissionRefused("只有省中心管理员可以修改机构信息")
    organisation = row_lock(organisation)
    changed = [name for name, value in changes.items() if getattr(organisation, name) != value]
    moved = [name for name in changed if name in ORGANISATION_STRUCTURE_FIELDS]
    if moved:
        raise ValidationError(
            f"不能修改机构的{_field_labels(Organisation, moved)}：下级机构和数据范围按机构代码层级划分")
    frozen = [name for name in changed if name in organisation_numbering_fields_frozen(organisation)]
    if frozen:
        raise RuleViolation("R-CERT-NO", f"{organisation.name}已按{_field_labels(Organisation, frozen)}生成证书编号，"
                                         "不能再修改；如登记有误，请联系省中心按证书更正流程处理")
    if not changed:
        return organisation
    before = snapshot(organisation, changed)
    for name in changed:
        setattr(organisation, name, changes[name])
    organisation.full_clean()
    organisation.save()
    audit_record(action=AccountAction.ORGANISATION_UPDATE, actor=by, target=organisation, before=before,
                 after=snapshot(organisation, changed), organisation=organisation)
    return organisation


@transaction.atomic
def organisation_delete(*, organisation: Organisation, by: User | None) -> None:
    if not _may_administer(by):
        raise PermissionRefused("只有省中心管理员可以删除机构")
    audit_record(action=AccountAction.ORGANISATION_DELETE, actor=by, target=organisation,
                 before=snapshot(organisation), organisation_id=organisation.parent_id)
    organisation.delete()


@transaction.atomic
def user_update(*, user: User, changes: dict, by: User | None) -> User:
    """Change an account: its person's details, role, organisation or flags. Audited with the values before
    and after (the password never: `user_password_set`)."""
    if not _may_administer(by):
        raise PermissionRefused("只有省中心管理员可以修改用户")
    unknown = sorted(set(changes) - set(USER_FIELDS))
    if unknown:
        raise ValueError(f"user_update cannot change {unknown}")
    user = row_lock(user)
    changed = [name for name, value in changes.items() if getattr(user, name) != value]
    if not changed:
        return user
    before = snapshot(user, changed)
    for name in changed:
        setattr(user, name, changes[name])
    allowed = ROLE_ORGANISATION_KINDS.get(user.role, set())
    kind = user.organisation.kind if user.organisation_id else None
    if kind not in allowed:
        where = user.organisation.name if user.organisation_id else "无所属机构"
        raise ValidationError(f"角色“{user.get_role_display()}”不能属于{where}")
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(action=AccountAction.USER_UPDATE, actor=by, target=user, before=before,
                 after=snapshot(user, changed), organisation_id=user.organisation_id)
    return user


@transaction.atomic
def user_password_set(*, user: User, password: str, by: User | None) -> User:
    """Set an account's password; the audit event says that it was set, never the password or its hash."""
    if not _may_administer(by):
        raise PermissionRefused("只有省中心管理员可以重设密码")
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(action=AccountAction.USER_PASSWORD_SET, actor=by, target=user, after={"password": "已重设"},
                 organisation_id=user.organisation_id)
    return user


@transaction.atomic
def user_delete(*, user: User, by: User | None) -> None:
    if not _may_administer(by):
        raise PermissionRefused("只有省中心管理员可以删除用户")
    audit_record(action=AccountAction.USER_DELETE, actor=by, target=user, before=snapshot(user),
                 organisation_id=user.organisation_id)
    user.delete()
