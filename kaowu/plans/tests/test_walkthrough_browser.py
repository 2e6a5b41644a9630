"""The whole way from an empty institution to a public announcement, in Chromium.

Clerk creates a site and a room → files the facility filing → reviewer confirms it → clerk files a
plan → reviewer approves it → clerk opens registration → the announcement page is public.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from kaowu.catalog.loader import catalogue_load
from kaowu.catalog.policy import policy_active
from kaowu.core.tests.browser_support import ARTIFACTS, log_in, open_page
from kaowu.core.workdays import workdays_add

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cf"
    "c0f01f0005000201e2d6e6b60000000049454e44ae426082"
)


@pytest.fixture
def ready(db):
    catalogue_load()
    policy_active()


def submit(page, label: str = ""):
    button = page.locator("main button[type=submit]") if not label else page.get_by_role("button", name=label)
    button.first.click()
    page.wait_for_load_state()


def test_clerk_and_reviewer_take_a_plan_from_site_to_public_announcement(
    live_server, ready, institution_clerk, chengdu_reviewer, browser, tmp_path
):
    url = live_server.url
    exam_day = workdays_add(timezone.localdate(), 15)
    clerk, clerk_problems = open_page(browser, viewport={"width": 1280, "height": 900})
    log_in(clerk, live_server, "cd01_clerk")

    # 1. Site and room.
    clerk.goto(f"{url}/sites/new/")
    clerk.get_by_label("考点名称").fill("一站锦江考点")
    clerk.get_by_label("地址").fill("锦江区东大街100号")
    clerk.get_by_label("所在地区").fill("510104")
    clerk.locator("#id_contact_name").fill("陈录")
    clerk.locator("#id_contact_phone").fill("028-86000000")
    clerk.locator("#id_safety_officer").fill("王安")
    submit(clerk)
    site_url = clerk.url
    clerk.get_by_role("link", name="新增考场").click()
    clerk.get_by_label("考场名称").fill("第1考场")
    clerk.get_by_label("考场类别").select_option("theory")
    clerk.get_by_label("容纳考生数").fill("30")
    clerk.get_by_label("桌椅/机位数").fill("30")
    submit(clerk)
    clerk.goto(site_url)
    clerk.get_by_role("link", name="登记设备").click()
    clerk.get_by_label("设备名称").fill("考试用计算机")
    clerk.get_by_label("型号规格").fill("联想 M720")
    clerk.get_by_label("数量").fill("30")
    submit(clerk)
    clerk.goto(site_url)
    clerk.screenshot(path=ARTIFACTS / "walk_1_site.png", full_page=True)

    # 2. Facility filing with a photo, submitted.
    clerk.get_by_role("link", name="设施设备申报").click()
    clerk.get_by_label("专项职业能力考核项目").select_option(label="大数据清洗")
    submit(clerk)
    filing_url = clerk.url
    photo = tmp_path / "site.png"
    photo.write_bytes(PNG)
    clerk.get_by_label("类别").select_option("photo")
    clerk.get_by_label("文件").set_input_files(str(photo))
    clerk.get_by_role("button", name="上传").click()
    clerk.wait_for_load_state()
    clerk.get_by_role("button", name="提交审核").click()
    clerk.wait_for_load_state()
    assert "已提交" in clerk.locator("main").inner_text()

    # 3. The 成都 reviewer confirms it.
    reviewer, reviewer_problems = open_page(browser, viewport={"width": 1280, "height": 900})
    log_in(reviewer, live_server, "cd_reviewer")
    reviewer.goto(filing_url)
    reviewer.get_by_label("审核结果").select_option("approve")
    reviewer.get_by_role("button", name="提交审核结果").click()
    reviewer.wait_for_load_state()
    assert "已确认" in reviewer.locator("main").inner_text()
    reviewer.screenshot(path=ARTIFACTS / "walk_2_filing_confirmed.png", full_page=True)

    # 4. The clerk writes and files a plan.
    clerk.goto(f"{url}/plans/new/")
    clerk.get_by_label("计划类别").select_option("graded_unified")
    clerk.get_by_label("评价方式").select_option("special_ability")
    clerk.get_by_label("一站锦江考点").check()
    clerk.get_by_label("报名地点").fill("锦江区东大街100号一楼报名大厅")
    clerk.get_by_label("报名开始日期").fill(timezone.localdate().isoformat())
    clerk.get_by_label("报名截止日期").fill((exam_day - timedelta(days=5)).isoformat())
    clerk.locator("#id_items-0-special_item").select_option(label="大数据清洗")
    clerk.locator("#id_items-0-expected_candidates").fill("30")
    clerk.get_by_role("button", name="保存草稿").click()
    clerk.wait_for_load_state()
    plan_url = clerk.url
    assert "/plans/" in plan_url and "草稿" in clerk.locator("#plan-status").inner_text()
    clerk.locator("#session-form").get_by_label("考核项目").select_option(label="大数据清洗")
    clerk.get_by_label("考试日期").fill(exam_day.isoformat())
    clerk.get_by_label("开始").fill("09:00")
    clerk.get_by_label("结束").fill("11:00")
    clerk.get_by_label("一站锦江考点 第1考场").check()
    clerk.get_by_role("button", name="添加场次").click()
    clerk.wait_for_load_state()
    clerk.get_by_role("button", name="报备计划").click()
    clerk.wait_for_load_state()
    assert "已报备" in clerk.locator("#plan-status").inner_text(), clerk.locator("main").inner_text()
    clerk.screenshot(path=ARTIFACTS / "walk_3_plan_filed.png", full_page=True)

    # 5. The reviewer approves; the announcement is published.
    reviewer.goto(f"{url}/plans/")
    reviewer.locator("#to-review").get_by_role("link").first.click()
    reviewer.get_by_label("批准").check()
    reviewer.get_by_role("button", name="提交审核意见").click()
    reviewer.wait_for_load_state()
    assert "已批准" in reviewer.locator("#plan-status").inner_text()

    # 6. Registration opens (the filing was confirmed), and the public sees the announcement.
    clerk.goto(plan_url)
    clerk.get_by_role("button", name="开放报名").click()
    clerk.wait_for_load_state()
    assert "报名中" in clerk.locator("#plan-status").inner_text(), clerk.locator("main").inner_text()
    plan_id = plan_url.rstrip("/").split("/")[-1]

    public, public_problems = open_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True)
    public.goto(f"{url}/portal/plans/{plan_id}/")
    text = public.locator("main").inner_text()
    assert "大数据清洗" in text and "锦江区东大街100号一楼报名大厅" in text
    public.screenshot(path=ARTIFACTS / "walk_4_announcement_phone.png", full_page=True)
    public.goto(f"{url}/portal/")
    assert "正在报名" in public.locator("main").inner_text()
    assert clerk_problems == [] and reviewer_problems == [] and public_problems == [], (
        clerk_problems, reviewer_problems, public_problems)
