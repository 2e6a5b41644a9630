"""准考证号 (admission ticket numbers): making, parsing and checking them. Pure: no Django.

A number has 15 digits, YY CCCC PPPPP SSSS (docs/arrangement.md):

- YY     the exam year, two digits (the year of the plan's first session);
- CCCC   the city: the first four digits of the region code of the city center the plan's institution
         belongs to (5101 成都, 5107 绵阳);
- PPPPP  the plan's id, five digits;
- SSSS   the sequence within the plan, from 0001, never reused (a withdrawn ticket keeps its number).

Plan ids are unique in the deployment (one deployment serves one province) and a sequence is used once
per plan, so a number is unique in the province by construction; year and city make it readable.
"""

from collections.abc import Iterator
from typing import NamedTuple

LENGTH = 15
MAX_PLAN_ID = 99_999
MAX_SEQUENCE = 9_999
# The first two digits of a region code: the province-level divisions of GB/T 2260.
PROVINCE_PREFIXES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
    "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
})


class TicketNumberError(ValueError):
    """A number that cannot be made or is not a ticket number; the text is Chinese, for the user."""


class TicketNumber(NamedTuple):
    year: int  # two digits: 26 for 2026
    city_code: str  # four digits
    plan_id: int
    sequence: int

    def __str__(self) -> str:
        return f"{self.year:02d}{self.city_code}{self.plan_id:05d}{self.sequence:04d}"


def _check_city(city_code: str) -> None:
    if len(city_code) != 4 or not city_code.isascii() or not city_code.isdigit():
        raise TicketNumberError(f"市（州）代码应为4位数字：{city_code!r}")
    if city_code[:2] not in PROVINCE_PREFIXES:
        raise TicketNumberError(f"市（州）代码 {city_code} 不是有效的行政区划代码")


def ticket_number_make(*, year: int, city_code: str, plan_id: int, sequence: int) -> str:
    """The number for one ticket; `year` may be given in full (2026) or as two digits (26)."""
    _check_city(city_code)
    if not 1 <= plan_id <= MAX_PLAN_ID:
        raise TicketNumberError(f"计划编号 {plan_id} 超出准考证号可容纳的范围（1–{MAX_PLAN_ID}）")
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise TicketNumberError(f"准考证序号 {sequence} 超出范围：每个计划最多发放 {MAX_SEQUENCE} 个准考证号")
    if year < 0:
        raise TicketNumberError(f"年份 {year} 无效")
    return str(TicketNumber(year % 100, city_code, plan_id, sequence))


def ticket_numbers(*, year: int, city_code: str, plan_id: int, first: int, count: int) -> Iterator[str]:
    """`count` consecutive numbers of one plan from sequence `first`; checked once, for the whole range."""
    if count <= 0:
        return iter(())
    ticket_number_make(year=year, city_code=city_code, plan_id=plan_id, sequence=first)
    last = first + count - 1
    if last > MAX_SEQUENCE:
        raise TicketNumberError(
            f"本计划的准考证序号将超过 {MAX_SEQUENCE}（已用至 {first - 1}，本次需 {count} 个），无法再发放准考证号")
    head = f"{year % 100:02d}{city_code}{plan_id:05d}"
    return (f"{head}{sequence:04d}" for sequence in range(first, last + 1))


def ticket_number_parse(text: str) -> TicketNumber:
    """The parts of a ticket number; TicketNumberError (Chinese) when `text` is not one."""
    number = text.strip() if isinstance(text, str) else ""
    if len(number) != LENGTH or not number.isascii() or not number.isdigit():
        raise TicketNumberError(f"准考证号应为{LENGTH}位数字")
    city_code = number[2:6]
    _check_city(city_code)
    plan_id, sequence = int(number[6:11]), int(number[11:15])
    if plan_id == 0:
        raise TicketNumberError("准考证号中的计划编号不能为 00000")
    if sequence == 0:
        raise TicketNumberError("准考证号中的序号不能为 0000")
    return TicketNumber(int(number[:2]), city_code, plan_id, sequence)


def ticket_number_valid(text: str) -> bool:
    try:
        ticket_number_parse(text)
    except TicketNumberError:
        return False
    return True


def city_code_of(region_code: str) -> str:
    """The four-digit city part of a six-digit region code (510104 锦江区 → 5101)."""
    return (region_code or "")[:4]
