import importlib
from collections.abc import Mapping
from datetime import date, datetime, time
from functools import cache

from django.apps import apps
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from kaowu.accounts.audit import AccountAction
from kaowu.accounts.models import Organisation, Role, User
from kaowu.accounts.roles import AUDIT_ROLES
from kaowu.accounts.selectors import organisations_visible_to, users_visible_to
from kaowu.core.models import AuditEvent
from kaowu.core.workdays import WorkdayCalendarError, is_workday, workdays_add


def audit_events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """Province admins see every event; other admins those of their organisation's subtree."""
    if user.role == Role.PROVINCE_ADMIN:
        return AuditEvent.objects.select_related("organisation")
    return AuditEvent.objects.filter(organisation__in=organisations_visible_to(user)).select_related("organisation")


def audit_events_filter(
    *,
    user: User,
    action: str = "",
    actor: str = "",
    organisation_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    object_text: str = "",
) -> QuerySet[AuditEvent]:
    events = audit_events_visible_to(user)
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(actor_username__icontains=actor)
    if organisation_id:
        events = events.filter(organisation_id=organisation_id)
    tz = timezone.get_current_timezone()
    if date_from:
        events = events.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        events = events.filter(at__lte=datetime.combine(date_to, time.max, tzinfo=tz))
    if object_text:
        events = events.filter(object_repr__icontains=object_text)
    return events


def audit_actions_known(user: User) -> list[str]:
    return list(audit_events_visible_to(user).order_by("action").values_list("action", flat=True).distinct())


@cache
def audit_action_labels() -> dict[str, str]:
    """Every app's audit vocabulary (the `*Action` TextChoices of `kaowu.<app>.audit`), value → Chinese label.

    The workspace sits above every app, so it may import them all; an app without an audit module is
    skipped. Read once per process: the vocabularies are code."""
    labels: dict[str, str] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("kaowu."):
            continue
        module_name = f"{config.name}.audit"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise  # the audit module exists but imports something missing: a real error
            continue
        for name, value in vars(module).items():
            if (name.endswith("Action") and isinstance(value, type) and issubclass(value, models.TextChoices)
                    and value is not models.TextChoices):
                labels.update({member.value: str(member.label) for member in value})
    return labels


def audit_action_label(value: str) -> str:
    """The Chinese label of an audit action, or the action itself when no app names it."""
    return audit_action_labels().get(value, value)


def home_overview(*, user: User, today: date) -> dict:
    """What the home page shows a role: today's calendar facts and the counts in its scope."""
    try:
        workday = is_workday(today)
        next_workday = workdays_add(today, 1)
        in_ten = workdays_add(today, 10)
    except WorkdayCalendarError:
        workday, next_workday, in_ten = None, None, None
    orgs = organisations_visible_to(user)
    overview = {
        "today": today,
        "is_workday": workday,
        "next_workday": next_workday,
        "ten_workdays_later": in_ten,
        "organisation": user.organisation,
        "institutions": orgs.filter(kind=Organisation.Kind.INSTITUTION).count(),
        "cities": orgs.filter(kind=Organisation.Kind.CITY).count(),
        "users": users_visible_to(user).count(),
        "recent_events": [],
        "failed_logins_today": 0,
    }
    if user.role in AUDIT_ROLES:
        events = audit_events_visible_to(user)
        overview["recent_events"] = list(events[:8])
        start = datetime.combine(today, time.min, tzinfo=timezone.get_current_timezone())
        overview["failed_logins_today"] = events.filter(action=AccountAction.LOGIN_FAILED, at__gte=start).count()
    return overview


def audit_events_filtered(user: User, query: Mapping[str, str]):
    """The audit list's rows with its form's filters; returns (events, form, filters as text)."""
    from kaowu.workspace.forms import AuditFilterForm

    form = AuditFilterForm(query or None, organisations=organisations_visible_to(user))
    data = form.cleaned_data if form.is_valid() else {}
    events = audit_events_filter(
        user=user, action=data.get("action") or "", actor=data.get("actor") or "",
        organisation_id=data["organisation"].pk if data.get("organisation") else None,
        date_from=data.get("date_from"), date_to=data.get("date_to"), object_text=data.get("object_text") or "",
    )
    return events, form, {key: str(value.pk if hasattr(value, "pk") else value) for key, value in data.items()
                          if value not in ("", None)}
