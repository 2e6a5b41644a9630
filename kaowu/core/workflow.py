"""The one check every workflow's `<entity>_transition` makes before it moves a status.

Each workflow keeps its table of allowed moves beside its transition function (DESIGN.md §5: "each workflow
has one function that lists its allowed transitions", as django-oscar's `Order.pipeline` + `set_status`);
this module only refuses a move the table does not list, in the same Chinese words everywhere.
"""

from collections.abc import Collection, Mapping

from django.core.exceptions import ValidationError
from django.db import models


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
