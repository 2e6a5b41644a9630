"""An applicant's profile as the eligibility engine reads it, parsed from JSON with Chinese errors.

Pure module: no Django. The format is documented in docs/eligibility.md.
"""

from dataclasses import dataclass
from datetime import date

SCHOOLS = (
    "技工学校", "中等职业学校", "高级技工学校", "技师学院", "高等职业学校",
    "大学专科", "大学本科", "硕士研究生", "博士研究生",
)
STATUSES = ("毕业", "应届", "在校")
CERTIFICATE_KINDS = ("职业资格", "技能等级", "预备技师")


class ProfileError(ValueError):
    """The profile is malformed; the message names the field, in Chinese."""


@dataclass(frozen=True, slots=True)
class Work:
    occupation: str
    start: date
    end: date | None  # None: still working


@dataclass(frozen=True, slots=True)
class Certificate:
    occupation: str
    level: int | None  # None only for 预备技师
    issued_on: date
    kind: str


@dataclass(frozen=True, slots=True)
class Education:
    school: str
    major: str
    status: str
    graduated_on: date | None


@dataclass(frozen=True, slots=True)
class Profile:
    as_of: date
    work: tuple[Work, ...] = ()
    certificates: tuple[Certificate, ...] = ()
    education: tuple[Education, ...] = ()
    apprenticeship_completed: bool = False


def _date(value, where: str, *, required: bool = True) -> date | None:
    if value is None:
        if required:
            raise ProfileError(f"{where}：缺少日期")
        return None
    if not isinstance(value, str):
        raise ProfileError(f"{where}：日期应为 YYYY-MM-DD 格式的字符串")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ProfileError(f"{where}：日期“{value}”无效，应为 YYYY-MM-DD") from None


def _text(item: dict, key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ProfileError(f"{where}.{key}：不能为空")
    return value.strip()


def _list(data: dict, key: str) -> list:
    value = data.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise ProfileError(f"{key}：应为列表")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise ProfileError(f"{key}[{index}]：应为对象")
    return value


def profile_parse(data) -> Profile:
    """Build a Profile from decoded JSON, or raise ProfileError naming the bad field."""
    if not isinstance(data, dict):
        raise ProfileError("申报信息应为 JSON 对象")
    as_of = _date(data.get("as_of"), "as_of")

    work = []
    for i, item in enumerate(_list(data, "work")):
        where = f"work[{i}]"
        start = _date(item.get("start"), f"{where}.start")
        end = _date(item.get("end"), f"{where}.end", required=False)
        if end is not None and end < start:
            raise ProfileError(f"{where}：结束日期{end}早于开始日期{start}")
        work.append(Work(_text(item, "occupation", where), start, end))

    certificates = []
    for i, item in enumerate(_list(data, "certificates")):
        where = f"certificates[{i}]"
        kind = item.get("kind")
        if kind not in CERTIFICATE_KINDS:
            raise ProfileError(f"{where}.kind：证书类别“{kind}”无效，应为{'、'.join(CERTIFICATE_KINDS)}")
        level = item.get("level")
        if level is None and kind == "预备技师":
            pass
        elif isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
            raise ProfileError(f"{where}.level：等级应为1至5的整数（1为一级/高级技师，5为五级/初级工）")
        issued_on = _date(item.get("issued_on"), f"{where}.issued_on")
        certificates.append(Certificate(_text(item, "occupation", where), level, issued_on, kind))

    education = []
    for i, item in enumerate(_list(data, "education")):
        where = f"education[{i}]"
        school = item.get("school")
        if school not in SCHOOLS:
            raise ProfileError(f"{where}.school：学校类别“{school}”无效，应为{'、'.join(SCHOOLS)}")
        status = item.get("status")
        if status not in STATUSES:
            raise ProfileError(f"{where}.status：学习状态“{status}”无效，应为{'、'.join(STATUSES)}")
        graduated_on = _date(item.get("graduated_on"), f"{where}.graduated_on", required=status == "毕业")
        major = item.get("major") or ""
        if not isinstance(major, str):
            raise ProfileError(f"{where}.major：专业应为文字")
        education.append(Education(school, major.strip(), status, graduated_on))

    apprenticeship = data.get("apprenticeship_completed", False)
    if not isinstance(apprenticeship, bool):
        raise ProfileError("apprenticeship_completed：应为 true 或 false")
    return Profile(as_of, tuple(work), tuple(certificates), tuple(education), apprenticeship)
