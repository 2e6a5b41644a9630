"""The cells of a bulk-import row, and the declared profile (申报资历) read from its optional columns.

The profile columns map one to one onto the eligibility engine's input (docs/eligibility.md):

- 学历层次, 所学专业, 学习状态, 毕业时间 → one `education` entry (school, major, status, graduated_on);
- 开始从事本职业时间 (and 从事职业, default the item's occupation) → one open `work` period, which the
  engine counts up to the day before the plan's registration close date;
- 证书职业 (default the item's occupation), 证书等级, 证书类别 (default 技能等级), 发证日期 → one
  `certificates` entry, the highest relevant certificate;
- 学徒期满 → `apprenticeship_completed`.

`profile_read` turns a row's cells into the profile dict stored on the application (without `as_of`,
which registration adds from the plan) and reports every faulty cell; `eligibility_warning` runs the
engine on it and says, in Chinese, why the declared facts fall short. A shortfall is a warning, never
an error: the draft is imported and checked again on submit.
"""

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

from kaowu.catalog.eligibility import LevelNotOffered, ProfileError, UnknownOccupation, eligibility_evaluate
from kaowu.catalog.eligibility.profile import CERTIFICATE_KINDS, SCHOOLS, STATUSES
from kaowu.catalog.eligibility.rules import LEVEL_NAMES, LEVEL_SHORT

DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
MONTH_ONLY_RE = re.compile(r"^\d{4}\s*([-/.年]\s*\d{1,2}\s*月?)?$")
EARLIEST = date(1900, 1, 1)

PROFILE_KEYS = ("school", "major", "study_status", "graduated_on", "work_start", "work_occupation",
                "cert_occupation", "cert_level", "cert_kind", "cert_issued_on", "apprenticeship")
EDUCATION_KEYS = ("school", "major", "study_status", "graduated_on")
CERTIFICATE_KEYS = ("cert_occupation", "cert_level", "cert_kind", "cert_issued_on")
MAX_OCCUPATION = 60
MAX_MAJOR = 60
DEFAULT_KIND = "技能等级"

# The drop-down lists of the template, in the engine's own words.
LEVEL_CHOICES = [LEVEL_NAMES[level] for level in sorted(LEVEL_NAMES, reverse=True)]  # 五级/初级工 … 一级/高级技师
YES_NO = {"是": True, "否": False}
LEVELS: dict[str, int] = {}
for _level, _name in LEVEL_NAMES.items():
    _short, _old = _name.split("/")
    LEVELS.update({_name: _level, _short: _level, _old: _level, str(_level): _level, f"{_level}级": _level})
LEVELS.update({"初级": 5, "中级": 4, "高级": 3})

Fail = Callable[[str, str], None]


# --- cells -------------------------------------------------------------------------------------

def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def cell_date(value) -> date | None:
    """A date from a date cell, an Excel serial number or text like 1990-01-31; ValueError if invalid."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None:
        return None
    if isinstance(value, (int, float)):
        if 1 <= value < 80_000:
            return date(1899, 12, 30) + timedelta(days=int(value))
        raise ValueError
    text = str(value).strip()
    if not text:
        return None
    match = DATE_RE.match(text) or COMPACT_DATE_RE.match(text)
    if not match:
        raise ValueError
    return date(int(match[1]), int(match[2]), int(match[3]))


def profile_present(cell: dict) -> bool:
    return any(cell[key] not in ("", None) for key in PROFILE_KEYS)


# --- the profile -------------------------------------------------------------------------------

def _profile_date(cell: dict, key: str, title: str, fail: Fail, *, birth_date: date | None, today: date,
                  future_ok: bool = False) -> date | None:
    value = cell[key]
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1900 <= value <= 2100:
        fail(key, f"{title}只填写了年份“{cell_text(value)}”，请填写到日，如 {int(value)}-07-01")
        return None
    if isinstance(value, str) and MONTH_ONLY_RE.match(value.strip()):
        fail(key, f"{title}“{value.strip()}”须填写到日，如 2015-07-01")
        return None
    try:
        day = cell_date(value)
    except (ValueError, OverflowError):
        fail(key, f"{title}“{cell_text(value)}”不是有效日期，应如 2015-07-01")
        return None
    if day is None:
        return None
    if day < EARLIEST:
        fail(key, f"{title}“{cell_text(value)}”不是有效日期，应如 2015-07-01")
        return None
    if birth_date is not None and day < birth_date:
        fail(key, f"{title}{day:%Y-%m-%d}早于出生日期，请核对")
        return None
    if day > today and not future_ok:
        fail(key, f"{title}{day:%Y-%m-%d}晚于今天，请核对")
        return None
    return day


def _short_text(cell: dict, key: str, title: str, limit: int, fail: Fail) -> str:
    text = re.sub(r"\s+", " ", cell_text(cell[key]).replace("\u3000", " ")).strip()
    if len(text) > limit:
        fail(key, f"{title}过长（{len(text)}字，最多{limit}字）")
        return ""
    return text


def _choice(cell: dict, key: str, title: str, choices, fail: Fail) -> str:
    text = cell_text(cell[key])
    if text and text not in choices:
        fail(key, f"{title}“{text}”不在代码表中，应为：{'、'.join(choices)}")
        return ""
    return text


def level_parse(value) -> int | None:
    """A certificate level 1–5 from a number cell, 4, "4", "四级", "四级/中级工" or "中级工"; None if not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() and 1 <= value <= 5 else None
    return LEVELS.get(cell_text(value).replace(" ", "").replace("／", "/"))


def profile_read(cell: dict, fail: Fail, *, occupation: str, birth_date: date | None, today: date) -> dict:
    """The declared profile of one row, in the engine's format, from the optional profile columns.

    `cell` maps column keys to raw values; `fail(key, reason)` records a faulty cell; `occupation` is
    the item's occupation (or special item), the default for the work and certificate occupations.
    Returns {} when the row declares nothing.
    """
    profile: dict = {}
    when = {"birth_date": birth_date, "today": today}

    if any(cell[key] not in ("", None) for key in EDUCATION_KEYS):
        school = _choice(cell, "school", "学历层次", SCHOOLS, fail)
        major = _short_text(cell, "major", "所学专业", MAX_MAJOR, fail)
        status = _choice(cell, "study_status", "学习状态", STATUSES, fail) or ("" if cell_text(cell["study_status"])
                                                                            else "毕业")
        graduated_on = _profile_date(cell, "graduated_on", "毕业时间", fail, future_ok=status != "毕业", **when)
        if not cell_text(cell["school"]):
            fail("school", "已填写学历信息，学历层次不能为空（从下拉列表选择）")
        elif status == "毕业" and graduated_on is None and cell["graduated_on"] in ("", None):
            fail("graduated_on", "学习状态为毕业时须填写毕业时间；尚未毕业的请将学习状态选为应届或在校")
        if school and status:
            profile["education"] = [{"school": school, "major": major, "status": status,
                                     "graduated_on": graduated_on.isoformat() if graduated_on else None}]

    if cell["work_start"] not in ("", None) or cell["work_occupation"] not in ("", None):
        worked_in = _short_text(cell, "work_occupation", "从事职业", MAX_OCCUPATION, fail) or occupation
        start = _profile_date(cell, "work_start", "开始从事本职业时间", fail, **when)
        if cell["work_start"] in ("", None):
            fail("work_start", "已填写从事职业，开始从事本职业时间不能为空")
        elif start is not None and worked_in:
            profile["work"] = [{"occupation": worked_in, "start": start.isoformat(), "end": None}]

    if any(cell[key] not in ("", None) for key in CERTIFICATE_KEYS):
        held = _short_text(cell, "cert_occupation", "证书职业", MAX_OCCUPATION, fail) or occupation
        kind = _choice(cell, "cert_kind", "证书类别", CERTIFICATE_KINDS, fail) or (
            "" if cell_text(cell["cert_kind"]) else DEFAULT_KIND)
        level = level_parse(cell["cert_level"])
        level_ok = True
        if cell["cert_level"] in ("", None):
            if kind != "预备技师":
                fail("cert_level", "已填写证书信息，证书等级不能为空（1至5，或从下拉列表选择）")
                level_ok = False
        elif level is None:
            fail("cert_level", f"证书等级“{cell_text(cell['cert_level'])}”无效，应为1至5或从下拉列表选择"
                               f"（1为一级/高级技师，5为五级/初级工）")
            level_ok = False
        issued_on = _profile_date(cell, "cert_issued_on", "发证日期", fail, **when)
        if cell["cert_issued_on"] in ("", None):
            fail("cert_issued_on", "已填写证书信息，发证日期不能为空")
        if kind and level_ok and issued_on is not None and held:
            profile["certificates"] = [{"occupation": held, "level": level, "issued_on": issued_on.isoformat(),
                                        "kind": kind}]

    apprenticeship = cell_text(cell["apprenticeship"])
    if apprenticeship:
        if apprenticeship not in YES_NO:
            fail("apprenticeship", f"学徒期满“{apprenticeship}”应为“是”或“否”")
        elif YES_NO[apprenticeship]:
            profile["apprenticeship_completed"] = True
    return profile


# --- eligibility -------------------------------------------------------------------------------

def eligibility_warning(*, occupation: str, level: int, profile: dict, as_of: date) -> str:
    """"" when the declared facts meet a condition of the level, else why not (for the import report); a
    name of an occupation or major outside the catalogue is named either way."""
    try:
        verdict = eligibility_evaluate(occupation, level, {"as_of": as_of.isoformat(), **profile})
    except (UnknownOccupation, LevelNotOffered, ProfileError) as exc:
        return f"未能按申报条件预审：{exc}"
    names = "；".join(verdict.warnings)  # names the catalogue does not know, counted for nothing
    if verdict.eligible:
        return names
    closest = min(verdict.conditions, key=lambda c: len(c.missing))
    others = len(verdict.conditions) - 1
    return (f"所填申报资历不满足{occupation}{LEVEL_SHORT[level]}的申报条件（截至{as_of:%Y-%m-%d}）。"
            f"最接近的是{closest.label}（{closest.summary}）：{'；'.join(closest.missing)}"
            + (f"；其余{others}项条件也未满足" if others else "") + (f"。{names}" if names else ""))
