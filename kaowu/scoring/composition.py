"""Composing a candidate's result from the raw subject scores. Pure module (no Django): it runs for
every candidate of a province (100,000 in the `score_entry` benchmark), so the scheme is compiled once
(`scheme_compile`) and each candidate costs a dictionary look-up and a couple of Decimal comparisons per
subject.

Decisions:
- Scores stay Decimal throughout (the database column is decimal(6,2)); no ints of hundredths are used.
  Every rounding is ROUND_HALF_UP to 2 decimals, once, at the end of a computation (parts, assessors'
  mean, weighted total), so the figures match a hand calculation on the paper summary.
- A subject's score, when entered, is authoritative (it is what the second person checked, R-CQ-11);
  its parts only supply a score that was not entered.
- Parts (e.g. 职业道德 10% + 理论知识 90%) are scored on their own marks (0–10, 0–90). The subject score is
  Σ part_score / part_full × weight × Σ part_full: with the catalogue's parts (marks proportional to
  weights) that is just the sum of the part scores.
- Pass: EVERY subject of the scheme reaches its pass mark (R-CQ-13 carries a passed subject over to a
  retake, where it counts as given). A subject without a score yet is `missing`: not passed, and listed
  in `Composed.missing` so the release flow can refuse to submit an incomplete batch.
- Outcome precedence: any subject cancelled → 成绩取消; every subject absent → 缺考; otherwise 合格 or
  不合格 (a subject absent among others given: 不合格, that subject marked 缺考).
- Total: only where the scheme weights its subjects (weights summing to 1 over more than one subject),
  Σ score × weight on a 100-point scale (a subject not out of 100 is scaled to 100 first), and only when
  every subject has a score.
- Grade (R-FJ-12, 专项 items only, and only when passed): on the total where there is one, else on the
  single subject's score, else (several unweighted subjects) on the lowest subject score, so that 优秀
  means 90 or more in every subject. Scores not out of 100 are scaled to 100 for the bands.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, NamedTuple

CENT = Decimal("0.01")
ZERO = Decimal("0")
ONE = Decimal("1")
HUNDRED = Decimal("100")

PRESENT, ABSENT, CANCELLED, MISSING = "present", "absent", "cancelled", "missing"
CARRIED = "carried"
PASSED, FAILED = "passed", "failed"  # outcomes, besides ABSENT and CANCELLED (Result.Outcome values)
EXCELLENT, GOOD, PASS = "优秀", "良好", "合格"
ATTENDANCE_LABELS = {PRESENT: "", ABSENT: "缺考", CANCELLED: "成绩取消", MISSING: "未录入"}


class ScoreError(ValueError):
    """A score that cannot be accepted; `message` is the Chinese text for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- the scheme ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartRule:
    """A weighted part of a subject (SubjectPart): its own marks and its weight in the subject."""

    order: int
    name: str
    full_marks: Decimal
    weight: Decimal


@dataclass(frozen=True, slots=True)
class SubjectRule:
    """A subject of a scheme (catalog.Subject) with its parts."""

    id: int
    name: str
    kind: str
    full_marks: Decimal = HUNDRED
    pass_mark: Decimal = Decimal("60")
    weight: Decimal = ONE
    parts: tuple[PartRule, ...] = ()


@dataclass(frozen=True, slots=True)
class GradeBands:
    """R-FJ-12: the lowest score of 优秀, 良好 and 合格 (the profile's grade_*_min)."""

    excellent: Decimal = Decimal("90")
    good: Decimal = Decimal("80")
    passing: Decimal = Decimal("60")

    @classmethod
    def of(cls, excellent: Any, good: Any, passing: Any) -> "GradeBands":
        return cls(Decimal(excellent), Decimal(good), Decimal(passing))


class RawScore(NamedTuple):
    """A candidate's raw score in one subject (SubjectScore): `score` None when absent, cancelled or not
    entered; `parts` {part order: score} (keys int or str, as JSON gives them). result_compose reads only the
    first four items by position, so any tuple starting (score, parts, attendance, source) will do: the
    services pass the database rows as they come, with no object per score."""

    score: Decimal | None
    parts: Mapping[Any, Any] | None = None
    attendance: str = PRESENT
    source: str = "assessors"


class Composed(NamedTuple):
    """A composed result: Result.outcome, total, grade and the per-subject JSON rows."""

    outcome: str
    total: Decimal | None
    grade: str
    subjects: list[dict[str, Any]]
    missing: tuple[str, ...] = ()


@dataclass(slots=True)
class _Parts:
    rules: tuple[PartRule, ...]
    keys: tuple[tuple[int, str], ...]  # each part's order as int and as the JSON key
    factors: tuple[Decimal, ...]  # weight × Σ part full / part full; all 1 for proportional parts
    proportional: bool


@dataclass(slots=True)
class _Subject:
    id: int
    name: str
    full_marks: Decimal
    pass_mark: Decimal
    pass_text: str
    weight: Decimal
    scale: Decimal | None  # 100 / full marks when not out of 100 (bands and total are on 100)
    parts: _Parts | None


@dataclass(slots=True)
class SchemeRule:
    """A scheme compiled once for many candidates (see `scheme_compile`)."""

    subjects: tuple[_Subject, ...]
    weighted: bool
    ids: frozenset[int] = frozenset()
    single: _Subject | None = None  # the only subject, when there is one and it is out of 100
    source: tuple[SubjectRule, ...] = field(default=())


def _parts_compile(parts: Sequence[PartRule]) -> _Parts:
    rules = tuple(sorted(parts, key=lambda p: p.order))
    total = sum((p.full_marks for p in rules), ZERO)
    factors = tuple(p.weight * total / p.full_marks for p in rules)
    return _Parts(rules=rules, keys=tuple((p.order, str(p.order)) for p in rules), factors=factors,
                  proportional=all(f == ONE for f in factors))


def scheme_compile(subjects: Iterable[SubjectRule]) -> SchemeRule:
    """Precompute what every candidate of the scheme needs (once per scheme, not per candidate)."""
    source = tuple(subjects)
    compiled = tuple(
        _Subject(id=s.id, name=s.name, full_marks=s.full_marks, pass_mark=s.pass_mark,
                 pass_text=str(s.pass_mark.quantize(CENT)), weight=s.weight,
                 scale=None if s.full_marks == HUNDRED else HUNDRED / s.full_marks,
                 parts=_parts_compile(s.parts) if s.parts else None)
        for s in source)
    if not compiled:
        raise ScoreError("考核方案没有科目，无法合成成绩")
    weighted = len(compiled) > 1 and sum((s.weight for s in compiled), ZERO) == ONE
    single = compiled[0] if len(compiled) == 1 and compiled[0].scale is None else None
    return SchemeRule(subjects=compiled, weighted=weighted, ids=frozenset(s.id for s in compiled), single=single,
                      source=source)


# --- single figures -------------------------------------------------------------------------------


def _decimal(value: Any, what: str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or value is None:
        raise ScoreError(f"{what}成绩须为数字")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        raise ScoreError(f"{what}成绩须为数字（填写的是“{value}”）") from None


def _checked(value: Any, full_marks: Decimal, what: str) -> Decimal:
    score = _decimal(value, what)
    if not score.is_finite():
        raise ScoreError(f"{what}成绩须为数字")
    if score < ZERO or score > full_marks:
        raise ScoreError(f"{what}成绩须在0至{_plain(full_marks)}分之间（填写的是{_plain(score)}）")
    if score.quantize(CENT) != score:
        raise ScoreError(f"{what}成绩最多保留两位小数（填写的是{score}）")
    return score


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")


def score_validate(subject: SubjectRule | _Subject, score: Any) -> Decimal:
    """The score as a Decimal if it may be entered for `subject` (0 ≤ score ≤ full marks, at most two
    decimals); ScoreError with a Chinese message naming the subject otherwise."""
    if isinstance(score, Decimal) and score.is_finite():  # the fast path: every score read from the database
        if ZERO <= score <= subject.full_marks and score.quantize(CENT) == score:
            return score
    return _checked(score, subject.full_marks, f"科目“{subject.name}”")


def subject_score_from_parts(parts_rule: Sequence[PartRule] | _Parts, part_scores: Mapping[Any, Any]) -> Decimal:
    """A subject's score from its weighted parts (e.g. 职业道德 10% + 理论知识 90%), each part scored on its
    own marks; rounded half up to 2 decimals. ScoreError when a part is missing or out of range."""
    parts = parts_rule if isinstance(parts_rule, _Parts) else _parts_compile(parts_rule)
    total = ZERO
    for rule, (order, key), factor in zip(parts.rules, parts.keys, parts.factors, strict=True):
        value = part_scores.get(order)
        if value is None:
            value = part_scores.get(key)
        if value is None:
            raise ScoreError(f"分项“{rule.name}”成绩未录入")
        score = _checked(value, rule.full_marks, f"分项“{rule.name}”")
        total += score if parts.proportional else score * factor
    return total.quantize(CENT, ROUND_HALF_UP)


def assessors_combine(scores: Sequence[Decimal]) -> tuple[Decimal, Decimal]:
    """The assessors' scores of one candidate combined: (mean rounded half up to 2 decimals, max − min)."""
    if not scores:
        raise ScoreError("没有考评员评分，无法汇总")
    values = [_decimal(s, "考评员") for s in scores]
    mean = (sum(values, ZERO) / len(values)).quantize(CENT, ROUND_HALF_UP)
    return mean, max(values) - min(values)


def grade_for(score: Decimal | None, bands: GradeBands) -> str:
    """R-FJ-12: 优秀 from `excellent`, 良好 from `good`, 合格 from `passing`, else ''."""
    if score is None:
        return ""
    if score >= bands.excellent:
        return EXCELLENT
    if score >= bands.good:
        return GOOD
    if score >= bands.passing:
        return PASS
    return ""


# --- a candidate's result ------------------------------------------------------------------------

_EMPTY: Mapping[int, RawScore] = {}
_new = tuple.__new__


def result_compose(subjects: SchemeRule | Iterable[SubjectRule], raw: Mapping[int, RawScore], bands: GradeBands,
                   *, special_item: bool) -> Composed:
    """A candidate's result from their raw scores by subject id (see the module docstring for the rules).

    Pass a SchemeRule (scheme_compile) when composing many candidates of one scheme.
    """
    scheme = subjects if type(subjects) is SchemeRule else scheme_compile(subjects)
    rows: list[dict[str, Any]] = []
    append = rows.append
    absent = cancelled = 0
    passed_all = True
    missing: tuple[str, ...] = ()
    scores: list[Decimal] = []
    get = (raw or _EMPTY).get
    for subject in scheme.subjects:
        entry = get(subject.id)
        if entry is not None and entry[2] == PRESENT and entry[0] is not None:  # the common case first
            score = entry[0]
            passed = score >= subject.pass_mark
            if not passed:
                passed_all = False
            scores.append(score)
            text = str(score)
            if text[-3:-2] != ".":  # not two decimals as the database gives them (a caller's 88.5): make it so
                text = str(score.quantize(CENT, ROUND_HALF_UP))
            append({"subject": subject.id, "name": subject.name, "score": text, "pass_mark": subject.pass_text,
                    "passed": passed, "attendance": PRESENT, "carried": entry[3] == CARRIED})
            continue
        carried = False
        score = None
        if entry is None:
            attendance = MISSING
        else:
            attendance = entry[2]
            carried = entry[3] == CARRIED
            if attendance == PRESENT:
                if entry[1] and subject.parts is not None:
                    score = subject_score_from_parts(subject.parts, entry[1])
                else:
                    attendance = MISSING
            elif attendance == ABSENT:
                absent += 1
            elif attendance == CANCELLED:
                cancelled += 1
            else:
                raise ScoreError(f"科目“{subject.name}”的到考情况无效：{attendance}")
        if score is None:
            passed_all = False
            if attendance == MISSING:
                missing = (*missing, subject.name)
            append({"subject": subject.id, "name": subject.name, "score": None, "pass_mark": subject.pass_text,
                    "passed": False, "attendance": attendance, "carried": carried})
            continue
        passed = score >= subject.pass_mark
        if not passed:
            passed_all = False
        scores.append(score)
        append({"subject": subject.id, "name": subject.name, "score": str(score), "pass_mark": subject.pass_text,
                "passed": passed, "attendance": PRESENT, "carried": carried})
    # tuple.__new__ rather than Composed(...): the NamedTuple's own __new__ is a Python call per candidate.
    if cancelled:
        return _new(Composed, (CANCELLED, None, "", rows, missing))
    if absent == len(scheme.subjects):
        return _new(Composed, (ABSENT, None, "", rows, ()))
    total = None
    if scheme.weighted and len(scores) == len(scheme.subjects):
        total = _weighted_total(scheme, scores)
    if not passed_all:
        return _new(Composed, (FAILED, total, "", rows, missing))
    if not special_item:
        return _new(Composed, (PASSED, total, "", rows, ()))
    if total is None and scheme.single is not None:  # one subject out of 100, the usual 专项 item
        score = scores[0]
        grade = (EXCELLENT if score >= bands.excellent else GOOD if score >= bands.good
                 else PASS if score >= bands.passing else "")
    else:
        grade = _grade(scheme, scores, total, bands)
    return _new(Composed, (PASSED, total, grade, rows, ()))


def _weighted_total(scheme: SchemeRule, scores: list[Decimal]) -> Decimal:
    total = ZERO
    for subject, score in zip(scheme.subjects, scores, strict=True):
        total += (score * subject.scale if subject.scale is not None else score) * subject.weight
    return total.quantize(CENT, ROUND_HALF_UP)


def _grade(scheme: SchemeRule, scores: list[Decimal], total: Decimal | None, bands: GradeBands) -> str:
    if total is not None:
        return grade_for(total, bands)
    if len(scores) == 1:
        subject = scheme.subjects[0]
        score = scores[0]
    else:
        subject, score = min(zip(scheme.subjects, scores, strict=True),
                             key=lambda pair: pair[1] * pair[0].scale if pair[0].scale is not None else pair[1])
    return grade_for(score * subject.scale if subject.scale is not None else score, bands)


__all__ = [
    "ABSENT", "ATTENDANCE_LABELS", "CANCELLED", "CARRIED", "EXCELLENT", "FAILED", "GOOD", "MISSING", "PASS",
    "PASSED", "PRESENT", "Composed", "GradeBands", "PartRule", "RawScore", "SchemeRule", "ScoreError",
    "SubjectRule", "assessors_combine", "grade_for", "result_compose", "scheme_compile", "score_validate",
    "subject_score_from_parts",
]
