"""The engine speaks to people: conditions carry their readable label (「三级 条件(1)」) and a name typed in the
profile that the catalogue does not know is named in a warning instead of silently counting as 0 days."""

from kaowu.catalog.eligibility import eligibility_evaluate
from kaowu.catalog.eligibility.rules import names_known

AS_OF = "2026-12-01"


def test_conditions_carry_their_readable_label_and_summary():
    verdict = eligibility_evaluate("企业人力资源管理师", 3, {"as_of": AS_OF})
    conditions = verdict.as_json()["conditions"]
    first = next(c for c in conditions if c["id"] == "L3-1")
    assert first["label"] == "三级 条件(1)" and first["summary"]
    assert {c["label"] for c in conditions} >= {"三级 条件(2)第一种情形", "三级 条件(5)"}


def test_a_major_typed_as_the_occupation_of_a_work_period_is_named_as_not_counted():
    profile = {"as_of": AS_OF, "work": [{"occupation": "人力资源管理", "start": "2010-01-01", "end": None}]}
    verdict = eligibility_evaluate("企业人力资源管理师", 4, profile)
    assert not verdict.eligible
    assert verdict.warnings == ["“人力资源管理”不是目录中的职业（工种）名称，该段工作年限未计入"]
    assert verdict.as_json()["warnings"] == verdict.warnings


def test_unknown_certificate_occupations_and_majors_are_named_too():
    profile = {"as_of": AS_OF,
               "certificates": [{"occupation": "人事专员", "level": 4, "issued_on": "2015-01-01", "kind": "技能等级"}],
               "education": [{"school": "大学本科", "major": "人力资源", "status": "毕业",
                              "graduated_on": "2012-07-01"}]}
    warnings = eligibility_evaluate("企业人力资源管理师", 3, profile).warnings
    assert warnings == ["“人事专员”不是目录中的职业（工种）名称，该证书未计入",
                        "“人力资源”不是目录中的专业名称，未按本专业或相关专业计入"]


def test_catalogue_names_raise_no_warning_even_when_they_do_not_count_for_this_occupation():
    profile = {"as_of": AS_OF,
               "work": [{"occupation": "育婴员", "start": "2010-01-01", "end": None},
                        {"occupation": "行政管理", "start": "2010-01-01", "end": None}],
               "education": [{"school": "大学本科", "major": "人力资源管理专业", "status": "毕业",
                              "graduated_on": "2012-07-01"}]}
    assert eligibility_evaluate("企业人力资源管理师", 3, profile).warnings == []


def test_the_names_known_are_the_rules_occupations_and_majors():
    occupations, majors = names_known()
    assert {"企业人力资源管理师", "育婴员", "劳动关系协调员", "企业管理"} <= occupations
    assert {"人力资源管理", "劳动关系"} <= majors


def test_a_name_that_counts_for_the_occupation_is_no_warning():
    rules_text = {"as_of": AS_OF, "work": [{"occupation": "人力资源管理", "start": "2010-01-01", "end": None}]}
    # 人力资源管理 is a related occupation of 劳动关系协调员 (its standard), not of 企业人力资源管理师.
    assert eligibility_evaluate("劳动关系协调员", 3, rules_text).warnings == []
