"""Station lottery (工位抽签, R-FJ-16): who gets which station, from a seed. Pure: no Django.

The draw must be replayable years later from what was recorded (seed, present candidates in draw
order, the room's stations), so it uses only `random.Random(seed).random()`: Python guarantees that
this sequence stays the same across versions for the same integer seed, whereas `shuffle`, `sample`
and `randrange` may change their algorithms. The shuffle below is Fisher–Yates on that sequence.
"""

import random
from dataclasses import dataclass

ALGORITHM = "fisher-yates/random()/v1"


class DrawRefused(ValueError):
    """The draw cannot be made as asked; `message` is the Chinese text for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _shuffled(rng: random.Random, values: list[int]) -> list[int]:
    values = list(values)
    for i in range(len(values) - 1, 0, -1):
        j = int(rng.random() * (i + 1))
        values[i], values[j] = values[j], values[i]
    return values


def stations_draw(seed: int, present: list[int], stations: list[int]) -> list[tuple[int, int]]:
    """Give each present candidate (application id, in draw order) a distinct station number.

    The stations are taken in ascending order before shuffling, so the order in which the room lists
    them does not matter; the order of `present` does (it is the recorded draw order).
    """
    if len(set(present)) != len(present):
        raise DrawRefused("到场考生名单中有重复的考生")
    if len(set(stations)) != len(stations):
        raise DrawRefused("考场的工位号有重复，请先更正考场工位")
    if not present:
        raise DrawRefused("请先勾选到场考生")
    if len(present) > len(stations):
        raise DrawRefused(f"到场考生{len(present)}人，考场只有{len(stations)}个工位，无法抽签；请先核对工位或调整考场")
    order = _shuffled(random.Random(seed), sorted(stations))
    return list(zip(present, order[: len(present)], strict=True))


@dataclass(frozen=True)
class Replay:
    """A draw recomputed from its seed: whether it gives back the recorded result, and where not."""

    matches: bool
    expected: list[tuple[int, int]]
    differences: list[tuple[int, int | None, int | None]]  # (application, recorded station, recomputed station)
    refusal: str = ""


def draw_replay(seed: int, present: list[int], stations: list[int],
                recorded: list[tuple[int, int]]) -> Replay:
    """Recompute a draw and compare it with what was recorded, candidate by candidate."""
    try:
        expected = stations_draw(seed, present, stations)
    except DrawRefused as exc:
        return Replay(False, [], [(app, station, None) for app, station in recorded], exc.message)
    recorded = [(int(app), int(station)) for app, station in recorded]
    got, want = dict(recorded), dict(expected)
    differences = [(app, got.get(app), want.get(app)) for app in sorted(set(got) | set(want))
                   if got.get(app) != want.get(app)]
    # Exact equality also catches a reordered or duplicated record that the per-candidate view misses.
    return Replay(recorded == expected, expected, differences)
