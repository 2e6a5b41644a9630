"""The month grid of the calendar page (Monday first): days, working days, holidays (调休), no Django.

Pure module: the selector fills each day with its calendar rows and plan sessions; what a day is
(a holiday, an adjusted working day, a day shown in the small-screen list) is decided here.
"""

import calendar as stdlib_calendar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kaowu.core.workdays import WorkdayCalendarError, holiday_data_covers, is_workday, uncovered_years, years_text

WEEKDAY_LABELS = ["一", "二", "三", "四", "五", "六", "日"]


def month_shift(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool
    workday: bool | None  # None: a year before the holiday data
    # CalendarEntry and Session rows, appended by the selector.
    exams: list[Any] = field(default_factory=list)
    deadlines: list[Any] = field(default_factory=list)
    sessions: list[Any] = field(default_factory=list)

    @property
    def weekday_label(self) -> str:
        return "星期" + WEEKDAY_LABELS[self.day.weekday()]

    @property
    def is_holiday(self) -> bool:
        """A weekday off (法定节假日)."""
        return self.workday is False and self.day.weekday() < 5

    @property
    def is_adjusted_workday(self) -> bool:
        """A weekend day worked (调休上班)."""
        return self.workday is True and self.day.weekday() >= 5

    @property
    def is_rest(self) -> bool:
        return self.workday is False or (self.workday is None and self.day.weekday() >= 5)

    @property
    def has_events(self) -> bool:
        return bool(self.exams or self.deadlines or self.sessions)

    @property
    def is_listed(self) -> bool:
        """Shown in the small-screen list: a day of the month that carries something."""
        return self.in_month and (self.has_events or self.is_holiday or self.is_adjusted_workday)


@dataclass
class CalendarMonth:
    year: int
    month: int
    region_code: str
    weeks: list[list[CalendarDay]]
    previous: tuple[int, int]
    next: tuple[int, int]
    holidays_known: bool  # the days of the month itself
    # Years of the grid's days (the month's, and those of the weeks' ends in the next or previous month)
    # whose holidays are not known: the December grid shows 1–3 January of the next year.
    unknown_years: list[int] = field(default_factory=list)
    weekday_labels: list[str] = field(default_factory=lambda: list(WEEKDAY_LABELS))

    @property
    def unknown_years_text(self) -> str:
        return years_text(self.unknown_years)

    @property
    def days(self) -> list[CalendarDay]:
        """The days of the month itself, for the list shown on small screens."""
        return [d for week in self.weeks for d in week if d.in_month]

    @property
    def event_days(self) -> list[CalendarDay]:
        return [d for d in self.days if d.is_listed]


def calendar_month_grid(*, year: int, month: int, today: date, region_code: str) -> CalendarMonth:
    """The empty month grid: whole weeks from Monday, each day marked as a working day or not."""
    weeks_of_dates = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    # A year not announced yet (nor entered by the province) is counted Monday to Friday; the page says so.
    in_month = [d for week in weeks_of_dates for d in week if d.month == month]
    holidays_known = holiday_data_covers(in_month[0], in_month[-1])
    unknown = uncovered_years(weeks_of_dates[0][0], weeks_of_dates[-1][-1])
    weeks = []
    for week in weeks_of_dates:
        row = []
        for d in week:
            try:
                workday = is_workday(d)
            except WorkdayCalendarError:
                workday = None
                holidays_known = False
            row.append(CalendarDay(day=d, in_month=d.month == month, is_today=d == today, workday=workday))
        weeks.append(row)
    return CalendarMonth(
        year=year, month=month, region_code=region_code, weeks=weeks,
        previous=month_shift(year, month, -1), next=month_shift(year, month, 1), holidays_known=holidays_known,
        unknown_years=unknown,
    )
