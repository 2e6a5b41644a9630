"""The public verification pages and API: by number and name with the ID masked, by the QR code's URL, the
same 404 for a wrong number or name, rate-limited, the published key."""

import re

import pytest
from django.urls import reverse

from kaowu.certificates import services
from kaowu.registration.models import Candidate

pytestmark = pytest.mark.django_db


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
    from kaowu.certificates.printing.services import certificate_verify_url

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


def test_the_verify_page_speaks_plainly_and_keeps_the_technical_note_folded(client):
    page = client.get(reverse("certificate_verify")).content.decode()
    plain, _, folded = page.partition('<details class="small text-muted mt-3" id="verify-technical">')
    assert "用手机扫描证书上的二维码" in plain
    assert "Ed25519" not in plain and "/api/v1/" not in plain
    assert "Ed25519" in folded and "/api/v1/certificates/verify" in folded


def test_the_candidate_record_is_not_touched_by_the_verification(client, issued):
    # A verification reads the certificate row only; nothing about the candidate changes.
    before = list(Candidate.objects.values())
    client.get(reverse("certificate_verify"), {"number": issued[0].number, "name": issued[0].holder_name})
    assert list(Candidate.objects.values()) == before
    assert re.fullmatch(r"S5101510001232640000\d\d", issued[0].number)
