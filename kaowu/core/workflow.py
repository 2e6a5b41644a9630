"""The one check every workflow's `<entity>_transition` makes before it moves a status.

Each workflow keeps its table of allowed moves beside its transition function (DESIGN.md §5: "each workflow
has one function that lists its allowed transitions", as django-oscar's `Order.pipeline` + `set_status`);
this module only refuses a move the table does not list, in the same Chinese words everywhere.
"""

from collections.abc import Collection, Mapping
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction


class TransitionRefused(ValidationError):
    """A status change that the workflow's table does not allow."""


def transition_check(
    *,
    table: Mapping[str, Collection[str]],
    status: type[models.TextChoices],
    current: str,
    to: str,
    noun: str,
) -> None:
    """Refuse `current` → `to` unless `table` lists it; `noun` names the thing (计划, 报名, 证书, ...)."""
    if to not in table.get(current, ()):
        raise TransitionRefused(f"{noun}当前状态为“{status(current).label}”，不能变为“{status(to).label}”")


M = TypeVar("M", bound=models.Model)


def row_lock(instance: M, *, fields: Collection[str] | None = None) -> M:
    """Lock `instance`'s row until the surrounding transaction ends and re-read it under the lock.

    Every service that moves a status calls this first: two requests that loaded the same row before
    either wrote it (a double click, two clerks, the API and a page) would otherwise both see the old
    status and both pass `transition_check`. Under the lock the second one reads what the first wrote and
    is refused. The caller's object is refreshed in place, so references it already handed out stay valid.
    SQLite ignores FOR UPDATE; it serialises writers on the whole file instead.

    `fields` re-reads only those (the status) and keeps the caller's other unsaved changes: what a
    `<entity>_transition` passes, since its caller may have stamped the row before handing it over.
    An object not saved yet has no row to lock (a transition table's test moves one) and is left as it is.
    """
    if instance.pk is None:
        return instance
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("row_lock needs a transaction: call it inside transaction.atomic")
    locked = type(instance)._base_manager.select_for_update().filter(pk=instance.pk)
    instance.refresh_from_db(fields=fields, from_queryset=locked)
    return instance


def row_share_lock(instance: M, *, fields: Collection[str] | None = None) -> M:
    """Keep `instance`'s row from changing until the surrounding transaction ends (FOR SHARE) and re-read it.

    For services that do not move the row but decide on it: score entry writes only while the plan's results
    are not submitted, and the submission takes `row_lock` on the plan. Share locks do not wait for each
    other, so two clerks entering scores of one plan never queue behind (or deadlock with) each other; the
    submission waits for them, and they for it. SQLite (which has no FOR SHARE) re-reads only.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("row_share_lock needs a transaction: call it inside transaction.atomic")
    if connection.vendor == "postgresql":
        meta, quote = instance._meta, connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s FOR SHARE",
                           [instance.pk])
    instance.refresh_from_db(fields=fields)
    return instance
