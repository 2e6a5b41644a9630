"""A score deadline counted through a year whose holidays nobody has entered yet says so where it is shown,
and no longer once the province has entered that year."""

import re
from datetime import date

import pytest

from kaowu.core.holidays import HolidayRow, holidays_load
from kaowu.core.workdays import covered_years
from kaowu.plans.models import Session
from kaowu.scoring.tests.factories import release_world_build

pytestmark = pytest.mark.django_db

YEAR = covered_years()[1] + 1  # the first year chinesecalendar does not know (2027 when this was written)
MARK = f"（{YEAR}年节假日未录入，按周末计算）"


def _report_due(html: str) -> str:
    match = re.search(r'<dt class="col-5">上报期限</dt><dd[^>]*>(.*?)</dd>', html)
    assert match, "no 上报期限 on the page"
    return match.group(1)


def test_the_report_deadline_of_an_exam_at_the_end_of_the_year_is_marked_until_the_year_is_entered(
        client, login, institution_clerk, chengdu_reviewer):
    rw = release_world_build(institution_clerk, chengdu_reviewer)
    Session.objects.filter(plan=rw.plan).update(date=date(YEAR - 1, 12, 30))
    login(institution_clerk)
    html = client.get(f"/scores/release/plans/{rw.plan.pk}/").content.decode()
    assert MARK in _report_due(html)
    counted_as_working_day = _report_due(html)

    holidays_load(rows=[HolidayRow(day=date(YEAR, 1, 1), kind="holiday", name="元旦")])

    html = client.get(f"/scores/release/plans/{rw.plan.pk}/").content.decode()
    assert MARK not in _report_due(html)
    # 元旦 is no longer counted as a working day: the deadline moves.
    assert _report_due(html).split("（")[0] != counted_as_working_day.split("（")[0]
