"""Fire two (or more) service calls at the same moment, each on its own database connection.

A race test for a workflow: both calls load the row before either writes, then a barrier releases them
together. On PostgreSQL the services' `row_lock` makes the second wait for the first and re-read the
status; the test then asserts that exactly one call succeeded and the other was refused in Chinese.
Mark such a test `@postgres_only` and `@pytest.mark.django_db(transaction=True)`: the threads need
committed rows to see, and SQLite serialises the whole file, so there is no race to lose there.
"""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pkgutil import resolve_name
from typing import Any
from unittest import mock

import pytest
from django.db import connection, connections

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are a PostgreSQL matter; SQLite locks the whole file"
)


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def race(*calls: Callable[[], Any], timeout: float = 30) -> list[Outcome]:
    """Run `calls` in threads released by one barrier; return each call's outcome in order.

    Each thread opens its own connection (Django gives one per thread) and closes it at the end, so the
    throwaway test database can be dropped afterwards.
    """
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout)
            outcomes[index].value = call()
        except BaseException as error:  # noqa: BLE001 - the test inspects whatever the service raised
            outcomes[index].error = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return outcomes


def one_refused(outcomes: list[Outcome]) -> tuple[Outcome, Outcome]:
    """Assert that exactly one of two outcomes succeeded; return (the winner, the refused)."""
    assert len(outcomes) == 2
    oks = [o for o in outcomes if o.ok]
    refused = [o for o in outcomes if not o.ok]
    assert len(oks) == 1 and len(refused) == 1, f"expected one success and one refusal, got {outcomes}"
    return oks[0], refused[0]


def message_of(error: BaseException) -> str:
    """The Chinese text a user would see for a refusal (ValidationError keeps it in .messages)."""
    messages = getattr(error, "messages", None)
    return " ".join(messages) if messages else str(error)


@contextmanager
def holding(target: str, *, pause: float = 0.5) -> Iterator[threading.Event]:
    """Make one call reach a point first and stay there a moment: `target` (a dotted path, patched where the
    service looks it up) runs, then sets the yielded event and pauses `pause` seconds before returning.

    For a race whose loser re-reads the row instead of using a stale object: the other call waits on the
    event (`after(event, call)`), so it reads while the first is inside its transaction, past the point the
    pause follows. Without a lock it reads the old status and both succeed; with one it waits and is
    refused. The outcome never depends on the pause being long enough, only whether the test can fail.
    """
    reached = threading.Event()
    original = resolve_name(target)

    def held(*args, **kwargs):
        value = original(*args, **kwargs)
        if not reached.is_set():
            reached.set()
            time.sleep(pause)
        return value

    with mock.patch(target, held):
        yield reached


def after(event: threading.Event, call: Callable[[], Any], timeout: float = 30) -> Callable[[], Any]:
    """`call`, started once `event` is set (see `holding`)."""
    def waiting():
        assert event.wait(timeout), "the first call never reached the point it was to hold"
        return call()
    return waiting
