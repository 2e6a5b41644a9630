"""The province's holiday entries (WorkdayOverride): reading a file of them, storing them (audited) and feeding
them to the pure kaowu.core.workdays, which every deadline goes through.

Cache: the table is read at most once per KAOWU_HOLIDAY_CACHE_SECONDS (60) per process and again at once
after a change made in this process (a save or delete of a row, a file loaded); another server process or
worker sees a change within that time. The entries change a few times a year, deadlines are computed on
most pages: one query a minute instead of one per computation.

File (`kaowu holidays-load 2027.csv`, CSV in UTF-8 with or without BOM, or GBK as Chinese Excel writes it; or
JSON, a list of objects with the same keys): columns 日期 (date, YYYY-MM-DD), 类型 (kind: 放假/holiday or
调休上班/workday), 节日 (name), 备注 (note, optional). Loading replaces the entries of the years the file names,
so a corrected file wins; it is all or nothing, and every bad row is named with its column.
"""

import csv
import io
import json
import time
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save

from kaowu.core import workdays
from kaowu.core.audit import CoreAction
from kaowu.core.models import WorkdayOverride
from kaowu.core.services import audit_record

Kind = WorkdayOverride.Kind

# --- the cache the pure module reads ---------------------------------------------------------------------

_cache: dict = {"overrides": None, "loaded_at": 0.0}


def overrides_read() -> workdays.Overrides:
    """The entries as stored, for kaowu.core.workdays."""
    rows = WorkdayOverride.objects.values_list("day", "kind")
    return workdays.Overrides.of({day: kind == Kind.WORKDAY for day, kind in rows})


def overrides_cached() -> workdays.Overrides:
    """The source installed into kaowu.core.workdays (CoreConfig.ready)."""
    seconds = getattr(settings, "KAOWU_HOLIDAY_CACHE_SECONDS", 60)
    cached = _cache["overrides"]
    if cached is not None and time.monotonic() - _cache["loaded_at"] < seconds:
        return cached
    try:
        overrides = overrides_read()
    except (DatabaseError, RuntimeError):
        # Before `migrate` created the table, or where the database may not be touched (a test of a pure
        # module): the package alone, asked again next time. (No savepoint around the read: it would cost
        # two more statements on every reload, and the table exists wherever a transaction is open.)
        return workdays.NO_OVERRIDES
    _cache.update(overrides=overrides, loaded_at=time.monotonic())
    return overrides


def overrides_forget(**_kwargs) -> None:
    """Read the table again on the next computation."""
    _cache.update(overrides=None, loaded_at=0.0)


def overrides_prime(overrides: workdays.Overrides = workdays.NO_OVERRIDES) -> None:
    """Tell the cache what the table holds without reading it (tests: every test starts with an empty table,
    and a read would add a query to the tests that count them)."""
    _cache.update(overrides=overrides, loaded_at=time.monotonic())


def overrides_install() -> None:
    workdays.overrides_source_set(overrides_cached)
    post_save.connect(overrides_forget, sender=WorkdayOverride, dispatch_uid="workday-override-saved")
    post_delete.connect(overrides_forget, sender=WorkdayOverride, dispatch_uid="workday-override-deleted")


# --- reading a file --------------------------------------------------------------------------------------

COLUMNS = {"day": "日期", "kind": "类型", "name": "节日", "note": "备注"}
HEADER_SYNONYMS = {
    "day": {"日期", "date", "day"},
    "kind": {"类型", "kind", "type", "放假/上班"},
    "name": {"节日", "名称", "节假日", "name", "holiday"},
    "note": {"备注", "说明", "note", "remark"},
}
KIND_WORDS = {
    Kind.HOLIDAY: {"holiday", "放假", "休", "休息", "假", "节假日", "off"},
    Kind.WORKDAY: {"workday", "调休上班", "上班", "班", "调休", "补班", "work"},
}


class HolidayFileError(ValueError):
    """A file of holiday entries that cannot be loaded; `errors` are Chinese lines naming row and column."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class HolidayRow:
    day: date
    kind: str
    name: str
    note: str = ""


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise HolidayFileError(["文件既不是 UTF-8 也不是 GBK 编码，请另存为 UTF-8 的 CSV 文件"])


def _records(text: str, filename: str) -> list[tuple[int, dict[str, str]]]:
    """(row number as the user sees it, {column key: text}) of a CSV or JSON text."""
    stripped = text.lstrip()
    if filename.lower().endswith(".json") or stripped.startswith(("[", "{")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise HolidayFileError([f"第{exc.lineno}行：JSON 格式有误（{exc.msg}）"]) from exc
        if isinstance(data, dict):
            data = data.get("days") or data.get("holidays") or []
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise HolidayFileError(["JSON 文件应为对象列表，如 [{\"date\": \"2027-01-01\", \"kind\": \"holiday\", "
                                    "\"name\": \"元旦\"}]"])
        keyed = []
        for number, item in enumerate(data, start=1):
            keys = _header_keys(list(item))
            keyed.append((number, {keys[k]: "" if v is None else str(v) for k, v in item.items() if k in keys}))
        return keyed
    rows = list(csv.reader(io.StringIO(text)))
    while rows and not any(cell.strip() for cell in rows[0]):
        rows.pop(0)
    if not rows:
        raise HolidayFileError(["文件是空的：第1行应为表头 日期,类型,节日,备注"])
    header = _header_keys(rows[0])
    missing = [COLUMNS[key] for key in ("day", "kind", "name") if key not in header.values()]
    if missing:
        raise HolidayFileError([f"第1行 表头缺少“{'”“'.join(missing)}”列；应为 日期,类型,节日,备注"
                                f"（或 date,kind,name,note），实际为“{','.join(rows[0])}”"])
    positions = {index: header[cell] for index, cell in enumerate(rows[0]) if cell in header}
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        records.append((number, {key: row[index] if index < len(row) else "" for index, key in positions.items()}))
    return records


def _header_keys(cells: list[str]) -> dict[str, str]:
    """Header text → column key, for the headers that name one."""
    keys = {}
    for cell in cells:
        word = str(cell).strip().lstrip("\ufeff").lower()
        for key, synonyms in HEADER_SYNONYMS.items():
            if word in {s.lower() for s in synonyms}:
                keys[cell] = key
    return keys


def holiday_file_parse(data: bytes, filename: str = "") -> list[HolidayRow]:
    """The rows of a file, or HolidayFileError listing every bad row (第n行 列名：what is wrong)."""
    errors: list[str] = []
    rows: list[HolidayRow] = []
    seen: dict[date, int] = {}
    for number, record in _records(_decode(data), filename):
        where = f"第{number}行"
        text = record.get("day", "").strip()
        try:
            day = date.fromisoformat(text.replace("/", "-"))
        except ValueError:
            errors.append(f"{where} {COLUMNS['day']}列：“{text}”不是有效日期，应写作 2027-01-01")
            day = None
        kind_text = record.get("kind", "").strip()
        kind = next((k for k, words in KIND_WORDS.items() if kind_text.lower() in words), None)
        if kind is None:
            errors.append(f"{where} {COLUMNS['kind']}列：“{kind_text}”应为“放假”（holiday）或“调休上班”（workday）")
        name = record.get("name", "").strip()
        if not name:
            errors.append(f"{where} {COLUMNS['name']}列：不能为空，写节日名称，如 元旦、春节")
        elif len(name) > 40:
            errors.append(f"{where} {COLUMNS['name']}列：不能超过40个字")
        note = record.get("note", "").strip()
        if len(note) > 200:
            errors.append(f"{where} {COLUMNS['note']}列：不能超过200个字")
        if day is not None:
            if day in seen:
                errors.append(f"{where} {COLUMNS['day']}列：{day:%Y-%m-%d} 与第{seen[day]}行重复")
            seen.setdefault(day, number)
            if kind == Kind.WORKDAY and day.weekday() < 5:
                errors.append(f"{where} {COLUMNS['kind']}列：{day:%Y-%m-%d}是星期{'一二三四五'[day.weekday()]}，"
                              "本来就上班，不必写作调休上班")
        if day is not None and kind is not None and name:
            rows.append(HolidayRow(day=day, kind=kind, name=name, note=note))
    if errors:
        raise HolidayFileError(errors)
    if not rows:
        raise HolidayFileError(["文件中没有日期行：表头下每行写一天，如 2027-01-01,放假,元旦"])
    return rows


# --- storing them ----------------------------------------------------------------------------------------

@transaction.atomic
def holidays_load(*, rows: list[HolidayRow], by=None, source: str = "") -> dict:
    """Replace the entries of the years `rows` name with `rows` (a corrected file wins). Audited."""
    years = sorted({row.day.year for row in rows})
    replaced = WorkdayOverride.objects.filter(day__year__in=years)
    before = {"days": replaced.count()}
    replaced.delete()
    WorkdayOverride.objects.bulk_create([
        WorkdayOverride(day=row.day, kind=row.kind, name=row.name, note=row.note) for row in rows])
    summary = {"years": years, "holidays": sum(r.kind == Kind.HOLIDAY for r in rows),
               "workdays": sum(r.kind == Kind.WORKDAY for r in rows), "source": source}
    audit_record(action=CoreAction.HOLIDAYS_LOAD, actor=by, before=before, after=summary)
    # bulk_create sends no post_save; forget the cache once the rows are there.
    overrides_forget()
    transaction.on_commit(overrides_forget)
    return summary
