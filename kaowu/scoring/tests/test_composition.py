"""Composition of results (pure): R-FJ-12 grades, the 2020 national qualification schemes of 003 附件2 with
their weighted parts, absence, cancellation, retakes (R-CQ-13) and score validation."""

from decimal import Decimal as D

import pytest

from kaowu.scoring.composition import (
    GradeBands,
    PartRule,
    RawScore,
    ScoreError,
    SubjectRule,
    assessors_combine,
    grade_for,
    result_compose,
    scheme_compile,
    score_validate,
    subject_score_from_parts,
)

BANDS = GradeBands()

# 003 附件2: 企业人力资源管理师 4-3级 — 理论知识 (职业道德 10 分 10% + 理论知识 90 分 90%), 专业能力 100%.
HR_THEORY = SubjectRule(11, "理论知识", "theory", parts=(PartRule(1, "职业道德", D("10"), D("0.10")),
                                                      PartRule(2, "理论知识", D("90"), D("0.90"))))
HR_PRACTICAL = SubjectRule(12, "专业能力", "practical")
HR_LEVEL_3 = scheme_compile([HR_THEORY, HR_PRACTICAL])
# 003 附件2: 育婴员 4级 — 理论知识 100%, 技能操作 100%.
INFANT_LEVEL_4 = scheme_compile([SubjectRule(21, "理论知识", "theory"), SubjectRule(22, "技能操作", "practical")])
# 003 附件2: 劳动关系协调员 2级 — 理论知识, 操作技能, 综合评审（论文）, each 100%.
LABOUR_LEVEL_2 = scheme_compile([SubjectRule(31, "理论知识", "theory"), SubjectRule(32, "操作技能", "practical"),
                                 SubjectRule(33, "综合评审", "review")])
# A 专项职业能力 item: one hands-on subject.
SPECIAL = scheme_compile([SubjectRule(41, "专业能力考核", "practical")])


def present(score, **kwargs) -> RawScore:
    return RawScore(D(score) if score is not None else None, **kwargs)


def absent() -> RawScore:
    return RawScore(None, attendance="absent")


def cancelled() -> RawScore:
    return RawScore(None, attendance="cancelled")


# --- R-FJ-12 grades -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("score", "grade"), [
    ("59", ""), ("59.99", ""), ("60", "合格"), ("79", "合格"), ("79.99", "合格"), ("80", "良好"),
    ("89", "良好"), ("89.99", "良好"), ("90", "优秀"), ("100", "优秀"),
])
def test_r_fj_12_grade_boundaries_59_60_79_80_89_90(score, grade):
    assert grade_for(D(score), BANDS) == grade


@pytest.mark.parametrize(("score", "outcome", "grade"), [
    ("59.99", "failed", ""), ("60.00", "passed", "合格"), ("79.99", "passed", "合格"), ("80.00", "passed", "良好"),
    ("89.99", "passed", "良好"), ("90.00", "passed", "优秀"),
])
def test_r_fj_12_a_special_item_result_carries_its_grade(score, outcome, grade):
    result = result_compose(SPECIAL, {41: present(score)}, BANDS, special_item=True)

    assert (result.outcome, result.grade, result.total) == (outcome, grade, None)
    assert result.subjects == [{"subject": 41, "name": "专业能力考核", "score": score, "pass_mark": "60.00",
                                "passed": outcome == "passed", "attendance": "present", "carried": False}]


def test_r_fj_12_bands_come_from_the_profile():
    bands = GradeBands.of(95, 85, 60)

    assert [grade_for(D(s), bands) for s in ("94.99", "95", "84.99", "85")] == ["良好", "优秀", "合格", "良好"]


def test_r_fj_12_an_occupation_result_has_no_grade():
    result = result_compose(INFANT_LEVEL_4, {21: present("95"), 22: present("96")}, BANDS, special_item=False)

    assert result.outcome == "passed" and result.grade == ""


def test_r_fj_12_a_special_item_with_several_unweighted_subjects_is_graded_on_its_lowest_score():
    scheme = scheme_compile([SubjectRule(1, "操作", "practical"), SubjectRule(2, "答辩", "review")])

    assert result_compose(scheme, {1: present("95"), 2: present("85")}, BANDS, special_item=True).grade == "良好"


def test_r_fj_12_a_subject_not_out_of_100_is_graded_on_a_100_point_scale():
    scheme = scheme_compile([SubjectRule(1, "操作", "practical", full_marks=D("50"), pass_mark=D("30"))])

    result = result_compose(scheme, {1: present("45")}, BANDS, special_item=True)

    assert result.outcome == "passed" and result.grade == "优秀"  # 45 of 50 is 90 of 100


# --- 003 附件2 schemes ----------------------------------------------------------------------------------


def test_hr_theory_is_composed_from_professional_ethics_10_percent_and_theory_90_percent():
    assert subject_score_from_parts(HR_THEORY.parts, {1: D("8"), 2: D("70")}) == D("78.00")
    assert subject_score_from_parts(HR_THEORY.parts, {"1": "9.5", "2": "50.25"}) == D("59.75")  # JSON keys


def test_hr_level_3_passes_only_when_theory_and_professional_ability_both_reach_60():
    passed = result_compose(HR_LEVEL_3, {11: present(None, parts={"1": "6", "2": "54"}), 12: present("60")},
                            BANDS, special_item=False)
    failed = result_compose(HR_LEVEL_3, {11: present(None, parts={"1": "9.5", "2": "50.25"}), 12: present("95")},
                            BANDS, special_item=False)

    assert passed.outcome == "passed" and passed.subjects[0]["score"] == "60.00"
    # Every subject is 100% of its own: no total, and a strong 专业能力 does not make up for 理论知识.
    assert failed.outcome == "failed" and failed.total is None
    assert [(s["name"], s["score"], s["passed"]) for s in failed.subjects] == [
        ("理论知识", "59.75", False), ("专业能力", "95.00", True)]


def test_an_entered_subject_score_wins_over_its_parts():
    result = result_compose(HR_LEVEL_3, {11: present("61", parts={"1": "1", "2": "1"}), 12: present("70")},
                            BANDS, special_item=False)

    assert result.outcome == "passed" and result.subjects[0]["score"] == "61.00"


def test_infant_level_4_fails_at_59_99_in_one_subject():
    result = result_compose(INFANT_LEVEL_4, {21: present("60"), 22: present("59.99")}, BANDS, special_item=False)

    assert result.outcome == "failed" and [s["passed"] for s in result.subjects] == [True, False]


def test_labour_relations_level_2_needs_all_three_subjects_including_the_thesis_review():
    scores = {31: present("72"), 32: present("65"), 33: present("60")}

    assert result_compose(LABOUR_LEVEL_2, scores, BANDS, special_item=False).outcome == "passed"
    scores[33] = absent()
    result = result_compose(LABOUR_LEVEL_2, scores, BANDS, special_item=False)
    assert result.outcome == "failed"
    assert result.subjects[2] == {"subject": 33, "name": "综合评审", "score": None, "pass_mark": "60.00",
                                  "passed": False, "attendance": "absent", "carried": False}


def test_a_scheme_that_weights_its_subjects_gets_a_total_rounded_half_up():
    scheme = scheme_compile([SubjectRule(1, "理论", "theory", weight=D("0.3")),
                             SubjectRule(2, "实操", "practical", weight=D("0.7"))])

    result = result_compose(scheme, {1: present("61.15"), 2: present("88")}, BANDS, special_item=True)

    # 61.15 × 0.3 + 88 × 0.7 = 18.345 + 61.6 = 79.945 → 79.95 (half up), graded on the total.
    assert result.total == D("79.95") and result.outcome == "passed" and result.grade == "合格"


def test_a_weighted_scheme_still_needs_every_subject_passed():
    scheme = scheme_compile([SubjectRule(1, "理论", "theory", weight=D("0.3")),
                             SubjectRule(2, "实操", "practical", weight=D("0.7"))])

    result = result_compose(scheme, {1: present("50"), 2: present("100")}, BANDS, special_item=False)

    assert result.total == D("85.00") and result.outcome == "failed"


# --- parts ------------------------------------------------------------------------------------------------


def test_parts_not_proportional_to_their_marks_are_weighted():
    parts = (PartRule(1, "操作", D("50"), D("0.2")), PartRule(2, "答辩", D("50"), D("0.8")))

    # 40/50 × 0.2 × 100 + 30/50 × 0.8 × 100 = 16 + 48
    assert subject_score_from_parts(parts, {1: 40, 2: 30}) == D("64.00")
    # 1/30 × 0.5 × 100 = 1.666… → 1.67
    assert subject_score_from_parts((PartRule(1, "甲", D("30"), D("0.5")), PartRule(2, "乙", D("70"), D("0.5"))),
                                    {1: 1, 2: 0}) == D("1.67")


@pytest.mark.parametrize(("scores", "message"), [
    ({1: "8"}, "分项“理论知识”成绩未录入"),
    ({1: "11", 2: "50"}, "分项“职业道德”成绩须在0至10分之间（填写的是11）"),
    ({1: "8", 2: "50.125"}, "分项“理论知识”成绩最多保留两位小数"),
    ({1: "八", 2: "50"}, "分项“职业道德”成绩须为数字"),
])
def test_a_missing_or_bad_part_is_refused_by_name(scores, message):
    with pytest.raises(ScoreError, match=message):
        subject_score_from_parts(HR_THEORY.parts, scores)


# --- assessors --------------------------------------------------------------------------------------------


def test_assessors_are_combined_as_their_mean_rounded_half_up_with_the_spread():
    assert assessors_combine([D("85"), D("86")]) == (D("85.50"), D("1"))
    assert assessors_combine([D("85"), D("86"), D("86")]) == (D("85.67"), D("1"))
    # 80.025: half up gives 80.03 where banker's rounding would give 80.02.
    assert assessors_combine([D("80.02"), D("80.03")]) == (D("80.03"), D("0.01"))
    assert assessors_combine([D("70"), D("91.5"), D("82")])[1] == D("21.5")
    with pytest.raises(ScoreError):
        assessors_combine([])


# --- attendance and retakes -------------------------------------------------------------------------------


def test_absent_in_every_subject_is_absent():
    result = result_compose(INFANT_LEVEL_4, {21: absent(), 22: absent()}, BANDS, special_item=False)

    assert (result.outcome, result.total, result.grade) == ("absent", None, "")
    assert [s["attendance"] for s in result.subjects] == ["absent", "absent"]


def test_absent_in_one_subject_fails_with_that_subject_marked_absent():
    result = result_compose(INFANT_LEVEL_4, {21: present("90"), 22: absent()}, BANDS, special_item=False)

    assert result.outcome == "failed" and result.missing == ()
    assert [(s["attendance"], s["passed"]) for s in result.subjects] == [("present", True), ("absent", False)]


def test_a_cancelled_subject_cancels_the_result_whatever_the_others():
    for other in (present("99"), absent()):
        result = result_compose(INFANT_LEVEL_4, {21: other, 22: cancelled()}, BANDS, special_item=False)
        assert (result.outcome, result.grade) == ("cancelled", "")


def test_r_cq_13_a_carried_subject_counts_as_given():
    carried = RawScore(D("75"), source="carried")

    retake_absent = result_compose(INFANT_LEVEL_4, {21: carried, 22: absent()}, BANDS, special_item=False)
    retake_passed = result_compose(INFANT_LEVEL_4, {21: carried, 22: present("66")}, BANDS, special_item=False)

    assert retake_absent.outcome == "failed"  # not 缺考: the carried subject was given
    assert retake_passed.outcome == "passed"
    assert retake_passed.subjects[0]["carried"] is True and retake_passed.subjects[1]["carried"] is False


def test_a_subject_without_a_score_yet_is_missing_and_not_passed():
    result = result_compose(INFANT_LEVEL_4, {21: present("90")}, BANDS, special_item=False)

    assert result.outcome == "failed" and result.missing == ("技能操作",)
    assert result.subjects[1]["attendance"] == "missing"


def test_a_plain_sequence_of_subjects_composes_like_the_compiled_scheme():
    subjects = [SubjectRule(21, "理论知识", "theory"), SubjectRule(22, "技能操作", "practical")]
    raw = {21: present("70"), 22: present("80")}

    assert result_compose(subjects, raw, BANDS, special_item=False) == result_compose(
        INFANT_LEVEL_4, raw, BANDS, special_item=False)


def test_a_database_row_serves_as_the_raw_entry():
    # release.compose passes the value rows as they come: (score, parts, attendance, source, ...).
    row = (D("72.50"), {}, "present", "import", 1001, 21, 7)

    result = result_compose(INFANT_LEVEL_4, {21: row, 22: row}, BANDS, special_item=False)

    assert result.outcome == "passed" and result.subjects[0]["score"] == "72.50"


# --- validation ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    (D("0"), D("0")), (D("100"), D("100")), ("88.5", D("88.5")), (60, D("60")), (D("59.99"), D("59.99")),
])
def test_a_score_within_full_marks_with_two_decimals_is_accepted(value, expected):
    assert score_validate(HR_PRACTICAL, value) == expected


@pytest.mark.parametrize(("value", "message"), [
    (D("100.01"), "科目“专业能力”成绩须在0至100分之间（填写的是100.01）"),
    (D("-1"), "科目“专业能力”成绩须在0至100分之间（填写的是-1）"),
    (D("88.555"), "科目“专业能力”成绩最多保留两位小数（填写的是88.555）"),
    ("八十", "科目“专业能力”成绩须为数字（填写的是“八十”）"),
    (D("NaN"), "科目“专业能力”成绩须为数字"),
    (None, "科目“专业能力”成绩须为数字"),
])
def test_a_bad_score_is_refused_with_a_chinese_message(value, message):
    with pytest.raises(ScoreError) as caught:
        score_validate(HR_PRACTICAL, value)
    assert message in caught.value.message
