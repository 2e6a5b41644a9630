"""Certificate numbers (R-CERT-NO, R-SC24-12): building, reading and refusing them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaowu.certificates.numbering import (
    DEFAULT_LOCAL_TEMPLATE,
    CertificateNumberError,
    LocalFormat,
    SkillLevelNumber,
    next_serial,
    skill_level_number_make,
    skill_level_number_parse,
)

EXAMPLE = "S51015100012324300004" + "5"  # S 5101 51 000123 24 3 000045


def make(**changes):
    parts = dict(kind="S", body_code="5101", province="51", body_sequence="000123", year=2024, level=3, serial=45)
    parts.update(changes)
    return skill_level_number_make(**parts)


# --- 职业技能等级证书 ----------------------------------------------------------------------------


def test_example_is_read_part_by_part():
    number = skill_level_number_parse(EXAMPLE)
    assert number == SkillLevelNumber("S", "5101", "51", "000123", "24", 3, 45)
    assert number.full_year == 2024
    assert number.sequence_key == "S510151000123243"
    assert number.format() == EXAMPLE
    assert str(number) == EXAMPLE


def test_make_builds_the_same_number():
    number = make()
    assert number.format() == EXAMPLE
    assert len(number.format()) == 22
    assert make(kind="Y", serial=999999).format() == "Y51015100012324" + "3999999"


def test_parse_forgives_blanks_and_lower_case_kind():
    assert skill_level_number_parse(f"  {EXAMPLE.lower()}\n").format() == EXAMPLE


def test_sequence_key_ignores_serial_only():
    assert make(serial=1).sequence_key == make(serial=2).sequence_key
    for change in [
        dict(kind="Y"),
        dict(body_code="5102"),
        dict(province="50"),
        dict(body_sequence="000124"),
        dict(year=2025),
        dict(level=4),
    ]:
        assert make(**change).sequence_key != make().sequence_key, change


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "证书编号应为22位，实际为0位"),
        (EXAMPLE[:-1], "证书编号应为22位，实际为21位"),
        (EXAMPLE + "1", "证书编号应为22位，实际为23位"),
        ("X" + EXAMPLE[1:], "第1位 评价机构类型应为S（社会培训评价组织）或Y（用人单位），实际为“X”"),
        ("1" + EXAMPLE[1:], "第1位 评价机构类型"),
        ("S51A1" + EXAMPLE[5:], "第2–5位 机构代码应为4位数字，实际为“51A1”"),
        ("S5101" + "5X" + EXAMPLE[7:], "第6–7位 省份代码应为2位数字，实际为“5X”"),
        ("S5101" + "99" + EXAMPLE[7:], "第6–7位 省份代码“99”不是有效的省级行政区划代码"),
        (EXAMPLE[:7] + "00012A" + EXAMPLE[13:], "第8–13位 机构序号应为6位数字，实际为“00012A”"),
        (EXAMPLE[:13] + "2O" + EXAMPLE[15:], "第14–15位 年份应为2位数字，实际为“2O”"),
        (EXAMPLE[:15] + "0" + EXAMPLE[16:], "第16位 等级应为1–5，实际为“0”"),
        (EXAMPLE[:15] + "6" + EXAMPLE[16:], "第16位 等级应为1–5，实际为“6”"),
        (EXAMPLE[:15] + "A" + EXAMPLE[16:], "第16位 等级应为1–5，实际为“A”"),
        (EXAMPLE[:16] + "00004A", "第17–22位 流水号应为6位数字，实际为“00004A”"),
        (EXAMPLE[:16] + "000000", "第17–22位 流水号应为000001–999999，实际为“0”"),
        # Full-width digits pass str.isdigit() but are not digits of a certificate number.
        ("S５101" + EXAMPLE[5:], "第2–5位 机构代码应为4位数字"),
    ],
)
def test_parse_refuses_with_the_faulty_part(text, message):
    with pytest.raises(CertificateNumberError) as caught:
        skill_level_number_parse(text)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(kind="s"), "第1位 评价机构类型"),
        (dict(kind="SY"), "第1位 评价机构类型"),
        (dict(body_code="510"), "第2–5位 机构代码应为4位数字，实际为“510”"),
        (dict(body_code=5101), "第2–5位 机构代码应为4位数字"),
        (dict(province="5"), "第6–7位 省份代码应为2位数字"),
        (dict(province="00"), "第6–7位 省份代码“00”不是有效的省级行政区划代码"),
        (dict(body_sequence="123"), "第8–13位 机构序号应为6位数字，实际为“123”"),
        (dict(year=24), "第14–15位 年份应为2000–2099年，实际为“24”"),
        (dict(year=1999), "第14–15位 年份应为2000–2099年"),
        (dict(year=2100), "第14–15位 年份应为2000–2099年"),
        (dict(year="2024"), "第14–15位 年份应为2000–2099年"),
        (dict(level=0), "第16位 等级应为1–5，实际为“0”"),
        (dict(level=6), "第16位 等级应为1–5，实际为“6”"),
        (dict(level="3"), "第16位 等级应为1–5"),
        (dict(level=True), "第16位 等级应为1–5"),
        (dict(serial=0), "第17–22位 流水号应为000001–999999，实际为“0”"),
        (dict(serial=1_000_000), "第17–22位 流水号应为000001–999999"),
        (dict(serial=-1), "第17–22位 流水号"),
    ],
)
def test_make_refuses_each_bad_part(change, message):
    with pytest.raises(CertificateNumberError) as caught:
        make(**change)
    assert message in str(caught.value)


def test_make_accepts_the_edges():
    assert make(year=2000, level=1, serial=1).format().endswith("001000001")
    assert make(year=2099, level=5, serial=999_999).format().endswith("995999999")
    assert make(province="82").province == "82"


@given(
    kind=st.sampled_from("SY"),
    body_code=st.from_regex(r"\A[0-9]{4}\Z"),
    province=st.sampled_from(["11", "31", "50", "51", "65", "82"]),
    body_sequence=st.from_regex(r"\A[0-9]{6}\Z"),
    year=st.integers(2000, 2099),
    level=st.integers(1, 5),
    serial=st.integers(1, 999_999),
)
def test_skill_level_round_trip(kind, body_code, province, body_sequence, year, level, serial):
    number = skill_level_number_make(
        kind=kind,
        body_code=body_code,
        province=province,
        body_sequence=body_sequence,
        year=year,
        level=level,
        serial=serial,
    )
    text = number.format()
    assert len(text) == 22
    assert skill_level_number_parse(text) == number
    assert number.full_year == year


# --- next_serial -------------------------------------------------------------------------------


def test_next_serial_counts_from_one():
    assert next_serial(None) == 1
    assert next_serial(0) == 1
    assert next_serial(44) == 45
    assert next_serial(999_998) == 999_999


def test_next_serial_refuses_when_used_up_or_nonsense():
    with pytest.raises(CertificateNumberError, match="本序列流水号已用完（最大999999）"):
        next_serial(999_999)
    with pytest.raises(CertificateNumberError, match="最大9999"):
        next_serial(9999, maximum=9999)
    with pytest.raises(CertificateNumberError, match="上一个流水号应为非负整数"):
        next_serial(-1)
    with pytest.raises(CertificateNumberError, match="上一个流水号应为非负整数"):
        next_serial("3")


# --- 专项职业能力证书: local format --------------------------------------------------------------


def test_default_local_format_example():
    fmt = LocalFormat()
    assert fmt.template == DEFAULT_LOCAL_TEMPLATE == "ZX{city}{year}{serial:06d}"
    text = fmt.format(city="510100", year=2024, serial=1, item="SC2024-01")  # item unused: ignored
    assert text == "ZX5101002024000001"
    number = fmt.parse(text)
    assert (number.city, number.year, number.item, number.serial) == ("510100", 2024, None, 1)
    assert number.sequence_key == "ZX5101002024######"
    assert fmt.sequence_key(city="510100", year=2024) == number.sequence_key


def test_local_format_with_item_and_literal_braces():
    fmt = LocalFormat("{{{city}}}-{item}/{year}-{serial:04d}")
    text = fmt.format(city="510700", year=2025, item="SC2024-01", serial=12)
    assert text == "{510700}-SC2024-01/2025-0012"
    number = fmt.parse(text)
    assert (number.city, number.item, number.year, number.serial) == ("510700", "SC2024-01", 2025, 12)
    assert number.sequence_key == "{510700}-SC2024-01/2025-####"


def test_local_format_item_next_to_serial_is_split_by_width():
    fmt = LocalFormat("{item}{serial:06d}")
    number = fmt.parse("SC2024-01000123")
    assert (number.item, number.serial) == ("SC2024-01", 123)


@pytest.mark.parametrize(
    "template, message",
    [
        ("ZX{city}{year}", "缺少流水号占位符"),
        ("ZX{city}{serial:06d}{org}", "含未知占位符{org}"),
        ("ZX{}{serial:06d}", "含未知占位符{}"),
        ("ZX{0}{serial:06d}", "含未知占位符{0}"),
        ("ZX{serial}", "流水号须写明位数，如{serial:06d}"),
        ("ZX{serial:6d}", "流水号须写明位数"),
        ("ZX{serial:010d}", "流水号须写明位数"),
        ("ZX{city}{city}{serial:06d}", "占位符{city}重复"),
        ("ZX{city!r}{serial:06d}", "占位符{city}不能带!r"),
        ("ZX{year:>6}{serial:06d}", "占位符{year}不能带格式“>6”"),
        ("ZX{city{serial:06d}", "花括号不配对"),
        ("ZX}{serial:06d}", "花括号不配对"),
    ],
)
def test_local_format_refuses_bad_templates(template, message):
    with pytest.raises(CertificateNumberError) as caught:
        LocalFormat(template)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "values, message",
    [
        (dict(city="51010", year=2024, serial=1), "地区代码应为6位数字，实际为“51010”"),
        (dict(city=None, year=2024, serial=1), "需要地区代码（{city}）"),
        (dict(city="510100", year=24, serial=1), "年份应为2000–2099年，实际为“24”"),
        (dict(city="510100", year=2024, serial=0), "流水号应为1–999999，实际为“0”"),
        (dict(city="510100", year=2024, serial=1_000_000), "流水号应为1–999999"),
    ],
)
def test_local_format_refuses_bad_values(values, message):
    with pytest.raises(CertificateNumberError) as caught:
        LocalFormat().format(**values)
    assert message in str(caught.value)


def test_local_format_refuses_bad_item():
    fmt = LocalFormat("{item}{serial:04d}")
    with pytest.raises(CertificateNumberError, match="专项项目编码应为1–32位字母、数字或连字符"):
        fmt.format(item="大数据", serial=1)
    with pytest.raises(CertificateNumberError, match="需要专项项目编码"):
        fmt.format(serial=1)


@pytest.mark.parametrize(
    "text, message",
    [
        ("ZX510100202400001", "不符合本地编号格式“ZX{city}{year}{serial:06d}”"),
        ("ZY5101002024000001", "不符合本地编号格式"),
        ("ZX51010020240000010", "不符合本地编号格式"),
        ("ZX5101002024000000", "流水号不能为全0"),
        ("ZX5101001999000001", "年份应为2000–2099年，实际为1999"),
        ("ZX５10100" + "2024000001", "不符合本地编号格式"),
    ],
)
def test_local_parse_refuses(text, message):
    with pytest.raises(CertificateNumberError) as caught:
        LocalFormat().parse(text)
    assert message in str(caught.value)


@given(
    city=st.from_regex(r"\A[0-9]{6}\Z"),
    year=st.integers(2000, 2099),
    item=st.from_regex(r"\A[A-Za-z0-9-]{1,32}\Z"),
    serial=st.integers(1, 99_999),
)
def test_local_round_trip(city, year, item, serial):
    fmt = LocalFormat("{city}-{item}{year}{serial:05d}")
    text = fmt.format(city=city, year=year, item=item, serial=serial)
    number = fmt.parse(text)
    assert (number.city, number.year, number.item, number.serial) == (city, year, item, serial)
    assert number.sequence_key == fmt.sequence_key(city=city, year=year, item=item)
