"""Issue #8's acceptance, in Chromium: three assessors enter scores, the leader compiles, a second clerk
verifies, the institution submits, the center approves and publishes, the public page shows masked
results, the candidate queries their result.

The story, with the real pages and the conftest logins:
1. cd01_clerk records 到考 for the two 育婴员 sessions (one theory candidate 缺考).
2. The three assessors of 实操室A (cd_assessor01 the leader; cd_assessor02, cd_assessor03 made here) each
   fill and sign their own sheet; before the third signs, their sheet and the room page show nobody
   else's scores (R-FJ-19, R-CQ-11).
3. The leader compiles, settles the one spread above the profile's limit with a reason and uploads the
   photo of the signed summary (R-FJ-10).
4. cd01_clerk imports the theory scores from the Excel template.
5. cd01_admin, who entered nothing, re-enters every score blind (R-CQ-11).
6. cd01_clerk submits; cd_reviewer (成都) reviews the evidence, approves and publishes (R-CQ-12).
7. The public 公示 page lists the candidates with masked ID numbers only; the candidate (portal login)
   sees the result under /scores/me/, and the score query finds it by name and ID number.

Screenshots: var/test-artifacts/scores_e2e_*.png."""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image, ImageDraw

from conftest import TEST_PASSWORD, make_user
from kaowu.accounts.models import Role
from kaowu.arrangement.models import SeatAssignment
from kaowu.arrangement.services import tickets_publish
from kaowu.core.ids import id_mask
from kaowu.core.tests.browser_support import ARTIFACTS, log_in, open_page
from kaowu.plans.models import Session
from kaowu.registration.models import Application, Candidate
from kaowu.scoring.entry.import_template import theory_template_build
from kaowu.scoring.entry.selectors import session_candidates
from kaowu.scoring.tests.factories import dispatch_by_hand, subjects_assign
from kaowu.staffing.models import StaffMember
from kaowu.staffing.tests.factories import world_build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SETTLED = "66"  # the leader's decision for the candidate whose assessors differ by 15 points
SETTLE_REASON = "组内复议：操作步骤三漏项，按评分细则扣分"


def sheet_values(n: int) -> tuple[str, str, str]:
    """What (leader, second, third assessor) give the candidate at seat index n of the practical room.
    Seat 0: a 15-point spread (above the profile's 10, flagged); seat 1: fails; the rest differ by 2.25.
    The leader's values end in .25, the second's in .75, the third's in .5: one assessor's page that
    showed another's scores would show such a number."""
    if n == 0:
        return "60", "75", "65"
    if n == 1:
        return "50", "52", "51"
    return f"{71.25 + n:.2f}", f"{72.75 + n:.2f}", f"{73.5 + n:.1f}"


def practical_expected(n: int) -> Decimal:
    """The compiled score (mean of the three, or the leader's decision)."""
    if n == 0:
        return Decimal(SETTLED)
    return (sum(Decimal(v) for v in sheet_values(n)) / 3).quantize(Decimal("0.01"))


def theory_expected(n: int) -> Decimal | None:
    """The theory score of the candidate at practical seat index n; None: 缺考."""
    if n == 11:
        return None
    if n == 3:
        return Decimal(55)
    return Decimal(62 + 2 * n)


@dataclass
class Story:
    plan_id: int
    practical_id: int
    theory_id: int
    room_id: int
    practical: list = field(default_factory=list)  # (application id, name) in seat order
    theory_scores: dict = field(default_factory=dict)  # name -> Decimal or None (缺考)
    practical_scores: dict = field(default_factory=dict)  # name -> Decimal
    id_numbers: list = field(default_factory=list)  # every candidate's full ID number
    me: dict = field(default_factory=dict)  # the portal candidate: name, id_number, masked
    theory_file: object = None
    summary_photo: object = None
    passed: int = 0
    failed: int = 0


def summary_photo_make(path) -> None:
    """A stand-in for the phone photo of the signed paper summary: a ruled sheet."""
    picture = Image.new("RGB", (800, 560), "white")
    draw = ImageDraw.Draw(picture)
    for y in range(60, 540, 36):
        draw.line([(40, y), (760, y)], fill="black", width=2)
    for x in (40, 120, 300, 460, 620, 760):
        draw.line([(x, 60), (x, 528)], fill="black", width=2)
    draw.rectangle([(560, 500), (740, 540)], outline="red", width=3)
    picture.save(path, "JPEG", quality=80)


@pytest.fixture
def story(settings, tmp_path, institution_clerk, institution_admin, chengdu_reviewer, assessor, candidate):
    """Every row the story needs, written before Chromium starts: the arranged plan with published tickets,
    its sessions held yesterday with their catalogue subjects, the published group of three for 实操室A,
    the portal login of one candidate, and the two files the users upload (the filled Excel template
    and the summary photo)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    world = world_build(institution_clerk, assessor_user=assessor)
    tickets_publish(plan=world.plan, by=institution_clerk)
    exam = world.exam
    # exam_build gives 企业人力资源管理师 no session for its second subject (专业能力): its candidates
    # withdraw, or the batch could never be complete (as in factories.release_world_build).
    hr = Application.objects.filter(item=exam.hr)
    SeatAssignment.objects.filter(application__in=hr).delete()
    hr.update(status=Application.Status.WITHDRAWN)
    subjects_assign(exam)
    Session.objects.filter(plan=world.plan).update(date=timezone.localdate() - timedelta(days=1))
    # The group: cd_assessor01 (world.assessors[0]) leads, two more logins for the others.
    dispatch_by_hand(world, chengdu_reviewer)
    for n, member in enumerate(world.assessors[1:3], start=2):
        user = make_user(f"cd_assessor{n:02d}", Role.ASSESSOR, world.center, member.name)
        StaffMember.objects.filter(pk=member.pk).update(user=user)

    practical = Session.objects.select_related("subject").get(pk=exam.sessions["infant_practical"].pk)
    theory = Session.objects.select_related("plan", "subject", "item").get(pk=exam.sessions["infant_theory"].pk)
    rows = session_candidates(practical, room=exam.practical_room)
    assert len(rows) == 12
    s = Story(plan_id=world.plan.pk, practical_id=practical.pk, theory_id=theory.pk, room_id=exam.practical_room.pk,
              practical=[(r.application_id, r.name) for r in rows])
    for n, row in enumerate(rows):
        s.practical_scores[row.name] = practical_expected(n)
        s.theory_scores[row.name] = theory_expected(n)
        if practical_expected(n) >= 60 and (theory_expected(n) or 0) >= 60:
            s.passed += 1
        else:
            s.failed += 1
    s.id_numbers = list(Candidate.objects.values_list("id_number", flat=True))
    mine = Application.objects.select_related("candidate").get(pk=rows[5].application_id).candidate
    Candidate.objects.filter(pk=mine.pk).update(user=candidate)
    s.me = {"name": mine.name, "id_number": mine.id_number, "masked": id_mask(mine.id_number)}

    # The theory scores, typed into the template the import page offers.
    book = load_workbook(BytesIO(theory_template_build(session=theory)))
    sheet = book["成绩"]
    for line in sheet.iter_rows(min_row=2):
        value = s.theory_scores[line[2].value]
        if value is None:
            line[4].value = "是"
        else:
            line[3].value = int(value)
    s.theory_file = tmp_path / "理论成绩.xlsx"
    book.save(s.theory_file)
    s.summary_photo = tmp_path / "汇总表.jpg"
    summary_photo_make(s.summary_photo)
    return s


def shot(page, name: str) -> None:
    page.screenshot(path=ARTIFACTS / f"scores_e2e_{name}.png", full_page=True)


def follow(page, target) -> None:
    """Click a link or submit button (a selector or a locator) and wait for the next page to load:
    count() and is_visible() do not wait for it."""
    (page.locator(target) if isinstance(target, str) else target).click()
    page.wait_for_load_state()


def message(page) -> str:
    return page.locator(".messages").inner_text()


def fill_sheet(page, story: Story, column: int) -> None:
    for n, (application_id, _name) in enumerate(story.practical):
        page.fill(f"#sheet tr[data-application='{application_id}'] .score-input", sheet_values(n)[column])
    follow(page, "#sheet-save")
    assert "评分已保存" in message(page)


def sign_sheet(page) -> None:
    page.check("#sign-confirm")
    follow(page, "#sheet-sign")
    page.wait_for_selector("#sheet-status.text-bg-success")
    assert "评分表已签名" in message(page)


def test_scores_from_the_assessors_sheets_to_the_candidates_query(live_server, story, browser):
    url = live_server.url
    entry_plan = f"{url}/scores/entry/plans/{story.plan_id}/"
    room_url = f"{url}/scores/entry/sessions/{story.practical_id}/rooms/{story.room_id}/"
    problem_lists = []

    def actor(username: str | None, viewport=DESKTOP, **options):
        page, problems = open_page(browser, viewport=viewport, **options)
        problem_lists.append(problems)
        if username:
            log_in(page, live_server, username)
        return page

    # 1. The clerk records attendance from the plan's page: everyone sat the practical; one theory candidate
    # (the last by practical seat) was absent.
    clerk = actor("cd01_clerk")
    clerk.goto(f"{url}/plans/{story.plan_id}/")
    follow(clerk, "#plan-scores-link")
    practical_card = clerk.locator(f".session-progress[data-session='{story.practical_id}']")
    theory_card = clerk.locator(f".session-progress[data-session='{story.theory_id}']")
    assert "到考情况未登记12人" in practical_card.locator(".problems").inner_text()
    shot(clerk, "01_entry_plan_empty")
    follow(clerk, practical_card.get_by_role("link", name="到考登记"))
    for application_id, _name in story.practical:
        clerk.check(f"#a_{application_id}_present")
    follow(clerk, "#attendance-save")
    assert "已保存12名考生的到考情况" in message(clerk)
    clerk.goto(entry_plan)
    follow(clerk, theory_card.get_by_role("link", name="到考登记"))
    rows = clerk.locator("#attendance tr[data-application]")
    assert rows.count() == 12
    absent = next(name for name, value in story.theory_scores.items() if value is None)
    for n in range(rows.count()):
        row = rows.nth(n)
        status = "absent" if absent in row.inner_text() else "present"
        row.locator(f"input[value={status}]").check()
    shot(clerk, "02_attendance_theory")
    follow(clerk, "#attendance-save")
    assert "已保存12名考生的到考情况" in message(clerk)
    assert clerk.locator("#attendance tr[data-application]").filter(has_text=absent) \
        .locator("input[value=absent]").is_checked()

    # 2. The assessors score independently. The second assessor signs on a phone.
    second = actor("cd_assessor02", PHONE, is_mobile=True, has_touch=True)
    second.goto(f"{url}/scores/entry/")
    follow(second, ".room-assignment >> text=我的评分表")
    assert second.locator("#sheet .score-input").count() == 12
    fill_sheet(second, story, 1)
    shot(second, "03_sheet_second_assessor_phone")
    sign_sheet(second)

    leader = actor("cd_assessor01")
    leader.goto(f"{url}/scores/entry/")
    assert "考评组长" in leader.locator(".room-assignment").inner_text()
    follow(leader, ".room-assignment >> text=我的评分表")
    fill_sheet(leader, story, 0)
    sign_sheet(leader)
    shot(leader, "04_sheet_leader_signed")

    third = actor("cd_assessor03")
    third.goto(f"{url}/scores/entry/")
    follow(third, ".room-assignment >> text=我的评分表")
    fill_sheet(third, story, 2)
    # Two of three have signed: the third sees only their own scores, on the sheet and on the room page.
    others = [v for n in range(len(story.practical)) for v in sheet_values(n)[:2] if "." in v]
    html = third.content()
    assert not [v for v in others if v in html]
    assert "已签名" in third.locator("#group-status").inner_text()
    shot(third, "05_sheet_third_before_signing")
    third.goto(room_url)
    assert third.locator("#not-signed").is_visible()
    html = third.content()
    assert not [v for v in others if v in html] and third.locator("#compile").count() == 0
    shot(third, "06_room_third_before_signing")
    leader.goto(room_url)
    assert leader.locator("#not-signed").is_visible() and leader.locator("#compile").count() == 0
    third.goto(f"{url}/scores/entry/sessions/{story.practical_id}/rooms/{story.room_id}/sheet/")
    sign_sheet(third)

    # 3. The leader compiles, settles the flagged spread and uploads the summary photo.
    leader.goto(room_url)
    follow(leader, "#compile")
    assert "成绩已汇总" in message(leader)
    flagged = leader.locator("#room-scores tr.flagged")
    assert flagged.count() == 1 and "66.67" in flagged.inner_text() and "15.00" in flagged.inner_text()
    shot(leader, "07_room_compiled_flagged")
    flagged.locator("input[name=score]").fill(SETTLED)
    flagged.locator("input[name=reason]").fill(SETTLE_REASON)
    follow(leader, flagged.get_by_role("button", name="裁定"))
    assert "已裁定" in message(leader)
    assert leader.locator("#room-scores tr.flagged").count() == 0
    assert f"组长裁定：{SETTLE_REASON}" in leader.locator("#room-scores").inner_text()
    leader.set_input_files("#id_photo", str(story.summary_photo))
    follow(leader, "#summary-upload")
    assert "签名汇总表照片已上传" in message(leader)
    assert leader.locator("#summary-photo").is_visible()
    shot(leader, "08_room_settled_summary")

    # 4. The clerk imports the theory scores from the filled template.
    clerk.goto(entry_plan)
    follow(clerk, theory_card.get_by_role("link", name="导入成绩"))
    shot(clerk, "09_import_upload")
    clerk.set_input_files("#import-form input[type=file]", str(story.theory_file))
    follow(clerk, "#import-form button[type=submit]")
    assert clerk.locator("#count-new").inner_text() == "12"
    assert clerk.locator("#count-faulty").inner_text() == "0"
    preview = clerk.locator("#import-rows tbody tr")
    assert preview.count() == 12 and "缺考" in preview.filter(has_text=absent).inner_text()
    shot(clerk, "10_import_report")
    follow(clerk, "#import-confirm")
    assert "导入完成：新增成绩12人（其中缺考或成绩取消1人）" in message(clerk)
    # Both sessions now wait for the second check only.
    assert practical_card.locator(".problems").inner_text().strip() == "待复核12人（R-CQ-11）"
    assert theory_card.locator(".problems").inner_text().strip() == "待复核12人（R-CQ-11）"
    shot(clerk, "11_entry_plan_waiting_for_check")
    # The clerk entered the theory scores: they cannot check them.
    follow(clerk, theory_card.get_by_role("link", name="成绩复核"))
    assert clerk.locator("#check .check-input").count() == 0
    assert "您录入或评分，须由他人复核" in clerk.locator("#check").inner_text()

    # 5. The institution admin checks every score blind, from the paper.
    admin = actor("cd01_admin")
    for session_id, expected in ((story.practical_id, story.practical_scores),
                                 (story.theory_id, story.theory_scores)):
        admin.goto(f"{url}/scores/entry/sessions/{session_id}/check/")
        rows = admin.locator("#check tr[data-score]")
        assert rows.count() == 12 and admin.locator("#check .check-input").count() == 12
        html = admin.locator("#check").inner_html()
        assert not [v for v in expected.values() if v is not None and f"{v:.2f}" in html]  # blind
        for n in range(rows.count()):
            row = rows.nth(n)
            value = expected[row.locator("td").first.inner_text().strip()]
            if value is None:
                row.locator("input[type=checkbox]").check()
            else:
                row.locator(".check-input").fill(f"{value.normalize():f}")
        if session_id == story.practical_id:
            shot(admin, "12_blind_check")
        follow(admin, "#check-save")
        assert "已复核12人" in message(admin)
        assert admin.locator("#check").inner_text().count("一致，已复核") == 12
    admin.goto(entry_plan)
    for card in (f".session-progress[data-session='{story.practical_id}']",
                 f".session-progress[data-session='{story.theory_id}']"):
        assert admin.locator(f"{card} .badge").last.inner_text() == "已完成"
    assert admin.locator(".session-progress .problems").count() == 0
    shot(admin, "13_entry_plan_complete")

    # 6. The clerk submits; the center reviews the evidence, approves and publishes.
    clerk.goto(entry_plan)
    follow(clerk, "#release-link")
    assert clerk.locator("#ready").is_visible()
    shot(clerk, "14_release_ready")
    follow(clerk, "#submit-results")
    assert "成绩已上报成都市职业技能鉴定指导中心审核" in message(clerk)
    assert clerk.locator("[data-release-status]").first.get_attribute("data-release-status") == "submitted"

    center = actor("cd_reviewer")
    center.goto(f"{url}/scores/release/")
    follow(center, center.get_by_role("link", name="一站第01批次"))
    evidence = center.locator(f"#session-{story.practical_id}")
    assert evidence.inner_text().count("已签名") == 3 and "下载查看" in evidence.inner_text()
    assert SETTLE_REASON in evidence.inner_text() and "周站 一致" in evidence.inner_text()
    assert "缺考/取消 1" in center.locator(f"#session-{story.theory_id}").inner_text()
    photo = center.request.get(url + evidence.get_by_role("link", name="下载查看").get_attribute("href"))
    assert photo.ok and photo.headers["content-type"] == "image/jpeg" and photo.body()[:2] == b"\xff\xd8"
    results = center.locator("#results")
    assert results.locator("tbody tr").count() == 12
    assert f"合格 {story.passed} · 不合格 {story.failed}" in center.locator("#results-title").inner_text()
    shot(center, "15_center_review")
    follow(center, "#approve-results")
    assert "成绩已审核确认" in message(center)
    follow(center, "#publish-results")
    assert "成绩已公示，公示期至" in message(center)
    shot(center, "16_center_published")

    # 7. The public: the 公示 list, masked; the candidate's own page; the query by name and ID number.
    public = actor(None)
    public.goto(f"{url}/scores/public/")
    follow(public, public.get_by_role("link", name="一站第01批次"))
    table = public.locator("#public-results")
    assert table.locator("tbody tr").count() == 12
    assert story.me["masked"] in table.inner_text() and story.me["name"] in table.inner_text()
    assert f"合格 {story.passed} 人 · 不合格 {story.failed} 人" in public.locator("main").inner_text()
    html = public.content()
    assert not [number for number in story.id_numbers if number in html]
    shot(public, "17_public_list")

    me = actor(None, PHONE, is_mobile=True, has_touch=True)
    me.goto(f"{url}/login/?next=/scores/me/")
    me.fill("#id_username", "cd01_candidate001")
    me.fill("#id_password", TEST_PASSWORD)
    follow(me, "button[type=submit]")
    me.wait_for_url(f"{url}/scores/me/")
    card = me.locator(".my-result")
    assert card.count() == 1 and card.locator(".outcome").inner_text() == "合格"
    mine = story.practical_scores[story.me["name"]], story.theory_scores[story.me["name"]]
    assert all(f"{value}" in card.inner_text() for value in mine)
    assert "申请复查" in card.inner_text()
    shot(me, "18_my_results_phone")

    public.goto(f"{url}/scores/query/")
    public.fill("#id_name", story.me["name"])
    public.fill("#id_id_number", story.me["id_number"])
    follow(public, "#query-form button[type=submit]")
    found = public.locator(".query-result")
    assert found.count() == 1 and "合格" in found.inner_text() and story.me["masked"] in found.inner_text()
    shot(public, "19_score_query")
    public.fill("#id_name", "不是本人")
    public.fill("#id_id_number", story.me["id_number"])
    follow(public, "#query-form button[type=submit]")
    assert public.locator("#query-none").is_visible() and public.locator(".query-result").count() == 0

    assert [problem for problems in problem_lists for problem in problems] == []
