"""Batch ticket PDFs streamed to disk: `kaowu.core.pdf.PdfStreamWriter` appending ReportLab files, and
`documents.tickets.ticket_pages_pdf_write` drawing a batch a part at a time.

The files are read back with poppler (pdfinfo, pdftotext, pdffonts, pdfimages) and, when Debian's qpdf
is installed, checked with `qpdf --check`; the QR code of a page from a later part is decoded with zxing-cpp.
Memory is measured in fresh processes (peak RSS of a 1,000 and a 5,000 ticket batch).
"""

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date, time
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from kaowu.arrangement.documents.tests.factories import photo_jpeg, seal_png
from kaowu.arrangement.documents.ticket_data import SeatLine, TicketPage, candidate_notes
from kaowu.arrangement.documents.tickets import ticket_pages_pdf_write
from kaowu.arrangement.ticket_signing import ticket_payload_verify
from kaowu.catalog.models import PolicyProfile
from kaowu.core.pdf import FONT, PdfStreamError, PdfStreamWriter, canvas_open
from kaowu.sites.models import RoomKind

REPO = Path(__file__).resolve().parents[4]
NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉红梅飞鑫斌宇浩凯健俊帆帅旭宁"
PHOTOS = 20


def poppler(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def page_count(path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)$", poppler("pdfinfo", str(path)), re.MULTILINE).group(1))


def page_text(path, page: int) -> str:
    return poppler("pdftotext", "-f", str(page), "-l", str(page), str(path), "-")


def qpdf_check(path) -> None:
    """Structural check by qpdf when it is installed (a checking tool only; the project does not need it)."""
    if shutil.which("qpdf"):
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def part(texts: list[str], *, title: str = "部分", link: str | None = None) -> bytes:
    """A ReportLab file with one page per text (in the CJK font, like every kaowu PDF)."""
    buffer = BytesIO()
    canv = canvas_open(buffer, title=title)
    for text in texts:
        canv.setFont(FONT, 14)
        canv.drawString(72, 700, text)
        if link:
            canv.linkURL(link, (72, 690, 300, 720))
        canv.showPage()
    canv.save()
    return buffer.getvalue()


# --- the writer ------------------------------------------------------------------------------------

def test_parts_are_appended_in_order_into_one_valid_file_with_embedded_fonts(tmp_path):
    path = tmp_path / "joined.pdf"
    with PdfStreamWriter(path, title="准考证 第01批次", subject="准考证") as writer:
        assert writer.append(part(["第一页 欧阳晓雯", "第二页 张伟"])) == 2
        assert writer.append(part(["第三页 王芳"])) == 1
        assert writer.append(part(["第四页 李娜", "第五页 刘洋", "第六页 陈静"])) == 3
    assert (writer.pages, writer.parts) == (6, 3)
    assert page_count(path) == 6
    expected = ["第一页 欧阳晓雯", "第二页 张伟", "第三页 王芳", "第四页 李娜", "第五页 刘洋", "第六页 陈静"]
    assert [page_text(path, n).strip() for n in range(1, 7)] == expected
    info = poppler("pdfinfo", str(path))
    assert re.search(r"^Title:\s+准考证 第01批次$", info, re.MULTILINE), info
    fonts = [line.split() for line in poppler("pdffonts", str(path)).splitlines()[2:]]
    assert len(fonts) == 3  # one subset per part
    assert all(FONT in row[0] and row[-5] == "yes" for row in fonts), fonts  # embedded
    qpdf_check(path)


def test_a_reference_look_alike_inside_a_string_is_left_as_it_is(tmp_path):
    # The link's URI is a PDF string in the page's annotation: "12 0 R" in it is text, not a reference.
    link = "https://kaowu.example.cn/check-in/?t=12 0 R(x)"
    path = tmp_path / "links.pdf"
    with PdfStreamWriter(path) as writer:
        writer.append(part(["一"], link=link))
        writer.append(part(["二"], link=link))
    data = path.read_bytes()
    assert data.count(b"(https://kaowu.example.cn/check-in/?t=12 0 R\\(x\\))") == 2
    assert page_count(path) == 2
    qpdf_check(path)


def test_the_writer_writes_to_an_open_file_without_seeking(tmp_path):
    class Forward(BytesIO):
        def seek(self, *args):
            raise AssertionError("the writer sought")

    out = Forward()
    with PdfStreamWriter(out) as writer:
        writer.append(part(["甲"]))
        writer.append(part(["乙"]))
    path = tmp_path / "forward.pdf"
    path.write_bytes(out.getvalue())
    assert page_count(path) == 2 and page_text(path, 2).strip() == "乙"


def test_what_the_writer_cannot_append_is_refused(tmp_path):
    writer = PdfStreamWriter(tmp_path / "refused.pdf")
    with pytest.raises(PdfStreamError):
        writer.append(b"not a pdf")
    # A cross-reference stream (PDF 1.5 object streams) instead of a classic table.
    with pytest.raises(PdfStreamError, match="cross-reference"):
        writer.append(b"%PDF-1.5\n1 0 obj\n<< /Type /XRef >>\nstream\nendstream\nendobj\nstartxref\n9\n%%EOF\n")
    with pytest.raises(PdfStreamError, match="no pages"):
        writer.close()


# --- a batch of tickets -----------------------------------------------------------------------------

def pages(count: int, *, first: int = 0):
    """`count` ticket pages with photos and the uploaded seal in MEDIA (see `media_files`), made lazily."""
    day = date(2026, 12, 5)
    for index in range(first, first + count):
        name = NAMES[index % len(NAMES)] + GIVEN[index * 7 % len(GIVEN)] + GIVEN[index * 11 % len(GIVEN)]
        seats = [SeatLine(subject="理论知识", day=day, start=time(9), end=time(10, 30), site_name="一站实训楼考点",
                          site_address="成都市锦江区东大街100号", room_name=f"第{1 + index // 30}考场",
                          room_kind=RoomKind.THEORY, seat_number=1 + index % 30)]
        yield TicketPage(number=f"2651010000{1 + index // 9999}{1 + index % 9999:04d}", status="valid", name=name,
                         id_label="居民身份证", id_number=f"51010419900101{index % 10000:04d}",
                         item_label="报考职业（工种）", item_name="育婴员", level="四级/中级工",
                         plan_name="一站2026年第01批次", assessment="职业技能鉴定", institution_id=1,
                         institution_name="成都市第一职业技能鉴定站", contact="陈录 02800000000",
                         photo_name=f"photos/{index % PHOTOS}.jpg", seal_name="seals/seal.png", seats=seats)


def media_files(root: Path) -> None:
    (root / "photos").mkdir(parents=True, exist_ok=True)
    (root / "seals").mkdir(parents=True, exist_ok=True)
    for index in range(PHOTOS):
        (root / "photos" / f"{index}.jpg").write_bytes(photo_jpeg(index))
    (root / "seals" / "seal.png").write_bytes(seal_png())


NOTES = candidate_notes(PolicyProfile())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    media_files(settings.MEDIA_ROOT)


def test_a_batch_in_parts_keeps_every_ticket_in_order_with_photo_seal_and_a_qr_code_that_verifies(media, tmp_path):
    import zxingcpp

    path = tmp_path / "batch.pdf"
    reported = []
    tickets = list(pages(7))
    count = ticket_pages_pdf_write(iter(tickets), path, notes=NOTES, chunk=3, every=2,
                                             progress=reported.append)
    assert count == 7 and page_count(path) == 7
    assert reported == [2, 4, 6, 7]
    for number in (1, 4, 7):  # first, middle (second part) and last (third part, one page)
        text = page_text(path, number)
        ticket = tickets[number - 1]
        assert ticket.name in text and ticket.number in text and "考生须知" in text
    images = [line.split() for line in poppler("pdfimages", "-list", str(path)).splitlines()[2:]]
    assert [row[0] for row in images if row[2] == "image"].count("7") == 2  # the last page: photo and seal
    assert len([row for row in images if row[2] == "image"]) == 14
    fonts = [line.split() for line in poppler("pdffonts", str(path)).splitlines()[2:]]
    assert fonts and all(FONT in row[0] and row[-5] == "yes" for row in fonts), fonts
    qpdf_check(path)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "7", "-l", "7", "-singlefile", str(path),
                    str(tmp_path / "last")], check=True)
    codes = [code.text for code in zxingcpp.read_barcodes(Image.open(tmp_path / "last.png"))
             if code.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(codes) == 1 and ticket_payload_verify(codes[0]) == tickets[6].number


def test_a_batch_that_fits_one_part_is_reportlab_s_file_as_it_is(media, tmp_path):
    out = BytesIO()
    assert ticket_pages_pdf_write(pages(3), out, notes=NOTES, chunk=3) == 3
    assert b"ReportLab" in out.getvalue()[:200] and b"PdfStreamWriter" not in out.getvalue()
    empty = tmp_path / "empty.pdf"
    assert ticket_pages_pdf_write(iter(()), empty, notes=NOTES) == 0
    assert page_count(empty) == 1 and "没有可打印的准考证" in page_text(empty, 1)


# --- memory -------------------------------------------------------------------------------------------

def _child_run(count: int, path: str) -> dict:
    """In a fresh process (Django set up, no database): a batch of `count` tickets to `path`."""
    import resource

    written = ticket_pages_pdf_write(pages(count), path, notes=NOTES)
    return {"pages": written, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _batch_in_a_fresh_process(count: int, tmp_path: Path) -> dict:
    code = ("import django, json, sys; django.setup(); "
            "from kaowu.arrangement.documents.tests.test_pdf_stream import _child_run; "
            "print(json.dumps(_child_run(int(sys.argv[1]), sys.argv[2])))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kaowu.settings", "KAOWU_MEDIA_ROOT": str(tmp_path / "media"),
           "KAOWU_VAR_DIR": str(tmp_path / "var")}
    env.pop("DATABASE_URL", None)  # nothing here touches a database
    result = subprocess.run([sys.executable, "-c", code, str(count), str(tmp_path / f"{count}.pdf")], cwd=REPO,
                            env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


def test_the_memory_of_a_batch_does_not_grow_with_the_number_of_tickets(tmp_path):
    media_files(tmp_path / "media")
    small = _batch_in_a_fresh_process(1_000, tmp_path)
    large = _batch_in_a_fresh_process(5_000, tmp_path)
    assert (small["pages"], large["pages"]) == (1_000, 5_000)
    assert page_count(tmp_path / "5000.pdf") == 5_000
    assert "51010419900101" + "4999" in page_text(tmp_path / "5000.pdf", 5_000)
    # One canvas for the 5,000 took about 100 MB more than for 1,000; streamed, the peak stays put.
    assert large["peak_mb"] - small["peak_mb"] < 30, (small, large)
