"""The certificate pages: the center issues and revokes, the station prints and applies for replacements,
the candidate downloads their electronic certificate, the public verifies; outsiders are refused."""

import re
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaowu.certificates import services
from kaowu.certificates.models import Certificate, PrinterCalibration, ReplacementRequest
from kaowu.certificates.tests.support import ISSUE_DAY, final_release_build, photo_jpeg
from kaowu.core.models import AuditEvent
from kaowu.registration.models import Candidate
from kaowu.scoring.tests.factories import candidate_login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def final(institution_clerk):
    return final_release_build(institution_clerk, passed=3, failed=1, photos=True)


@pytest.fixture
def issued(final, chengdu_reviewer):
    return services.certificates_issue(release=final.release, by=chengdu_reviewer, today=ISSUE_DAY)


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_center_issues_from_the_plan_page_and_sees_the_numbers(client, login, final, chengdu_reviewer):
    login(chengdu_reviewer)
    page = client.get(reverse("certificate_plan", args=[final.plan.pk])).content.decode()
    assert "为 3 名合格人员生成证书编号" in page
    response = client.post(reverse("certificate_issue", args=[final.plan.pk]), follow=True)
    text = response.content.decode()
    numbers = list(Certificate.objects.order_by("number").values_list("number", flat=True))
    assert len(numbers) == 3 and f"编号 {numbers[0]} 至 {numbers[-1]}" in text
    assert all(number in text for number in numbers)


def test_an_institution_clerk_sees_no_issue_button_and_cannot_post_it(client, login, final, institution_clerk):
    login(institution_clerk)
    assert "生成证书编号" not in client.get(reverse("certificate_plan", args=[final.plan.pk])).content.decode()
    assert client.post(reverse("certificate_issue", args=[final.plan.pk])).status_code == 403
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("outsider", ["mianyang_reviewer", "other_institution_clerk"])
def test_outsiders_get_404_on_the_plan_and_the_certificate(request, client, login, issued, final, outsider):
    login(request.getfixturevalue(outsider))
    certificate = issued[0]
    for url in (reverse("certificate_plan", args=[final.plan.pk]),
                reverse("certificate_detail", args=[certificate.pk])):
        assert client.get(url).status_code == 404
    assert client.post(reverse("certificate_print", args=[certificate.pk]), {"layout": "full"}).status_code == 404
    assert client.post(reverse("certificate_revoke", args=[certificate.pk]), {"reason": "x"}).status_code in (403, 404)
    found = client.get(reverse("certificate_home"), {"q": certificate.holder_name}).content.decode()
    assert certificate.number not in found


@pytest.mark.parametrize("role", ["candidate", "assessor", "supervisor"])
def test_candidates_and_exam_staff_cannot_open_the_staff_pages(request, client, login, issued, final, role):
    login(request.getfixturevalue(role))
    assert client.get(reverse("certificate_home")).status_code == 403
    assert client.get(reverse("certificate_plan", args=[final.plan.pk])).status_code == 403
    assert client.get(reverse("certificate_detail", args=[issued[0].pk])).status_code == 403


def test_the_clerk_prints_the_batch_with_a_calibrated_printer_and_it_is_recorded(client, login, issued, final,
                                                                                 institution_clerk, tmp_path):
    login(institution_clerk)
    client.post(reverse("calibration_list"), {"name": "办公室激光打印机", "offset_x_mm": "1.5", "offset_y_mm": "-2"})
    calibration = PrinterCalibration.objects.get()
    assert calibration.organisation_id == institution_clerk.organisation_id
    response = client.post(reverse("certificate_plan_print", args=[final.plan.pk]),
                           {"layout": "preprinted", "calibration": calibration.pk})
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    text = pdf_text(body(response), tmp_path)
    assert all(c.number in text and c.holder_name in text for c in issued)
    assert "职业（工种）" not in text  # preprinted stock: the labels are on the paper already
    event = AuditEvent.objects.get(action="certificates.print")
    assert event.after["count"] == 3 and event.after["printer"] == "办公室激光打印机"
    assert set(Certificate.objects.values_list("printed_count", flat=True)) == {1}


def test_another_institutions_calibration_is_not_usable(client, login, issued, final, institution_clerk,
                                                        other_institution_clerk):
    login(other_institution_clerk)
    client.post(reverse("calibration_list"), {"name": "别家打印机", "offset_x_mm": "0", "offset_y_mm": "0"})
    foreign = PrinterCalibration.objects.get()
    login(institution_clerk)
    assert client.get(reverse("calibration_test_page", args=[foreign.pk])).status_code == 404
    response = client.post(reverse("certificate_plan_print", args=[final.plan.pk]),
                           {"layout": "full", "calibration": foreign.pk}, follow=True)
    assert "选择一个有效的选项" in response.content.decode() or "有效" in response.content.decode()
    assert not AuditEvent.objects.filter(action="certificates.print").exists()


def test_the_calibration_test_page_is_a_pdf_with_the_offset(client, login, institution_clerk, tmp_path):
    login(institution_clerk)
    client.post(reverse("calibration_list"), {"name": "A4打印机", "offset_x_mm": "2.5", "offset_y_mm": "-1"})
    calibration = PrinterCalibration.objects.get()
    response = client.get(reverse("calibration_test_page", args=[calibration.pk]))
    assert "2.5" in pdf_text(body(response), tmp_path)


def test_the_holder_downloads_the_electronic_certificate_and_only_their_own(client, login, issued, tmp_path):
    holder = candidate_login(issued[0].result.application)
    other = issued[1]
    login(holder)
    page = client.get(reverse("my_certificates")).content.decode()
    assert issued[0].number in page and other.number not in page
    response = client.get(reverse("my_certificate_pdf", args=[issued[0].pk]))
    text = pdf_text(body(response), tmp_path)
    assert issued[0].number in text and issued[0].holder_name in text
    assert AuditEvent.objects.filter(action="certificates.download", actor=holder).exists()
    assert client.get(reverse("my_certificate_pdf", args=[other.pk])).status_code == 404


def test_the_holder_applies_for_a_replacement_and_the_center_approves_it(client, login, issued, chengdu_reviewer):
    original = issued[0]
    holder = candidate_login(original.result.application)
    login(holder)
    page = client.get(reverse("replacement_apply", args=[original.pk])).content.decode()
    assert "10" in page and "15 个工作日" in page
    response = client.post(reverse("replacement_apply", args=[original.pk]), {
        "reason": "lost", "note": "搬家遗失",
        "id_document": SimpleUploadedFile("id.jpg", photo_jpeg(), content_type="image/jpeg"),
        "photo": SimpleUploadedFile("photo.jpg", photo_jpeg(), content_type="image/jpeg")}, follow=True)
    assert "补办申请已提交" in response.content.decode()
    replacement = ReplacementRequest.objects.get()
    login(chengdu_reviewer)
    assert client.get(reverse("replacement_file", args=[replacement.pk, "photo"])).status_code == 200
    assert AuditEvent.objects.filter(action="certificates.replacement_file").exists()
    response = client.post(reverse("replacement_decide", args=[replacement.pk]), {"decision": "approve"}, follow=True)
    new = Certificate.objects.get(replaces=original)
    assert new.number in response.content.decode()
    original.refresh_from_db()
    assert original.status == "replaced"


def test_another_candidate_cannot_apply_for_someone_elses_certificate(client, login, issued, candidate):
    login(candidate)
    assert client.get(reverse("replacement_apply", args=[issued[0].pk])).status_code == 404


def test_the_center_revokes_from_the_page_with_a_reason(client, login, issued, chengdu_reviewer):
    login(chengdu_reviewer)
    certificate = issued[0]
    response = client.post(reverse("certificate_revoke", args=[certificate.pk]), {"reason": ""}, follow=True)
    assert "撤销原因" in response.content.decode()
    client.post(reverse("certificate_revoke", args=[certificate.pk]), {"reason": "伪造学历证明（R-LN-3）"})
    certificate.refresh_from_db()
    assert certificate.status == "revoked"


# --- the public --------------------------------------------------------------------------------

def test_the_public_page_verifies_by_number_and_name_with_the_id_masked(client, issued):
    certificate = issued[0]
    page = client.get(reverse("certificate_verify"), {"number": certificate.number, "name": certificate.holder_name})
    text = page.content.decode()
    assert page.status_code == 200 and "证书有效" in text and certificate.holder_id_masked in text
    assert certificate.holder_id_number not in text
    wrong = client.get(reverse("certificate_verify"), {"number": certificate.number, "name": "张冒"}).content.decode()
    unknown = client.get(reverse("certificate_verify"), {"number": "S000000000000000000001",
                                                          "name": certificate.holder_name}).content.decode()
    for answer in (wrong, unknown):
        assert "未查询到该证书" in answer and "证书有效" not in answer


def test_the_qr_url_shows_a_good_signature_and_a_tampered_one_fails(client, issued):
    from kaowu.certificates.printing import certificate_verify_url

    certificate = issued[0]
    url = certificate_verify_url(certificate)
    path = url[url.index("/verify/"):]
    text = client.get(path).content.decode()
    assert "二维码签名有效" in text and "证书有效" in text
    tampered = path.replace(certificate.number, issued[1].number)
    text = client.get(tampered).content.decode()
    assert "二维码签名无效" in text


def test_the_api_answers_json_and_the_same_404_for_a_wrong_number_or_name(client, issued, chengdu_reviewer):
    certificate = issued[0]
    services.certificate_revoke(certificate=certificate, reason="虚假材料", by=chengdu_reviewer)
    data = client.get("/api/v1/certificates/verify", {"number": certificate.number,
                                                      "name": certificate.holder_name}).json()
    assert data["found"] and not data["valid"] and data["status"] == "revoked" and data["status_reason"] == "虚假材料"
    assert data["holder_id_masked"] == certificate.holder_id_masked and "holder_id_number" not in data
    wrong_name = client.get("/api/v1/certificates/verify", {"number": certificate.number, "name": "别人"})
    wrong_number = client.get("/api/v1/certificates/verify", {"number": "X1", "name": certificate.holder_name})
    assert wrong_name.status_code == wrong_number.status_code == 404
    assert wrong_name.json() == wrong_number.json()


def test_the_public_verification_is_rate_limited(client, issued, settings):
    settings.KAOWU_VERIFY_PER_MINUTE = 2
    certificate = issued[0]
    query = {"number": certificate.number, "name": certificate.holder_name}
    assert client.get("/api/v1/certificates/verify", query).status_code == 200
    assert client.get(reverse("certificate_verify"), query).status_code == 200
    assert client.get("/api/v1/certificates/verify", query).status_code == 429
    limited = client.get(reverse("certificate_verify"), query)
    assert limited.status_code == 429 and "过于频繁" in limited.content.decode()


def test_the_public_key_is_published_as_pem(client):
    response = client.get(reverse("certificate_public_key"))
    assert response.status_code == 200 and response.content.startswith(b"-----BEGIN PUBLIC KEY-----")
    from kaowu.certificates.keys import verifying_key_fingerprint

    page = client.get(reverse("certificate_verify")).content.decode()
    assert verifying_key_fingerprint() in page


def test_the_candidate_record_is_not_touched_by_the_verification(client, issued):
    # A verification reads the certificate row only; nothing about the candidate changes.
    before = list(Candidate.objects.values())
    client.get(reverse("certificate_verify"), {"number": issued[0].number, "name": issued[0].holder_name})
    assert list(Candidate.objects.values()) == before
    assert re.fullmatch(r"S5101510001232640000\d\d", issued[0].number)
