"""Loading the published exam calendars (R-SC24-13, R-LN-1, R-SC24-4) from their data file.

The calendar file (data/calendar.json) is checked whole before anything is written, and written
in one transaction, so a bad file leaves the database as it was. Rows are matched on their
natural key (region, year, kind, assessment type, number), so loading the same file twice
changes nothing. Rows the file no longer lists are left alone: a plan may point at them.
"""

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kaowu.accounts.models import User
from kaowu.catalog.models import AssessmentType
from kaowu.core.services import audit_record
from kaowu.plans.audit import PlanAction
from kaowu.plans.models import CalendarEntry, PlanKind

# The data file stays in the app's data/ folder (the command's help names it there).
DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "calendar.json"
TOP_KEYS = {"version", "sources", "note", "notes", "calendars"}
GROUP_KEYS = {"region_code", "year", "kind", "assessment_type", "source", "note", "entries"}
ENTRY_KEYS = {"number", "registration_deadline", "exam_date", "note"}


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
        action=PlanAction.CALENDAR_LOAD, actor=by,
        after={"file": source.name, "version": document["version"].strip(), "counts": counts},
    )
    return counts


def counts_summary(counts: dict[str, int]) -> str:
    return f"考核日历：新增 {counts['created']}，更新 {counts['updated']}，未变 {counts['unchanged']}"
