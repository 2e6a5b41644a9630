"""Certificate data for the national platform (R-CQ-14 "the certificate data is reported", R-SC24-9 "archive
data is reported every half month"): the certificates a center (or the province) issued in a period, as CSV
(UTF-8 with a BOM, so Excel reads the Chinese) or JSON. The fields are documented in docs/certificates.md
(国家平台数据报送 / National export fields); `EXPORT_FIELDS` is the order of the CSV columns and of the keys
of each JSON record, and the `format` version changes whenever a field is added, renamed or reinterpreted.

The rows are read with `.values()` and `.iterator(chunk_size=2000)` and written to a spooled temporary file
(memory up to a few MB, disk beyond): a half-year export of 100,000 certificates never sits in memory as
model objects or as one string.
"""

import codecs
import csv
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import IO

from django.db.models import QuerySet
from django.utils import timezone

from kaowu.accounts.models import Role, User
from kaowu.certificates.models import Certificate

FORMAT = "kaowu-certificates/1"
CHUNK = 2000
SPOOL_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class ExportField:
    name: str
    meaning: str
    format: str


EXPORT_FIELDS: tuple[ExportField, ...] = (
    ExportField("number", "证书编号", "字符串；职业技能等级证书22位（R-CERT-NO），专项证书按市（州）中心格式"),
    ExportField("kind", "证书类别", "skill_level（职业技能等级证书）或 special（专项职业能力证书）"),
    ExportField("status", "证书状态", "valid（有效）、replaced（已补发新证）、revoked（已撤销）"),
    ExportField("holder_name", "持证人姓名", "字符串"),
    ExportField("holder_gender", "性别", "男 或 女"),
    ExportField("holder_id_type", "证件类型",
                "resident（居民身份证）、hk_macao（港澳居民来往内地通行证）、taiwan（台湾居民来往大陆通行证）、"
                "passport（护照）、foreign_pr（外国人永久居留身份证）"),
    ExportField("holder_id_number", "证件号码（完整）", "字符串，居民身份证为18位（末位可为X）"),
    ExportField("item_code", "职业（工种）编码或专项职业能力项目编码", "字符串，如 4-10-01-02 或 SC2024-01"),
    ExportField("item_name", "职业（工种）或专项职业能力名称", "字符串"),
    ExportField("level", "职业技能等级", "整数1–5（1为一级/高级技师，5为五级/初级工）；专项证书为空"),
    ExportField("grade", "成绩等级（专项，R-FJ-12）", "优秀、良好 或 合格；职业技能等级证书为空"),
    ExportField("exam_date", "考核日期（考核结束日）", "日期 YYYY-MM-DD"),
    ExportField("issued_on", "发证日期", "日期 YYYY-MM-DD"),
    ExportField("issuer_name", "发证机构名称", "字符串：职业技能等级证书为评价机构，专项证书为市（州）中心"),
    ExportField("issuer_code", "发证机构代码", "字符串（本平台登记的机构代码）"),
    ExportField("numbered_by_code", "编号生成机构（审核发证的鉴定中心）代码", "字符串"),
    ExportField("replaces_number", "补发所替换的原证书编号（R-FJ-15）", "字符串；非补发证书为空"),
    ExportField("status_reason", "撤销原因（R-LN-3）", "字符串；未撤销为空"),
    ExportField("status_changed_at", "状态变更时间",
                "日期时间 ISO 8601，带时区（如 2026-11-23T10:05:00+08:00）；未变更为空"),
)
FIELD_NAMES = tuple(field.name for field in EXPORT_FIELDS)

# The columns read for each row, in the order of FIELD_NAMES (three of them through a relation).
_VALUES = ("number", "kind", "status", "holder_name", "holder_gender", "holder_id_type", "holder_id_number",
           "item_code", "item_name", "level", "grade", "exam_date", "issued_on", "issuer_name", "issuer__code",
           "numbered_by__code", "replaces__number", "status_reason", "status_changed_at")
_EMPTY_IS_NONE = ("grade", "replaces_number", "status_reason")


def export_records(certificates: QuerySet[Certificate]) -> Iterator[dict]:
    """Each certificate as a record with the documented fields, in order; None for an empty optional value."""
    for row in certificates.values_list(*_VALUES).iterator(chunk_size=CHUNK):
        record = dict(zip(FIELD_NAMES, row, strict=True))
        record["exam_date"] = record["exam_date"].isoformat()
        record["issued_on"] = record["issued_on"].isoformat()
        changed = record["status_changed_at"]
        if changed is not None:
            record["status_changed_at"] = timezone.localtime(changed).isoformat(timespec="seconds")
        for name in _EMPTY_IS_NONE:
            record[name] = record[name] or None
        yield record


@dataclass(frozen=True)
class ExportScope:
    """Whose certificates an export holds: the province's or one center's (what it sees)."""

    level: str  # "province" or "city"
    organisation_code: str
    organisation_name: str

    @classmethod
    def of(cls, user: User) -> "ExportScope":
        organisation = user.organisation
        return cls(level="province" if user.role == Role.PROVINCE_ADMIN else "city",
                   organisation_code=organisation.code if organisation else "",
                   organisation_name=organisation.name if organisation else "")

    def as_json(self) -> dict:
        return {"level": self.level, "organisation_code": self.organisation_code,
                "organisation_name": self.organisation_name}


@dataclass
class Export:
    """A finished export: the file (positioned at its start, for the response to stream and close), and
    how many certificates it holds."""

    file: IO[bytes]
    count: int


def _spool() -> IO[bytes]:
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+b")


def _csv_value(value) -> str:
    return "" if value is None else str(value)


def certificates_csv(certificates: QuerySet[Certificate]) -> Export:
    """CSV, UTF-8 with a BOM, header row = the field names; values as documented (empty for none)."""
    out = _spool()
    out.write(codecs.BOM_UTF8)
    text = codecs.getwriter("utf-8")(out)
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(FIELD_NAMES)
    count = 0
    for record in export_records(certificates):
        writer.writerow([_csv_value(record[name]) for name in FIELD_NAMES])
        count += 1
    text.flush()
    out.seek(0)
    return Export(file=out, count=count)


def certificates_json(certificates: QuerySet[Certificate], *, scope: ExportScope, issued_from: date, issued_to: date,
                      include_changed: bool = False, generated_at: datetime | None = None) -> Export:
    """JSON: one object with `format`, `generated_at`, `issuer_scope`, `period`, `certificates` (the records)
    and `count` (written last: it is the number of records actually written)."""
    generated_at = timezone.localtime(generated_at or timezone.now())
    head = {
        "format": FORMAT,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "issuer_scope": scope.as_json(),
        "period": {"issued_from": issued_from.isoformat(), "issued_to": issued_to.isoformat(),
                   "include_status_changes": include_changed},
    }
    out = _spool()
    # The head's closing brace is dropped to go on with the list; the records are written one by one.
    out.write(json.dumps(head, ensure_ascii=False)[:-1].encode())
    out.write(b', "certificates": [')
    count = 0
    for count, record in enumerate(export_records(certificates), start=1):
        if count > 1:
            out.write(b",")
        out.write(b"\n")
        out.write(json.dumps(record, ensure_ascii=False).encode())
    out.write(f'\n], "count": {count}}}\n'.encode())
    out.seek(0)
    return Export(file=out, count=count)


def export_filename(scope: ExportScope, issued_from: date, issued_to: date, extension: str) -> str:
    return f"证书数据-{scope.organisation_code or scope.level}-{issued_from:%Y%m%d}-{issued_to:%Y%m%d}.{extension}"


def fields_markdown() -> str:
    """The field table of docs/certificates.md, from `EXPORT_FIELDS` (a test keeps the two in step)."""
    lines = ["| 字段 name | 含义 meaning | 格式 format |", "|---|---|---|"]
    lines += [f"| `{f.name}` | {f.meaning} | {f.format} |" for f in EXPORT_FIELDS]
    return "\n".join(lines)


def half_month_before(today: date) -> tuple[date, date]:
    """The last complete half month before `today` (1st–15th, or 16th–end of month): the period of the
    regular report (R-SC24-9 "archive data is reported every half month")."""
    if today.day > 15:
        return today.replace(day=1), today.replace(day=15)
    last_month_end = today.replace(day=1) - timedelta(days=1)
    return last_month_end.replace(day=16), last_month_end
