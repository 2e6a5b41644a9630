"""A candidate on a phone, from the announcement to 已缴费, in Chromium.

The candidate signs up (390×844), applies to the open plan, uploads a photo that kaowu normalises,
ticks the commitment and submits; the clerk approves (originals seen), the 成都 reviewer approves,
the clerk records the payment, all on their own pages under /registration/; the candidate sees 已缴费.
"""

import io
import re

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw

from kaowu.catalog.policy import policy_active
from kaowu.core.ids import id_mask
from kaowu.core.tests.browser_support import ARTIFACTS, log_in, open_page
from kaowu.plans.models import Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ID_NUMBER = "510104199001011230"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def announced_plan(open_plan, infant_care_item, settings, tmp_path):
    """Everything the database needs is written here, before Chromium starts."""
    settings.MEDIA_ROOT = tmp_path / "media"
    policy_active()
    Plan.objects.filter(pk=open_plan.pk).update(announced_at=timezone.now())
    return {"plan_id": open_plan.pk, "item": str(infant_care_item)}


def write_photo(path) -> None:
    img = Image.new("RGB", (900, 1100), (70, 130, 200))
    draw = ImageDraw.Draw(img)
    draw.ellipse((270, 130, 630, 680), fill=(230, 180, 150))
    draw.rectangle((90, 770, 810, 1100), fill=(40, 40, 60))
    img.save(path, format="PNG")


def main_text(page) -> str:
    return page.locator("main").inner_text()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_candidate_signs_up_on_a_phone_applies_and_sees_paid_after_both_reviews(
    live_server, institution_clerk, chengdu_reviewer, announced_plan, tmp_path, browser
):
    url, plan_id = live_server.url, announced_plan["plan_id"]
    photo, id_copy = tmp_path / "me.png", tmp_path / "id.pdf"
    write_photo(photo)
    id_copy.write_bytes(PDF)

    # 1. From the announcement to the sign-up form, on a phone.
    phone, phone_problems = open_page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    phone.goto(f"{url}/portal/plans/{plan_id}/")
    phone.get_by_role("link", name="注册并在线报名").click()
    phone.wait_for_load_state()
    phone.get_by_label("证件号码").fill(ID_NUMBER)
    phone.get_by_label("姓名").fill("张伟")
    phone.get_by_label("手机号").fill("13912345678")
    phone.locator("#id_password1").fill("Kaowu@Signup2026")
    phone.get_by_label("确认密码").fill("Kaowu@Signup2026")
    phone.get_by_label("文化程度").select_option("college")
    phone.get_by_label("通讯地址").fill("成都市锦江区东大街1号")
    phone.get_by_label("工作单位").fill("某托育中心")
    assert fits_the_screen(phone)
    phone.screenshot(path=ARTIFACTS / "candidate_1_signup.png", full_page=True)
    phone.get_by_role("button", name="注册并登录").click()
    phone.wait_for_url(re.compile(rf"/portal/plans/{plan_id}/apply/$"))

    # 2. The application form: the item and one period of work.
    phone.get_by_label(announced_plan["item"]).check()
    phone.get_by_label("从事的职业（工种）").fill("育婴员")
    phone.get_by_label("开始日期").fill("2015-03-01")
    assert fits_the_screen(phone)
    phone.screenshot(path=ARTIFACTS / "candidate_2_apply.png", full_page=True)
    phone.get_by_role("button", name="保存报名表").click()
    phone.wait_for_url(re.compile(r"/portal/me/applications/\d+/$"))
    application_url = phone.url
    application_id = int(application_url.rstrip("/").split("/")[-1])
    assert "草稿" in phone.locator("#application-status").inner_text()
    text = main_text(phone)
    assert ID_NUMBER not in text and id_mask(ID_NUMBER) in text

    # 3. The photo, normalised to the policy's 90×110 JPEG; an ID copy.
    phone.locator("#id_photo").set_input_files(str(photo))
    phone.get_by_role("button", name="上传照片").click()
    phone.wait_for_load_state()
    assert "照片已上传" in main_text(phone), main_text(phone)
    served = phone.request.get(url + phone.locator("#candidate-photo").get_attribute("src"))
    assert served.ok and served.headers["content-type"] == "image/jpeg"
    body = served.body()
    image = Image.open(io.BytesIO(body))
    assert (image.format, image.size) == ("JPEG", (90, 110)) and len(body) <= 20 * 1024
    phone.get_by_label("材料类别").select_option("id_copy")
    phone.locator("#id_file").set_input_files(str(id_copy))
    phone.get_by_role("button", name="上传材料").click()
    phone.wait_for_load_state()
    assert "id.pdf" in main_text(phone)

    # 4. The commitment, then submit.
    phone.get_by_label("我已阅读并承诺").check()
    phone.screenshot(path=ARTIFACTS / "candidate_3_before_submit.png", full_page=True)
    phone.get_by_role("button", name="提交报名").click()
    phone.wait_for_load_state()
    assert "已提交" in phone.locator("#application-status").inner_text(), main_text(phone)
    assert fits_the_screen(phone)
    phone.screenshot(path=ARTIFACTS / "candidate_4_submitted.png", full_page=True)

    # 5. The clerk approves with the originals seen; the 成都 reviewer approves; the clerk records the fee.
    staff_url = f"{url}/registration/applications/{application_id}/"
    clerk, clerk_problems = open_page(browser, viewport=DESKTOP)
    log_in(clerk, live_server, "cd01_clerk")
    clerk.goto(staff_url)
    clerk.get_by_label("已现场查验身份证等原件（R-FJ-4）").check()
    clerk.get_by_role("button", name="初审通过").click()
    clerk.wait_for_load_state()
    assert "初审通过" in clerk.locator("#application-status").inner_text(), main_text(clerk)

    reviewer, reviewer_problems = open_page(browser, viewport=DESKTOP)
    log_in(reviewer, live_server, "cd_reviewer")
    reviewer.goto(staff_url)
    reviewer.get_by_role("button", name="复核通过").click()
    reviewer.wait_for_load_state()
    assert "复核通过" in reviewer.locator("#application-status").inner_text(), main_text(reviewer)

    clerk.goto(staff_url)
    clerk.get_by_label("票据号").fill("SC2026000123")
    clerk.get_by_role("button", name="登记缴费").click()
    clerk.wait_for_load_state()
    assert "已缴费" in clerk.locator("#application-status").inner_text(), main_text(clerk)

    # 6. The candidate sees 已缴费, on the application and in 我的报名.
    phone.goto(application_url)
    assert "已缴费" in phone.locator("#application-status").inner_text()
    phone.screenshot(path=ARTIFACTS / "candidate_5_paid.png", full_page=True)
    phone.goto(f"{url}/portal/me/")
    assert "已缴费" in main_text(phone) and fits_the_screen(phone)
    phone.screenshot(path=ARTIFACTS / "candidate_6_home.png", full_page=True)
    assert phone_problems == [] and clerk_problems == [] and reviewer_problems == [], (
        phone_problems, clerk_problems, reviewer_problems)
