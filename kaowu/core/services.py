from collections.abc import Iterable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class AuditRow:
    """One event of a bulk write: the object it is about and what changed (see `audit_record_many`)."""

    object_id: int | str
    object_repr: str
    before: dict | None = None
    after: dict | None = None
    organisation_id: int | None = None


AUDIT_BULK_BATCH = 1000


def audit_record_many(
    *,
    action: str,
    actor,
    model: type[models.Model],
    rows: Iterable[AuditRow],
    organisation_id: int | None = None,
) -> int:
    """Append one audit event per row in bulk inserts: the same rows `audit_record` would write one by one,
    for a service that changes thousands of objects in one statement (tickets published for a plan).
    A row's own organisation wins over the call's; with neither, the actor's organisation is used."""
    actor = actor if actor is not None and getattr(actor, "pk", None) else None
    username = actor.get_username() if actor is not None else ""
    default_org = organisation_id if organisation_id is not None else (actor.organisation_id if actor else None)
    ip, label = request_ip.get(), model._meta.label
    events = [
        AuditEvent(
            actor=actor, actor_username=username,
            organisation_id=row.organisation_id if row.organisation_id is not None else default_org,
            action=action, object_type=label, object_id=str(row.object_id), object_repr=row.object_repr[:200],
            before=row.before, after=row.after, ip=ip,
        )
        for row in rows
    ]
    with transaction.atomic(savepoint=False):
        AuditEvent.objects.bulk_create(events, batch_size=AUDIT_BULK_BATCH)
    return len(events)
