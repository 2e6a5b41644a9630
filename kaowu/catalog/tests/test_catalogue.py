"""The catalogue file: the 19 unified 专项 items (R-SC24-1), the 辽宁 2020 schemes (R-LN-4), fees, admin."""

import copy
import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from kaowu.catalog.loader import DEFAULT_PATH, SECTIONS, CatalogueError, catalogue_load
from kaowu.catalog.models import Fee, Occupation, Scheme, SpecialItem, Subject, SubjectPart
from kaowu.catalog.selectors import fee_for, occupation_find, occupations_active, scheme_for
from kaowu.core.models import AuditEvent

pytestmark = pytest.mark.django_db

HR, INFANT, LABOUR = "企业人力资源管理师", "育婴员", "劳动关系协调员"
MODELS = [Occupation, SpecialItem, Scheme, Subject, SubjectPart, Fee]

# 003 附件2, one entry per row of the table: (鉴定内容, 题型, 题量, 答题方式) and 附件1's duration.
# 职业道德 and 理论知识 are one theory paper, so they are the two parts of one subject.
HR_THEORY = [("职业道德", "选择题", 100, "computer", 90), ("理论知识", "选择题", 100, "computer", 90)]
SEED_ROWS = {
    (HR, 4): HR_THEORY + [("专业能力", "简答、计算、综合题等", None, "computer", 120)],
    (HR, 3): HR_THEORY + [("专业能力", "简答、计算、综合题等", None, "computer", 120)],
    (HR, 2): HR_THEORY + [("专业能力", "简答、综合题等", None, "computer", 120),
                          ("综合评审", "文件筐", None, "computer", 90)],
    (HR, 1): HR_THEORY + [("专业能力", "简答、综合题等", None, "computer", 120),
                          ("综合评审", "文件筐", None, "computer", 180)],
    (INFANT, 5): [("理论知识", "选择题", 100, "computer", 60), ("技能操作", "案例选择题", None, "computer", 90)],
    (INFANT, 4): [("理论知识", "选择题", 100, "computer", 60), ("技能操作", "案例选择题", None, "computer", 90)],
    (INFANT, 3): [("理论知识", "选择题", 100, "computer", 60), ("技能操作", "案例选择题", None, "computer", 90)],
    (LABOUR, 3): [("理论知识", "单选、多选、判断", 85, "computer", 90),
                  ("操作技能", "简答题、综合题", None, "computer", 120)],
    (LABOUR, 2): [("理论知识", "单选、多选、判断", 85, "computer", 90),
                  ("操作技能", "简答题、综合题", None, "computer", 120),
                  ("综合评审", "论文撰写", None, "thesis", None)],
    (LABOUR, 1): [("理论知识", "单选、多选、判断", 85, "computer", 90),
                  ("操作技能", "简答题、综合题", None, "computer", 120),
                  ("综合评审", "案例分析题", None, "computer", 180)],
}


@pytest.fixture
def catalogue(db):
    return catalogue_load()


@pytest.fixture
def document() -> dict:
    with DEFAULT_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


def write(tmp_path, document: dict):
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def table_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def seed_rows(scheme: Scheme) -> list[tuple]:
    """A scheme as the rows of 附件2: a subject with parts gives one row per part."""
    rows = []
    for subject in scheme.subjects.all():
        names = [part.name for part in subject.parts.all()] or [subject.name]
        rows += [(name, subject.question_types, subject.question_count, subject.answer_mode,
                  subject.duration_minutes) for name in names]
    return rows


def test_r_sc24_1_loading_creates_exactly_the_19_unified_items_of_the_2024_catalogue(catalogue):
    unified = SpecialItem.objects.filter(is_unified=True).order_by("code")
    assert unified.count() == 19
    assert catalogue["special_items"]["created"] == SpecialItem.objects.count()
    names = dict(unified.values_list("code", "name"))
    assert names["SC2024-01"] == "大数据运行平台搭建"
    assert names["SC2024-04"] == "大数据清洗"
    assert names["SC2024-14"] == "工程建设领域劳资管理"
    assert names["SC2024-19"] == "心理健康指导"
    assert set(unified.values_list("region_code", flat=True)) == {"510000"}
    assert all("川人社职鉴〔2023〕60号 附件1" in item.source for item in unified)


def test_r_sc24_1_daily_items_are_not_unified_and_are_marked_as_demo_items(catalogue):
    daily = SpecialItem.objects.filter(is_unified=False)
    assert 3 <= daily.count() <= 4
    assert all("演示" in item.source for item in daily)


def test_r_sc24_1_every_special_item_has_a_default_single_practical_subject_scheme(catalogue):
    for item in SpecialItem.objects.all():
        scheme = scheme_for(special_item=item)
        assert scheme is not None, item.name
        assert "默认" in scheme.source
        [subject] = scheme.subjects.all()
        assert (subject.kind, subject.name, subject.answer_mode) == ("practical", "专业能力考核", "hands_on")
        assert (subject.full_marks, subject.pass_mark, subject.duration_minutes) == (100, 60, None)


def test_r_ln_4_occupations_offer_the_levels_of_the_liaoning_2020_exam(catalogue):
    levels = dict(Occupation.objects.values_list("name", "levels"))
    assert levels == {HR: [4, 3, 2, 1], INFANT: [5, 4, 3], LABOUR: [3, 2, 1]}
    hr = Occupation.objects.get(name=HR)
    assert (hr.code, hr.edition, hr.eligibility_rules) == ("4-07-03-02", "2015", "hr_manager")
    assert hr.assessment_types == ["qualification", "skill_level"]


@pytest.mark.parametrize(("occupation", "level"), list(SEED_ROWS))
def test_r_ln_4_every_row_of_the_liaoning_2020_scheme_table_is_loaded(catalogue, occupation, level):
    scheme = scheme_for(occupation=Occupation.objects.get(name=occupation), level=level)
    assert scheme is not None
    assert "辽宁2020统考" in scheme.name
    assert seed_rows(scheme) == SEED_ROWS[(occupation, level)]
    for subject in scheme.subjects.all():
        assert (subject.full_marks, subject.pass_mark, subject.weight) == (100, 60, 1)


def test_r_ln_4_hr_level_2_has_four_rows_theory_parts_practical_and_review(catalogue):
    scheme = scheme_for(occupation=Occupation.objects.get(name=HR), level=2)
    assert [(s.kind, s.name) for s in scheme.subjects.all()] == [
        ("theory", "理论知识"), ("practical", "专业能力"), ("review", "综合评审"),
    ]
    assert len(seed_rows(scheme)) == 4


def test_r_ln_4_labour_relations_level_2_review_is_a_submitted_thesis(catalogue):
    scheme = scheme_for(occupation=Occupation.objects.get(name=LABOUR), level=2)
    review = scheme.subjects.get(kind="review")
    assert (review.name, review.answer_mode, review.duration_minutes) == ("综合评审", "thesis", None)
    assert scheme.subjects.exclude(kind="review").filter(answer_mode="computer").count() == 2


def test_r_ln_4_hr_theory_is_ethics_10_percent_plus_theory_knowledge_90_percent(catalogue):
    for level in [4, 3, 2, 1]:
        theory = scheme_for(occupation=Occupation.objects.get(name=HR), level=level).subjects.get(kind="theory")
        parts = list(theory.parts.all())
        assert [(p.name, p.full_marks, p.weight) for p in parts] == [
            ("职业道德", Decimal("10"), Decimal("0.1")), ("理论知识", Decimal("90"), Decimal("0.9")),
        ]
        assert sum(p.weight for p in parts) == 1
        assert sum(p.full_marks for p in parts) == theory.full_marks


def occupation_schemes() -> list[tuple[str, int]]:
    return list(Scheme.objects.filter(occupation__isnull=False).values_list("occupation__name", "level"))


def test_r_ln_4_one_scheme_per_occupation_and_level(catalogue):
    assert Scheme.objects.filter(occupation__isnull=False).count() == 10
    assert Subject.objects.filter(scheme__occupation__isnull=False).count() == 24
    assert SubjectPart.objects.count() == 8
    # The database allows several schemes of one occupation and level (they differ by name): the file must not
    # bring two, and each seeded pair must have its one.
    pairs = occupation_schemes()
    assert len(pairs) == len(set(pairs)) and set(pairs) == set(SEED_ROWS)
    # The subjects of a scheme are numbered once each, as are the parts of a subject.
    orders = list(Subject.objects.values_list("scheme_id", "order"))
    assert len(orders) == len(set(orders))
    part_orders = list(SubjectPart.objects.values_list("subject_id", "order"))
    assert len(part_orders) == len(set(part_orders))
    # Loading again keeps the same one scheme per pair (it updates in place, it does not add a second).
    catalogue_load()
    assert sorted(occupation_schemes()) == sorted(pairs)


def test_loading_writes_one_audit_event_with_the_counts(province_admin):
    counts = catalogue_load(by=province_admin)
    event = AuditEvent.objects.get(action="catalog.load")
    assert event.actor == province_admin
    assert event.after["counts"] == counts
    assert event.after["version"]


def test_loading_twice_changes_nothing_and_reports_everything_unchanged(catalogue):
    before = table_counts()
    stamps = list(Subject.objects.order_by("pk").values_list("updated_at", flat=True))
    again = catalogue_load()
    assert table_counts() == before
    for section in SECTIONS:
        assert again[section]["created"] == again[section]["updated"] == again[section]["deleted"] == 0, section
        assert again[section]["unchanged"] == catalogue[section]["created"], section
    assert list(Subject.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps


def test_a_changed_value_in_the_file_is_updated_and_a_dropped_subject_is_deleted(catalogue, document, tmp_path):
    scheme = next(s for s in document["schemes"] if s.get("occupation") == "4-07-03-02" and s["level"] == 2)
    scheme["subjects"][1]["duration_minutes"] = 150
    scheme["subjects"].pop()  # 综合评审
    counts = catalogue_load(path=write(tmp_path, document))
    assert counts["subjects"] == {"created": 0, "updated": 1, "unchanged": 44, "deleted": 1}
    hr2 = scheme_for(occupation=Occupation.objects.get(name=HR), level=2)
    assert [(s.name, s.duration_minutes) for s in hr2.subjects.all()] == [("理论知识", 90), ("专业能力", 150)]


def test_a_malformed_file_is_refused_naming_each_entry_and_nothing_is_written(document, tmp_path):
    bad = copy.deepcopy(document)
    bad["occupations"][2]["levels"] = [3, 2, 6]
    del bad["special_items"][4]["name"]
    with pytest.raises(CatalogueError) as refused:
        catalogue_load(path=write(tmp_path, bad))
    assert "occupations[2].levels: 等级须为1至5" in refused.value.errors
    assert "special_items[4].name: 不能为空" in refused.value.errors
    assert table_counts() == dict.fromkeys(table_counts(), 0)
    assert not AuditEvent.objects.filter(action="catalog.load").exists()


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["schemes"][0].update(level=5), "schemes[0].level: 职业 4-07-03-02 未开设5级"),
    (lambda d: d["schemes"][0]["subjects"][0]["parts"][0].update(weight="0.2"),
     "schemes[0].subjects[0].parts: 各组成部分权重之和须为1"),
    (lambda d: d["schemes"][5]["subjects"][1].update(answer_mode="online"), "schemes[5].subjects[1].answer_mode"),
    (lambda d: d["occupations"][0].update(code="4-0703-02"), "occupations[0].code: 职业编码格式应为 X-XX-XX-XX"),
    (lambda d: d["fees"][3].update(region_code="5101"), "fees[3].region_code"),
    (lambda d: d["fees"].append(dict(d["fees"][0])), "与 fees[0] 重复"),
    (lambda d: d["schemes"][12].update(special_item="SC2024-99"), "找不到专项职业能力考核项目 SC2024-99"),
])
def test_a_file_with_a_bad_entry_is_refused_with_a_chinese_message(document, tmp_path, change, message):
    change(document)
    with pytest.raises(CatalogueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        catalogue_load(path=write(tmp_path, document))
    assert Occupation.objects.count() == 0


def test_a_failure_while_writing_rolls_back_the_whole_load(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise ValidationError({"amount": ["金额有误"]})

    monkeypatch.setattr(Fee, "full_clean", refuse)
    with pytest.raises(CatalogueError, match=r"fees\[0\]\.amount: 金额有误"):
        catalogue_load()
    assert table_counts() == dict.fromkeys(table_counts(), 0)


def test_a_missing_or_broken_file_is_refused_in_chinese(tmp_path):
    with pytest.raises(CatalogueError, match="找不到目录文件"):
        catalogue_load(path=tmp_path / "none.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"version": ', encoding="utf-8")
    with pytest.raises(CatalogueError, match="不是有效的 JSON"):
        catalogue_load(path=broken)


def test_r_sc24_11_every_schemed_item_has_a_demo_fee_in_the_province(catalogue):
    assert set(Fee.objects.values_list("basis", flat=True)) == {"演示数据，非正式收费标准"}
    on = date(2024, 6, 1)
    for scheme in Scheme.objects.prefetch_related("subjects"):
        if scheme.special_item_id:
            assert fee_for(region_code="510000", special_item=scheme.special_item, on=on) is not None
            continue
        for subject in scheme.subjects.all():
            fee = fee_for(region_code="510000", occupation=scheme.occupation, level=scheme.level,
                          subject_kind=subject.kind, on=on)
            assert fee is not None and fee.amount > 0, (scheme.name, subject.name)


def test_fee_for_falls_back_from_district_to_city_to_province(catalogue):
    item = SpecialItem.objects.get(code="SC2024-04")
    on = date(2024, 6, 1)
    province_fee = fee_for(region_code="510000", special_item=item, on=on)
    assert fee_for(region_code="510104", special_item=item, on=on) == province_fee
    city_fee = Fee.objects.create(region_code="510100", special_item=item, amount=Decimal("160"),
                                  valid_from=date(2024, 1, 1))
    assert fee_for(region_code="510104", special_item=item, on=on) == city_fee
    assert fee_for(region_code="510703", special_item=item, on=on) == province_fee
    assert fee_for(region_code="510000", special_item=item, on=date(2023, 12, 31)) is None


def test_fee_for_takes_the_latest_fee_in_force_on_the_date(catalogue):
    hr = Occupation.objects.get(name=HR)
    old = fee_for(region_code="510000", occupation=hr, level=3, subject_kind="theory", on=date(2025, 1, 1))
    new = Fee.objects.create(region_code="510000", occupation=hr, level=3, subject_kind="theory",
                             amount=Decimal("120"), valid_from=date(2025, 7, 1))
    assert fee_for(region_code="510000", occupation=hr, level=3, subject_kind="theory", on=date(2025, 6, 30)) == old
    assert fee_for(region_code="510104", occupation=hr, level=3, subject_kind="theory", on=date(2025, 7, 1)) == new


def test_occupation_find_matches_exact_name_or_code_of_active_occupations(catalogue):
    assert occupation_find("育婴员").code == "4-10-01-02"
    assert occupation_find(" 4-07-03-03 ").name == LABOUR
    assert occupation_find("育婴") is None
    Occupation.objects.filter(name=INFANT).update(is_active=False)
    assert occupation_find("育婴员") is None
    assert list(occupations_active().values_list("name", flat=True)) == [HR, LABOUR]


@pytest.mark.parametrize(("url", "shown"), [
    ("/admin/catalog/occupation/", ["企业人力资源管理师", "4-07-03-02", "三级/高级工"]),
    ("/admin/catalog/scheme/", ["劳动关系协调员 二级/技师 考核方案（辽宁2020统考）"]),
    ("/admin/catalog/specialitem/", ["大数据清洗", "SC2024-19"]),
    ("/admin/catalog/fee/", ["510000"]),
])
def test_province_admin_sees_the_catalogue_in_the_admin(catalogue, login, province_admin, url, shown):
    response = login(province_admin).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    for text in shown:
        assert text in page


def test_province_admin_can_open_a_scheme_and_a_subject_with_its_parts(catalogue, login, province_admin):
    client = login(province_admin)
    theory = Subject.objects.get(scheme__occupation__name=HR, scheme__level=2, kind="theory")
    assert "专业能力" in client.get(f"/admin/catalog/scheme/{theory.scheme_id}/change/").content.decode()
    assert "职业道德" in client.get(f"/admin/catalog/subject/{theory.pk}/change/").content.decode()


@pytest.mark.parametrize("url", ["/admin/catalog/occupation/", "/admin/catalog/scheme/",
                                 "/admin/catalog/specialitem/"])
def test_institution_clerk_is_refused_the_catalogue_admin(catalogue, login, institution_clerk, url):
    response = login(institution_clerk).get(url)
    assert response.status_code in (302, 403)
    assert "企业人力资源管理师" not in response.content.decode()


def test_catalog_load_command_prints_chinese_counts_and_is_idempotent(db):
    first, second = StringIO(), StringIO()
    call_command("catalog", "load", stdout=first)
    before = table_counts()
    call_command("catalog", "load", stdout=second)
    assert "职业（工种）：新增 3，更新 0，未变 0" in first.getvalue()
    assert "专项职业能力考核项目：新增 0，更新 0，未变 22" in second.getvalue()
    assert "新增 0，更新 0" in second.getvalue() and "新增 1" not in second.getvalue()
    assert table_counts() == before


def test_catalog_load_command_refuses_a_bad_file_with_the_entry_named(document, tmp_path):
    document["occupations"][1]["levels"] = [0]
    with pytest.raises(CommandError, match=r"occupations\[1\]\.levels: 等级须为1至5"):
        call_command("catalog", "load", "--file", str(write(tmp_path, document)), stdout=StringIO())


@pytest.mark.django_db
def test_editing_an_occupation_in_the_admin_is_audited_with_before_and_after(login, province_admin):
    from kaowu.core.models import AuditEvent

    catalogue_load()
    occupation = Occupation.objects.get(name="育婴员")
    client = login(province_admin)
    page = client.get(f"/admin/catalog/occupation/{occupation.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(levels="[5, 4, 3]", assessment_types='["qualification", "skill_level"]', is_active="",
                name="育婴员（停用）")
    response = client.post(f"/admin/catalog/occupation/{occupation.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.filter(action="catalog.occupation.update").get()
    assert event.actor == province_admin
    assert event.before["name"] == "育婴员" and event.after["name"] == "育婴员（停用）"
    assert event.before["is_active"] is True and event.after["is_active"] is False
