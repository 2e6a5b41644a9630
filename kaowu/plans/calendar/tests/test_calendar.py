"""The published exam calendars: loading (R-SC24-13, R-LN-1), finding a plan's row, the month view."""

import json
from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from kaowu.accounts.models import Organisation
from kaowu.accounts.services import organisation_create
from kaowu.catalog.models import AssessmentType, SpecialItem
from kaowu.core.models import AuditEvent
from kaowu.core.tests.html import external_links
from kaowu.plans.calendar.selectors import calendar_entry_for
from kaowu.plans.calendar.services import DEFAULT_PATH, CalendarFileError, calendar_load
from kaowu.plans.models import CalendarEntry, Plan, PlanItem, PlanKind, Session
from kaowu.sites.models import Room, Site

pytestmark = pytest.mark.django_db

SICHUAN_DAILY = {"region_code": "510000", "year": 2024, "kind": PlanKind.DAILY,
                 "assessment_type": AssessmentType.SPECIAL_ABILITY}


@pytest.fixture
def calendar(db):
    return calendar_load()


@pytest.fixture
def document():
    return json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))


def write(tmp_path, document):
    path = tmp_path / "calendar.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def entry_for(day: date, region_code: str = "510104", completion_days: int = 7):
    return calendar_entry_for(
        region_code=region_code, kind=PlanKind.DAILY, assessment_type=AssessmentType.SPECIAL_ABILITY,
        exam_date=day, completion_days=completion_days,
    )


# --- plans, built directly: the plan services are written alongside -----------------------


def make_plan(institution: Organisation, *, name: str, day: date, status=Plan.Status.APPROVED, announced=True,
              start=time(9, 0)) -> Plan:
    item_code = f"T{Plan.objects.count() + 1:03d}"
    special = SpecialItem.objects.create(code=item_code, name=f"测试项目{item_code}")
    plan = Plan.objects.create(
        institution=institution, reviewing_center=institution.parent, name=name, kind=PlanKind.DAILY,
        assessment_type=AssessmentType.SPECIAL_ABILITY, status=status,
        registration_place="本站一楼报名处", registration_opens=day - timedelta(days=40),
        registration_closes=day - timedelta(days=20), contact_name="刘老师", contact_phone="028-00000000",
        announced_at=timezone.make_aware(datetime(2024, 9, 1, 9)) if announced else None,
    )
    item = PlanItem.objects.create(plan=plan, special_item=special, expected_candidates=20)
    site = Site.objects.create(
        institution=institution, name=f"{institution.short_name or institution.name}考点{plan.pk}",
        address="测试路1号", region_code=institution.region_code, contact_name="刘老师",
        contact_phone="028-00000000", safety_officer="安全员",
    )
    room = Room.objects.create(site=site, name="101实操室", kind="practical", capacity=20)
    session = Session.objects.create(plan=plan, item=item, date=day, start=start, end=time(11, 0))
    session.rooms.add(room)
    return plan


# --- loading --------------------------------------------------------------------------------


def test_r_sc24_13_loading_creates_the_22_rows_of_the_2024_sichuan_daily_calendar(calendar):
    rows = list(CalendarEntry.objects.filter(**SICHUAN_DAILY).order_by("number"))
    assert len(rows) == 22
    assert [r.number for r in rows] == list(range(1, 23))
    first, last = rows[0], rows[-1]
    assert (first.registration_deadline, first.exam_date) == (date(2024, 1, 5), date(2024, 1, 27))
    assert (last.registration_deadline, last.exam_date) == (date(2024, 11, 22), date(2024, 12, 28))
    assert all(r.source == "川人社职鉴〔2023〕60号 附件2" for r in rows)
    assert all("9:00" in r.note and "7日内" in r.note for r in rows)
    assert all(r.registration_deadline < r.exam_date for r in rows)


def test_r_ln_1_liaoning_2020_unified_days_are_26_and_27_september_with_the_data_deadline(calendar):
    rows = list(CalendarEntry.objects.filter(region_code="210000", year=2020).order_by("exam_date"))
    assert [r.exam_date for r in rows] == [date(2020, 9, 26), date(2020, 9, 27)]
    assert {r.kind for r in rows} == {PlanKind.UNIFIED}
    assert {r.assessment_type for r in rows} == {AssessmentType.QUALIFICATION}
    assert {r.registration_deadline for r in rows} == {date(2020, 9, 10)}
    assert "企业人力资源管理师" in rows[0].note
    assert "育婴员" in rows[1].note and "劳动关系协调员" in rows[1].note
    assert {r.source for r in rows} == {"辽就〔2020〕61号 附件1、附件3"}


def test_loading_twice_changes_nothing_and_writes_one_audit_event_per_load(calendar, province_admin):
    assert calendar == {"created": 24, "updated": 0, "unchanged": 0}
    again = calendar_load(by=province_admin)
    assert again == {"created": 0, "updated": 0, "unchanged": 24}
    assert CalendarEntry.objects.count() == 24
    events = AuditEvent.objects.filter(action="calendar.load")
    assert events.count() == 2
    latest = events.get(actor=province_admin)
    assert latest.after["counts"] == again and latest.after["file"] == "calendar.json"


def test_a_changed_row_is_updated_in_place(calendar, document, tmp_path):
    before = CalendarEntry.objects.get(**SICHUAN_DAILY, number=3)
    document["calendars"][0]["entries"][2]["exam_date"] = "2024-03-16"
    counts = calendar_load(path=write(tmp_path, document))
    assert counts == {"created": 0, "updated": 1, "unchanged": 23}
    after = CalendarEntry.objects.get(**SICHUAN_DAILY, number=3)
    assert after.pk == before.pk and after.exam_date == date(2024, 3, 16)


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["calendars"][0]["entries"][3].update(exam_date="2024-13-01"),
     "calendars[0].entries[3]（2024年第4行）.exam_date: 日期格式应为 YYYY-MM-DD"),
    (lambda d: d["calendars"][0]["entries"][4].update(registration_deadline="2024-05-01"),
     "calendars[0].entries[4]（2024年第5行）.registration_deadline: 报名截止日期2024年05月01日晚于考核日期"),
    (lambda d: d["calendars"][0]["entries"][5].update(number=5),
     "calendars[0].entries[5]（2024年第5行）: 序号与 calendars[0].entries[4]（2024年第5行） 重复"),
    (lambda d: d["calendars"][0]["entries"][6].pop("exam_date"),
     "calendars[0].entries[6]（2024年第7行）.exam_date: 不能为空"),
    (lambda d: d["calendars"][0]["entries"][7].update(exam_date="2025-01-04"),
     "calendars[0].entries[7]（2024年第8行）.exam_date: 考核日期2025年01月04日不在2024年度内"),
    (lambda d: d["calendars"][0].update(kind="weekly"), "calendars[0].kind: “weekly”无效"),
    (lambda d: d["calendars"][1].update(region_code="21"), "calendars[1].region_code: 地区代码应为6位数字"),
    (lambda d: d["calendars"][1]["entries"][0].update(colour="red"),
     "calendars[1].entries[0]（2020年第1行）.colour: 未知字段"),
    (lambda d: d["calendars"][1]["entries"][0].update(note="长" * 201),
     "calendars[1].entries[0]（2020年第1行）.note: "),
])
def test_a_bad_row_is_refused_naming_the_row_in_chinese_and_nothing_is_written(document, tmp_path, change, message):
    change(document)
    with pytest.raises(CalendarFileError) as refused:
        calendar_load(path=write(tmp_path, document))
    assert any(message in error for error in refused.value.errors), refused.value.errors
    assert CalendarEntry.objects.count() == 0
    assert not AuditEvent.objects.filter(action="calendar.load").exists()


def test_a_missing_or_broken_file_is_refused_in_chinese(tmp_path):
    with pytest.raises(CalendarFileError, match="找不到考核日历文件"):
        calendar_load(path=tmp_path / "none.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(CalendarFileError, match="不是有效的 JSON"):
        calendar_load(path=broken)


def test_the_calendar_load_command_prints_the_counts_and_can_be_repeated(capsys):
    call_command("calendar", "load")
    assert "新增 24，更新 0，未变 0" in capsys.readouterr().out
    call_command("calendar", "load")
    assert "新增 0，更新 0，未变 24" in capsys.readouterr().out
    with pytest.raises(CommandError, match="找不到考核日历文件"):
        call_command("calendar", "load", "--file", "/nonexistent/calendar.json")


# --- the row a plan falls under ---------------------------------------------------------------


@pytest.mark.parametrize("days_after", range(8))
def test_r_sc24_13_an_exam_0_to_7_days_after_a_calendar_date_belongs_to_that_row(calendar, days_after):
    entry = entry_for(date(2024, 1, 27) + timedelta(days=days_after))
    assert entry is not None and entry.number == 1 and entry.region_code == "510000"


def test_r_sc24_13_an_exam_8_days_after_a_calendar_date_is_off_the_calendar(calendar):
    assert entry_for(date(2024, 1, 27) + timedelta(days=8)) is None
    assert entry_for(date(2024, 1, 26)) is None


def test_r_sc24_13_when_two_windows_overlap_the_latest_calendar_date_is_taken(calendar):
    # Rows 7 and 8 are 2024-05-18 and 2024-05-25, seven days apart.
    assert entry_for(date(2024, 5, 25)).number == 8
    assert entry_for(date(2024, 5, 24)).number == 7


def test_r_sc24_13_a_district_falls_back_to_its_city_and_then_to_the_province_calendar(calendar):
    assert entry_for(date(2024, 10, 19), region_code="510104").region_code == "510000"
    city_row = CalendarEntry.objects.create(**{**SICHUAN_DAILY, "region_code": "510100"}, number=1,
                                            exam_date=date(2024, 10, 20))
    assert entry_for(date(2024, 10, 21), region_code="510104") == city_row
    assert entry_for(date(2024, 10, 21), region_code="510703").number == 17  # 绵阳 has no row of its own


def test_r_sc24_13_another_kind_or_province_has_no_row(calendar):
    assert calendar_entry_for(region_code="510104", kind=PlanKind.GRADED_UNIFIED,
                              assessment_type=AssessmentType.SPECIAL_ABILITY, exam_date=date(2024, 1, 27),
                              completion_days=7) is None
    assert entry_for(date(2024, 1, 27), region_code="210102") is None
    assert calendar_entry_for(region_code="210102", kind=PlanKind.UNIFIED,
                              assessment_type=AssessmentType.QUALIFICATION, exam_date=date(2020, 9, 27),
                              completion_days=0).exam_date == date(2020, 9, 27)


# --- the month view ----------------------------------------------------------------------------


def october(client):
    return client.get(reverse("calendar_month_of", args=[2024, 10]))


def test_r_sc24_13_the_month_view_shows_exam_days_and_registration_deadlines(calendar, login, chengdu_reviewer):
    response = october(login(chengdu_reviewer))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2024年10月" in html and "星期一" in html and "星期日" in html
    days = {d.day: d for d in response.context["cal"].days}
    assert [e.number for e in days[date(2024, 10, 19)].exams] == [17]
    assert [e.number for e in days[date(2024, 10, 26)].exams] == [18]
    assert [e.number for e in days[date(2024, 10, 11)].deadlines] == [19]
    assert [e.number for e in days[date(2024, 10, 25)].deadlines] == [20]
    assert "第17次日常考核" in html and "报名截止" in html


def test_the_month_grid_starts_on_monday_and_marks_holidays_and_adjusted_working_days(calendar, login,
                                                                                       chengdu_reviewer):
    cal = october(login(chengdu_reviewer)).context["cal"]
    assert cal.weeks[0][0].day == date(2024, 9, 30) and not cal.weeks[0][0].in_month
    assert all(len(week) == 7 and week[0].day.weekday() == 0 for week in cal.weeks)
    days = {d.day: d for d in cal.days}
    assert days[date(2024, 10, 1)].is_holiday  # 国庆节
    assert days[date(2024, 10, 12)].is_adjusted_workday  # Saturday worked for the holiday
    assert not days[date(2024, 10, 8)].is_holiday and not days[date(2024, 10, 8)].is_rest
    assert (cal.previous, cal.next) == ((2024, 9), (2024, 11))


def test_a_year_without_holiday_data_still_renders_with_a_warning(login, chengdu_reviewer):
    client = login(chengdu_reviewer)
    response = client.get(reverse("calendar_month_of", args=[2099, 1]))
    assert response.status_code == 200
    assert "节假日数据尚未覆盖本月" in response.content.decode()
    cal = response.context["cal"]
    assert not cal.holidays_known
    assert not any(d.is_holiday or d.is_adjusted_workday for d in cal.days)
    # Before the data begins the workday calendar refuses; the page still renders.
    early = client.get(reverse("calendar_month_of", args=[2001, 10]))
    assert early.status_code == 200 and "节假日数据尚未覆盖本月" in early.content.decode()
    assert all(d.workday is None for d in early.context["cal"].days)


def test_the_month_view_defaults_to_this_month_and_refuses_a_month_13(login, institution_clerk):
    client = login(institution_clerk)
    cal = client.get(reverse("calendar_month")).context["cal"]
    today = timezone.localdate()
    assert (cal.year, cal.month) == (today.year, today.month)
    assert client.get("/plans/calendar/2024/13/").status_code == 404


def test_the_month_view_needs_a_login(client):
    response = client.get(reverse("calendar_month"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_r_ln_1_a_sichuan_user_does_not_see_the_liaoning_unified_days(calendar, login, chengdu_reviewer):
    cal = login(chengdu_reviewer).get(reverse("calendar_month_of", args=[2020, 9])).context["cal"]
    assert not any(d.exams or d.deadlines for d in cal.days)


def test_r_ln_1_a_liaoning_user_sees_the_unified_days(calendar, login):
    from conftest import make_user

    liaoning = organisation_create(name="辽宁省就业和人才服务中心", kind=Organisation.Kind.PROVINCE, code="210000",
                                   region_code="210000")
    user = make_user("ln_admin", "province_admin", liaoning)
    cal = login(user).get(reverse("calendar_month_of", args=[2020, 9])).context["cal"]
    days = {d.day: d for d in cal.days}
    assert days[date(2020, 9, 26)].exams and days[date(2020, 9, 27)].exams
    assert days[date(2020, 9, 10)].deadlines


def test_mianyang_reviewer_does_not_see_a_chengdu_plan_session_in_the_calendar(
    calendar, login, chengdu_reviewer, mianyang_reviewer, chengdu_institution, mianyang_institution,
):
    make_plan(chengdu_institution, name="成都第一站2024年第17批次专项职业能力考核", day=date(2024, 10, 21))
    make_plan(mianyang_institution, name="绵阳站2024年第17批次专项职业能力考核", day=date(2024, 10, 22))
    seen = october(login(mianyang_reviewer)).content.decode()
    assert "绵阳站2024年第17批次" in seen
    assert "成都第一站2024年第17批次" not in seen
    seen = october(login(chengdu_reviewer)).content.decode()
    assert "成都第一站2024年第17批次" in seen and "绵阳站2024年第17批次" not in seen


def test_an_institution_clerk_sees_its_own_draft_plan_but_not_another_institutions(
    calendar, login, institution_clerk, chengdu_institution, chengdu_other_institution,
):
    make_plan(chengdu_institution, name="本站草稿计划", day=date(2024, 10, 21), status=Plan.Status.DRAFT,
              announced=False)
    make_plan(chengdu_other_institution, name="他站已批准计划", day=date(2024, 10, 22))
    html = october(login(institution_clerk)).content.decode()
    assert "本站草稿计划" in html and "他站已批准计划" not in html
    assert "09:00-11:00" in html and "101实操室" in html


def test_a_candidate_sees_only_announced_plans_of_its_institution(calendar, login, candidate,
                                                                  chengdu_institution):
    make_plan(chengdu_institution, name="已公告计划", day=date(2024, 10, 21))
    make_plan(chengdu_institution, name="未公告计划", day=date(2024, 10, 22), announced=False)
    html = october(login(candidate)).content.decode()
    assert "已公告计划" in html and "未公告计划" not in html
    assert reverse("announcement_detail", args=[Plan.objects.get(name="已公告计划").pk]) in html


def test_the_month_view_takes_a_handful_of_queries_however_many_sessions(
    calendar, login, chengdu_reviewer, chengdu_institution, django_assert_max_num_queries,
):
    for i in range(6):
        make_plan(chengdu_institution, name=f"计划{i}", day=date(2024, 10, 14 + i))
    client = login(chengdu_reviewer)
    with django_assert_max_num_queries(8):
        october(client)


def test_the_month_view_carries_no_inline_style_or_script_nor_links_to_other_hosts(calendar, login,
                                                                                   chengdu_reviewer):
    html = october(login(chengdu_reviewer)).content.decode()
    assert external_links(html) == []
    assert "style=" not in html and "<style" not in html and "<script>" not in html
