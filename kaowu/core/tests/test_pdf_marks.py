"""QR codes and photos on a PDF canvas: the fast byte-mode encoder makes exactly segno's symbols, a drawn
code is read back by a real decoder (zxing-cpp), and a JPEG photo is copied into the file as it is."""

import random
import subprocess
from io import BytesIO

import pytest
import segno
from PIL import Image
from reportlab.lib.units import mm
from segno import consts

from kaowu.core.pdf import canvas_open, image_reader, qr_draw, qr_matrix
from kaowu.core.pdf.images import JpegImage
from kaowu.core.pdf.qr_encode import qr_byte_matrix

LINK_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789/:?=&%-_.~ABCDEF"
LEVEL_BITS = {"l": consts.ERROR_LEVEL_L, "m": consts.ERROR_LEVEL_M, "q": consts.ERROR_LEVEL_Q,
              "h": consts.ERROR_LEVEL_H}


def segno_rows(text: str, error: str, mask: int) -> tuple[int, list[bytes]]:
    code = segno.make(text, error=error, micro=False, boost_error=False, mask=mask)
    return code.version, [bytes(row) for row in code.matrix]


def longest_text_of(version: int, error: str, rng: random.Random) -> str:
    """The longest link-like text that still fits `version` at `error`, so that each version is reached."""
    count_bits = 8 if version < 10 else 16
    length = (consts.SYMBOL_CAPACITY[version][LEVEL_BITS[error]] - 4 - count_bits) // 8
    return "".join(rng.choice(LINK_CHARS) for _ in range(length))


@pytest.mark.parametrize("version", range(1, 41))
def test_the_fast_encoder_makes_segno_s_symbol_for_every_version(version):
    # Levels and masks in turn over the versions; the next test covers every level at a few versions.
    rng = random.Random(version)
    error, mask = "lmqh"[version % 4], version % 8
    text = longest_text_of(version, error, rng)
    segno_version, rows = segno_rows(text, error, mask)

    assert segno_version == version
    assert qr_byte_matrix(text, error=error, mask=mask) == rows


@pytest.mark.parametrize("error", "lmqh")
def test_the_fast_encoder_makes_segno_s_symbol_at_every_level_for_short_and_long_links(error):
    rng = random.Random(error)
    texts = [longest_text_of(version, error, rng) for version in (1, 7, 10, 27)]
    texts += ["".join(rng.choice(LINK_CHARS) for _ in range(length)) for length in (1, 2, 17, 18, 190)]
    texts.append("https://kaowu.example.cn/verify/S000051001234524300001?n=%E5%BC%A0&d=2025-03-14&s=" + "x" * 86)
    for index, text in enumerate(texts):
        if set(text) <= set(consts.ALPHANUMERIC_CHARS.decode()):
            continue  # segno sets it in another mode
        mask = index % 8
        assert qr_byte_matrix(text, error=error, mask=mask) == segno_rows(text, error, mask)[1], text


@pytest.mark.parametrize("text", ["", "12345678", "CERT-0001 A", "证书编号", "café"])
def test_text_the_fast_encoder_leaves_to_segno_still_gets_segno_s_symbol(text):
    if text:
        assert qr_byte_matrix(text, error="m", mask=2) is None
        assert qr_matrix(text, mask=2) == segno_rows(text, "m", 2)[1]
    else:
        assert qr_byte_matrix(text, error="m", mask=2) is None


def read_qr_codes(data: bytes, tmp_path, *, dpi: int = 150) -> list[str]:
    import zxingcpp

    path = tmp_path / "codes.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-singlefile", str(path), str(tmp_path / "codes")],
                   check=True)
    return sorted(code.text for code in zxingcpp.read_barcodes(Image.open(tmp_path / "codes.png"))
                  if code.format == zxingcpp.BarcodeFormat.QRCode)


def test_drawn_qr_codes_are_read_back_by_a_real_decoder(tmp_path):
    link = "https://kaowu.example.cn/verify/S000051001234524300001?n=%E5%BC%A0%E4%B8%89&d=2025-03-14&s=" + "Ab" * 43
    buffer = BytesIO()
    canv = canvas_open(buffer, title="二维码")
    qr_draw(canv, link, 20 * mm, 180 * mm, 30 * mm, mask=2)  # the fast encoder
    qr_draw(canv, "证书编号 S0001", 120 * mm, 180 * mm, 30 * mm)  # segno, its mask scored
    qr_draw(canv, link, 20 * mm, 100 * mm, 40 * mm, error="h", mask=5)
    canv.showPage()
    canv.save()

    assert read_qr_codes(buffer.getvalue(), tmp_path) == sorted([link, link, "证书编号 S0001"])


def photo_bytes(kind: str) -> bytes:
    image = Image.new("RGB", (90, 110), (70, 130, 200))
    buffer = BytesIO()
    image.save(buffer, kind, **({"quality": 85} if kind == "JPEG" else {}))
    return buffer.getvalue()


def pdf_images(data: bytes, tmp_path) -> list[list[str]]:
    path = tmp_path / "images.pdf"
    path.write_bytes(data)
    lines = subprocess.run(["pdfimages", "-list", str(path)], check=True, capture_output=True,
                           text=True).stdout.splitlines()
    return [line.split() for line in lines[2:]]


def test_a_jpeg_is_copied_into_the_pdf_byte_for_byte_and_stored_once_when_drawn_twice(tmp_path):
    jpeg = photo_bytes("JPEG")
    buffer = BytesIO()
    canv = canvas_open(buffer, title="照片")
    assert isinstance(image_reader(jpeg), JpegImage)
    canv.drawImage(image_reader(jpeg), 20 * mm, 200 * mm, 30 * mm, 36 * mm)
    canv.drawImage(image_reader(jpeg), 80 * mm, 200 * mm, 30 * mm, 36 * mm)
    canv.showPage()
    canv.save()

    images = pdf_images(buffer.getvalue(), tmp_path)
    assert len(images) == 2 and images[0][3:5] == ["90", "110"] and images[0][8] == "jpeg"
    assert images[0][10] == images[1][10]  # the same object
    subprocess.run(["pdfimages", "-j", str(tmp_path / "images.pdf"), str(tmp_path / "out")], check=True)
    assert (tmp_path / "out-000.jpg").read_bytes() == jpeg


def test_an_image_that_is_not_a_jpeg_is_read_by_pil_and_drawn_all_the_same(tmp_path):
    png = photo_bytes("PNG")
    with pytest.raises(ValueError):
        JpegImage(png)
    buffer = BytesIO()
    canv = canvas_open(buffer, title="照片")
    canv.drawImage(image_reader(png), 20 * mm, 200 * mm, 30 * mm, 36 * mm)
    canv.showPage()
    canv.save()

    images = pdf_images(buffer.getvalue(), tmp_path)
    assert len(images) == 1 and images[0][3:5] == ["90", "110"] and images[0][8] != "jpeg"
