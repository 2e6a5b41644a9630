"""Resident ID numbers (居民身份证号码, GB 11643): check, read and mask.

Pure module (no Django). Validation is python-stdnum's `stdnum.cn.ric`; this adds the reasons
in Chinese and the fields the registration forms need.
"""

from dataclasses import asdict, dataclass
from datetime import date

from stdnum import exceptions as stdnum_errors
from stdnum import numdb
from stdnum.cn import ric


@dataclass(frozen=True)
class IdCheck:
    valid: bool
    birth_date: date | None = None
    gender: str | None = None  # "男" or "女"
    region: str | None = None  # the 6-digit administrative code
    error: str | None = None

    def as_json(self) -> dict:
        data = asdict(self)
        data["birth_date"] = self.birth_date.isoformat() if self.birth_date else None
        return data


def id_check(number: str, *, today: date | None = None) -> IdCheck:
    """Check an 18-digit resident ID number and read its birth date, gender and region."""
    today = today or date.today()
    compact = ric.compact(number or "")
    if not compact:
        return IdCheck(valid=False, error="身份证号不能为空")
    if len(compact) != 18:
        return IdCheck(valid=False, error=f"身份证号应为18位，实际为{len(compact)}位")
    if not compact[:17].isdigit() or not (compact[17].isdigit() or compact[17] == "X"):
        return IdCheck(valid=False, error="身份证号前17位须为数字，最后一位为数字或X")
    try:
        birth = ric.get_birth_date(compact)
    except stdnum_errors.InvalidComponent:
        return IdCheck(valid=False, error=f"身份证号中的出生日期{compact[6:14]}不是有效日期")
    if birth > today or birth.year < 1900:
        return IdCheck(valid=False, error=f"身份证号中的出生日期{birth:%Y年%m月%d日}不可能")
    if compact[-1] != ric.calc_check_digit(compact):
        return IdCheck(
            valid=False,
            error=f"身份证号校验位错误：最后一位应为{ric.calc_check_digit(compact)}，实际为{compact[-1]}",
        )
    if not region_code_ever_existed(compact[:6]):
        return IdCheck(valid=False, error=f"身份证号中的地区代码{compact[:6]}不存在")
    gender = "男" if int(compact[16]) % 2 == 1 else "女"
    return IdCheck(valid=True, birth_date=birth, gender=gender, region=compact[:6])


def region_code_ever_existed(code: str) -> bool:
    """Whether a 6-digit administrative code was ever in use (GB/T 2260, python-stdnum's data with the years of
    each code). Not whether it existed in the holder's birth year, as `ric.get_birth_place` asks: a number is
    assigned where and when the card is issued, so someone born in 1985 may hold a code created in 1990
    (成都's 锦江, 青羊, 金牛, 武侯 and 成华 districts all date from 1990)."""
    info = {key: value for _part, props in numdb.get("cn/loc").info(code) for key, value in props.items()}
    return bool(info.get("county"))


def id_mask(number: str) -> str:
    """Mask an ID number for public pages: 510104********1234."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def id_make(region: str, born: date, sequence: int) -> str:
    """A valid resident ID number for demo and test data: region, birth date, a 3-digit sequence
    (odd for 男, even for 女) and the check digit."""
    first17 = f"{region}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + ric.calc_check_digit(first17 + "0")
