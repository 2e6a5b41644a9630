"""Candidate self-service: sign up, apply, photo and documents, submit; and who may see what (PIPL)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw

from conftest import TEST_PASSWORD
from kaowu.accounts.models import Role, User
from kaowu.core.ids import id_mask
from kaowu.plans.models import Plan
from kaowu.registration import services
from kaowu.registration.models import Application, ApplicationDocument, Candidate
from kaowu.registration.photos import MSG_NOT_IMAGE
from kaowu.registration.tests.factories import LI_ID, PDF, ZHANG_ID, draft_for

pytestmark = pytest.mark.django_db

@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def announce(request):
    """The registration fixture's plan is open but never announced; candidates find plans by announcements."""
    if "open_plan" in request.fixturenames:
        plan = request.getfixturevalue("open_plan")
        Plan.objects.filter(pk=plan.pk).update(announced_at=timezone.now())


def portrait_png(size=(900, 1100)) -> bytes:
    w, h = size
    img = Image.new("RGB", size, (70, 130, 200))
    draw = ImageDraw.Draw(img)
    draw.ellipse((w * 0.3, h * 0.12, w * 0.7, h * 0.62), fill=(230, 180, 150))
    draw.rectangle((w * 0.1, h * 0.7, w * 0.9, h), fill=(40, 40, 60))
    buffer = io.BytesIO()
    img.save(buffer, format="PNG")
    return buffer.getvalue()


def signup_data(**overrides) -> dict:
    return {"id_type": "resident", "id_number": ZHANG_ID, "name": "张伟", "phone": "13912345678",
            "password1": "Kaowu@Signup2026", "password2": "Kaowu@Signup2026", "education": "college",
            "address": "成都市锦江区东大街1号", "postal_code": "", "employer": "某托育中心", **overrides}


def with_photo(candidate: Candidate) -> Candidate:
    from kaowu.registration.services import candidate_photo_set

    return candidate_photo_set(candidate=candidate, by=candidate.user, data=portrait_png())


# --- sign up -----------------------------------------------------------------------------------

def test_signup_derives_birth_date_and_gender_and_logs_the_candidate_in(client):
    response = client.post(reverse("candidate_signup"), signup_data())
    assert response.status_code == 302 and response["Location"] == reverse("candidate_home")
    candidate = Candidate.objects.get(id_number=ZHANG_ID)
    assert (candidate.birth_date.isoformat(), candidate.gender) == ("1990-01-01", "男")
    user = candidate.user
    assert (user.username, user.role, user.organisation_id, user.full_name) == (ZHANG_ID, Role.CANDIDATE, None, "张伟")
    assert user.check_password("Kaowu@Signup2026")
    home = client.get(reverse("candidate_home"))
    assert home.status_code == 200 and "我的报名" in home.content.decode()


def test_signup_follows_next_to_the_apply_page(client, open_plan):
    apply_url = reverse("candidate_apply", args=[open_plan.pk])
    response = client.post(reverse("candidate_signup"), {**signup_data(), "next": apply_url})
    assert response["Location"] == apply_url
    response = client.post(reverse("candidate_signup") + "?next=https://evil.example/", signup_data(id_number=LI_ID))
    assert response["Location"] == reverse("candidate_home")


def test_signup_refuses_an_id_number_already_registered(client, zhang):
    response = client.post(reverse("candidate_signup"), signup_data(name="张伟二"))
    assert response.status_code == 400
    assert "该证件号码已注册，请直接登录" in response.content.decode()
    assert Candidate.objects.filter(id_number=ZHANG_ID).count() == 1
    assert User.objects.filter(username=ZHANG_ID).count() == 1


def test_signup_refuses_a_number_an_institution_registered_without_taking_over_its_record(client, institution_clerk):
    services.candidate_create(by=institution_clerk, name="张伟", education="college", id_number=ZHANG_ID,
                              address="成都市", phone="13900000000")
    response = client.post(reverse("candidate_signup"), signup_data())
    assert response.status_code == 400 and "请联系报名机构开通账号" in response.content.decode()
    assert Candidate.objects.get(id_number=ZHANG_ID).user is None


def test_signup_refuses_a_bad_id_number_with_the_reason_and_saves_nothing(client):
    response = client.post(reverse("candidate_signup"), signup_data(id_number="510104199001011231"))
    assert response.status_code == 400 and "校验位" in response.content.decode()
    assert not User.objects.filter(role=Role.CANDIDATE).exists() and not Candidate.objects.exists()


def test_signup_shows_the_password_rules_in_chinese(client):
    response = client.post(reverse("candidate_signup"), signup_data(password1="abc123", password2="abc123"))
    text = response.content.decode()
    assert response.status_code == 400 and "密码太短" in text
    response = client.post(reverse("candidate_signup"), signup_data(password2="Kaowu@Other2026"))
    assert "两次输入的密码不一致" in response.content.decode()
    assert not Candidate.objects.exists()


def test_signup_with_a_passport_needs_birth_date_and_gender(client):
    data = signup_data(id_type="passport", id_number="E12345678")
    response = client.post(reverse("candidate_signup"), data)
    assert response.status_code == 400 and "使用护照时请填写出生日期" in response.content.decode()
    response = client.post(reverse("candidate_signup"), {**data, "birth_date": "1992-03-04", "gender": "女"})
    assert response.status_code == 302
    assert Candidate.objects.get(id_number="E12345678").gender == "女"


# --- 我的报名 and apply ---------------------------------------------------------------------------

def test_candidate_home_lists_own_applications_and_open_plans(client, login, zhang, li, infant_care_item, hr_item):
    mine = draft_for(zhang, infant_care_item)
    theirs = draft_for(li, hr_item)
    login(zhang.user)
    text = client.get(reverse("candidate_home")).content.decode()
    assert reverse("candidate_application", args=[mine.pk]) in text
    assert reverse("candidate_application", args=[theirs.pk]) not in text and "李娜" not in text
    assert "一站第01批次" in text and reverse("candidate_apply", args=[infant_care_item.plan_id]) in text


def test_staff_cannot_use_the_candidate_pages(client, login, institution_clerk):
    login(institution_clerk)
    assert client.get(reverse("candidate_home")).status_code == 403


def test_apply_maps_the_profile_to_the_eligibility_format(client, login, zhang, hr_item):
    login(zhang.user)
    response = client.post(reverse("candidate_apply", args=[hr_item.plan_id]), {
        "item": hr_item.pk, "work_occupation": "企业人力资源管理师", "work_start": "2012-03-01", "work_end": "",
        "cert_occupation": "企业人力资源管理师", "cert_level": "4", "cert_kind": "技能等级",
        "cert_issued_on": "2014-06-01", "edu_school": "大学本科", "edu_major": "人力资源管理", "edu_status": "毕业",
        "edu_graduated_on": "2011-07-01",
    })
    application = Application.objects.get(candidate=zhang)
    assert response["Location"] == reverse("candidate_application", args=[application.pk])
    assert application.status == Application.Status.DRAFT
    assert application.profile == {
        "work": [{"occupation": "企业人力资源管理师", "start": "2012-03-01", "end": None}],
        "certificates": [{"occupation": "企业人力资源管理师", "level": 4, "issued_on": "2014-06-01",
                          "kind": "技能等级"}],
        "education": [{"school": "大学本科", "major": "人力资源管理", "status": "毕业", "graduated_on": "2011-07-01"}],
    }
    # The engine reads it: the verdict is recorded on submit and shown to the candidate.
    with_photo(zhang)
    client.post(reverse("candidate_submit", args=[application.pk]), {"commitment": "on"})
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED and application.eligibility["eligible"] is True
    assert "符合申报条件" in client.get(reverse("candidate_application", args=[application.pk])).content.decode()


def test_apply_twice_to_the_same_item_is_refused(client, login, zhang, infant_care_item):
    draft_for(zhang, infant_care_item)
    login(zhang.user)
    response = client.post(reverse("candidate_apply", args=[infant_care_item.plan_id]), {"item": infant_care_item.pk})
    assert response.status_code == 400 and "该考生已报名此项目" in response.content.decode()


# --- scope: nobody sees another person's application, photo or documents -----------------------

@pytest.fixture
def zhang_application(zhang, infant_care_item):
    application = draft_for(zhang, infant_care_item)
    with_photo(zhang)
    ApplicationDocument.objects.create(application=application, kind="id_copy", name="身份证.pdf",
                                       file=SimpleUploadedFile("x.pdf", PDF))
    return application


def test_a_candidate_cannot_open_another_candidates_application_or_photo(client, login, zhang_application, li,
                                                                          infant_care_item):
    own = draft_for(li, infant_care_item)
    login(li.user)
    assert client.get(reverse("candidate_photo_file", args=[own.pk])).status_code == 404  # no photo yet
    for url in (reverse("candidate_application", args=[zhang_application.pk]),
                reverse("candidate_photo_file", args=[zhang_application.pk])):
        assert client.get(url).status_code == 404, url
    for name in ("candidate_photo", "candidate_document", "candidate_submit", "candidate_withdraw"):
        response = client.post(reverse(name, args=[zhang_application.pk]), {"commitment": "on"})
        assert response.status_code == 404, name
    zhang_application.refresh_from_db()
    assert zhang_application.status == Application.Status.DRAFT and not zhang_application.documents.exclude(
        name="身份证.pdf").exists()


@pytest.mark.parametrize("outsider", ["other_institution_clerk", "mianyang_reviewer", "assessor"])
def test_staff_outside_the_scope_cannot_see_the_application_or_the_photo(client, login, zhang_application, outsider,
                                                                         request):
    login(request.getfixturevalue(outsider))
    assert client.get(reverse("candidate_photo_file", args=[zhang_application.pk])).status_code == 404


@pytest.mark.parametrize("insider", ["institution_clerk", "chengdu_reviewer", "province_admin"])
def test_staff_who_can_see_the_application_see_the_photo(client, login, zhang_application, insider, request):
    login(request.getfixturevalue(insider))
    response = client.get(reverse("candidate_photo_file", args=[zhang_application.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"


def test_the_candidate_sees_their_own_photo(client, login, zhang_application):
    login(zhang_application.candidate.user)
    assert client.get(reverse("candidate_photo_file", args=[zhang_application.pk])).status_code == 200


def test_the_photo_is_not_served_to_anonymous_visitors(client, zhang_application):
    response = client.get(reverse("candidate_photo_file", args=[zhang_application.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- photo and documents -----------------------------------------------------------------------

def test_r_fj_4_photo_upload_is_normalised_to_90x110_jpeg_under_20kb(client, login, zhang, infant_care_item):
    application = draft_for(zhang, infant_care_item)
    login(zhang.user)
    upload = SimpleUploadedFile("me.png", portrait_png(), content_type="image/png")
    response = client.post(reverse("candidate_photo", args=[application.pk]), {"photo": upload})
    assert response.status_code == 302
    zhang.refresh_from_db()
    data = zhang.photo.read()
    assert len(data) <= 20 * 1024
    img = Image.open(io.BytesIO(data))
    assert (img.format, img.size, img.mode) == ("JPEG", (90, 110), "RGB")
    assert ZHANG_ID not in zhang.photo.name and "张" not in zhang.photo.name
    page = client.get(reverse("candidate_application", args=[application.pk])).content.decode()
    assert reverse("candidate_photo_file", args=[application.pk]) in page


def test_r_fj_4_a_text_file_as_photo_is_refused_with_the_chinese_reason(client, login, zhang, infant_care_item):
    application = draft_for(zhang, infant_care_item)
    login(zhang.user)
    upload = SimpleUploadedFile("me.jpg", "这不是照片".encode(), content_type="image/jpeg")
    response = client.post(reverse("candidate_photo", args=[application.pk]), {"photo": upload})
    assert response.status_code == 400 and MSG_NOT_IMAGE in response.content.decode()
    zhang.refresh_from_db()
    assert not zhang.photo


def test_the_photo_cannot_be_changed_once_it_went_to_review(client, login, zhang_application):
    services.application_submit(application=zhang_application, by=zhang_application.candidate.user,
                                commitment_accepted=True, today=zhang_application.plan.registration_opens)
    login(zhang_application.candidate.user)
    upload = SimpleUploadedFile("me.png", portrait_png(), content_type="image/png")
    response = client.post(reverse("candidate_photo", args=[zhang_application.pk]), {"photo": upload}, follow=True)
    assert "照片已随报名提交审核" in response.content.decode()


def test_documents_are_stored_under_a_random_name_and_a_mismatched_file_is_refused(client, login, zhang,
                                                                                   infant_care_item):
    application = draft_for(zhang, infant_care_item)
    login(zhang.user)
    url = reverse("candidate_document", args=[application.pk])
    fake = SimpleUploadedFile(f"{ZHANG_ID}.pdf", b"MZ\x90\x00 not a pdf")
    response = client.post(url, {"kind": "id_copy", "file": fake})
    assert response.status_code == 400 and "文件内容与扩展名不符" in response.content.decode()
    response = client.post(url, {"kind": "id_copy", "file": SimpleUploadedFile(f"{ZHANG_ID}.pdf", PDF)})
    assert response.status_code == 302
    document = application.documents.get()
    assert document.kind == "id_copy" and ZHANG_ID not in document.file.name


# --- submit, reasons, withdraw -----------------------------------------------------------------

def test_r_sc24_7_submit_without_ticking_the_commitment_is_refused(client, login, zhang_application):
    login(zhang_application.candidate.user)
    response = client.post(reverse("candidate_submit", args=[zhang_application.pk]), {}, follow=True)
    assert "R-SC24-7" in response.content.decode()
    zhang_application.refresh_from_db()
    assert zhang_application.status == Application.Status.DRAFT and zhang_application.commitment_accepted_at is None


def test_submit_without_a_photo_is_refused(client, login, zhang, infant_care_item):
    application = draft_for(zhang, infant_care_item)
    login(zhang.user)
    response = client.post(reverse("candidate_submit", args=[application.pk]), {"commitment": "on"}, follow=True)
    assert "请先上传本人照片" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_submit_with_the_commitment_records_it(client, login, zhang_application):
    login(zhang_application.candidate.user)
    client.post(reverse("candidate_submit", args=[zhang_application.pk]), {"commitment": "on"})
    zhang_application.refresh_from_db()
    assert zhang_application.status == Application.Status.SUBMITTED
    assert zhang_application.commitment_version == services.COMMITMENT_VERSION


def test_the_candidate_sees_the_reviewers_reason_when_returned(client, login, zhang_application, institution_clerk):
    candidate_user = zhang_application.candidate.user
    services.application_submit(application=zhang_application, by=candidate_user, commitment_accepted=True,
                                today=zhang_application.plan.registration_opens)
    services.application_return(application=zhang_application, by=institution_clerk, reason="身份证复印件不清晰")
    login(candidate_user)
    for url in (reverse("candidate_home"), reverse("candidate_application", args=[zhang_application.pk])):
        text = client.get(url).content.decode()
        assert "已退回" in text and "身份证复印件不清晰" in text
    # A returned application can be corrected and submitted again.
    assert "提交报名" in text


def test_the_candidate_can_withdraw(client, login, zhang_application):
    login(zhang_application.candidate.user)
    client.post(reverse("candidate_withdraw", args=[zhang_application.pk]), {"reason": "时间冲突"})
    zhang_application.refresh_from_db()
    assert zhang_application.status == Application.Status.WITHDRAWN


# --- personal information ----------------------------------------------------------------------

def test_id_numbers_appear_masked_on_the_candidates_own_pages(client, login, zhang_application):
    login(zhang_application.candidate.user)
    urls = [reverse("candidate_home"), reverse("candidate_application", args=[zhang_application.pk]),
            reverse("candidate_apply", args=[zhang_application.plan_id]),
            reverse("announcement_detail", args=[zhang_application.plan_id])]
    for url in urls:
        text = client.get(url).content.decode()
        assert ZHANG_ID not in text, url
    home = client.get(urls[0]).content.decode()
    application = client.get(urls[1]).content.decode()
    assert id_mask(ZHANG_ID) in home and id_mask(ZHANG_ID) in application


def test_the_announcement_offers_online_registration_while_open(client, login, open_plan, zhang):
    url = reverse("announcement_detail", args=[open_plan.pk])
    assert "注册并在线报名" in client.get(url).content.decode()
    login(zhang.user)
    text = client.get(url).content.decode()
    assert reverse("candidate_apply", args=[open_plan.pk]) in text and "我的报名" in text


def test_the_candidate_logs_in_with_the_id_number(client, zhang):
    response = client.post("/login/", {"username": ZHANG_ID, "password": TEST_PASSWORD})
    assert response.status_code == 302
