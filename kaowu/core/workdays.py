"""Chinese working days: weekends, public holidays and adjusted working days (调休).

Pure module (no Django): the rules that count "N working days before the exam" (R-CQ-1,
R-CQ-12, R-FJ-10, R-FJ-2 ...) all go through here. Holiday data comes from chinesecalendar,
which covers the years the State Council has announced, and from the province's own entries
(`Overrides`): the State Council publishes next year's arrangement in November or December, and
the province enters it (kaowu.core.holidays: admin page, `kaowu holidays-load FILE`) before a
new chinesecalendar release has it. An entry wins over the package for its date; a year with
entries counts as known, its other days Monday to Friday.

A year neither covers is counted Monday to Friday, so that plans for early next year can still be
filed; `holiday_data_covers()` and `uncovered_note()` let a caller say so to the user.

Where the entries come from is not this module's business: `overrides_source_set(callable)` installs
a function returning the current `Overrides` (the Django side reads and caches the table); every
computation asks it once.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar


class WorkdayCalendarError(ValueError):
    """The holiday calendar does not cover the date asked about."""


@dataclass(frozen=True)
class Overrides:
    """The province's entries: date → True for a working day (调休上班), False for a day off (放假)."""

    days: Mapping[date, bool] = field(default_factory=dict)
    years: frozenset[int] = frozenset()

    @classmethod
    def of(cls, days: Mapping[date, bool]) -> "Overrides":
        return cls(days=dict(days), years=frozenset(day.year for day in days))


NO_OVERRIDES = Overrides()
_source: Callable[[], Overrides] | None = None


def overrides_source_set(source: Callable[[], Overrides] | None) -> None:
    """Install the function that returns the current entries (None: the package alone)."""
    global _source
    _source = source


def overrides_current() -> Overrides:
    return _source() if _source is not None else NO_OVERRIDES


def _is_workday(day: date, overrides: Overrides) -> bool:
    if day in overrides.days:
        return overrides.days[day]
    first, last = covered_years()
    if first <= day.year <= last:
        return chinese_calendar.is_workday(day)
    if day.year < first and day.year not in overrides.years:
        raise WorkdayCalendarError(f"节假日数据从{first}年开始，无法判断{day:%Y年%m月%d日}是否为工作日")
    return day.weekday() < 5  # entered without this day, or not announced yet: Monday to Friday


def is_workday(day: date) -> bool:
    return _is_workday(day, overrides_current())


def covered_years() -> tuple[int, int]:
    """The first and last year chinesecalendar knows (the province's entries not included)."""
    years = sorted({d.year for d in chinese_calendar.holidays})
    return years[0], years[-1]


def _year_known(year: int, overrides: Overrides) -> bool:
    first, last = covered_years()
    return first <= year <= last or year in overrides.years


def holiday_data_covers(*days: date) -> bool:
    """Whether the holiday arrangements (the package's or the province's) cover every year from the
    earliest to the latest of `days`: a count running from one to the other crosses all of them."""
    if not days:
        return True
    overrides = overrides_current()
    return all(_year_known(year, overrides) for year in range(min(days).year, max(days).year + 1))


def uncovered_years(*days: date) -> list[int]:
    """The years from the earliest to the latest of `days` whose holidays are not known."""
    if not days:
        return []
    overrides = overrides_current()
    return [year for year in range(min(days).year, max(days).year + 1) if not _year_known(year, overrides)]


def years_text(years: list[int]) -> str:
    """2027 → "2027"; 2027, 2028, 2029, 2031 → "2027–2029、2031"."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return "、".join(str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs)


def uncovered_note(*days: date) -> str:
    """A sentence for messages whose dates fall in a year not announced yet, else ''."""
    years = uncovered_years(*days)
    if not years:
        return ""
    return f"（{years_text(years)}年节假日安排尚未公布或尚未录入，暂按周一至周五为工作日计算）"


def uncovered_mark(*days: date) -> str:
    """The short mark beside a deadline shown in a table or a page, else ''."""
    years = uncovered_years(*days)
    if not years:
        return ""
    return f"（{years_text(years)}年节假日未录入，按周末计算）"


def workdays_add(start: date, count: int) -> date:
    """The date `count` working days after `start` (before it when `count` is negative).

    `start` itself is not counted, so workdays_add(Friday, 1) is the next working day.
    """
    overrides = overrides_current()
    step = timedelta(days=1 if count >= 0 else -1)
    remaining = abs(count)
    day = start
    while remaining:
        day += step
        if _is_workday(day, overrides):
            remaining -= 1
    return day


def workdays_before(day: date, count: int) -> date:
    """The latest date that is at least `count` working days before `day`."""
    return workdays_add(day, -count)


def workdays_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is earlier.

    The inverse of workdays_add: workdays_between(d, workdays_add(d, n)) == n.
    """
    if end < start:
        return -workdays_between(end, start)
    overrides = overrides_current()
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if _is_workday(day, overrides):
            count += 1
    return count
