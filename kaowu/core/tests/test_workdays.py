from datetime import date

import pytest

from kaowu.core.workdays import (
    WorkdayCalendarError,
    holiday_data_covers,
    is_workday,
    uncovered_note,
    workdays_add,
    workdays_before,
    workdays_between,
)


def test_three_working_days_after_friday_before_national_day_2024_is_october_8():
    assert workdays_add(date(2024, 9, 27), 3) == date(2024, 10, 8)


def test_adjusted_working_sunday_2024_09_29_counts_and_holidays_do_not():
    assert is_workday(date(2024, 9, 29))  # 调休上班的星期日
    assert not is_workday(date(2024, 10, 1))
    assert not is_workday(date(2024, 9, 28))  # an ordinary Saturday


def test_between_is_the_inverse_of_add():
    start = date(2024, 9, 27)
    for n in range(0, 25):
        assert workdays_between(start, workdays_add(start, n)) == n


def test_counting_backwards_gives_the_filing_deadline():
    # 10 working days before Monday 2024-10-14 reaches back over the National Day holiday.
    deadline = workdays_before(date(2024, 10, 14), 10)
    assert workdays_between(deadline, date(2024, 10, 14)) == 10
    assert deadline == date(2024, 9, 25)  # 9-29 (Sunday) and 10-12 (Saturday) were working days


def test_between_is_negative_when_the_end_is_earlier():
    assert workdays_between(date(2024, 10, 8), date(2024, 9, 27)) == -3


def test_a_year_not_announced_yet_counts_monday_to_friday_and_says_so():
    assert workdays_add(date(2099, 1, 2), 1) == date(2099, 1, 5)  # Friday → Monday
    assert not holiday_data_covers(date(2099, 1, 2))
    assert "2099年节假日安排尚未公布" in uncovered_note(date(2024, 5, 1), date(2099, 1, 2))
    assert uncovered_note(date(2024, 5, 1)) == ""


def test_a_year_before_the_holiday_data_is_refused_in_chinese():
    with pytest.raises(WorkdayCalendarError, match="节假日数据从"):
        workdays_add(date(1990, 1, 1), 1)
