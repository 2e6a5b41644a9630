"""Result deadlines (pure) across 国庆 2026: 1–7 October are holidays and Saturday 10 October is worked."""

from datetime import date

import pytest

from kaowu.scoring.deadlines import (
    confirm_due,
    months_add,
    next_workday_from,
    publication_ends,
    publication_start_latest,
    recheck_until,
    report_due,
)

EXAM_END = date(2026, 9, 30)  # Wednesday, the last working day before 国庆


def test_r_fj_10_scores_of_an_exam_ending_before_national_day_are_due_after_the_holiday():
    # 8, 9 and 10 October (a 调休 Saturday) are the three working days after the exam.
    assert report_due(EXAM_END) == date(2026, 10, 10)
    assert report_due(EXAM_END, 1) == date(2026, 10, 8)


def test_r_fj_10_the_center_confirms_within_three_working_days_of_the_report():
    assert confirm_due(date(2026, 10, 10)) == date(2026, 10, 14)  # 12, 13, 14 October
    assert confirm_due(date(2026, 9, 29)) == date(2026, 10, 9)  # 30 September, 8 and 9 October


def test_r_cq_12_results_are_published_by_the_tenth_working_day_after_the_exam():
    assert publication_start_latest(EXAM_END) == date(2026, 10, 20)


def test_r_cq_12_the_publication_lasts_at_least_five_working_days_not_counting_its_first():
    assert publication_ends(date(2026, 10, 20)) == date(2026, 10, 27)
    assert publication_ends(date(2026, 9, 28)) == date(2026, 10, 10)  # 29, 30 Sep; 8, 9, 10 Oct


def test_r_fj_11_r_cq_12_the_recheck_window_is_the_later_of_ten_days_and_one_month():
    assert recheck_until(date(2026, 10, 20)) == date(2026, 11, 20)  # one month beats ten days
    assert recheck_until(date(2026, 10, 20), recheck_days=40) == date(2026, 11, 30)  # 29 Nov is a Sunday


def test_r_fj_11_a_ten_day_window_ending_in_national_day_ends_on_the_first_working_day_after():
    assert recheck_until(date(2026, 9, 21), recheck_days=10, appeal_months=0) == date(2026, 10, 8)


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)), (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2026, 11, 15), 2, date(2027, 1, 15)), (date(2026, 10, 20), 0, date(2026, 10, 20)),
])
def test_months_are_calendar_months_clamped_to_the_month_end(day, months, expected):
    assert months_add(day, months) == expected


def test_a_day_off_moves_to_the_next_working_day():
    assert next_workday_from(date(2026, 10, 1)) == date(2026, 10, 8)
    assert next_workday_from(date(2026, 10, 10)) == date(2026, 10, 10)  # the 调休 Saturday is worked
