"""The published exam calendars (R-SC24-13, R-LN-1, R-SC24-4): loading them, finding the row a
plan falls under, and the month view's data.

The calendar file (data/calendar.json) is checked whole before anything is written, and written
in one transaction, so a bad file leaves the database as it was. Rows are matched on their
natural key (region, year, kind, assessment type, number), so loading the same file twice
changes nothing. Rows the file no longer lists are left alone: a plan may point at them.
"""

import calendar as stdlib_calendar
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet

from kaowu.accounts.models import User
from kaowu.accounts.roles import OFFICE_ROLES
from kaowu.accounts.selectors import organisations_visible_to
from kaowu.catalog.models import AssessmentType
from kaowu.catalog.selectors import region_chain
from kaowu.core.services import audit_record
from kaowu.core.workdays import WorkdayCalendarError, holiday_data_covers, is_workday
from kaowu.plans.models import CalendarEntry, Plan, PlanKind, Session
from kaowu.sites.models import Room

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "calendar.json"
DEFAULT_REGION = "510000"
TOP_KEYS = {"version", "sources", "note", "notes", "calendars"}
GROUP_KEYS = {"region_code", "year", "kind", "assessment_type", "source", "note", "entries"}
ENTRY_KEYS = {"number", "registration_deadline", "exam_date", "note"}
# Statuses in which a plan is public (the portal shows the same ones once announced).
PUBLIC_STATUSES = (Plan.Status.APPROVED, Plan.Status.REGISTRATION_OPEN, Plan.Status.REGISTRATION_CLOSED)
WEEKDAY_LABELS = ["一", "二", "三", "四", "五", "六", "日"]


class CalendarFileError(Exception):
    """The calendar file was refused; `errors` names each faulty row ("calendars[0].entries[3]（序号4）…")."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("考核日历文件未通过校验：\n" + "\n".join(errors))


# --- reading and checking -------------------------------------------------------------------


def _text(data: dict, key: str, where: str, errors: list[str], *, required: bool = False) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            errors.append(f"{where}.{key}: 不能为空")
        return ""
    if not isinstance(value, str):
        errors.append(f"{where}.{key}: 应为文字")
        return ""
    return value.strip()


def _integer(data: dict, key: str, where: str, errors: list[str], *, low: int, high: int) -> int | None:
    value = data.get(key)
    if value is None or value == "":
        errors.append(f"{where}.{key}: 不能为空")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors.append(f"{where}.{key}: 应为{low}至{high}之间的整数")
        return None
    return value


def _day(data: dict, key: str, where: str, errors: list[str], *, required: bool) -> date | None:
    value = data.get(key)
    if value is None or value == "":
        if required:
            errors.append(f"{where}.{key}: 不能为空")
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        errors.append(f"{where}.{key}: 日期格式应为 YYYY-MM-DD（现为“{value}”）")
        return None


def _unknown(data: dict, allowed: set[str], where: str, errors: list[str]) -> None:
    for key in sorted(set(data) - allowed):
        errors.append(f"{where}.{key}: 未知字段（可用字段：{'、'.join(sorted(allowed))}）")


def _check_group(where: str, group: Any, errors: list[str]) -> list[tuple[str, dict]]:
    """One calendar (a region's year of one kind): its defaults and its rows, as CalendarEntry values."""
    if not isinstance(group, dict):
        errors.append(f"{where}: 应为对象（{{…}}）")
        return []
    _unknown(group, GROUP_KEYS, where, errors)
    before = len(errors)
    region = _text(group, "region_code", where, errors, required=True)
    if region and (len(region) != 6 or not region.isdigit()):
        errors.append(f"{where}.region_code: 地区代码应为6位数字（现为“{region}”）")
    year = _integer(group, "year", where, errors, low=2000, high=2100)
    kind = _text(group, "kind", where, errors, required=True)
    if kind and kind not in PlanKind.values:
        errors.append(f"{where}.kind: “{kind}”无效，应为 {'、'.join(PlanKind.values)} 之一")
    assessment_type = _text(group, "assessment_type", where, errors, required=True)
    if assessment_type and assessment_type not in AssessmentType.values:
        errors.append(f"{where}.assessment_type: “{assessment_type}”无效，应为 {'、'.join(AssessmentType.values)} 之一")
    source = _text(group, "source", where, errors)
    note = _text(group, "note", where, errors)
    entries = group.get("entries")
    if not isinstance(entries, list) or not entries:
        errors.append(f"{where}.entries: 应为非空列表（[…]）")
        return []
    if len(errors) != before:
        return []

    rows = []
    for i, data in enumerate(entries):
        row_where = f"{where}.entries[{i}]"
        if not isinstance(data, dict):
            errors.append(f"{row_where}: 应为对象（{{…}}）")
            continue
        if isinstance(data.get("number"), int) and not isinstance(data.get("number"), bool):
            row_where += f"（{year}年第{data['number']}行）"
        row_before = len(errors)
        _unknown(data, ENTRY_KEYS, row_where, errors)
        values = {
            "region_code": region, "year": year, "kind": kind, "assessment_type": assessment_type,
            "number": _integer(data, "number", row_where, errors, low=1, high=999),
            "registration_deadline": _day(data, "registration_deadline", row_where, errors, required=False),
            "exam_date": _day(data, "exam_date", row_where, errors, required=True),
            "note": _text(data, "note", row_where, errors) or note,
            "source": source,
        }
        exam, deadline = values["exam_date"], values["registration_deadline"]
        if exam and exam.year != year:
            errors.append(f"{row_where}.exam_date: 考核日期{exam:%Y年%m月%d日}不在{year}年度内")
        if exam and deadline and deadline > exam:
            errors.append(f"{row_where}.registration_deadline: 报名截止日期{deadline:%Y年%m月%d日}晚于考核日期")
        if len(errors) == row_before:
            try:
                CalendarEntry(**values).clean_fields()
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    errors.extend(f"{row_where}.{name}: {message}" for message in messages)
        if len(errors) == row_before:
            rows.append((row_where, values))
    return rows


def calendar_check(document: Any) -> list[tuple[str, dict]]:
    """Check a parsed calendar document; raise CalendarFileError listing every faulty row."""
    if not isinstance(document, dict):
        raise CalendarFileError(["文件内容应为 JSON 对象"])
    errors: list[str] = []
    _unknown(document, TOP_KEYS, "(文件)", errors)
    if not isinstance(document.get("version"), str) or not document["version"].strip():
        errors.append("version: 须填写数据版本")
    if not isinstance(document.get("sources"), list) or not document["sources"]:
        errors.append("sources: 须列出数据来源")
    groups = document.get("calendars")
    if not isinstance(groups, list) or not groups:
        errors.append("calendars: 应为非空列表（[…]）")
        groups = []
    rows: list[tuple[str, dict]] = []
    for i, group in enumerate(groups):
        rows += _check_group(f"calendars[{i}]", group, errors)
    seen: dict[tuple, str] = {}
    for where, values in rows:
        key = tuple(values[k] for k in ("region_code", "year", "kind", "assessment_type", "number"))
        if key in seen:
            errors.append(f"{where}: 序号与 {seen[key]} 重复")
        else:
            seen[key] = where
    if errors:
        raise CalendarFileError(errors)
    return rows


def _read(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError as exc:
        raise CalendarFileError([f"找不到考核日历文件 {path}"]) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f"第{exc.lineno}行第{exc.colno}列：" if isinstance(exc, json.JSONDecodeError) else ""
        raise CalendarFileError([f"{path.name} 不是有效的 JSON（{where}{exc}）"]) from exc


# --- writing --------------------------------------------------------------------------------

KEY_FIELDS = ("region_code", "year", "kind", "assessment_type", "number")


@transaction.atomic
def calendar_load(*, path: Path | str | None = None, by: User | None = None) -> dict[str, int]:
    """Load the calendar file; return how many rows were created, updated and left unchanged."""
    source = Path(path) if path is not None else DEFAULT_PATH
    document = _read(source)
    rows = calendar_check(document)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for _where, values in rows:
        key = {k: values[k] for k in KEY_FIELDS}
        fields = {k: v for k, v in values.items() if k not in KEY_FIELDS}
        entry = CalendarEntry.objects.filter(**key).first()
        if entry is None:
            CalendarEntry.objects.create(**key, **fields)
            counts["created"] += 1
            continue
        changed = [name for name, value in fields.items() if getattr(entry, name) != value]
        if not changed:
            counts["unchanged"] += 1
            continue
        for name in changed:
            setattr(entry, name, fields[name])
        entry.save(update_fields=[*changed, "updated_at"])
        counts["updated"] += 1
    audit_record(
        action="calendar.load", actor=by,
        after={"file": source.name, "version": document["version"].strip(), "counts": counts},
    )
    return counts


def counts_summary(counts: dict[str, int]) -> str:
    return f"考核日历：新增 {counts['created']}，更新 {counts['updated']}，未变 {counts['unchanged']}"


# --- reading --------------------------------------------------------------------------------


def calendar_entry_for(
    *, region_code: str, kind: str, assessment_type: str, exam_date: date, completion_days: int
) -> CalendarEntry | None:
    """The calendar row an exam on `exam_date` belongs to, or None when it is off the calendar.

    R-SC24-13: an exam is completed within `completion_days` of its calendar date, so the row is
    the one with row.exam_date <= exam_date <= row.exam_date + completion_days (the latest such
    row when two overlap). A region without its own calendar uses its city's, then its province's.
    """
    chain = region_chain(region_code)
    candidates = list(
        CalendarEntry.objects.filter(
            region_code__in=chain, kind=kind, assessment_type=assessment_type,
            exam_date__lte=exam_date, exam_date__gte=exam_date - timedelta(days=completion_days),
        ).order_by("-exam_date")
    )
    for code in chain:
        for entry in candidates:
            if entry.region_code == code:
                return entry
    return None


def month_shift(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def user_region(user: User) -> str:
    """The region whose calendars a user reads: its organisation's, else the default province."""
    organisation = getattr(user, "organisation", None)
    code = getattr(organisation, "region_code", "") or ""
    return code if len(code) == 6 and code.isdigit() else DEFAULT_REGION


def plans_in_calendar_of(user: User) -> QuerySet[Plan]:
    """Plans whose sessions a user sees in the calendar.

    Office roles see every plan of the institutions in their subtree; the other roles (assessors,
    candidates, ...) see only the announced plans of their own organisation's subtree, which are
    public anyway.
    """
    if not user.is_authenticated or user.organisation_id is None:
        return Plan.objects.none()
    if user.role in OFFICE_ROLES:
        return Plan.objects.filter(institution__in=organisations_visible_to(user))
    return Plan.objects.filter(
        institution__path__startswith=user.organisation.path,
        status__in=PUBLIC_STATUSES, announced_at__isnull=False,
    )


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool
    workday: bool | None  # None: a year before the holiday data
    exams: list[CalendarEntry] = field(default_factory=list)
    deadlines: list[CalendarEntry] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)

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
    holidays_known: bool
    weekday_labels: list[str] = field(default_factory=lambda: list(WEEKDAY_LABELS))

    @property
    def days(self) -> list[CalendarDay]:
        """The days of the month itself, for the list shown on small screens."""
        return [d for week in self.weeks for d in week if d.in_month]

    @property
    def event_days(self) -> list[CalendarDay]:
        return [d for d in self.days if d.is_listed]


def calendar_month_for(*, user: User, year: int, month: int, today: date) -> CalendarMonth:
    """The month grid (Monday first) with calendar rows, holidays and the user's plan sessions."""
    weeks_of_dates = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks_of_dates[0][0], weeks_of_dates[-1][-1]
    region = user_region(user)
    entries = CalendarEntry.objects.filter(region_code__in=region_chain(region)).filter(
        Q(exam_date__range=(first, last)) | Q(registration_deadline__range=(first, last))
    ).order_by("exam_date", "number")
    sessions = (
        Session.objects.filter(plan__in=plans_in_calendar_of(user), date__range=(first, last))
        .select_related("plan", "subject", "item__occupation", "item__special_item")
        .prefetch_related(Prefetch("rooms", queryset=Room.objects.select_related("site")))
        .order_by("date", "start")
    )
    days: dict[date, CalendarDay] = {}
    # A year not announced yet is counted Monday to Friday; the page says so.
    holidays_known = holiday_data_covers(first, last)
    weeks = []
    for week in weeks_of_dates:
        row = []
        for d in week:
            try:
                workday = is_workday(d)
            except WorkdayCalendarError:
                workday = None
                holidays_known = False
            days[d] = CalendarDay(day=d, in_month=d.month == month, is_today=d == today, workday=workday)
            row.append(days[d])
        weeks.append(row)
    for entry in entries:
        if first <= entry.exam_date <= last:
            days[entry.exam_date].exams.append(entry)
        if entry.registration_deadline and first <= entry.registration_deadline <= last:
            days[entry.registration_deadline].deadlines.append(entry)
    for session in sessions:
        days[session.date].sessions.append(session)
    return CalendarMonth(
        year=year, month=month, region_code=region, weeks=weeks,
        previous=month_shift(year, month, -1), next=month_shift(year, month, 1), holidays_known=holidays_known,
    )
