"""准考证号: YY CCCC PPPPP SSSS (docs/arrangement.md). Pure, no database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaowu.arrangement.numbering import (
    TicketNumber,
    TicketNumberError,
    city_code_of,
    ticket_number_make,
    ticket_number_parse,
    ticket_number_valid,
    ticket_numbers,
)


def test_a_number_is_year_city_plan_and_sequence_in_fifteen_digits():
    number = ticket_number_make(year=2026, city_code="5101", plan_id=42, sequence=7)
    assert number == "265101000420007"
    assert len(number) == 15
    assert ticket_number_parse(number) == TicketNumber(26, "5101", 42, 7)


def test_the_city_code_is_the_first_four_digits_of_the_region_code():
    assert city_code_of("510104") == "5101"
    assert city_code_of("510700") == "5107"


@given(year=st.integers(2000, 2099), city=st.sampled_from(["5101", "5107", "5001", "3501", "2101", "5100"]),
       plan_id=st.integers(1, 99_999), sequence=st.integers(1, 9_999))
def test_every_number_made_parses_back_to_its_parts(year, city, plan_id, sequence):
    number = ticket_number_make(year=year, city_code=city, plan_id=plan_id, sequence=sequence)
    assert ticket_number_parse(number) == TicketNumber(year % 100, city, plan_id, sequence)
    assert ticket_number_valid(number)


@given(a=st.tuples(st.integers(1, 99_999), st.integers(1, 9_999)),
       b=st.tuples(st.integers(1, 99_999), st.integers(1, 9_999)))
def test_different_plan_or_sequence_never_give_the_same_number(a, b):
    # Unique in the province by construction: the plan id is unique in the deployment.
    make = lambda plan_id, sequence: ticket_number_make(year=2026, city_code="5101", plan_id=plan_id,  # noqa: E731
                                                        sequence=sequence)
    assert (make(*a) == make(*b)) == (a == b)


def test_a_range_of_numbers_is_consecutive_within_the_plan():
    numbers = list(ticket_numbers(year=2026, city_code="5107", plan_id=3, first=9_998, count=2))
    assert numbers == ["265107000039998", "265107000039999"]
    assert list(ticket_numbers(year=2026, city_code="5107", plan_id=3, first=1, count=0)) == []


def test_a_plan_cannot_have_more_than_9999_numbers():
    with pytest.raises(TicketNumberError, match="超过 9999"):
        list(ticket_numbers(year=2026, city_code="5101", plan_id=3, first=9_999, count=2))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"plan_id": 100_000}, "计划编号"),
    ({"plan_id": 0}, "计划编号"),
    ({"sequence": 0}, "序号"),
    ({"sequence": 10_000}, "序号"),
    ({"city_code": "510"}, "4位数字"),
    ({"city_code": "9901"}, "不是有效的行政区划代码"),
])
def test_parts_out_of_range_are_refused_in_chinese(kwargs, message):
    parts = {"year": 2026, "city_code": "5101", "plan_id": 1, "sequence": 1, **kwargs}
    with pytest.raises(TicketNumberError, match=message):
        ticket_number_make(**parts)


@pytest.mark.parametrize("text", [
    "", "26510100042000", "2651010004200071", "26510100042000X", "269901000420007", "265101000000007",
    "265101000420000", "２６５１０１０００４２０００７", None,
])
def test_what_is_not_a_ticket_number_is_refused(text):
    assert not ticket_number_valid(text)
    with pytest.raises(TicketNumberError):
        ticket_number_parse(text)


def test_surrounding_spaces_are_ignored_when_parsing():
    assert ticket_number_parse(" 265101000420007\n").sequence == 7
