"""Certificate numbers: 职业技能等级证书 (R-CERT-NO) and the local 专项职业能力证书 format (R-SC24-12).

Pure module (no Django): build, check and read numbers. Issuing them is not done here.

职业技能等级证书, 22 characters (positions 1-based, as the refusal messages name them)::

    S 5101 51 000123 24 3 000045
    │ │    │  │      │  │ └ 17–22 serial: 000001–999999, gap-free within the sequence key
    │ │    │  │      │  └── 16    level: 1 (一级/高级技师) … 5 (五级/初级工)
    │ │    │  │      └───── 14–15 year of issue, last two digits
    │ │    │  └──────────── 8–13  the evaluation body's sequence number
    │ │    └─────────────── 6–7   province code (GB/T 2260, first two digits)
    │ └──────────────────── 2–5   evaluation body code
    └────────────────────── 1     S = 社会培训评价组织, Y = 用人单位

专项职业能力证书 numbers are made by the city center where the exam took place (R-SC24-12), when it
releases the results (R-SC24-9), in a format the center configures: `LocalFormat`, default
`DEFAULT_LOCAL_TEMPLATE` = "ZX{city}{year}{serial:06d}", e.g. ZX5101002024000001.

Uniqueness and gap-freeness: `next_serial` only says which serial follows the last one. Two
issuers running at once would both get the same answer, so the caller must read and bump the last
serial of a sequence key in one locked database row (SELECT … FOR UPDATE on a counter row per
sequence key, inside the transaction that stores the certificate), and a unique constraint on the
number backs it up. That counter is the database's job, not this module's.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

SKILL_LEVEL_NUMBER_LENGTH = 22
KINDS = {"S": "社会培训评价组织", "Y": "用人单位"}
LEVEL_NAMES = {1: "一级/高级技师", 2: "二级/技师", 3: "三级/高级工", 4: "四级/中级工", 5: "五级/初级工"}
# Province-level codes of GB/T 2260 (the first two digits of a region code).
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
SERIAL_MAX = 999_999
# Two-digit years are read as 20xx; a four-digit year outside this range would not survive the round trip.
YEAR_MIN, YEAR_MAX = 2000, 2099

DEFAULT_LOCAL_TEMPLATE = "ZX{city}{year}{serial:06d}"


class CertificateNumberError(ValueError):
    """A certificate number, one of its parts or a local format is wrong; the message is Chinese."""


def _digits(value: object, width: int) -> bool:
    # str.isdigit() also accepts full-width and other Unicode digits, which no certificate carries.
    return isinstance(value, str) and len(value) == width and value.isascii() and value.isdigit()


def _int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class SkillLevelNumber:
    """A 职业技能等级证书 number, checked on construction."""

    kind: str  # "S" or "Y"
    body_code: str  # 4 digits
    province: str  # 2 digits
    body_sequence: str  # 6 digits
    year: str  # 2 digits
    level: int  # 1..5
    serial: int  # 1..999999

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise CertificateNumberError(
                f"第1位 评价机构类型应为S（社会培训评价组织）或Y（用人单位），实际为“{self.kind}”"
            )
        if not _digits(self.body_code, 4):
            raise CertificateNumberError(f"第2–5位 机构代码应为4位数字，实际为“{self.body_code}”")
        if not _digits(self.province, 2):
            raise CertificateNumberError(f"第6–7位 省份代码应为2位数字，实际为“{self.province}”")
        if self.province not in PROVINCE_CODES:
            raise CertificateNumberError(f"第6–7位 省份代码“{self.province}”不是有效的省级行政区划代码")
        if not _digits(self.body_sequence, 6):
            raise CertificateNumberError(f"第8–13位 机构序号应为6位数字，实际为“{self.body_sequence}”")
        if not _digits(self.year, 2):
            raise CertificateNumberError(f"第14–15位 年份应为2位数字，实际为“{self.year}”")
        if not _int(self.level) or self.level not in LEVEL_NAMES:
            raise CertificateNumberError(f"第16位 等级应为1–5，实际为“{self.level}”")
        if not _int(self.serial) or not 1 <= self.serial <= SERIAL_MAX:
            raise CertificateNumberError(f"第17–22位 流水号应为000001–999999，实际为“{self.serial}”")

    def format(self) -> str:
        return f"{self.sequence_key}{self.serial:06d}"

    def __str__(self) -> str:
        return self.format()

    @property
    def sequence_key(self) -> str:
        """Positions 1–16: the sequence the serial counts in, gap-free from 000001."""
        return f"{self.kind}{self.body_code}{self.province}{self.body_sequence}{self.year}{self.level}"

    @property
    def full_year(self) -> int:
        return 2000 + int(self.year)


def skill_level_number_parse(text: str) -> SkillLevelNumber:
    """Read a 22-character number; surrounding blanks are dropped and a lower-case s/y accepted."""
    compact = (text or "").strip().upper()
    if len(compact) != SKILL_LEVEL_NUMBER_LENGTH:
        raise CertificateNumberError(f"证书编号应为{SKILL_LEVEL_NUMBER_LENGTH}位，实际为{len(compact)}位")
    if not _digits(compact[15], 1):
        raise CertificateNumberError(f"第16位 等级应为1–5，实际为“{compact[15]}”")
    if not _digits(compact[16:], 6):
        raise CertificateNumberError(f"第17–22位 流水号应为6位数字，实际为“{compact[16:]}”")
    return SkillLevelNumber(
        kind=compact[0],
        body_code=compact[1:5],
        province=compact[5:7],
        body_sequence=compact[7:13],
        year=compact[13:15],
        level=int(compact[15]),
        serial=int(compact[16:]),
    )


def skill_level_number_make(
    *, kind: str, body_code: str, province: str, body_sequence: str, year: int, level: int, serial: int
) -> SkillLevelNumber:
    """Build a number from its parts; `year` is the full year (2024 → "24")."""
    if not _int(year) or not YEAR_MIN <= year <= YEAR_MAX:
        raise CertificateNumberError(f"第14–15位 年份应为{YEAR_MIN}–{YEAR_MAX}年，实际为“{year}”")
    return SkillLevelNumber(
        kind=kind,
        body_code=body_code,
        province=province,
        body_sequence=body_sequence,
        year=f"{year % 100:02d}",
        level=level,
        serial=serial,
    )


def next_serial(last: int | None, *, maximum: int = SERIAL_MAX) -> int:
    """The serial after `last` (None or 0: nothing issued yet in this sequence).

    Only arithmetic: the caller reads `last` from a locked counter row (see the module docstring).
    """
    if last is None:
        last = 0
    if not _int(last) or last < 0:
        raise CertificateNumberError(f"上一个流水号应为非负整数，实际为“{last}”")
    if last >= maximum:
        raise CertificateNumberError(f"本序列流水号已用完（最大{maximum}），无法再编号")
    return last + 1


# --- 专项职业能力证书: the city center's local format ---------------------------------------------

# What each placeholder may hold. `item` matches SpecialItem.code ("SC2024-01", at most 32 characters).
_FIELD_PATTERNS = {"city": r"[0-9]{6}", "year": r"[0-9]{4}", "item": r"[A-Za-z0-9-]{1,32}"}
_FIELD_LABELS = {"city": "地区代码", "year": "年份", "item": "专项项目编码", "serial": "流水号"}
_SERIAL_SPEC = re.compile(r"0([1-9])d")


@dataclass(frozen=True)
class LocalNumber:
    """A 专项 number read by `LocalFormat.parse`; parts the template lacks are None."""

    text: str
    serial: int
    sequence_key: str
    city: str | None = None
    year: int | None = None
    item: str | None = None


class LocalFormat:
    """A city center's 专项 number format, e.g. "ZX{city}{year}{serial:06d}".

    Placeholders: {city} 6-digit region code of the city center, {year} 4 digits, {item} the special
    item code, and {serial:0Nd} (required, N = 1–9 digits). Each at most once; literal braces as {{ }}.
    """

    def __init__(self, template: str = DEFAULT_LOCAL_TEMPLATE) -> None:
        self.template = template
        self.fields: list[str] = []
        self.serial_width = 0
        pattern = []
        try:
            pieces = list(string.Formatter().parse(template))
        except ValueError as exc:
            raise CertificateNumberError(f"编号格式“{template}”的花括号不配对") from exc
        for literal, name, spec, conversion in pieces:
            pattern.append(re.escape(literal))
            if name is None:
                continue
            if name not in _FIELD_LABELS:
                raise CertificateNumberError(
                    f"编号格式“{template}”含未知占位符{{{name}}}，可用：{{city}} {{year}} {{item}} {{serial:06d}}"
                )
            if name in self.fields:
                raise CertificateNumberError(f"编号格式“{template}”中占位符{{{name}}}重复")
            if conversion:
                raise CertificateNumberError(f"编号格式“{template}”中占位符{{{name}}}不能带!{conversion}")
            if name == "serial":
                width = _SERIAL_SPEC.fullmatch(spec or "")
                if not width:
                    raise CertificateNumberError(
                        f"编号格式“{template}”中流水号须写明位数，如{{serial:06d}}，实际为{{serial:{spec}}}"
                    )
                self.serial_width = int(width.group(1))
                pattern.append(rf"(?P<serial>[0-9]{{{self.serial_width}}})")
            else:
                if spec:
                    raise CertificateNumberError(f"编号格式“{template}”中占位符{{{name}}}不能带格式“{spec}”")
                pattern.append(f"(?P<{name}>{_FIELD_PATTERNS[name]})")
            self.fields.append(name)
        if "serial" not in self.fields:
            raise CertificateNumberError(f"编号格式“{template}”缺少流水号占位符，如{{serial:06d}}")
        self.serial_max = 10**self.serial_width - 1
        self._regex = re.compile("".join(pattern))

    def __repr__(self) -> str:
        return f"LocalFormat({self.template!r})"

    def _check(self, name: str, value: object) -> str:
        label = _FIELD_LABELS[name]
        if name == "year":
            if not _int(value) or not YEAR_MIN <= value <= YEAR_MAX:
                raise CertificateNumberError(f"{label}应为{YEAR_MIN}–{YEAR_MAX}年，实际为“{value}”")
            return str(value)
        if name == "serial":
            if not _int(value) or not 1 <= value <= self.serial_max:
                raise CertificateNumberError(f"{label}应为1–{self.serial_max}，实际为“{value}”")
            return f"{value:0{self.serial_width}d}"
        if value is None:
            raise CertificateNumberError(f"编号格式“{self.template}”需要{label}（{{{name}}}）")
        if not isinstance(value, str) or not re.fullmatch(_FIELD_PATTERNS[name], value):
            rule = "6位数字" if name == "city" else "1–32位字母、数字或连字符"
            raise CertificateNumberError(f"{label}应为{rule}，实际为“{value}”")
        return value

    def _render(self, values: dict[str, str]) -> str:
        # Formatter re-reads the template; values are already strings, so drop the serial's spec.
        out = []
        for literal, name, _spec, _conv in string.Formatter().parse(self.template):
            out.append(literal)
            if name is not None:
                out.append(values[name])
        return "".join(out)

    def sequence_key(self, *, city: str | None = None, year: int | None = None, item: str | None = None) -> str:
        """The number with the serial's place shown as #: one gap-free sequence per key.

        Parts the template does not use are ignored, so callers may always pass all of them.
        """
        given = {"city": city, "year": year, "item": item}
        values = {name: self._check(name, given[name]) for name in self.fields if name != "serial"}
        values["serial"] = "#" * self.serial_width
        return self._render(values)

    def format(self, *, serial: int, city: str | None = None, year: int | None = None, item: str | None = None) -> str:
        given = {"city": city, "year": year, "item": item, "serial": serial}
        return self._render({name: self._check(name, given[name]) for name in self.fields})

    def parse(self, text: str) -> LocalNumber:
        compact = (text or "").strip()
        match = self._regex.fullmatch(compact)
        if not match:
            raise CertificateNumberError(f"证书编号“{compact}”不符合本地编号格式“{self.template}”")
        parts = match.groupdict()
        serial = int(parts["serial"])
        if serial == 0:
            raise CertificateNumberError(f"证书编号“{compact}”的流水号不能为全0")
        year = int(parts["year"]) if "year" in parts else None
        if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
            raise CertificateNumberError(f"证书编号“{compact}”的年份应为{YEAR_MIN}–{YEAR_MAX}年，实际为{year}")
        return LocalNumber(
            text=compact,
            serial=serial,
            sequence_key=self.sequence_key(city=parts.get("city"), year=year, item=parts.get("item")),
            city=parts.get("city"),
            year=year,
            item=parts.get("item"),
        )
