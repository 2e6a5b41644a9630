from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import models, transaction

from kaowu.core.context import request_ip
from kaowu.core.models import AuditEvent


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The JSON-safe values of a model's concrete fields, for an audit event's before/after."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"password", "key_hash"}:
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, (date, datetime, time)):
            value = value.isoformat()
        elif isinstance(value, (Decimal, UUID)):
            value = str(value)
        elif hasattr(value, "name") and hasattr(value, "storage"):  # an uploaded file: keep its name
            value = value.name
        data[field.name] = value
    return data


def audit_record(
    *,
    action: str,
    actor=None,
    target: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    organisation=None,
    organisation_id: int | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one audit event. Every service that changes state calls this. The organisation may be
    given by its key (`organisation_id`) when the caller has only that, saving a query."""
    if organisation is not None:
        organisation_id = organisation.pk
    elif organisation_id is None and actor is not None and getattr(actor, "pk", None):
        organisation_id = actor.organisation_id
    # Inside a service's transaction the event commits or rolls back with the change; no savepoint
    # of its own (two more round trips on every state change), since a failed event must undo it all.
    with transaction.atomic(savepoint=False):
        return AuditEvent.objects.create(
            actor=actor if actor is not None and getattr(actor, "pk", None) else None,
            actor_username=username or (actor.get_username() if actor is not None and actor.pk else ""),
            organisation_id=organisation_id,
            action=action,
            object_type=target._meta.label if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            object_repr=str(target)[:200] if target is not None else "",
            before=before,
            after=after,
            ip=request_ip.get(),
        )
