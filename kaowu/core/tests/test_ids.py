from datetime import date

import pytest

from kaowu.core.ids import id_check, id_make, id_mask


def test_valid_number_gives_birth_date_gender_and_region():
    result = id_check("11010519491231002X")
    assert result.valid
    assert result.birth_date == date(1949, 12, 31)
    assert result.gender == "女"
    assert result.region == "110105"
    assert result.error is None


def test_lower_case_x_and_spaces_are_accepted():
    assert id_check(" 11010519491231002x ").valid


def test_wrong_length_says_how_many_digits():
    result = id_check("5101041990010112")
    assert not result.valid
    assert "应为18位" in result.error and "16位" in result.error


def test_bad_check_digit_names_the_expected_digit():
    result = id_check("110105194912310021")
    assert not result.valid
    assert "校验位错误" in result.error and "应为X" in result.error


def test_impossible_birth_date_is_refused():
    result = id_check("110105194902310021")
    assert not result.valid
    assert "出生日期" in result.error


def test_birth_date_in_the_future_is_refused():
    result = id_check("110105209901010013", today=date(2026, 11, 22))
    assert not result.valid
    assert "出生日期" in result.error


def test_letters_inside_the_number_are_refused():
    result = id_check("11010519A91231002X")
    assert not result.valid and "数字" in result.error


def test_mask_keeps_region_and_last_four():
    assert id_mask("510104199001011234") == "510104********1234"
    assert id_mask("") == ""


@pytest.mark.parametrize("number", [
    "510107198503122015",  # 武侯区 (code from 1990), born 1985
    id_make("510104", date(1956, 3, 1), 11),  # 锦江区 (1990), born 1956
    id_make("510108", date(1979, 7, 9), 22),  # 成华区 (1990), born 1979
    id_make("510116", date(1968, 1, 15), 33),  # 双流区 (2015), born 1968
])
def test_an_id_issued_by_a_district_created_after_the_holders_birth_is_accepted(number):
    result = id_check(number)
    assert result.valid, result.error
    assert result.region == number[:6]


@pytest.mark.parametrize("code", ["510199", "990101", "510000"[:4] + "98"])
def test_a_region_code_that_never_existed_is_refused(code):
    number = id_make(code, date(1985, 3, 12), 1)
    result = id_check(number)
    assert not result.valid and result.error == f"身份证号中的地区代码{code}不存在"
