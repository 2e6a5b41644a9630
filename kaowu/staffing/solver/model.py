"""The dispatch solver's input and output: plain frozen dataclasses, no Django.

A *post* (岗位需求) is a number of people of one role needed somewhere for some time: the assessor group of
one practical room in one session, the invigilators of a theory room, the supervisor of a site on one day of
a batch, the chief examiner of a batch. A *staff* member may fill posts of the roles they hold. The solver
picks, for every post, `count` distinct people (and, for an assessor group, which of them leads).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

# Roles (岗位). "chief" is 主考 (the station's head for a batch, R-FJ-7).
ROLES = ("chief", "invigilator", "assessor", "supervisor")
ROLE_LABELS = {"chief": "主考", "invigilator": "监考员", "assessor": "考评员", "supervisor": "督导员"}

# Rule ids the solver enforces (hard), as named in RULES.md. Messages and refusals carry them.
RULE_QUALIFICATION = "R-SC24-8"  # assessors hold a valid card for the item and level; supervisors independent
RULE_GROUP = "R-SC21-3"  # practical room: at least 3 assessors, one of them the group leader
RULE_SEPARATION = "R-FJ-7"  # 考培分离: nobody who trained candidates of this batch
RULE_RECUSAL = "R-FJ-19"  # 回避: relatives, the candidates' employers, the examining institution
RULE_OVERLAP = "R-FJ-8"  # one person, one place at a time (the center dispatches named people)
RULE_AVAILABILITY = "availability"  # not a regulation: the person said they cannot work that day
RULE_SITE_CAP = "R-SC21-2"  # candidates plus all staff at a site in one slot


class DispatchInputError(ValueError):
    """The input cannot be solved as given (unknown ids, duplicate ids, a post needing 0 people...);
    `errors` holds one Chinese message per problem."""

    def __init__(self, errors: Sequence[str]):
        self.errors = tuple(errors)
        shown = "；".join(self.errors[:10])
        more = f"；另有 {len(self.errors) - 10} 处问题" if len(self.errors) > 10 else ""
        super().__init__(f"派遣数据有误：{shown}{more}")


@dataclass(frozen=True, slots=True)
class CardSpec:
    """考评员证: the occupation or special item it covers (`item_key`, same keys as PostSpec.item_key), the
    highest level it may assess (1 = 一级/高级技师 is the highest; a card for level L covers L and every
    level with a larger number; None for special items, which have no level), its number and its last valid
    day (a card past its date cannot be dispatched, R-SC24-8)."""

    item_key: str
    highest_level: int | None
    number: str
    valid_until: date


@dataclass(frozen=True, slots=True)
class StaffSpec:
    """A person who can be dispatched.

    - `roles`: a subset of ROLES.
    - `organisation_id`: the organisation whose registry holds them (a center for assessors and supervisors,
      an institution for its chief examiners and invigilators); see PostSpec.staff_organisation_ids.
    - `region_code`: home, 6-digit administrative code (same district = equal codes, same city = first 4
      digits, same province = first 2). Used for travel cost only.
    - `employer_keys`: who employs them, as opaque keys ("org:12", "name:成都市第一人民医院"); an assessor or
      supervisor whose keys meet a post's `conflict_employer_keys` is excluded (R-FJ-19, R-SC24-8).
    - `cards`: assessor cards.
    - `unavailable`: dates they cannot work. `available_only`: when not None, the only dates they can.
    - `trained_candidate_ids`: candidates they taught (training classes); excluded, in any role, from every
      post of a batch in which one of those candidates sits (考培分离, R-FJ-7).
    - `related_candidate_ids`: candidates they declared a relation to; excluded as assessor or supervisor
      from posts whose `candidate_ids` contain one (回避, R-FJ-19).
    - `recent_institution_ids`: institutions where they assessed in the previous batch (soft: not the same
      assessor at the same institution in consecutive batches).
    - `max_posts`: an upper bound on posts in this run (None: no bound besides overlaps)."""

    id: int
    name: str
    roles: frozenset[str]
    organisation_id: int
    region_code: str
    employer_keys: frozenset[str] = frozenset()
    cards: tuple[CardSpec, ...] = ()
    unavailable: frozenset[date] = frozenset()
    available_only: frozenset[date] | None = None
    trained_candidate_ids: frozenset[int] = frozenset()
    related_candidate_ids: frozenset[int] = frozenset()
    recent_institution_ids: frozenset[int] = frozenset()
    max_posts: int | None = None


@dataclass(frozen=True, slots=True)
class PostSpec:
    """One requirement: `count` people of `role`.

    - `id`: unique string chosen by the caller ("room:<session>:<room>", "site:<site>:<date>:<plan>",
      "batch:<plan>").
    - `label`: shown in messages, e.g. "2026-12-05 09:00 育婴员 三级 操作技能 第3考场".
    - `leader`: for an assessor group, one of the `count` is the group leader (R-SC21-3).
    - `plan_id` (the batch), `institution_id` (the examining institution), `site_id`, `region_code` (where
      the post is, 6 digits), `day`, `intervals` (half-open [start, end) datetimes the person is occupied,
      arrival lead already included; two posts conflict when any of their intervals overlap).
    - `item_key`, `level`, `item_label` (e.g. "育婴员三级"): what an assessor's card must cover.
    - `candidate_ids`: candidates the post's people face (a room's candidates; a site's on that day; a
      batch's for the chief), for declared relations.
    - `conflict_employer_keys`: the candidates' employers and the examining institution ("org:<id>").
    - `staff_organisation_ids`: when not None, only staff registered by one of these organisations may fill
      it (the institution's own chief examiner and invigilators; supervisors of the dispatching center)."""

    id: str
    role: str
    count: int
    plan_id: int
    institution_id: int
    day: date
    intervals: tuple[tuple[datetime, datetime], ...]
    label: str = ""
    leader: bool = False
    site_id: int | None = None
    region_code: str = ""
    item_key: str | None = None
    level: int | None = None
    item_label: str = ""
    candidate_ids: frozenset[int] = frozenset()
    conflict_employer_keys: frozenset[str] = frozenset()
    staff_organisation_ids: frozenset[int] | None = None


@dataclass(frozen=True, slots=True)
class SiteCapSpec:
    """R-SC21-2: at one site during [start, end), `candidates` candidates plus every person filling one of
    `post_ids` may not exceed `cap`."""

    site_id: int
    start: datetime
    end: datetime
    cap: int
    candidates: int
    post_ids: tuple[str, ...]
    label: str = ""


@dataclass(frozen=True, slots=True)
class Weights:
    """Soft goals (integers; the objective is their weighted sum, lower is better). See the README."""

    travel_same_district: int = 0
    travel_same_city: int = 2
    travel_same_province: int = 10
    travel_other_province: int = 30
    # Balanced load: each post beyond the first costs `load_step`, beyond the second 2×, beyond the third 3×...
    load_step: int = 3
    # The same assessor at the same institution as in the previous batch.
    repeat_institution: int = 8


@dataclass(frozen=True, slots=True)
class Placement:
    """One person in one post. `leader` is True for the assessor group's leader."""

    post_id: str
    staff_id: int
    leader: bool = False


@dataclass(frozen=True, slots=True)
class Violation:
    """A hard rule a placement breaks: for hand edits and for checking a result."""

    rule_id: str
    post_id: str
    staff_id: int | None
    message: str


@dataclass(frozen=True, slots=True)
class Shortage:
    """A post that cannot be filled: `needed`, `available` (people who pass every hard rule for it taken
    alone), `excluded` = {rule_id: people of the role excluded by that rule}, and the Chinese `message`,
    e.g. "第3考场 操作技能: 需3名 育婴员三级 考评员, 可用1名; 2名因考培分离排除"."""

    post_id: str
    role: str
    needed: int
    available: int
    excluded: dict[str, int]
    message: str
    rule_id: str = RULE_QUALIFICATION


@dataclass(frozen=True, slots=True)
class Dispatch:
    """The result. `status`: "optimal", "feasible", "infeasible" (then `placements` is empty and
    `shortages` explains), or "unknown" (time ran out before any dispatch was found). `objective` and
    `bound` are in the objective's units; `gap` = (objective - bound) / max(1, |objective|)."""

    status: str
    placements: tuple[Placement, ...] = ()
    shortages: tuple[Shortage, ...] = ()
    objective: int | None = None
    bound: float | None = None
    gap: float | None = None
    seconds: float = 0.0
    stats: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status in ("optimal", "feasible") and not self.shortages
