"""The candidate's fee receipt (R-CQ-4) and the institution's commitment per plan (R-LN-3, R-SC24-7):
the PDFs carry their Chinese text in an embedded font, and only the right people get or upload them.

Each PDF is also rendered to a PNG under var/test-artifacts/ for a person to look at.
"""

import subprocess
from decimal import Decimal
from io import BytesIO

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.models import AuditEvent
from kaowu.core.pdf import yuan_upper
from kaowu.registration import services
from kaowu.registration.documents import pdf as document_pdf
from kaowu.registration.documents import selectors as document_selectors
from kaowu.registration.documents import services as document_services
from kaowu.registration.models import Application, PlanCommitment

pytestmark = pytest.mark.django_db
ARTIFACTS = settings.VAR_DIR / "test-artifacts"
ID_NUMBERS = ["11010519491231002X", "110105194912310038", "510104199001011230"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def person(clerk, id_number: str, name: str, user=None):
    return services.candidate_create(
        by=clerk, name=name, education="bachelor", id_number=id_number, address="成都市锦江区东大街1号",
        postal_code="610000", phone="13800138000", employer="某公司", user=user)


def submit(clerk, item, id_number: str, name: str, user=None) -> Application:
    application = services.application_create(candidate=person(clerk, id_number, name, user), item=item, by=clerk)
    return services.application_submit(application=application, by=clerk, commitment_accepted=True,
                                       today=timezone.localdate())


@pytest.fixture
def paid(institution_clerk, chengdu_reviewer, candidate, infant_care_item) -> Application:
    application = submit(institution_clerk, infant_care_item, ID_NUMBERS[0], "欧阳晓雯", user=candidate)
    services.application_institution_approve(application=application, by=institution_clerk, originals_seen=True)
    services.application_center_approve(application=application, by=chengdu_reviewer)
    services.payment_record(application=application, by=institution_clerk, method="transfer",
                            receipt_number="CD2024-000123", amount=Decimal("1005.50"))
    return application


def pdf_text(data: bytes, tmp_path, name: str) -> str:
    """The text pdftotext reads, after saving the PDF and a PNG of its first page for a person."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(path),
                    str(ARTIFACTS / name)], check=True)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def pdf_fonts(data: bytes, tmp_path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    lines = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout.splitlines()
    return [line.split() for line in lines[2:]]


# --- amounts in capitals ---------------------------------------------------------------------

@pytest.mark.parametrize(("amount", "upper"), [
    ("360", "叁佰陆拾元整"), ("1005.50", "壹仟零伍元伍角"), ("360.05", "叁佰陆拾元零伍分"), ("0", "零元整"),
    ("10", "壹拾元整"), ("10005", "壹万零伍元整"), ("100010000", "壹亿零壹万元整"), ("0.5", "伍角"),
    ("1234567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
])
def test_amounts_are_written_in_chinese_capitals(amount, upper):
    assert yuan_upper(Decimal(amount)) == upper


# --- the receipt -------------------------------------------------------------------------------

def test_r_cq_4_the_receipt_gives_back_name_item_and_amount_in_figures_and_capitals(paid, tmp_path):
    pdf = document_pdf.receipt_pdf(paid.payments.get())
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf, tmp_path, "receipt")
    for expected in ("考核费缴费凭证", "欧阳晓雯", "育婴员", "四级/中级工", "¥1,005.50", "人民币壹仟零伍元伍角",
                     "CD2024-000123", "转账", "陈录", "成都市职业技能鉴定第一站", "领取（打印）准考证的有效凭证",
                     "第1页共1页"):
        assert expected in text, expected
    # The receipt is printed and passed on: the ID number is masked.
    assert ID_NUMBERS[0] not in text and "110105********002X" in text


def test_pdfs_embed_their_one_cjk_font(paid, tmp_path):
    for pdf in (document_pdf.receipt_pdf(paid.payments.get()),
                document_pdf.commitment_pdf(paid.plan, document_selectors.plan_commitment_counts(paid.plan))):
        fonts = pdf_fonts(pdf, tmp_path)
        # ReportLab embeds 256 glyphs per subset, so a long text has several subsets of the one font,
        # and no Helvetica or other font that a reader would have to substitute.
        assert fonts and all("WenQuanYiMicroHei" in name and kind == "TrueType" for name, kind, *_ in fonts), fonts
        assert all(font[-5:-2] == ["yes", "yes", "yes"] for font in fonts), fonts  # embedded, subset, unicode


def test_the_candidate_downloads_the_receipt_of_their_paid_application(paid, candidate, login):
    response = login(candidate).get(reverse("application_receipt", args=[paid.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]
    assert not AuditEvent.objects.filter(action="application.receipt_download").exists()


def test_a_staff_download_of_a_receipt_is_audited(paid, institution_clerk, chengdu_reviewer, login):
    for user in (institution_clerk, chengdu_reviewer):
        assert login(user).get(reverse("application_receipt", args=[paid.pk])).status_code == 200
    events = AuditEvent.objects.filter(action="application.receipt_download", object_id=str(paid.pk))
    assert sorted(events.values_list("actor_username", flat=True)) == ["cd01_clerk", "cd_reviewer"]
    assert events.first().after == {"receipt_number": "CD2024-000123"}


def test_outsiders_cannot_download_a_receipt(paid, other_candidate_user, other_institution_clerk,
                                             mianyang_reviewer, assessor, login):
    url = reverse("application_receipt", args=[paid.pk])
    for user in (other_candidate_user, other_institution_clerk, mianyang_reviewer, assessor):
        assert login(user).get(url).status_code == 404, user.username


def test_r_cq_4_an_unpaid_application_has_no_receipt(institution_clerk, candidate, infant_care_item, login):
    application = submit(institution_clerk, infant_care_item, ID_NUMBERS[0], "欧阳晓雯", user=candidate)
    with pytest.raises(RuleViolation, match="缴费登记后才有缴费凭证"):
        document_selectors.receipt_payment(application)
    response = login(candidate).get(reverse("application_receipt", args=[application.pk]))
    assert response.status_code == 409
    assert "缴费登记后才有缴费凭证" in response.content.decode()


def test_r_sc21_5_a_withdrawn_application_s_receipt_is_void(paid, candidate, login):
    services.application_withdraw(application=paid, by=candidate, reason="工作冲突")
    response = login(candidate).get(reverse("application_receipt", args=[paid.pk]))
    assert response.status_code == 409 and "缴费凭证已失效" in response.content.decode()


def test_r_sc21_5_the_receipt_of_a_withdrawn_application_shows_its_refund(paid, candidate, institution_clerk,
                                                                          login, tmp_path):
    """The void receipt gives way to the receipt with the refund: waiting, then confirmed with how, how much and
    when; it says it no longer vouches for a ticket."""
    services.application_withdraw(application=paid, by=candidate, reason="工作冲突")
    url = reverse("application_refund_receipt", args=[paid.pk])
    portal = login(candidate).get(reverse("candidate_application", args=[paid.pk])).content.decode()
    assert url in portal
    waiting = pdf_text(b"".join(login(candidate).get(url).streaming_content), tmp_path, "refund-receipt-waiting")
    for expected in ("考核费缴费及退费凭证", "CD2024-000123", "¥1,005.50", "待确认", "工作冲突", "本凭证已失效"):
        assert expected in waiting, expected
    refund = paid.payments.get().refund
    services.refund_confirm(refund=refund, by=institution_clerk, method="transfer", amount=Decimal("1000.50"),
                            note="扣除银行手续费5元", today=timezone.localdate())
    staff = login(institution_clerk)
    assert url in staff.get(reverse("application_detail", args=[paid.pk])).content.decode()
    confirmed = pdf_text(b"".join(staff.get(url).streaming_content), tmp_path, "refund-receipt")
    for expected in ("已于", "退还", "¥1,000.50", "人民币壹仟元伍角", "转账", "扣除银行手续费5元", "陈录",
                     f"{timezone.localdate():%Y年}{timezone.localdate().month}月{timezone.localdate().day}日"):
        assert expected in confirmed, expected
    assert AuditEvent.objects.filter(action="application.receipt_download", actor=institution_clerk).exists()


def test_outsiders_cannot_download_a_refund_receipt(paid, candidate, other_candidate_user, other_institution_clerk,
                                                    mianyang_reviewer, login):
    services.application_withdraw(application=paid, by=candidate, reason="工作冲突")
    url = reverse("application_refund_receipt", args=[paid.pk])
    for user in (other_candidate_user, other_institution_clerk, mianyang_reviewer):
        assert login(user).get(url).status_code == 404, user.username


def test_a_paid_application_has_no_refund_receipt(paid, candidate, login):
    response = login(candidate).get(reverse("application_refund_receipt", args=[paid.pk]))
    assert response.status_code == 409 and "没有退费记录" in response.content.decode()


def test_the_receipt_link_shows_on_the_candidate_page_and_the_staff_page_once_paid(paid, candidate,
                                                                                    institution_clerk, login):
    url = reverse("application_receipt", args=[paid.pk])
    portal = login(candidate).get(reverse("candidate_application", args=[paid.pk])).content.decode()
    assert url in portal and "下载缴费凭证" in portal
    staff = login(institution_clerk).get(reverse("application_detail", args=[paid.pk])).content.decode()
    assert url in staff


# --- the institution's commitment ------------------------------------------------------------

@pytest.fixture
def applied(institution_clerk, infant_care_item, hr_item):
    """Two 育婴员 四级 and one 企业人力资源管理师 三级 holding places, one draft that does not count."""
    submit(institution_clerk, infant_care_item, ID_NUMBERS[0], "欧阳晓雯")
    submit(institution_clerk, infant_care_item, ID_NUMBERS[1], "李四")
    submit(institution_clerk, hr_item, ID_NUMBERS[2], "王五")
    services.application_create(candidate=person(institution_clerk, "11010519491231010X", "赵六"),
                                item=hr_item, by=institution_clerk)
    return infant_care_item.plan


def scan(name="承诺书.pdf", data=None, content_type="application/pdf"):
    return SimpleUploadedFile(name, data if data is not None else b"%PDF-1.4\n% signed scan\n%%EOF\n",
                              content_type=content_type)


def png_scan() -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (40, 60), "white").save(buffer, format="PNG")
    return scan("scan.png", buffer.getvalue(), "image/png")


def test_r_ln_3_the_counts_are_per_occupation_and_level_of_applications_holding_a_place(applied):
    rows = document_selectors.plan_commitment_counts(applied)
    assert [(r["item"], r["level"], r["count"]) for r in rows] == [
        ("企业人力资源管理师", "三级/高级工", 1), ("育婴员", "四级/中级工", 2)]


def test_r_ln_3_the_commitment_pdf_gives_back_counts_total_and_the_commitment(applied, tmp_path):
    pdf = document_pdf.commitment_pdf(applied, document_selectors.plan_commitment_counts(applied))
    text = pdf_text(pdf, tmp_path, "commitment")
    flat = text.replace("\n", "")  # the commitment wraps
    for expected in ("报名资格审核承诺书", "成都市职业技能鉴定第一站", "一站第01批次", "企业人力资源管理师",
                     "三级/高级工", "育婴员", "四级/中级工", "合计", "谁申报、谁查验", "R-LN-3", "R-SC24-7",
                     "机构负责人（签名）", "盖章", "年", "承诺书版本 2024-1"):
        assert expected in flat, expected
    cells = [line.strip() for line in text.splitlines() if line.strip()]
    start = cells.index("序号")
    assert cells[start:start + 14] == ["序号", "职业（工种）/专项职业能力", "级别", "报名人数",
                                       "1", "企业人力资源管理师", "三级/高级工", "1",
                                       "2", "育婴员", "四级/中级工", "2", "合计", "3"]


def test_r_ln_3_the_clerk_uploads_the_signed_commitment_and_it_is_audited(applied, institution_clerk, login):
    client = login(institution_clerk)
    response = client.post(reverse("plan_commitment_upload", args=[applied.pk]), {"file": scan()}, follow=True)
    assert "承诺书已上传" in response.content.decode()
    commitment = PlanCommitment.objects.get(plan=applied)
    assert commitment.uploaded_by == institution_clerk and commitment.text_version == "2024-1"
    assert sum(row["count"] for row in commitment.counts) == 3
    assert commitment.signed_file.name.endswith(".pdf") and "承诺书" not in commitment.signed_file.name
    event = AuditEvent.objects.get(action="plan_commitment.upload")
    assert event.actor == institution_clerk and event.organisation == applied.institution
    assert event.after["kind"] == "pdf" and len(event.after["sha256"]) == 64 and event.before is None
    page = client.get(reverse("plan_commitment", args=[applied.pk])).content.decode()
    assert 'id="commitment-status">已上传<' in page and "陈录" in page


def test_a_new_upload_replaces_the_earlier_one(applied, institution_admin, institution_clerk,
                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = document_services.plan_commitment_upload(plan=applied, by=institution_clerk, upload=scan())
    old = first.signed_file.name
    storage = first.signed_file.storage
    with django_capture_on_commit_callbacks(execute=True):
        second = document_services.plan_commitment_upload(plan=applied, by=institution_admin, upload=png_scan())
    assert PlanCommitment.objects.count() == 1 and second.signed_file.name.endswith(".png")
    assert not storage.exists(old) and storage.exists(second.signed_file.name)
    event = AuditEvent.objects.filter(action="plan_commitment.upload").order_by("-id").first()
    assert event.before["file"] == old and event.before["uploaded_by"] == "cd01_clerk"


def test_a_file_that_is_neither_pdf_nor_image_is_refused_by_its_content(applied, institution_clerk, login):
    client = login(institution_clerk)
    fake = scan("承诺书.pdf", "这不是扫描件".encode(), "application/pdf")
    response = client.post(reverse("plan_commitment_upload", args=[applied.pk]), {"file": fake}, follow=True)
    assert "承诺书扫描件须为PDF文件或JPG、PNG图片" in response.content.decode()
    assert not PlanCommitment.objects.exists()
    with pytest.raises(ValidationError, match="不是这几种格式"):
        document_services.plan_commitment_upload(plan=applied, by=institution_clerk,
                                           upload=scan("scan.jpg", b"GIF89a" + b"\0" * 20, "image/jpeg"))


def test_an_oversized_scan_is_refused_with_the_limit(applied, institution_clerk):
    big = scan(data=b"%PDF-1.4\n" + b"0" * (document_services.MAX_BYTES + 1))
    with pytest.raises(ValidationError, match="不能超过10 MB"):
        document_services.plan_commitment_upload(plan=applied, by=institution_clerk, upload=big)


def test_a_plan_without_applications_needs_no_commitment(open_plan, institution_clerk):
    with pytest.raises(ValidationError, match="无需签署承诺书"):
        document_services.plan_commitment_upload(plan=open_plan, by=institution_clerk, upload=scan())


def test_only_the_plans_institution_uploads_the_commitment(applied, other_institution_clerk, chengdu_reviewer,
                                                            province_admin, candidate):
    for user in (other_institution_clerk, chengdu_reviewer, province_admin, candidate):
        with pytest.raises(PermissionRefused):
            document_services.plan_commitment_upload(plan=applied, by=user, upload=scan())
    assert not PlanCommitment.objects.exists()


def test_upload_by_page_is_refused_to_outsiders_the_center_and_candidates(applied, other_institution_clerk,
                                                                          chengdu_reviewer, candidate, login):
    url = reverse("plan_commitment_upload", args=[applied.pk])
    assert login(other_institution_clerk).post(url, {"file": scan()}).status_code == 404
    assert login(chengdu_reviewer).post(url, {"file": scan()}).status_code == 403
    assert login(candidate).post(url, {"file": scan()}).status_code == 403
    assert not PlanCommitment.objects.exists()


def test_the_center_and_province_view_the_status_and_download_the_scan_but_cannot_upload(
        applied, institution_clerk, chengdu_reviewer, province_admin, login):
    document_services.plan_commitment_upload(plan=applied, by=institution_clerk, upload=png_scan())
    for user in (chengdu_reviewer, province_admin):
        client = login(user)
        page = client.get(reverse("plan_commitment", args=[applied.pk])).content.decode()
        assert "已上传" in page and 'id="commitment-upload"' not in page and "此处只能查看" in page
        response = client.get(reverse("plan_commitment_file", args=[applied.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_outsiders_see_nothing_of_a_plans_commitment(applied, institution_clerk, other_institution_clerk,
                                                     mianyang_reviewer, candidate, assessor, login):
    document_services.plan_commitment_upload(plan=applied, by=institution_clerk, upload=scan())
    names = ("plan_commitment", "plan_commitment_pdf", "plan_commitment_file")
    for user in (other_institution_clerk, mianyang_reviewer):
        client = login(user)
        for name in names:
            assert client.get(reverse(name, args=[applied.pk])).status_code == 404, (user.username, name)
    for user in (candidate, assessor):
        client = login(user)
        for name in names:
            assert client.get(reverse(name, args=[applied.pk])).status_code == 403, (user.username, name)


def test_the_clerk_downloads_the_commitment_to_sign(applied, institution_clerk, login):
    response = login(institution_clerk).get(reverse("plan_commitment_pdf", args=[applied.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_r_ln_3_a_new_submission_after_signing_makes_the_commitment_stale(applied, institution_clerk, hr_item,
                                                                          login):
    document_services.plan_commitment_upload(plan=applied, by=institution_clerk, upload=scan())
    assert document_selectors.plan_commitment_state(applied).status == "uploaded"
    submit(institution_clerk, hr_item, "110105194912310054", "钱七")
    state = document_selectors.plan_commitment_state(applied)
    assert state.status == "stale" and state.label == "需重新签署"
    assert state.changes == [{"item": "企业人力资源管理师", "level": "三级/高级工", "signed": 1, "now": 2}]
    page = login(institution_clerk).get(reverse("plan_commitment", args=[applied.pk])).content.decode()
    assert 'id="commitment-status">需重新签署<' in page and "签署时 1 人，当前 2 人" in page
    # Signing again for the new counts settles it.
    document_services.plan_commitment_upload(plan=applied, by=institution_clerk, upload=scan())
    assert document_selectors.plan_commitment_state(applied).status == "uploaded"


def test_the_commitment_page_without_an_upload_says_so_and_links_from_the_plan(applied, institution_clerk,
                                                                              chengdu_reviewer, login):
    client = login(institution_clerk)
    page = client.get(reverse("plan_commitment", args=[applied.pk])).content.decode()
    assert 'id="commitment-status">未上传<' in page and 'id="commitment-upload"' in page
    assert reverse("plan_commitment_file", args=[applied.pk]) not in page
    assert client.get(reverse("plan_commitment_file", args=[applied.pk])).status_code == 404
    for user in (institution_clerk, chengdu_reviewer):
        plan_page = login(user).get(reverse("plan_detail", args=[applied.pk])).content.decode()
        assert reverse("plan_commitment", args=[applied.pk]) in plan_page
