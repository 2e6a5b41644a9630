from datetime import date

from kaowu.core.ids import id_check, id_mask


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
