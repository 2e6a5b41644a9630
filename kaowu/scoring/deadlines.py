"""The dates a plan's results run by, from the exam's last day to the end of the recheck window. Pure module
(no Django): the profile's values come in as plain ints, working days through kaowu/core/workdays.py (which
knows the public holidays and the 调休 working days, e.g. 国庆 and the Saturday worked after it).

Decisions:
- "within N working days after" is the Nth working day after the day, that day not counted
  (workdays_add): results of an exam ending on Wednesday 30 September 2026 are due on Saturday
  10 October, the third working day after the 国庆 holiday (10 October is a 调休 working day).
- The publication (公示) lasts at least N working days (R-CQ-12): the day it goes up is not counted, since
  it may go up in the afternoon, so it ends at the end of the Nth working day after it.
- Recheck (复查) window: R-FJ-11 gives 10 days from the publication, R-CQ-12 one month after it. Both are
  in the profile and both are a candidate's minimum, so the later date wins (with the national values:
  one month). A window counted in calendar days or months whose last day is not a working day ends on
  the next working day (民法典 第二百零三条: a period ending on a holiday ends on the day after it), so a
  candidate never loses the last day to a weekend or a holiday. Months are calendar months; 31 January
  plus one month is 28 (29) February.
"""

import calendar
from datetime import date, timedelta

from kaowu.core.workdays import is_workday, workdays_add

DEFAULT_REPORT_WORKDAYS = 3  # R-FJ-10
DEFAULT_CONFIRM_WORKDAYS = 3  # R-FJ-10
DEFAULT_PUBLICATION_WORKDAYS = 10  # R-CQ-12
DEFAULT_PUBLICATION_MIN_WORKDAYS = 5  # R-CQ-12
DEFAULT_RECHECK_DAYS = 10  # R-FJ-11
DEFAULT_APPEAL_MONTHS = 1  # R-CQ-12


def report_due(exam_end: date, workdays: int = DEFAULT_REPORT_WORKDAYS) -> date:
    """R-FJ-10: the institution reports the scores within `workdays` working days after the exam."""
    return workdays_add(exam_end, workdays)


def confirm_due(submitted_on: date, workdays: int = DEFAULT_CONFIRM_WORKDAYS) -> date:
    """R-FJ-10: the center confirms the scores within `workdays` working days after they were reported."""
    return workdays_add(submitted_on, workdays)


def publication_start_latest(exam_end: date, workdays: int = DEFAULT_PUBLICATION_WORKDAYS) -> date:
    """R-CQ-12: the results are published (公示) by the `workdays`th working day after the exam."""
    return workdays_add(exam_end, workdays)


def publication_ends(published_on: date, workdays: int = DEFAULT_PUBLICATION_MIN_WORKDAYS) -> date:
    """R-CQ-12: the earliest last day of a publication of at least `workdays` working days."""
    return workdays_add(published_on, workdays)


def months_add(day: date, months: int) -> date:
    """The same day `months` calendar months later, the month's last day where it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_workday_from(day: date) -> date:
    """`day` if it is a working day, else the first working day after it."""
    while not is_workday(day):
        day += timedelta(days=1)
    return day


def recheck_until(published_on: date, recheck_days: int = DEFAULT_RECHECK_DAYS,
                  appeal_months: int = DEFAULT_APPEAL_MONTHS) -> date:
    """The last day to ask for a recheck: the later of `recheck_days` days (R-FJ-11) and `appeal_months`
    months (R-CQ-12) after the publication, moved to the next working day when it falls on a day off."""
    later = max(published_on + timedelta(days=recheck_days), months_add(published_on, appeal_months))
    return next_workday_from(later)


__all__ = [
    "confirm_due", "months_add", "next_workday_from", "publication_ends", "publication_start_latest",
    "recheck_until", "report_due",
]
