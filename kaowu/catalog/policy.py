"""Policy profiles (DESIGN.md §4): the active profile, the presets, and the two ways to change them.

Decisions:
- `policy_active()` never returns None. When no profile is active (a fresh deployment before
  `kaowu catalog load`, or a test database) it creates the `national` preset if missing and
  activates it, with an audit event by the system (no actor). A deployment is thus always on the
  strictest defaults until a province admin picks its own preset.
- `policy_presets_load()` only creates presets that are missing; it never overwrites a profile
  that exists, because a province admin may have edited it (and that edit was audited). A later
  parameter reaches existing profiles through its migration's field default (the national value).
- `policy_profile_update()` records one audit event with the fields whose value really changed;
  a call that changes nothing writes nothing.
- Only a province admin may update or activate a profile (PermissionRefused otherwise).
"""

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kaowu.accounts.models import Role, User
from kaowu.catalog.audit import CatalogAction
from kaowu.catalog.models.policy import PARAMETER_FIELDS, PolicyPreset, PolicyProfile
from kaowu.core.errors import PermissionRefused
from kaowu.core.services import audit_record, snapshot

PRESETS_FILE = Path(__file__).resolve().parent / "data" / "policy_presets.json"

# What policy_profile_update may change; `preset` and `is_active` have their own paths.
EDITABLE_FIELDS: frozenset[str] = frozenset({"name", "description", *PARAMETER_FIELDS})


def _require_province_admin(by: User | None, action: str) -> None:
    if by is None or not by.is_active or by.role != Role.PROVINCE_ADMIN:
        raise PermissionRefused(f"只有省中心管理员可以{action}")


# --- selectors -------------------------------------------------------------------------------

def policy_active() -> PolicyProfile:
    """The profile every rule check reads. Falls back to the `national` preset (see module doc)."""
    profile = PolicyProfile.objects.filter(is_active=True).first()
    if profile is not None:
        return profile
    try:
        with transaction.atomic():
            national, _ = _preset_get_or_create(key=PolicyPreset.NATIONAL, by=None)
            return _activate(profile=national, by=None)
    except IntegrityError:
        # Another request activated a profile (or created the preset) at the same moment.
        return PolicyProfile.objects.get(is_active=True)


def policy_presets_data() -> dict[str, Any]:
    """The presets file: for each preset its name, description, and every parameter's value and source."""
    with PRESETS_FILE.open(encoding="utf-8") as handle:
        return json.load(handle)["presets"]


def policy_preset_values(*, key: str) -> dict[str, Any]:
    """The typed values of one preset, checked to cover exactly the model's parameters."""
    presets = policy_presets_data()
    if key not in presets:
        raise ImproperlyConfigured(f"policy_presets.json has no preset {key!r}")
    entries = presets[key]["values"]
    missing = set(PARAMETER_FIELDS) - set(entries)
    unknown = set(entries) - set(PARAMETER_FIELDS)
    if missing or unknown:
        raise ImproperlyConfigured(
            f"policy_presets.json preset {key!r}: missing {sorted(missing)}, unknown {sorted(unknown)}"
        )
    return {name: PolicyProfile._meta.get_field(name).to_python(entries[name]["value"]) for name in PARAMETER_FIELDS}


def policy_preset_sources(*, key: str) -> dict[str, str]:
    """Where each value of a preset comes from (rule id and seed paragraph, or 全国默认)."""
    presets = policy_presets_data()
    if key not in presets:
        return {}
    return {name: entry["source"] for name, entry in presets[key]["values"].items()}


# --- services --------------------------------------------------------------------------------

@transaction.atomic
def policy_presets_load(*, by: User | None = None) -> list[PolicyProfile]:
    """Create the presets that do not exist yet; leave existing profiles (and their edits) alone.

    `by=None` is the system (the `kaowu catalog load` command); a user must be a province admin.
    Returns the five profiles in preset order.
    """
    if by is not None:
        _require_province_admin(by, "载入政策配置预置方案")
    return [_preset_get_or_create(key=key, by=by)[0] for key in PolicyPreset.values]


def _preset_get_or_create(*, key: str, by: User | None) -> tuple[PolicyProfile, bool]:
    existing = PolicyProfile.objects.filter(preset=key).first()
    if existing is not None:
        return existing, False
    meta = policy_presets_data()[key]
    profile = PolicyProfile(preset=key, name=meta["name"], description=meta["description"],
                            **policy_preset_values(key=key))
    profile.full_clean()
    profile.save()
    audit_record(action=CatalogAction.POLICY_PROFILE_CREATE, actor=by, target=profile, after=snapshot(profile))
    return profile, True


@transaction.atomic
def policy_profile_update(*, profile: PolicyProfile, by: User, changes: dict[str, Any]) -> PolicyProfile:
    """Change some parameters (or the name/description) of a profile, with one audit event."""
    _require_province_admin(by, "修改政策配置")
    unknown = sorted(set(changes) - EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"不能通过修改政策配置更改这些字段：{'、'.join(unknown)}")
    # Lock and re-read: `before` must be what is stored, not what a form has put on the instance.
    profile = PolicyProfile.objects.select_for_update().get(pk=profile.pk)
    old = {name: getattr(profile, name) for name in changes}
    before = snapshot(profile, list(changes))
    for name, value in changes.items():
        setattr(profile, name, value)
    profile.full_clean()  # also converts "10" to 10 and "0.8" to Decimal
    changed = [name for name in changes if getattr(profile, name) != old[name]]
    if not changed:
        return profile
    profile.save(update_fields=[*changed, "updated_at"])
    profile.refresh_from_db(fields=changed)  # stored form, e.g. Decimal("0.80") rather than "0.8"
    audit_record(
        action=CatalogAction.POLICY_PROFILE_UPDATE, actor=by, target=profile,
        before={name: before[name] for name in changed}, after=snapshot(profile, changed),
    )
    return profile


@transaction.atomic
def policy_profile_activate(*, profile: PolicyProfile, by: User) -> PolicyProfile:
    """Make `profile` the deployment's one active profile; the previously active one is switched off."""
    _require_province_admin(by, "启用政策配置")
    return _activate(profile=profile, by=by)


def _activate(*, profile: PolicyProfile, by: User | None) -> PolicyProfile:
    # Lock every profile: two concurrent activations then run one after the other, and the
    # partial unique index (policyprofile_one_active) is the backstop.
    profiles = list(PolicyProfile.objects.select_for_update().order_by("pk"))
    target = next(p for p in profiles if p.pk == profile.pk)
    previous = next((p for p in profiles if p.is_active), None)
    if previous is not None and previous.pk == target.pk:
        return target
    if previous is not None:
        PolicyProfile.objects.filter(pk=previous.pk).update(is_active=False, updated_at=timezone.now())
    target.is_active = True
    target.save(update_fields=["is_active", "updated_at"])
    audit_record(
        action=CatalogAction.POLICY_PROFILE_ACTIVATE, actor=by, target=target,
        before={"is_active": False, "active_preset": previous.preset if previous else None},
        after={"is_active": True, "active_preset": target.preset},
    )
    return target
