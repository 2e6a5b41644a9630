"""Certificate PDFs (R-CQ-14): the full design and the preprinted-stock layout, a printer's offset, the
calibration page, batches, and the acceptance item of issue #9: the QR code of a generated certificate, read
by a real decoder (zxing-cpp) from the rendered page, gives a link whose Ed25519 signature verifies with the
published key, and a tampered number does not.

The PDFs are read back with poppler (pdftotext, pdffonts, pdfimages, pdfinfo, pdftoppm). The first page of
each is also rendered to var/test-artifacts/ for a person to look at. No database: the pages are
`CertificatePage`s, the photo a file in a throwaway MEDIA_ROOT.
"""

import re
import subprocess
from datetime import date
from io import BytesIO

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

from kaowu.certificates import signing
from kaowu.certificates.printing.documents import (
    FIELDS,
    CertificatePage,
    calibration_pdf,
    certificate_pages_pdf_write,
    certificate_pdf,
)
from kaowu.core.pdf import FONT

ARTIFACTS = django_settings.VAR_DIR / "test-artifacts"
PUBLIC_URL = "https://kaowu.example.cn"
NUMBER = "S000051001234524300001"
MM = 72 / 25.4  # points


@pytest.fixture(scope="module")
def keys():
    private_pem, public_pem = signing.key_generate()
    return signing.private_key_load(private_pem), signing.public_key_load(public_pem)


@pytest.fixture
def photo() -> str:
    """A 90×110 JPEG portrait in storage, as the registration stores them."""
    image = Image.new("RGB", (90, 110), (70, 130, 200))
    draw = ImageDraw.Draw(image)
    draw.ellipse((28, 18, 62, 60), fill=(236, 200, 170))
    draw.ellipse((12, 66, 78, 140), fill=(40, 40, 48))
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return default_storage.save("photos/holder.jpg", ContentFile(buffer.getvalue()))


def page(keys, *, kind: str = "skill_level", number: str = NUMBER, name: str = "张三丰", photo_name: str = "",
         issued_on: date = date(2025, 3, 14), **fields) -> CertificatePage:
    """A certificate page whose QR link is signed with `keys`, as the certificates app makes them."""
    signature = signing.certificate_sign(keys[0], number=number, name=name, issued_on=issued_on)
    url = signing.verify_url(PUBLIC_URL, number=number, name=name, issued_on=issued_on, signature=signature)
    skill = kind == "skill_level"
    values = {
        "number": number, "kind": kind, "holder_name": name, "gender": "男", "id_number": "510104198003141234",
        "item_name": "育婴员" if skill else "中式面点制作", "level_name": "三级/高级工" if skill else "",
        "grade": "" if skill else "优秀", "exam_date": date(2025, 1, 12), "issued_on": issued_on,
        "issuer_name": "成都市第一职业技能鉴定站", "photo_name": photo_name, "verify_url": url,
    } | fields
    return CertificatePage(**values)


def save(data: bytes, tmp_path, name: str, *, dpi: int = 60) -> str:
    """Write the PDF and a PNG of its first page (for a person under var/test-artifacts/); returns the path."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(path),
                    str(ARTIFACTS / name)], check=True)
    return str(path)


def pdf_text(data: bytes, tmp_path, name: str, *, page_number: int | None = None) -> str:
    path = save(data, tmp_path, name)
    pages = ["-f", str(page_number), "-l", str(page_number)] if page_number else []
    return subprocess.run(["pdftotext", *pages, path, "-"], check=True, capture_output=True, text=True).stdout


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def words(data: bytes, tmp_path, name: str) -> dict[str, tuple[float, float, float, float]]:
    """Each word pdftotext finds on the first page → (xMin, yMin, xMax, yMax) in points, y downwards."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    found = {}
    for x_min, y_min, x_max, y_max, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html):
        found.setdefault(word, (float(x_min), float(y_min), float(x_max), float(y_max)))
    return found


def qr_codes(data: bytes, tmp_path, *, dpi: int = 200) -> list:
    """Every QR code a real decoder finds on the first page rendered at `dpi` (zxing-cpp results)."""
    import zxingcpp

    path = tmp_path / "qr.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(path),
                    str(tmp_path / "qr")], check=True)
    image = Image.open(tmp_path / "qr.png")
    return [code for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.BarcodeFormat.QRCode]


# --- the acceptance item ---------------------------------------------------------------------------------


def test_the_qr_code_of_a_certificate_decodes_to_a_link_whose_signature_verifies_and_a_tampered_number_fails(
        keys, photo, tmp_path):
    certificate = page(keys, photo_name=photo)
    codes = qr_codes(certificate_pdf([certificate]), tmp_path)

    assert len(codes) == 1
    url = codes[0].text
    assert url == certificate.verify_url
    assert url.startswith(f"{PUBLIC_URL}/verify/{NUMBER}?")
    number, name, issued_on, signature = signing.verify_url_parse(url)
    assert (number, name, issued_on) == (NUMBER, "张三丰", date(2025, 3, 14))
    public_key = keys[1]
    assert signing.certificate_verify(public_key, number=number, name=name, issued_on=issued_on,
                                      signature=signature)
    # One digit of the number changed: the same signature no longer verifies.
    tampered = number[:-1] + ("2" if number[-1] != "2" else "3")
    assert not signing.certificate_verify(public_key, number=tampered, name=name, issued_on=issued_on,
                                          signature=signature)
    # The same, done to the decoded link as a forger would.
    number, name, issued_on, signature = signing.verify_url_parse(url.replace(f"/verify/{NUMBER}?",
                                                                              f"/verify/{tampered}?"))
    assert number == tampered
    assert not signing.certificate_verify(public_key, number=number, name=name, issued_on=issued_on,
                                          signature=signature)


def test_the_preprinted_layout_s_qr_code_decodes_too_and_each_page_of_a_batch_has_its_own(keys, tmp_path):
    first = page(keys, number="S000051001234524300007", name="李四")
    second = page(keys, number="S000051001234524300008", name="王五")
    data = certificate_pdf([first, second], layout="preprinted", offset_mm=(2, -1.5))

    assert [code.text for code in qr_codes(data, tmp_path)] == [first.verify_url]
    path = tmp_path / "batch.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "200", "-f", "2", "-l", "2", "-singlefile", str(path),
                    str(tmp_path / "second")], check=True)
    import zxingcpp

    # Only QR codes: a 1D reader may also "find" a short number in the QR's modules.
    assert [code.text for code in zxingcpp.read_barcodes(Image.open(tmp_path / "second.png"))
            if code.format == zxingcpp.BarcodeFormat.QRCode] == [second.verify_url]


# --- what the certificate says ---------------------------------------------------------------------------


def test_r_cq_14_the_full_certificate_gives_back_its_title_holder_item_level_dates_number_and_issuer(
        keys, photo, tmp_path):
    text = pdf_text(certificate_pdf([page(keys, photo_name=photo)]), tmp_path, "certificate")
    flat = compact(text)

    assert "职业技能等级证书" in flat
    assert "张三丰" in text and "男" in text
    assert "510104198003141234" in text  # in full: the certificate is the holder's own document
    assert "育婴员" in text and "三级/高级工" in text
    assert "2025年1月12日" in text and "2025年3月14日" in text
    assert NUMBER in text and "成都市第一职业技能鉴定站" in text
    for label in ("姓名", "性别", "证件号码", "职业（工种）", "职业技能等级", "考核日期", "证书编号", "发证机构",
                  "发证日期", "扫码核验"):
        assert label in flat, label


def test_a_special_certificate_has_its_own_title_and_says_the_item_and_the_grade(keys, tmp_path):
    special = page(keys, kind="special", number="ZX5101002025000001", name="欧阳娜娜")
    flat = compact(pdf_text(certificate_pdf([special]), tmp_path, "certificate-special"))

    assert "专项职业能力证书" in flat and "职业技能等级证书" not in flat
    assert "专项职业能力" in flat and "中式面点制作" in flat
    assert "成绩等级" in flat and "优秀" in flat
    assert "ZX5101002025000001" in flat and "欧阳娜娜" in flat


def test_the_pdf_embeds_its_one_cjk_font(keys, tmp_path):
    path = tmp_path / "fonts.pdf"
    path.write_bytes(certificate_pdf([page(keys)]))
    lines = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout.splitlines()
    fonts = [line.split() for line in lines[2:]]

    assert fonts and all(FONT in font[0] for font in fonts)
    assert all("yes" in font for font in fonts)  # embedded (a subset)


def test_the_photo_is_copied_into_the_pdf_as_the_jpeg_it_is(keys, photo, tmp_path):
    path = tmp_path / "photo.pdf"
    path.write_bytes(certificate_pdf([page(keys, photo_name=photo)]))
    lines = subprocess.run(["pdfimages", "-list", str(path)], check=True, capture_output=True,
                           text=True).stdout.splitlines()
    images = [line.split() for line in lines[2:]]

    assert len(images) == 1
    assert images[0][3:5] == ["90", "110"] and images[0][8] == "jpeg"


def test_without_a_photo_the_full_design_leaves_a_framed_box_saying_photo_and_the_preprinted_nothing(
        keys, tmp_path):
    missing = page(keys, photo_name="photos/gone.jpg")
    full = certificate_pdf([missing])
    preprinted = certificate_pdf([missing], layout="preprinted")

    assert "照片" in pdf_text(full, tmp_path, "certificate-no-photo")
    assert "照片" not in pdf_text(preprinted, tmp_path, "certificate-no-photo-preprinted")
    path = tmp_path / "none.pdf"
    path.write_bytes(full)
    listing = subprocess.run(["pdfimages", "-list", str(path)], check=True, capture_output=True, text=True).stdout
    assert len(listing.splitlines()) == 2  # the header only


def test_a_value_too_long_for_its_line_is_set_smaller_or_on_two_lines_and_never_cut(keys, tmp_path):
    issuer = "四川省成都市新都区职业技能鉴定指导中心专项职业能力考核站（新都区人力资源和社会保障局）"
    item = "工业机器人系统操作员（工业机器人系统集成与运维方向）"
    certificate = page(keys, issuer_name=issuer, item_name=item, name="阿依古丽·买买提·艾合买提江")
    pdf_text(certificate_pdf([certificate]), tmp_path, "certificate-long")  # for a person to look at
    # Read from the values alone: in the full design pdftotext reads a label between two lines of a value.
    data = certificate_pdf([certificate], layout="preprinted")
    flat = compact(pdf_text(data, tmp_path, "certificate-long-values"))

    assert issuer in flat and item in flat and "阿依古丽·买买提·艾合买提江" in flat
    right_edges = {key: (field.x + field.width) * MM for key, field in FIELDS.items()}
    for word, (_x_min, _y_min, x_max, _y_max) in words(data, tmp_path, "long").items():
        if word and (word in issuer or word in item):
            assert x_max <= max(right_edges["issuer_name"], right_edges["item_name"]) + 0.5, word


# --- batches ------------------------------------------------------------------------------------------------


def test_a_batch_is_one_pdf_with_a_page_per_certificate_even_when_drawn_in_parts(keys, tmp_path):
    pages = [page(keys, number=f"S0000510012345243{index:05d}", name=name)
             for index, name in enumerate(["张三", "李四", "王五", "赵六", "钱七", "孙八", "周九"], start=1)]
    path = tmp_path / "batch.pdf"
    seen: list[int] = []

    count = certificate_pages_pdf_write(pages, path, chunk=3, progress=seen.append, every=2, title="证书 批量")

    assert count == 7 and seen[-1] == 7 and seen[:3] == [2, 4, 6]
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+7$", info, re.MULTILINE)
    assert "证书 批量" in info
    fifth = pdf_text(path.read_bytes(), tmp_path, "batch-fifth", page_number=5)
    assert "钱七" in fifth and "S000051001234524300005" in fifth


def test_no_certificates_make_one_page_saying_so(tmp_path):
    path = tmp_path / "empty.pdf"

    assert certificate_pages_pdf_write([], path) == 0
    assert "没有可打印的证书" in pdf_text(path.read_bytes(), tmp_path, "certificate-empty")


def test_an_unknown_kind_or_layout_is_refused(keys):
    with pytest.raises(ValueError, match="证书类别"):
        certificate_pdf([page(keys, kind="diploma")])
    with pytest.raises(ValueError, match="版式"):
        certificate_pdf([page(keys)], layout="poster")


# --- preprinted stock, offsets, calibration ---------------------------------------------------------------


def test_the_preprinted_layout_prints_the_values_without_title_labels_or_caption(keys, photo, tmp_path):
    certificate = page(keys, photo_name=photo)
    flat = compact(pdf_text(certificate_pdf([certificate], layout="preprinted"), tmp_path,
                            "certificate-preprinted"))

    for value in ("张三丰", "男", "510104198003141234", "育婴员", "三级/高级工", "2025年1月12日", "2025年3月14日",
                  NUMBER, "成都市第一职业技能鉴定站"):
        assert value in flat, value
    for printed_on_the_stock in ("职业技能等级证书", "姓名", "证件号码", "证书编号", "发证机构", "扫码核验", "兹证明"):
        assert printed_on_the_stock not in flat, printed_on_the_stock


def test_the_values_stand_where_the_full_design_puts_them(keys, tmp_path):
    certificate = page(keys)
    full = words(certificate_pdf([certificate]), tmp_path, "full")
    preprinted = words(certificate_pdf([certificate], layout="preprinted"), tmp_path, "preprinted")

    for value in (NUMBER, "510104198003141234", "张三丰"):
        assert preprinted[value] == pytest.approx(full[value], abs=0.01), value


def test_a_printer_offset_moves_every_value_and_the_qr_code_by_that_many_millimetres(keys, photo, tmp_path):
    certificate = page(keys, photo_name=photo)
    plain = certificate_pdf([certificate], layout="preprinted")
    shifted = certificate_pdf([certificate], layout="preprinted", offset_mm=(3, -2))
    before, after = words(plain, tmp_path, "plain"), words(shifted, tmp_path, "shifted")

    for value in (NUMBER, "510104198003141234", "张三丰", "成都市第一职业技能鉴定站"):
        # x to the right; y up on paper, which is down the page in pdftotext's coordinates.
        assert after[value][0] - before[value][0] == pytest.approx(3 * MM, abs=0.05), value
        assert after[value][1] - before[value][1] == pytest.approx(2 * MM, abs=0.05), value
    dpi = 200
    (code_before,), (code_after,) = qr_codes(plain, tmp_path, dpi=dpi), qr_codes(shifted, tmp_path, dpi=dpi)
    pixels_per_mm = dpi / 25.4
    moved_x = code_after.position.top_left.x - code_before.position.top_left.x
    moved_y = code_after.position.top_left.y - code_before.position.top_left.y
    assert moved_x == pytest.approx(3 * pixels_per_mm, abs=2)
    assert moved_y == pytest.approx(2 * pixels_per_mm, abs=2)


def test_the_calibration_page_shows_its_offset_and_the_field_boxes_moved_by_it(keys, tmp_path):
    calibration = calibration_pdf((1.5, -0.5))
    flat = compact(pdf_text(calibration, tmp_path, "certificate-calibration"))

    assert "证书套打校准页" in flat
    assert "水平+1.5mm" in flat and "垂直−0.5mm" in flat
    for name in ("姓名", "证件号码", "证书编号", "发证机构", "照片", "二维码"):
        assert f"［{name}］" in flat, name
    at_zero, at_offset = words(calibration_pdf((0, 0)), tmp_path, "zero"), words(calibration, tmp_path, "offset")
    label = next(word for word in at_zero if "证书编号" in word)
    assert at_offset[label][0] - at_zero[label][0] == pytest.approx(1.5 * MM, abs=0.05)
    assert at_offset[label][1] - at_zero[label][1] == pytest.approx(0.5 * MM, abs=0.05)
    # At no offset, a field's box starts where its value does on the certificate.
    values = words(certificate_pdf([page(keys)], layout="preprinted"), tmp_path, "values")
    assert at_zero[label][0] == pytest.approx(values[NUMBER][0], abs=0.5)
