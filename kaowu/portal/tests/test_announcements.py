"""Public announcements (R-CQ-2, R-FJ-3): visible without login, complete, and nothing else."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kaowu.catalog.models import AnswerMode, AssessmentType, Occupation, Scheme, SpecialItem, Subject, SubjectKind
from kaowu.core.tests.html import external_links
from kaowu.plans.models import Plan, PlanItem, PlanKind, Session
from kaowu.sites.models import Room, Site

pytestmark = pytest.mark.django_db


# --- plans, built directly: the plan services are written alongside -----------------------


def announced(days_ago: int = 1) -> datetime:
    return timezone.now() - timedelta(days=days_ago)


def make_plan(institution, *, name: str, status=Plan.Status.APPROVED, announced_at=None, opens=None,
              closes=None, **fields) -> Plan:
    today = timezone.localdate()
    return Plan.objects.create(
        institution=institution, reviewing_center=institution.parent, name=name, kind=PlanKind.DAILY,
        assessment_type=AssessmentType.SKILL_LEVEL, status=status,
        registration_place=fields.pop("registration_place", "成都市人民南路一段1号 报名大厅"),
        registration_opens=opens or today + timedelta(days=10),
        registration_closes=closes or today + timedelta(days=30),
        contact_name=fields.pop("contact_name", "刘老师"), contact_phone=fields.pop("contact_phone", "028-86000000"),
        announced_at=announced_at, **fields,
    )


@pytest.fixture
def full_plan(chengdu_institution, province_admin):
    """An announced plan with an occupation at a level, a special item, subjects, rooms and sites."""
    plan = make_plan(
        chengdu_institution, name="成都市职业技能鉴定第一站2024年第3批次职业技能等级认定",
        status=Plan.Status.REGISTRATION_OPEN, announced_at=announced(),
        opens=timezone.localdate() - timedelta(days=3), closes=timezone.localdate() + timedelta(days=10),
        content_and_method="理论知识考试采用上机考试；操作技能考核采用现场实际操作。",
        registration_conditions="具备下列条件之一者：累计从事本职业工作1年（含）以上。",
        registration_procedure="携带身份证原件、学历证书原件到报名地点填写呈报表。",
        fee_note="理论知识 每人90元；操作技能 每人150元。",
        reviewed_by=province_admin,
    )
    occupation = Occupation.objects.create(code="4-07-03-02", name="劳动关系协调员", levels=[3, 2, 1],
                                           assessment_types=["skill_level"])
    special = SpecialItem.objects.create(code="SC2024-01", name="大数据清洗")
    level_item = PlanItem.objects.create(plan=plan, occupation=occupation, level=3, expected_candidates=30)
    special_item = PlanItem.objects.create(plan=plan, special_item=special, expected_candidates=10)
    scheme = Scheme.objects.create(occupation=occupation, level=3, name="劳动关系协调员三级")
    theory = Subject.objects.create(scheme=scheme, order=1, kind=SubjectKind.THEORY, name="理论知识",
                                    answer_mode=AnswerMode.COMPUTER)
    practical = Subject.objects.create(scheme=scheme, order=2, kind=SubjectKind.PRACTICAL, name="专业能力",
                                       answer_mode=AnswerMode.PAPER)
    site = Site.objects.create(
        institution=chengdu_institution, name="锦江考点", address="成都市锦江区红星路二段70号",
        region_code="510104", contact_name="考点负责人", contact_phone="028-86111111",
        safety_officer="钱安全", safety_officer_phone="13900000000",
    )
    room_a = Room.objects.create(site=site, name="301机房", kind="computer", capacity=30)
    room_b = Room.objects.create(site=site, name="302教室", kind="theory", capacity=30)
    plan.sites.add(site)
    day = timezone.localdate() + timedelta(days=70)
    s1 = Session.objects.create(plan=plan, item=level_item, subject=theory, date=day, start=time(8, 30),
                                end=time(10, 0))
    s1.rooms.add(room_a, room_b)
    s2 = Session.objects.create(plan=plan, item=level_item, subject=practical, date=day, start=time(10, 30),
                                end=time(12, 30))
    s2.rooms.add(room_b)
    s3 = Session.objects.create(plan=plan, item=special_item, date=day + timedelta(days=1), start=time(9, 0),
                                end=time(11, 0))
    s3.rooms.add(room_a)
    return plan


def detail(client, plan):
    return client.get(reverse("announcement_detail", args=[plan.pk]))


# --- the list -------------------------------------------------------------------------------


def test_r_cq_2_the_announcement_list_is_public_and_lists_announced_plans_newest_first(client, chengdu_institution,
                                                                                      mianyang_institution):
    make_plan(chengdu_institution, name="较早公告的计划", announced_at=announced(5))
    make_plan(mianyang_institution, name="最新公告的计划", announced_at=announced(1),
              status=Plan.Status.REGISTRATION_CLOSED)
    make_plan(chengdu_institution, name="草稿计划", status=Plan.Status.DRAFT, announced_at=announced(1))
    make_plan(chengdu_institution, name="已报备计划", status=Plan.Status.FILED, announced_at=announced(1))
    make_plan(chengdu_institution, name="已批准未公告计划")
    response = client.get(reverse("announcement_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("最新公告的计划") < html.index("较早公告的计划")
    for hidden in ["草稿计划", "已报备计划", "已批准未公告计划"]:
        assert hidden not in html
    assert [p.name for p in response.context["page"].object_list] == ["最新公告的计划", "较早公告的计划"]


def test_r_cq_2_a_plan_taking_applications_today_is_listed_under_registration_open(client, chengdu_institution):
    today = timezone.localdate()
    make_plan(chengdu_institution, name="正在报名的计划", status=Plan.Status.REGISTRATION_OPEN,
              announced_at=announced(), opens=today - timedelta(days=1), closes=today)
    make_plan(chengdu_institution, name="报名窗口未到的计划", status=Plan.Status.REGISTRATION_OPEN,
              announced_at=announced(), opens=today + timedelta(days=1), closes=today + timedelta(days=9))
    make_plan(chengdu_institution, name="已批准待开放的计划", announced_at=announced(),
              opens=today - timedelta(days=1), closes=today + timedelta(days=9))
    response = client.get(reverse("announcement_list"))
    assert [p.name for p in response.context["open_now"]] == ["正在报名的计划"]
    html = response.content.decode()
    assert "正在报名" in html
    # Every announced plan is still in the full list.
    assert {p.name for p in response.context["page"].object_list} == {
        "正在报名的计划", "报名窗口未到的计划", "已批准待开放的计划"}


def test_the_list_without_announcements_says_so(client, db):
    html = client.get(reverse("announcement_list")).content.decode()
    assert "目前没有已发布的考核公告" in html and "正在报名" not in html


# --- the detail ------------------------------------------------------------------------------


def test_r_cq_2_the_announcement_states_occupation_level_content_and_method(client, full_plan):
    response = detail(client, full_plan)
    assert response.status_code == 200
    html = response.content.decode()
    assert "劳动关系协调员 三级/高级工" in html
    assert "大数据清洗" in html
    assert "理论知识考试采用上机考试；操作技能考核采用现场实际操作。" in html


def test_r_cq_2_the_announcement_states_registration_place_period_conditions_procedure_and_fees(client, full_plan):
    html = detail(client, full_plan).content.decode()
    assert "成都市人民南路一段1号 报名大厅" in html
    assert f"{full_plan.registration_opens:%Y年}{full_plan.registration_opens.month}月" in html
    assert f"{full_plan.registration_closes.month}月{full_plan.registration_closes.day}日" in html
    assert "累计从事本职业工作1年（含）以上" in html
    assert "携带身份证原件、学历证书原件到报名地点填写呈报表" in html
    assert "理论知识 每人90元；操作技能 每人150元" in html


def test_r_cq_2_the_announcement_states_subjects_with_dates_times_and_places(client, full_plan):
    html = detail(client, full_plan).content.decode()
    day = full_plan.sessions.first().date
    assert f"{day.year}年{day.month}月{day.day}日" in html
    assert "08:30-10:00" in html and "10:30-12:30" in html and "09:00-11:00" in html
    assert "理论知识" in html and "专业能力" in html
    assert "锦江考点 301机房" in html and "锦江考点 302教室" in html
    assert "成都市锦江区红星路二段70号" in html


def test_r_fj_3_the_announcement_states_the_institution_and_its_contacts(client, full_plan):
    html = detail(client, full_plan).content.decode()
    assert "成都市职业技能鉴定第一站" in html
    assert "刘老师" in html and "028-86000000" in html


def test_the_announcement_shows_no_personal_data_of_staff_or_reviewers(client, full_plan, candidate,
                                                                         province_admin):
    html = detail(client, full_plan).content.decode()
    # The safety officer, the reviewer and any candidate are not the public's business (§6).
    for private in ["钱安全", "13900000000", province_admin.full_name, candidate.full_name, candidate.phone]:
        assert private not in html


@pytest.mark.parametrize("status", [Plan.Status.DRAFT, Plan.Status.FILED, Plan.Status.RETURNED])
def test_r_cq_2_a_plan_that_is_not_approved_is_not_found_even_with_an_announcement_date(client, chengdu_institution,
                                                                                        status):
    plan = make_plan(chengdu_institution, name="未批准计划", status=status, announced_at=announced())
    assert detail(client, plan).status_code == 404


def test_r_cq_2_an_approved_plan_not_yet_announced_is_not_found(client, chengdu_institution):
    plan = make_plan(chengdu_institution, name="已批准未公告计划")
    assert detail(client, plan).status_code == 404
    assert client.get(reverse("announcement_detail", args=[999999])).status_code == 404


def test_portal_pages_need_no_login_and_link_to_no_other_host(client, full_plan):
    for url in [reverse("announcement_list"), reverse("announcement_detail", args=[full_plan.pk])]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert external_links(html) == [], url
        assert "style=" not in html and "<style" not in html and "<script>" not in html
        assert "default-src 'self'" in response["Content-Security-Policy"]


def test_portal_pages_take_a_handful_of_queries_however_many_plans(client, full_plan, chengdu_institution,
                                                                   django_assert_max_num_queries):
    for i in range(8):
        plan = make_plan(chengdu_institution, name=f"第{i}批次", status=Plan.Status.REGISTRATION_OPEN,
                         announced_at=announced(), opens=timezone.localdate(), closes=timezone.localdate())
        PlanItem.objects.create(plan=plan, special_item=SpecialItem.objects.get(code="SC2024-01"))
    with django_assert_max_num_queries(6):
        assert client.get(reverse("announcement_list")).status_code == 200
    with django_assert_max_num_queries(6):
        assert detail(client, full_plan).status_code == 200


def test_the_list_is_paged_by_twenty(client, chengdu_institution):
    for i in range(21):
        make_plan(chengdu_institution, name=f"批次{i:02d}", announced_at=announced(i + 1))
    first = client.get(reverse("announcement_list"))
    assert len(first.context["page"].object_list) == 20
    second = client.get(reverse("announcement_list"), {"page": 2})
    assert [p.name for p in second.context["page"].object_list] == ["批次20"]
