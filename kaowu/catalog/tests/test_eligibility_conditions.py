"""R-LN-7: every condition of 003 附件7, met by a profile that meets it and refused for the smallest miss.

Each case names the condition (occupation, level, id). The misses are one day short of the
years, an unrelated major, a certificate one level too low, the wrong school or status.
"""

from datetime import date, timedelta

import pytest

from kaowu.catalog.eligibility import eligibility_evaluate
from kaowu.catalog.eligibility.engine import add_years

AS_OF = date(2020, 9, 10)
HR, LR, IC = "企业人力资源管理师", "劳动关系协调员", "育婴员"


def years_ago(years: int, days_later: int = 0) -> str:
    return (add_years(AS_OF, -years) + timedelta(days=days_later)).isoformat()


def work(occupation: str, years: int, short: bool = False) -> dict:
    """Work still going on, started `years` ago (one day later when `short`)."""
    return {"work": {"occupation": occupation, "start": years_ago(years, 1 if short else 0), "end": None}}


def cert(occupation: str, level: int | None, years: int = 10, short: bool = False, kind: str = "技能等级") -> dict:
    return {"certificates": {"occupation": occupation, "level": level, "kind": kind,
                             "issued_on": years_ago(years, 1 if short else 0)}}


def edu(school: str, major: str, status: str = "毕业") -> dict:
    return {"education": {"school": school, "major": major, "status": status,
                          "graduated_on": "2010-07-01" if status == "毕业" else None}}


APPRENTICE = {"apprenticeship_completed": True}


def profile(*parts: dict) -> dict:
    data: dict = {"as_of": AS_OF.isoformat(), "work": [], "certificates": [], "education": []}
    for part in parts:
        for key, value in part.items():
            if key == "apprenticeship_completed":
                data[key] = value
            else:
                data[key].append(value)
    return data


# (occupation, level, condition id, parts that meet it, {miss: parts that miss it by the least})
CASES = [
    # 企业人力资源管理师 四级
    (HR, 4, "L4-1", [work(HR, 4)], {"one day short": [work(HR, 4, short=True)],
                                    "unrelated occupation": [work("会计", 4)]}),
    (HR, 4, "L4-1", [work("管理咨询", 4)], {"one day short": [work("管理咨询", 4, short=True)]}),
    (HR, 4, "L4-2a", [edu("技工学校", "劳动关系", "应届")], {"unrelated major": [edu("技工学校", "数控技术", "应届")],
                                                        "still in an earlier year": [edu("技工学校", "劳动关系", "在校")]}),
    (HR, 4, "L4-2b", [edu("中等职业学校", "人力资源管理")], {"unrelated major": [edu("中等职业学校", "烹饪")]}),
    (HR, 4, "L4-3", [edu("大学本科", "人力资源管理", "在校")], {"unrelated major": [edu("大学本科", "机械工程", "在校")],
                                                          "not a student": [edu("大学本科", "人力资源管理", "毕业")]}),
    # 企业人力资源管理师 三级
    (HR, 3, "L3-1", [cert(HR, 4, 5), work(HR, 12)], {"one day short after the certificate": [cert(HR, 4, 5, True), work(HR, 12)],
                                                     "certificate one level too low": [cert(HR, 5, 5), work(HR, 12)]}),
    (HR, 3, "L3-1", [cert(LR, 4, 5), work("行政管理", 12)], {"unrelated certificate": [cert("焊工", 4, 5), work(HR, 12)]}),
    (HR, 3, "L3-2a", [cert(HR, 4), edu("技师学院", "数控技术", "应届")], {"certificate one level too low": [cert(HR, 5), edu("技师学院", "数控技术", "应届")],
                                                                     "wrong school": [cert(HR, 4), edu("中等职业学校", "人力资源管理", "应届")]}),
    (HR, 3, "L3-2b", [cert(HR, 4), edu("高等职业学校", "劳动经济")], {"unrelated major": [cert(HR, 4), edu("高等职业学校", "护理")]}),
    (HR, 3, "L3-3", [edu("大学专科", "行政管理"), cert(HR, 4, 2), work(HR, 5)], {"one day short after the certificate": [edu("大学专科", "行政管理"), cert(HR, 4, 2, True), work(HR, 5)],
                                                                              "unrelated major": [edu("大学专科", "汽车维修"), cert(HR, 4, 2), work(HR, 5)]}),
    (HR, 3, "L3-4", [edu("大学本科", "人力资源管理"), cert(HR, 4, 1), work(HR, 3)], {"one day short after the certificate": [edu("大学本科", "人力资源管理"), cert(HR, 4, 1, True), work(HR, 3)],
                                                                                "certificate one level too low": [edu("大学本科", "人力资源管理"), cert(HR, 5, 1), work(HR, 3)],
                                                                                "unrelated major": [edu("大学本科", "土木工程"), cert(HR, 4, 1), work(HR, 3)]}),
    (HR, 3, "L3-5", [edu("硕士研究生", "管理科学", "应届")], {"unrelated major": [edu("硕士研究生", "物理学", "应届")],
                                                         "only a student": [edu("硕士研究生", "管理科学", "在校")]}),
    # 企业人力资源管理师 二级
    (HR, 2, "L2-1", [cert(HR, 3, 4), work(HR, 10)], {"one day short after the certificate": [cert(HR, 3, 4, True), work(HR, 10)],
                                                     "certificate one level too low": [cert(HR, 4, 4), work(HR, 10)]}),
    (HR, 2, "L2-2a", [cert(HR, 3), edu("高级技工学校", "电工"), work(HR, 3)], {"one day short": [cert(HR, 3), edu("高级技工学校", "电工"), work(HR, 3, True)],
                                                                           "certificate one level too low": [cert(HR, 4), edu("高级技工学校", "电工"), work(HR, 3)],
                                                                           "not yet graduated": [cert(HR, 3), edu("高级技工学校", "电工", "应届"), work(HR, 3)]}),
    (HR, 2, "L2-2b", [cert(HR, None, kind="预备技师"), edu("技师学院", "电工"), work(HR, 2)], {"one day short": [cert(HR, None, kind="预备技师"), edu("技师学院", "电工"), work(HR, 2, True)],
                                                                                        "wrong school": [cert(HR, None, kind="预备技师"), edu("高级技工学校", "电工"), work(HR, 2)]}),
    (HR, 2, "L2-3", [edu("大学本科", "劳动关系"), cert(HR, 3, 2), work(HR, 6)], {"one day short after the certificate": [edu("大学本科", "劳动关系"), cert(HR, 3, 2, True), work(HR, 6)],
                                                                             "certificate one level too low": [edu("大学本科", "劳动关系"), cert(HR, 4, 2), work(HR, 6)]}),
    (HR, 2, "L2-4", [edu("硕士研究生", "人力资源管理"), cert(HR, 3, 1), work(HR, 3)], {"one day short after the certificate": [edu("硕士研究生", "人力资源管理"), cert(HR, 3, 1, True), work(HR, 3)],
                                                                                   "unrelated major": [edu("硕士研究生", "化学"), cert(HR, 3, 1), work(HR, 3)]}),
    (HR, 2, "L2-5", [edu("博士研究生", "管理科学"), work(HR, 2)], {"one day short": [edu("博士研究生", "管理科学"), work(HR, 2, True)],
                                                                "unrelated major": [edu("博士研究生", "历史学"), work(HR, 2)]}),
    # 企业人力资源管理师 一级
    (HR, 1, "L1-1", [cert(HR, 2, 4), work(HR, 15)], {"one day short after the certificate": [cert(HR, 2, 4, True), work(HR, 15)],
                                                     "certificate one level too low": [cert(HR, 3, 4), work(HR, 15)]}),
    # 劳动关系协调员 三级
    (LR, 3, "L3-1", [cert(LR, 4, 5), work(LR, 8)], {"one day short after the certificate": [cert(LR, 4, 5, True), work(LR, 8)],
                                                    "certificate one level too low": [cert(LR, 5, 5), work(LR, 8)]}),
    (LR, 3, "L3-1", [cert("社会工作者", 4, 5), work("社会工作", 8)], {"unrelated certificate": [cert("管理咨询", 4, 5), work("社会工作", 8)]}),
    (LR, 3, "L3-2a", [cert(LR, 4), edu("高级技工学校", "机电一体化", "应届")], {"certificate one level too low": [cert(LR, 5), edu("高级技工学校", "机电一体化", "应届")]}),
    (LR, 3, "L3-2b", [cert(LR, 4), edu("高等职业学校", "法学", "应届")], {"unrelated major": [cert(LR, 4), edu("高等职业学校", "建筑", "应届")]}),
    (LR, 3, "L3-3", [edu("大学专科", "劳动与社会保障"), cert(LR, 4, 2), work(LR, 4)], {"one day short after the certificate": [edu("大学专科", "劳动与社会保障"), cert(LR, 4, 2, True), work(LR, 4)]}),
    (LR, 3, "L3-4", [edu("大学本科", "社会学"), cert(LR, 4, 1), work(LR, 2)], {"one day short after the certificate": [edu("大学本科", "社会学"), cert(LR, 4, 1, True), work(LR, 2)],
                                                                           "unrelated major": [edu("大学本科", "数学"), cert(LR, 4, 1), work(LR, 2)]}),
    (LR, 3, "L3-5", [edu("博士研究生", "劳动经济学", "应届")], {"unrelated major": [edu("博士研究生", "天文学", "应届")]}),
    # 劳动关系协调员 二级
    (LR, 2, "L2-1", [cert(LR, 3, 4), work(LR, 9)], {"one day short after the certificate": [cert(LR, 3, 4, True), work(LR, 9)],
                                                    "certificate one level too low": [cert(LR, 4, 4), work(LR, 9)]}),
    (LR, 2, "L2-2a", [cert(LR, 3), edu("技师学院", "焊接"), work(LR, 3)], {"one day short": [cert(LR, 3), edu("技师学院", "焊接"), work(LR, 3, True)]}),
    (LR, 2, "L2-2b", [cert(LR, None, kind="预备技师"), edu("技师学院", "焊接"), work(LR, 2)], {"one day short": [cert(LR, None, kind="预备技师"), edu("技师学院", "焊接"), work(LR, 2, True)],
                                                                                       "an ordinary certificate instead": [cert(LR, 3, kind="职业资格"), edu("技师学院", "焊接"), work(LR, 2)]}),
    (LR, 2, "L2-3", [edu("大学本科", "人力资源管理"), cert(LR, 3, 2), work(LR, 6)], {"one day short after the certificate": [edu("大学本科", "人力资源管理"), cert(LR, 3, 2, True), work(LR, 6)]}),
    (LR, 2, "L2-4", [edu("硕士研究生", "法学"), cert(LR, 3, 1), work(LR, 3)], {"certificate one level too low": [edu("硕士研究生", "法学"), cert(LR, 4, 1), work(LR, 3)]}),
    (LR, 2, "L2-5", [edu("博士研究生", "社会学"), work(LR, 2)], {"one day short": [edu("博士研究生", "社会学"), work(LR, 2, True)]}),
    # 劳动关系协调员 一级
    (LR, 1, "L1-1", [cert(LR, 2, 4), work(LR, 12)], {"one day short after the certificate": [cert(LR, 2, 4, True), work(LR, 12)],
                                                     "certificate one level too low": [cert(LR, 3, 4), work(LR, 12)]}),
    # 育婴员 五级
    (IC, 5, "L5-1", [work("家政服务员", 1)], {"one day short": [work("家政服务员", 1, short=True)],
                                              "unrelated occupation": [work("厨师", 1)]}),
    (IC, 5, "L5-2", [APPRENTICE], {"no apprenticeship": []}),
    # 育婴员 四级
    (IC, 4, "L4-1", [cert(IC, 5, 4), work(IC, 5)], {"one day short after the certificate": [cert(IC, 5, 4, True), work(IC, 5)]}),
    (IC, 4, "L4-1", [cert("保育员", 5, 4), work("保育员", 5)], {"unrelated certificate": [cert("电工", 5, 4), work("保育员", 5)]}),
    (IC, 4, "L4-2", [work(IC, 6)], {"one day short": [work(IC, 6, short=True)]}),
    (IC, 4, "L4-3a", [edu("技工学校", "中医护理", "应届")], {"major related only at another tier": [edu("技工学校", "临床医学", "应届")]}),
    (IC, 4, "L4-3b", [edu("中等职业学校", "学前教育")], {"unrelated major": [edu("中等职业学校", "会计")]}),
    # 育婴员 三级
    (IC, 3, "L3-1", [cert(IC, 4, 5), work(IC, 9)], {"one day short after the certificate": [cert(IC, 4, 5, True), work(IC, 9)],
                                                    "certificate one level too low": [cert(IC, 5, 5), work(IC, 9)]}),
    (IC, 3, "L3-2a", [cert(IC, 4), edu("技师学院", "早期教育", "应届")], {"unrelated major": [cert(IC, 4), edu("技师学院", "汽修", "应届")]}),
    (IC, 3, "L3-2b", [cert(IC, 4), edu("高等职业学校", "心理咨询", "应届")], {"certificate one level too low": [cert(IC, 5), edu("高等职业学校", "心理咨询", "应届")]}),
    (IC, 3, "L3-3", [edu("大学本科", "护理学"), cert(IC, 4, 2), work(IC, 4)], {"one day short after the certificate": [edu("大学本科", "护理学"), cert(IC, 4, 2, True), work(IC, 4)],
                                                                           "major related only at another tier": [edu("大学本科", "护理"), cert(IC, 4, 2), work(IC, 4)]}),
]


def _case_id(case) -> str:
    occupation, level, condition, _meets, _misses = case
    return f"{occupation}-{level}级-{condition}"


def _condition(verdict, condition_id):
    return next(c for c in verdict.conditions if c.id == condition_id)


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_r_ln_7_condition_admits_a_profile_that_meets_it(case):
    occupation, level, condition_id, meets, _misses = case
    verdict = eligibility_evaluate(occupation, level, profile(*meets))
    result = _condition(verdict, condition_id)
    assert result.met, result.missing
    assert verdict.eligible and verdict.matched


MISSES = [(case, name, parts) for case in CASES for name, parts in case[4].items()]


@pytest.mark.parametrize("case, miss, parts", MISSES, ids=[f"{_case_id(c)}-{m}" for c, m, _ in MISSES])
def test_r_ln_7_condition_refuses_the_smallest_miss(case, miss, parts):
    occupation, level, condition_id, _meets, _misses = case
    verdict = eligibility_evaluate(occupation, level, profile(*parts))
    result = _condition(verdict, condition_id)
    assert not result.met
    assert result.missing and all(text.strip() for text in result.missing)


def test_every_condition_of_every_occupation_has_a_case():
    from kaowu.catalog.eligibility import rulesets_all

    covered = {(occ, level, cid) for occ, level, cid, _m, misses in CASES if misses}
    expected = {(r.occupation, lv, c.id) for r in rulesets_all() for lv, conds in r.levels.items() for c in conds}
    assert expected - covered == set()


def test_r_ln_7_four_years_from_2016_09_10_are_complete_on_2020_09_10():
    data = {"as_of": "2020-09-10", "work": [{"occupation": HR, "start": "2016-09-10", "end": None}]}
    assert eligibility_evaluate(HR, 4, data).eligible
    data["work"][0]["start"] = "2016-09-11"
    verdict = eligibility_evaluate(HR, 4, data)
    assert not verdict.eligible
    assert "现有3年365天" in _condition(verdict, "L4-1").missing[0]


def test_r_ln_7_overlapping_periods_count_once():
    data = {"as_of": "2020-09-10", "work": [
        {"occupation": HR, "start": "2017-09-10", "end": None},
        {"occupation": "企业管理", "start": "2017-09-10", "end": "2019-09-09"},
        {"occupation": "行政管理", "start": "2016-09-10", "end": "2017-09-09"},
    ]}
    assert eligibility_evaluate(HR, 4, data).eligible  # 2016-09-10 .. now, once
    data["work"][2]["start"] = "2016-09-11"
    assert not eligibility_evaluate(HR, 4, data).eligible


def test_r_ln_7_work_before_the_certificate_does_not_count_after_it():
    data = {"as_of": "2020-09-10",
            "work": [{"occupation": HR, "start": "2000-01-01", "end": None}],
            "certificates": [{"occupation": HR, "level": 4, "issued_on": "2015-09-11", "kind": "职业资格"}]}
    verdict = eligibility_evaluate(HR, 3, data)
    assert not verdict.eligible
    assert "自2015年09月11日取证起现有4年365天" in _condition(verdict, "L3-1").missing[0]


def test_the_issue_example_is_eligible_for_level_three_and_reads_well():
    data = {"as_of": "2020-09-10",
            "work": [{"occupation": HR, "start": "2012-03-01", "end": None}],
            "certificates": [{"occupation": HR, "level": 4, "issued_on": "2014-06-01", "kind": "技能等级"}],
            "education": [{"school": "大学本科", "major": "人力资源管理", "status": "毕业", "graduated_on": "2011-07-01"}],
            "apprenticeship_completed": False}
    verdict = eligibility_evaluate(HR, 3, data)
    assert verdict.eligible
    assert verdict.matched == "三级 条件(1): 四级证书 + 证后5年"
    assert _condition(verdict, "L3-4").met
    refused = eligibility_evaluate(HR, 2, data)
    assert not refused.eligible
    assert any("等级不够" in text for text in _condition(refused, "L2-1").missing)


def test_unverifiable_school_requirements_are_flagged_for_the_reviewer():
    verdict = eligibility_evaluate(HR, 4, profile(edu("中等职业学校", "人力资源管理")))
    assert any("经评估论证" in note for note in _condition(verdict, "L4-2b").notes)
