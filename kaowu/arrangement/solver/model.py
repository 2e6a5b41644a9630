"""The solver's input and output: plain frozen dataclasses, no Django."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

SUBJECT_KINDS = ("theory", "practical", "review")
SUBJECT_LABELS = {"theory": "理论知识", "practical": "操作技能", "review": "综合评审"}

ROOM_KINDS = ("theory", "computer", "practical")
ROOM_LABELS = {"theory": "理论考场", "computer": "机考考场", "practical": "实操考场"}
# Rooms where candidates sit at desks: one per desk, at most the profile's maximum (R-CQ-6).
DESK_ROOM_KINDS = frozenset({"theory", "computer"})
# The room kind a subject needs unless the session says otherwise (a CBT theory paper says "computer").
DEFAULT_ROOM_KIND = {"theory": "theory", "practical": "practical", "review": "theory"}


class ArrangementInputError(ValueError):
    """The input cannot be arranged as given; `errors` holds one Chinese message per problem."""

    def __init__(self, errors: Sequence[str]):
        self.errors = tuple(errors)
        shown = "；".join(self.errors[:10])
        more = f"；另有 {len(self.errors) - 10} 处问题" if len(self.errors) > 10 else ""
        super().__init__(f"编排数据有误：{shown}{more}")


@dataclass(frozen=True, slots=True)
class SessionSpec:
    """场次. `room_ids` lists the rooms it may use (Session.rooms, or the plan's sites); None means every
    room of its room kind. Sessions of one room kind that overlap in time share their rooms' places."""

    id: int
    start: datetime
    end: datetime
    subject_kind: str
    label: str = ""  # shown in messages, e.g. "电工 四级 理论知识"; the subject's name when empty
    room_kind: str | None = None  # None: DEFAULT_ROOM_KIND[subject_kind]
    room_ids: tuple[int, ...] | None = None

    @property
    def needs(self) -> str:
        return self.room_kind or DEFAULT_ROOM_KIND.get(self.subject_kind, "theory")

    @property
    def title(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M} {self.label or SUBJECT_LABELS.get(self.subject_kind, self.subject_kind)}"


@dataclass(frozen=True, slots=True)
class RoomSpec:
    """考场. A desk room seats up to `capacity` (its desks) and never more than the profile's maximum;
    a practical room seats one candidate per station: `stations` gives their numbers (工位号) or a count
    (numbered 1..n); with no stations its capacity is the count. `staff` is the number of people working
    in the room while it is in use (invigilators, assessors), counted against the site's person cap."""

    id: int
    site_id: int
    kind: str
    capacity: int
    stations: tuple[int, ...] | int = ()
    name: str = ""
    staff: int = 0

    def places(self, theory_room_max: int | None) -> tuple[int, ...]:
        """The seat or station numbers candidates can be given, in the order they are filled."""
        if self.kind in DESK_ROOM_KINDS:
            count = self.capacity if theory_room_max is None else min(self.capacity, theory_room_max)
            return tuple(range(1, max(count, 0) + 1))
        if isinstance(self.stations, int):
            return tuple(range(1, self.stations + 1)) if self.stations else tuple(range(1, self.capacity + 1))
        return tuple(sorted(self.stations)) if self.stations else tuple(range(1, self.capacity + 1))

    @property
    def title(self) -> str:
        return self.name or f"{ROOM_LABELS.get(self.kind, self.kind)}（编号 {self.id}）"


@dataclass(frozen=True, slots=True)
class CandidateSpec:
    """One paid application and the sessions it sits. `item_key` and `level` form the group kept together;
    candidates of a group are taken in order of institution, so a room's list stays readable."""

    application_id: int
    item_key: str
    level: int | None
    institution_id: int
    session_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Limits:
    """The policy profile's parameters the solver enforces. None switches a cap off."""

    theory_room_max: int | None = 30  # R-CQ-6: at most 30 per theory room, one per desk
    site_slot_candidate_cap: int | None = None  # R-SC21-2: candidates at one site in one time slot
    site_slot_person_cap: int | None = None  # R-SC21-2: candidates plus all staff at one site in one slot
    site_staff: int = 0  # people at a site whenever it is in use in a slot (chief examiner, supervisor, ...)


class Assignment(NamedTuple):
    """One candidate in one session: a room and either a seat (desk rooms) or a station (practical).
    A NamedTuple rather than a dataclass because a province run makes a few hundred thousand of them."""

    application_id: int
    session_id: int
    room_id: int
    seat: int | None = None
    station: int | None = None

    @property
    def place(self) -> int | None:
        return self.seat if self.seat is not None else self.station


@dataclass(frozen=True, slots=True)
class Shortage:
    """Places missing for one session. `rule_id` says what ran out: R-CQ-6 rooms, R-SC21-2 a site cap."""

    session_id: int
    room_kind: str
    missing: int
    rule_id: str
    message: str


@dataclass(frozen=True, slots=True)
class Arrangement:
    """The result. `assignments` holds the new places only (fixed ones are not repeated); when anything is
    short it is empty and `shortages` says what is missing."""

    seed: int
    assignments: tuple[Assignment, ...] = ()
    shortages: tuple[Shortage, ...] = ()
    stats: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.shortages
