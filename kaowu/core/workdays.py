"""Chinese working days: weekends, public holidays and adjusted working days (调休).

Pure module (no Django): the rules that count "N working days before the exam" (R-CQ-1,
R-CQ-12, R-FJ-10, R-FJ-2 ...) all go through here. Holiday data comes from chinesecalendar,
which covers the years the State Council has announced.

A year the State Council has not announced yet (its arrangement comes out in November or
December) is counted Monday to Friday, so that plans for early next year can still be filed;
`holiday_data_covers()` lets a caller say so to the user.
"""

from datetime import date, timedelta

import chinese_calendar


class WorkdayCalendarError(ValueError):
    """The holiday calendar does not cover the date asked about."""


def is_workday(day: date) -> bool:
    first, last = covered_years()
    if first <= day.year <= last:
        return chinese_calendar.is_workday(day)
    if day.year < first:
        raise WorkdayCalendarError(f"节假日数据从{first}年开始，无法判断{day:%Y年%m月%d日}是否为工作日")
    return day.weekday() < 5  # not announced yet: Monday to Friday


def covered_years() -> tuple[int, int]:
    years = sorted({d.year for d in chinese_calendar.holidays})
    return years[0], years[-1]


def holiday_data_covers(*days: date) -> bool:
    """Whether the announced holiday arrangements cover every one of `days`."""
    first, last = covered_years()
    return all(first <= day.year <= last for day in days)


def uncovered_note(*days: date) -> str:
    """A sentence for messages whose dates fall in a year not announced yet, else ''."""
    years = sorted({day.year for day in days if not holiday_data_covers(day)})
    if not years:
        return ""
    return f"（{'、'.join(str(y) for y in years)}年节假日安排尚未公布，暂按周一至周五为工作日计算）"


def workdays_add(start: date, count: int) -> date:
    """The date `count` working days after `start` (before it when `count` is negative).

    `start` itself is not counted, so workdays_add(Friday, 1) is the next working day.
    """
    step = timedelta(days=1 if count >= 0 else -1)
    remaining = abs(count)
    day = start
    while remaining:
        day += step
        if is_workday(day):
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
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_workday(day):
            count += 1
    return count
