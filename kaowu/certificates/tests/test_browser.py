"""Issue #9's acceptance, in Chromium: the center confirms a plan's results as final and approves the
certificates (numbers appear), the institution's clerk prints the batch, and a member of the public
verifies one certificate by number and name and another by the URL in its QR code (decoded from the
printed PDF with a real decoder).

Screenshots: var/test-artifacts/certificates_*.png."""

import re
import subprocess

import pytest
import zxingcpp
from PIL import Image

from kaowu.certificates.tests.support import final_release_build
from kaowu.core.tests.browser_support import ARTIFACTS, log_in, open_page
from kaowu.scoring.models import ResultRelease

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def story(settings, tmp_path, institution_clerk, chengdu_reviewer):
    """A plan whose results were published and whose publication and recheck windows are over."""
    settings.MEDIA_ROOT = tmp_path / "media"
    final = final_release_build(institution_clerk, passed=4, failed=1, photos=True,
                                status=ResultRelease.Status.PUBLISHED)
    return {"plan_id": final.plan.pk, "names": [r.application.candidate.name for r in final.passed]}


def qr_urls(pdf_path, tmp_path) -> list[str]:
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf_path), str(tmp_path / "page")], check=True)
    urls = []
    for png in sorted(tmp_path.glob("page*.png")):
        urls += [barcode.text for barcode in zxingcpp.read_barcodes(Image.open(png))
                 if barcode.format == zxingcpp.BarcodeFormat.QRCode]
    return urls


def test_center_issues_clerk_prints_public_verifies_by_number_and_by_qr(live_server, story, tmp_path, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    plan_id = story["plan_id"]

    # 1. The 成都 center confirms the final results, then approves the certificates.
    page, problems = open_page(browser, viewport=DESKTOP)
    log_in(page, live_server, "cd_reviewer")
    page.goto(f"{base}/certificates/plans/{plan_id}/")
    assert "公示期满、确认为最终成绩后才能核发证书" in page.inner_text("main")
    page.goto(f"{base}/scores/release/plans/{plan_id}/")
    page.click("#finalise-results")
    assert "成绩已确认为最终成绩" in page.inner_text("main")
    page.click("#certificates-link")
    page.click("#issue-certificates")
    flash = page.inner_text("main")
    assert "已核发4本证书" in flash
    numbers = [cell.strip() for cell in page.locator("#certificate-table tbody td:first-child").all_inner_texts()]
    assert len(numbers) == 4 and all(re.fullmatch(r"S5101510001232640000\d\d", n) for n in numbers), numbers
    page.screenshot(path=str(ARTIFACTS / "certificates_plan_center.png"), full_page=True)
    page.close()

    # 2. The institution's clerk prints the whole batch on plain paper.
    page, more = open_page(browser, viewport=DESKTOP, accept_downloads=True)
    problems += more
    log_in(page, live_server, "cd01_clerk")
    page.goto(f"{base}/certificates/plans/{plan_id}/")
    page.select_option("#id_layout", "full")
    with page.expect_download() as download:
        page.click("#print-batch")
    pdf = tmp_path / "batch.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert all(number in text for number in numbers) and all(name in text for name in story["names"])
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+4$", info, re.MULTILINE), info
    urls = qr_urls(pdf, tmp_path)
    assert len(urls) == 4 and all("/verify/" in url for url in urls), urls
    page.close()

    # 3. A member of the public (not logged in, on a phone) verifies by number and name...
    page, more = open_page(browser, viewport=PHONE)
    problems += more
    page.goto(f"{base}/verify/")
    page.fill("#id_number", numbers[0])
    page.fill("#id_name", story["names"][0])
    page.click("#verify-form button[type=submit]")
    result = page.inner_text("#verify-result")
    assert "证书有效" in result and story["names"][0] in result and "********" in result
    page.screenshot(path=str(ARTIFACTS / "certificates_verify_phone.png"), full_page=True)
    # ...a wrong name is "未查询到" without saying which part was wrong...
    page.fill("#id_name", "张冒名")
    page.click("#verify-form button[type=submit]")
    assert "未查询到" in page.inner_text("#verify-none")
    # ...and by the QR code's URL of another certificate, on this server.
    scanned = urls[1]
    page.goto(base + scanned[scanned.index("/verify/"):])
    assert "二维码签名有效" in page.inner_text("#verify-signature")
    assert "证书有效" in page.inner_text("#verify-result")
    page.screenshot(path=str(ARTIFACTS / "certificates_verify_qr.png"), full_page=True)
    page.close()
    assert problems == []
