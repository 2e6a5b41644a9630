"""The province enters next year's holidays before chinesecalendar has them (admin page, `kaowu holidays-load`);
every working-day count uses them, and a deadline counted through a year nobody entered says so."""

import json
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.template import Context, Template
from django.urls import reverse

from kaowu.core.models import AuditEvent, WorkdayOverride
from kaowu.core.workdays import covered_years, holiday_data_covers, is_workday, workdays_add

pytestmark = pytest.mark.django_db

# The first year chinesecalendar does not know yet (2027 when this was written), and its 元旦 on a weekday.
YEAR = covered_years()[1] + 1
NEW_YEAR = next(date(YEAR, 1, d) for d in range(1, 8) if date(YEAR, 1, d).weekday() < 5)
A_SATURDAY = next(date(YEAR, 2, d) for d in range(1, 8) if date(YEAR, 2, d).weekday() == 5)


def _file(tmp_path, text: str, name: str = "holidays.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def _load(tmp_path, text: str, **kwargs) -> str:
    from io import StringIO

    out = StringIO()
    call_command("holidays_load", _file(tmp_path, text, **kwargs), stdout=out)
    return out.getvalue()


CSV = f"日期,类型,节日,备注\n{NEW_YEAR},放假,元旦,国办发明电\n{A_SATURDAY},调休上班,春节,\n"


def test_new_years_day_is_a_working_day_before_loading_and_a_holiday_after(tmp_path):
    assert is_workday(NEW_YEAR) and not is_workday(A_SATURDAY)
    before = workdays_add(NEW_YEAR - timedelta(days=1), 1)
    assert before == NEW_YEAR

    output = _load(tmp_path, CSV)

    assert f"已导入{YEAR}年节假日安排：放假1天，调休上班1天" in output
    assert not is_workday(NEW_YEAR) and is_workday(A_SATURDAY)
    assert workdays_add(NEW_YEAR - timedelta(days=1), 1) > NEW_YEAR
    assert holiday_data_covers(NEW_YEAR)
    event = AuditEvent.objects.get(action="holidays.load")
    assert event.after["years"] == [YEAR] and event.after["source"] == "holidays.csv"


def test_a_deadline_counted_through_an_unknown_year_is_marked_until_the_year_is_loaded(tmp_path, login,
                                                                                      chengdu_reviewer):
    mark = Template("{% load kaowu %}{{ due|holidays_mark:since }}")
    context = Context({"due": NEW_YEAR + timedelta(days=3), "since": date(YEAR - 1, 12, 28)})
    assert mark.render(context) == f"（{YEAR}年节假日未录入，按周末计算）"

    client = login(chengdu_reviewer)
    january = client.get(reverse("calendar_month_of", args=[YEAR, 1])).content.decode()
    assert "节假日数据尚未覆盖本月" in january
    december = client.get(reverse("calendar_month_of", args=[YEAR - 1, 12])).content.decode()
    assert f"{YEAR}年节假日安排尚未录入" in december  # the grid's last week runs into January

    _load(tmp_path, CSV)

    assert mark.render(context) == ""
    january = client.get(reverse("calendar_month_of", args=[YEAR, 1])).content.decode()
    assert "节假日数据尚未覆盖本月" not in january and 'title="法定节假日"' in january
    december = client.get(reverse("calendar_month_of", args=[YEAR - 1, 12])).content.decode()
    assert "尚未录入" not in december


def test_a_bad_file_is_refused_naming_row_and_column_and_nothing_is_loaded(tmp_path):
    text = (f"日期,类型,节日\n{NEW_YEAR},放假,元旦\n{YEAR}-02-30,放假,春节\n{A_SATURDAY},加班,春节\n"
            f"{NEW_YEAR},放假,\n")
    with pytest.raises(CommandError) as refused:
        _load(tmp_path, text)
    message = str(refused.value)
    assert f"第3行 日期列：“{YEAR}-02-30”不是有效日期" in message
    assert "第4行 类型列：“加班”应为“放假”（holiday）或“调休上班”（workday）" in message
    assert "第5行 节日列：不能为空" in message and "第5行 日期列" in message and "与第2行重复" in message
    assert not WorkdayOverride.objects.exists()
    assert is_workday(NEW_YEAR)


def test_a_file_without_the_expected_header_says_which_column_is_missing(tmp_path):
    with pytest.raises(CommandError, match="第1行 表头缺少“类型”列"):
        _load(tmp_path, f"日期,节日\n{NEW_YEAR},元旦\n")


def test_gbk_csv_and_json_files_load_too(tmp_path):
    _load(tmp_path, CSV, encoding="gbk")
    assert not is_workday(NEW_YEAR)
    rows = [{"date": str(NEW_YEAR), "kind": "holiday", "name": "元旦"},
            {"date": str(NEW_YEAR + timedelta(days=1)), "kind": "holiday", "name": "元旦"}]
    _load(tmp_path, json.dumps(rows, ensure_ascii=False), name="h.json")
    # Loading a year again replaces its entries: the Saturday of the CSV is gone.
    assert WorkdayOverride.objects.count() == 2 and not is_workday(A_SATURDAY)


def test_an_entry_made_in_the_admin_counts_at_once_and_is_audited(client, login, province_admin):
    login(province_admin)
    response = client.post(reverse("admin:core_workdayoverride_add"),
                           {"day": str(NEW_YEAR), "kind": "holiday", "name": "元旦", "note": "国办发明电〔2026〕"})
    assert response.status_code == 302
    assert not is_workday(NEW_YEAR)
    assert AuditEvent.objects.filter(action="core.workdayoverride.create").exists()
    entry = WorkdayOverride.objects.get()
    client.post(reverse("admin:core_workdayoverride_delete", args=[entry.pk]), {"post": "yes"})
    assert is_workday(NEW_YEAR)


def test_only_the_province_admin_reaches_the_holiday_admin(client, login, chengdu_reviewer, institution_clerk):
    for outsider in (chengdu_reviewer, institution_clerk):
        login(outsider)
        response = client.get(reverse("admin:core_workdayoverride_changelist"))
        assert response.status_code == 302 and "/login/" in response["Location"]
        client.logout()
