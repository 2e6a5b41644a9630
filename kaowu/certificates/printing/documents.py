"""Certificates as PDF (证书, R-CQ-14): one A4 landscape page per certificate, drawn straight on a canvas.

    certificate_pdf([page]) -> bytes                                   # one certificate (the holder's download)
    certificate_pages_pdf_write(pages, path, layout="preprinted",      # a batch, streamed to a file
                                offset_mm=(1.5, -0.5))
    calibration_pdf((1.5, -0.5)) -> bytes                              # the clerk's test page for a printer

The input is `CertificatePage` (below), made by the certificates app from its models: this module reads no
model, only the holder's photo from `default_storage`.

Decisions:
- **Two layouts at the same positions** (`FIELDS`, `PHOTO_BOX`, `QR_BOX`): "full" draws the whole design
  (border, title, labels, values, photo, QR code) for plain paper and the electronic certificate;
  "preprinted" draws only what differs between certificates (the values, the photo, the QR code) for stock
  that already carries the design. A printer feeds sheets a millimetre or two off, differently for each
  printer, so the caller passes that printer's offset (x to the right, y up, in millimetres) and the whole
  drawing is shifted by it; `calibration_pdf` prints the field boxes at an offset, with rulers, on plain
  paper laid over the stock, so the clerk can read the correction off the rulers.
- **Canvas, not platypus, and what pages share drawn once per file** (the design is a PDF form per kind),
  as the admission tickets do (`kaowu/arrangement/documents.py`): a JPEG photo is copied into the file as
  it is, the QR code is PDF operators with a fixed mask. A batch is drawn CHUNK_PAGES certificates to a
  canvas and each canvas's file is appended to the output (`PdfStreamWriter`), so memory does not grow with
  the batch.
- The ID number is printed in full: the certificate is the holder's own document (as the admission ticket).
  The QR code holds the verification URL with its Ed25519 signature (`kaowu.certificates.signing`), so a
  verifier can check it offline against the published key; the page says so under the code.
- A value too long for its line is set smaller, down to a floor, and then on two lines; nothing is cut.
"""

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.pathobject import PDFPathObject

from kaowu.core.downloads import stored_bytes
from kaowu.core.pdf import FONT, canvas_open, image_reader, parts_pdf_write, qr_draw, text_lines


@dataclass(frozen=True)
class CertificatePage:
    number: str
    kind: str            # "skill_level" (职业技能等级证书) or "special" (专项职业能力证书)
    holder_name: str
    gender: str          # "男"/"女"/""
    id_number: str       # printed in full on the certificate itself (it is the holder's document)
    item_name: str       # occupation name or special item name
    level_name: str      # e.g. "三级/高级工", "" for special items
    grade: str           # 优秀/良好/合格 for special items, "" otherwise
    exam_date: date
    issued_on: date
    issuer_name: str     # issuing organisation
    photo_name: str      # default_storage name of the holder's photo (JPEG), "" when none
    verify_url: str      # the QR content (built by kaowu.certificates.signing.verify_url)


SKILL_LEVEL, SPECIAL = "skill_level", "special"
TITLES = {SKILL_LEVEL: "职业技能等级证书", SPECIAL: "专项职业能力证书"}
SUBTITLES = {SKILL_LEVEL: "VOCATIONAL SKILL LEVEL CERTIFICATE", SPECIAL: "SPECIAL VOCATIONAL ABILITY CERTIFICATE"}
STATEMENTS = {
    SKILL_LEVEL: "兹证明持证人经职业技能等级认定，达到下列职业技能等级，特发此证。",
    SPECIAL: "兹证明持证人经专项职业能力考核，成绩合格，特发此证。",
}
# The labels that differ between the kinds: the item and its level or grade.
ITEM_LABELS = {SKILL_LEVEL: "职业（工种）", SPECIAL: "专项职业能力"}
LEVEL_LABELS = {SKILL_LEVEL: "职业技能等级", SPECIAL: "成绩等级"}
LAYOUTS = ("full", "preprinted")

PAGE_SIZE = landscape(A4)
PAGE_W, PAGE_H = PAGE_SIZE
RED = colors.HexColor("#a11d21")
GOLD = colors.HexColor("#b8955a")
PALE = colors.HexColor("#f3e8d4")
INK = colors.HexColor("#1f1f1f")
LABEL = colors.HexColor("#3d3d3d")
GREY = colors.HexColor("#6c6c6c")
FRAME_INSET = 13.6  # mm from the page edge to the design's inner frame
# A fixed mask pattern: scoring all eight would be most of a page's time (see core.pdf.marks.qr_matrix).
QR_MASK = 2
# Certificates per ReportLab file in a batch (see certificate_pages_pdf_write), as the tickets do.
CHUNK_PAGES = 200


# --- positions, shared by the two layouts and the calibration page (millimetres, origin lower left) -------


@dataclass(frozen=True)
class Field:
    """Where a value is written: its baseline starts at (x, y) and may run `width` to the right; `size` in
    points, `min_size` the smallest it is set before it goes on two lines."""

    key: str
    x: float
    y: float
    width: float
    size: float
    min_size: float = 9.0


# The labels are set in a column whose right edge is LABEL_RIGHT (two- and four-character labels spread
# over LABEL_W, longer ones as they are); the values start 4 mm after it.
LABEL_W = 19.0
LABEL_RIGHT = 126.0
VALUE_X = LABEL_RIGHT + 4.0
ROW_1, ROW_STEP = 134.0, 12.6
SIDE_LABEL_RIGHT = 221.0  # 性别, in the right half of the first row
SIDE_VALUE_X = SIDE_LABEL_RIGHT + 4.0
FIELD_RIGHT = 256.0
ISSUER_X, ISSUER_Y = 152.0, 38.0  # the issuer block, left of the QR code

FIELDS: dict[str, Field] = {f.key: f for f in (
    Field("holder_name", VALUE_X, ROW_1, SIDE_LABEL_RIGHT - 16 - VALUE_X, 16),
    Field("gender", SIDE_VALUE_X, ROW_1, FIELD_RIGHT - SIDE_VALUE_X, 14),
    Field("id_number", VALUE_X, ROW_1 - ROW_STEP, FIELD_RIGHT - VALUE_X, 14),
    Field("item_name", VALUE_X, ROW_1 - 2 * ROW_STEP, FIELD_RIGHT - VALUE_X, 14),
    Field("level", VALUE_X, ROW_1 - 3 * ROW_STEP, FIELD_RIGHT - VALUE_X, 14),
    Field("exam_date", VALUE_X, ROW_1 - 4 * ROW_STEP, FIELD_RIGHT - VALUE_X, 14),
    Field("number", VALUE_X, ROW_1 - 5 * ROW_STEP, FIELD_RIGHT - VALUE_X, 14),
    Field("issuer_name", ISSUER_X + 22, ISSUER_Y, 236 - ISSUER_X - 22, 13),
    Field("issued_on", ISSUER_X + 22, ISSUER_Y - 10, 236 - ISSUER_X - 22, 13),
)}
# The label of each field (the item's and the level's depend on the kind: ITEM_LABELS, LEVEL_LABELS).
FIELD_LABELS = {"holder_name": "姓名", "gender": "性别", "id_number": "证件号码", "exam_date": "考核日期",
                "number": "证书编号", "issuer_name": "发证机构", "issued_on": "发证日期"}
PHOTO_BOX = (44.0, 91.0, 36.0, 44.0)  # x, y, width, height: a 90×110 photo's proportions
QR_BOX = (244.0, 27.0, 28.0)  # x, y, side (the quiet zone lies outside)


def _xy(x_mm: float, y_mm: float) -> tuple[float, float]:
    return x_mm * mm, y_mm * mm


# --- the values ----------------------------------------------------------------------------------------


def date_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _values(page: CertificatePage) -> dict[str, str]:
    if page.kind not in TITLES:
        raise ValueError(f"未知的证书类别：{page.kind!r}")
    level = page.level_name if page.kind == SKILL_LEVEL else page.grade
    return {"holder_name": page.holder_name, "gender": page.gender, "id_number": page.id_number,
            "item_name": page.item_name, "level": level, "exam_date": date_text(page.exam_date),
            "number": page.number, "issuer_name": page.issuer_name, "issued_on": date_text(page.issued_on)}


def _value_draw(canv, field: Field, text: str) -> None:
    """`text` on the field's line: smaller when it is too wide, down to `min_size`; then on two lines
    (the second on the baseline), smaller again if two lines at `min_size` do not hold it (three lines at
    the floor of 5 points, so that nothing is ever cut)."""
    if not text:
        return
    width = field.width * mm
    size = field.size
    text_width = stringWidth(text, FONT, size)
    x, y = _xy(field.x, field.y)
    if text_width > width:
        size = max(field.min_size, size * width / text_width)
        if stringWidth(text, FONT, size) > width:
            size = field.min_size
            lines = text_lines(text, size, width)
            while len(lines) > 2 and size > 5:
                size = max(5.0, size - 0.5)
                lines = text_lines(text, size, width)
            # The last line on the baseline, the others above it: the rule under the value stays clear.
            canv.setFont(FONT, size)
            leading = size * 1.15
            for index, line in enumerate(lines):
                canv.drawString(x, y + (len(lines) - 1 - index) * leading, line)
            return
    canv.setFont(FONT, size)
    canv.drawString(x, y, text)


# --- the design (a form per kind, drawn once per file) ------------------------------------------------


def _label_draw(canv, text: str, right: float, y: float, *, width: float = LABEL_W, size: float = 12.5) -> None:
    """A label spread over `width` mm ending at `right` (姓　　名 under 职业技能等级), in the manner of
    printed Chinese forms, followed by a full-width colon."""
    canv.setFont(FONT, size)
    chars = list(text)
    widths = [stringWidth(char, FONT, size) for char in chars]
    span = width * mm
    gap = (span - sum(widths)) / (len(chars) - 1) if len(chars) > 1 else 0
    if gap < 0:  # a label longer than the column is set as it is, ending at `right`
        gap = 0
        span = sum(widths)
    x = right * mm - span
    for char, char_width in zip(chars, widths, strict=True):
        canv.drawString(x, y * mm, char)
        x += char_width + gap
    canv.drawString(right * mm, y * mm, "：")


def _wave_path(points: list[tuple[float, float]]) -> PDFPathObject:
    path = PDFPathObject()
    path.moveTo(*points[0])
    for point in points[1:]:
        path.lineTo(*point)
    path.close()
    return path


# The ornaments' paths are made once per process (thousands of points, each formatted by ReportLab) and
# drawn into the design form of every file.
@cache
def _guilloche_band(inset: float, amplitude: float, phase: float) -> PDFPathObject:
    """A closed wave along the rectangle `inset` mm inside the page edge, crossing it at the corners
    (each side holds whole half-periods)."""
    left, bottom, right, top = inset * mm, inset * mm, PAGE_W - inset * mm, PAGE_H - inset * mm
    points = []
    sides = (((left, bottom), (right, bottom), (0, 1)), ((right, bottom), (right, top), (-1, 0)),
             ((right, top), (left, top), (0, -1)), ((left, top), (left, bottom), (1, 0)))
    for (x0, y0), (x1, y1), (nx, ny) in sides:
        length = math.hypot(x1 - x0, y1 - y0)
        halves = max(2, round(length / (3.2 * mm)))
        steps = halves * 6
        for step in range(steps):
            t = step / steps
            offset = amplitude * mm * math.sin(math.pi * halves * t + phase)
            points.append((x0 + (x1 - x0) * t + nx * offset, y0 + (y1 - y0) * t + ny * offset))
    return _wave_path(points)


@cache
def _rosette(cx: float, cy: float, radius: float) -> PDFPathObject:
    """A faint guilloche rosette (an epitrochoid) behind the fields, as security paper has."""
    points = []
    lobes, turns = 18, 1
    steps = 1440
    for step in range(steps):
        t = 2 * math.pi * turns * step / steps
        r = radius * (0.72 + 0.28 * math.cos(lobes * t / turns) ** 2)
        wobble = 0.06 * radius * math.sin((lobes + 1) * t)
        points.append((cx + (r + wobble) * math.cos(t), cy + (r + wobble) * math.sin(t)))
    return _wave_path(points)


def _corner(canv, x: float, y: float, sx: int, sy: int) -> None:
    """An ornament in a corner of the inner frame: two nested L-shaped rules and a small diamond."""
    for inset, length in ((2.2, 16.0), (4.0, 11.0)):
        path = canv.beginPath()
        path.moveTo(x + sx * inset * mm, y + sy * (inset + length) * mm)
        path.lineTo(x + sx * inset * mm, y + sy * inset * mm)
        path.lineTo(x + sx * (inset + length) * mm, y + sy * inset * mm)
        canv.drawPath(path, stroke=1, fill=0)
    cx, cy, d = x + sx * 7.0 * mm, y + sy * 7.0 * mm, 1.4 * mm
    path = canv.beginPath()
    path.moveTo(cx - d, cy)
    path.lineTo(cx, cy + d)
    path.lineTo(cx + d, cy)
    path.lineTo(cx, cy - d)
    path.close()
    canv.drawPath(path, stroke=0, fill=1)


def _frame_form(canv, kind: str) -> str:
    """Draw the design of `kind` as the form "certificate_<kind>" (once per file); returns its name."""
    name = f"certificate_{kind}"
    canv.beginForm(name)
    # Border: a heavy outer rule, a guilloche band, a fine inner rule, ornaments in the corners.
    canv.setStrokeColor(GOLD)
    canv.setLineWidth(0.35)
    for phase in (0.0, math.pi):
        canv.drawPath(_guilloche_band(10.9, 1.25, phase), stroke=1, fill=0)
    canv.setStrokeColor(RED)
    canv.setLineWidth(2.4)
    canv.rect(8 * mm, 8 * mm, PAGE_W - 16 * mm, PAGE_H - 16 * mm, stroke=1, fill=0)
    canv.setLineWidth(0.7)
    inner = FRAME_INSET * mm
    canv.rect(inner, inner, PAGE_W - 2 * inner, PAGE_H - 2 * inner, stroke=1, fill=0)
    canv.setStrokeColor(GOLD)
    canv.setFillColor(RED)
    canv.setLineWidth(0.6)
    for x, y, sx, sy in ((inner, inner, 1, 1), (PAGE_W - inner, inner, -1, 1), (inner, PAGE_H - inner, 1, -1),
                         (PAGE_W - inner, PAGE_H - inner, -1, -1)):
        _corner(canv, x, y, sx, sy)
    # A faint rosette behind the fields.
    canv.setStrokeColor(PALE)
    canv.setLineWidth(0.5)
    canv.drawPath(_rosette(PAGE_W / 2, 92 * mm, 58 * mm), stroke=1, fill=0)
    canv.drawPath(_rosette(PAGE_W / 2, 92 * mm, 40 * mm), stroke=1, fill=0)
    # Title: red, set a little bolder by stroking its outline too, and spaced out. Character spacing and
    # the render mode are text state, which outlives the text object: saved and restored around it.
    canv.saveState()
    title = TITLES[kind]
    size, spacing = 36, 10
    width = stringWidth(title, FONT, size) + spacing * (len(title) - 1)
    text = canv.beginText((PAGE_W - width) / 2, 171 * mm)
    text.setFont(FONT, size)
    text.setFillColor(RED)
    text.setStrokeColor(RED)
    text.setCharSpace(spacing)
    text.setTextRenderMode(2)
    canv.setLineWidth(0.7)
    text.textOut(title)
    canv.drawText(text)
    subtitle = SUBTITLES[kind]
    size, spacing = 9, 2.2
    width = stringWidth(subtitle, FONT, size) + spacing * (len(subtitle) - 1)
    text = canv.beginText((PAGE_W - width) / 2, 161.5 * mm)
    text.setFont(FONT, size)
    text.setFillColor(GOLD)
    text.setCharSpace(spacing)
    text.textOut(subtitle)
    canv.drawText(text)
    canv.restoreState()
    # Rules either side of the subtitle, ending in a diamond.
    canv.setStrokeColor(GOLD)
    canv.setLineWidth(0.6)
    for side in (-1, 1):
        inner_x = PAGE_W / 2 + side * (width / 2 + 5 * mm)
        outer_x = PAGE_W / 2 + side * (width / 2 + 40 * mm)
        canv.line(inner_x, 162.6 * mm, outer_x, 162.6 * mm)
    canv.setFillColor(LABEL)
    canv.setFont(FONT, 11)
    canv.drawCentredString(PAGE_W / 2, 150 * mm, STATEMENTS[kind])
    # Labels and the rules the values stand on.
    labels = {**FIELD_LABELS, "item_name": ITEM_LABELS[kind], "level": LEVEL_LABELS[kind]}
    canv.setStrokeColor(GOLD)
    canv.setLineWidth(0.5)
    for field in FIELDS.values():
        label = labels[field.key]
        if field.key == "gender":
            _label_draw(canv, label, SIDE_LABEL_RIGHT, field.y, width=12)
        elif field.key in ("issuer_name", "issued_on"):
            _label_draw(canv, label, field.x - 4, field.y, width=17, size=11.5)
        else:
            _label_draw(canv, label, LABEL_RIGHT, field.y)
        canv.line(field.x * mm - 1.5 * mm, (field.y - 2.2) * mm, (field.x + field.width) * mm, (field.y - 2.2) * mm)
    # The photo's frame and, under the QR code, what it is for.
    x, y, width, height = PHOTO_BOX
    canv.setStrokeColor(LABEL)
    canv.setLineWidth(0.6)
    canv.rect((x - 1.2) * mm, (y - 1.2) * mm, (width + 2.4) * mm, (height + 2.4) * mm, stroke=1, fill=0)
    x, y, side = QR_BOX
    canv.setFillColor(GREY)
    canv.setFont(FONT, 8)
    canv.drawCentredString((x + side / 2) * mm, (y - 4.5) * mm, "扫码核验")
    canv.setFont(FONT, 7.5)
    canv.drawCentredString(PAGE_W / 2 - 8 * mm, 18 * mm, "扫描右下角二维码可在线核验本证书；二维码含发证签名"
                                                        "（Ed25519），亦可用公布的公钥离线验证。")
    canv.endForm()
    return name


# --- a page ------------------------------------------------------------------------------------------


def _photo_draw(canv, page: CertificatePage, *, full: bool) -> None:
    x, y, width, height = (value * mm for value in PHOTO_BOX)
    photo = stored_bytes(page.photo_name)
    if photo:
        try:
            canv.drawImage(image_reader(photo), x, y, width, height)
            return
        except (OSError, ValueError):
            pass
    if full:  # preprinted stock has its own frame and word there
        canv.setFillColor(GREY)
        canv.setFont(FONT, 12)
        canv.drawCentredString(x + width / 2, y + height / 2 - 1.5 * mm, "照片")


def _page_draw(canv, page: CertificatePage, *, full: bool, offset: tuple[float, float], forms: set[str]) -> None:
    values = _values(page)
    form = f"certificate_{page.kind}"
    if full and form not in forms:
        _frame_form(canv, page.kind)
        forms.add(form)
    canv.saveState()
    if offset != (0, 0):
        canv.translate(offset[0] * mm, offset[1] * mm)
    if full:
        canv.doForm(form)
    _photo_draw(canv, page, full=full)
    x, y, side = QR_BOX
    qr_draw(canv, page.verify_url, x * mm, y * mm, side * mm, mask=QR_MASK)
    canv.setFillColor(INK)
    for key, field in FIELDS.items():
        _value_draw(canv, field, values[key])
    canv.restoreState()
    canv.showPage()


def _part_pdf(pages: list[CertificatePage], *, layout: str, offset: tuple[float, float], title: str,
              on_page: Callable[[], None]) -> bytes:
    """One file of the pages (a canvas holds every page until it is saved, so a batch makes several)."""
    buffer = BytesIO()
    canv = canvas_open(buffer, title=title, subject="证书", page_size=PAGE_SIZE)
    forms: set[str] = set()
    for page in pages:
        _page_draw(canv, page, full=layout == "full", offset=offset, forms=forms)
        on_page()
    if not pages:
        canv.setFont(FONT, 14)
        canv.drawString(30 * mm, PAGE_H / 2, "没有可打印的证书")
        canv.showPage()
    canv.save()
    return buffer.getvalue()


def certificate_pages_pdf_write(pages: Iterable[CertificatePage], target, *, layout: str = "full",
                                offset_mm: tuple[float, float] = (0, 0), title: str = "证书",
                                progress: Callable[[int], None] | None = None, every: int = 50,
                                chunk: int | None = None) -> int:
    """Write one page per `CertificatePage` to `target` (a path or a binary file, written sequentially);
    returns the page count (0 writes one page saying there is nothing to print).

    `layout` "full" is the whole design, "preprinted" only the values, photo and QR code for stock that
    carries the design; either is shifted by `offset_mm` (x right, y up), a printer's calibration (see
    `calibration_pdf`). Up to `chunk` (CHUNK_PAGES) pages make one ReportLab file; a longer batch is drawn
    `chunk` pages at a time and each file is appended to `target` as soon as it is made, so memory does not
    grow with the batch. `progress(done)` is called every `every` pages and at the end."""
    if layout not in LAYOUTS:
        raise ValueError(f"未知的打印版式：{layout!r}（可选 full、preprinted）")
    offset = (float(offset_mm[0]), float(offset_mm[1]))
    chunk = chunk or CHUNK_PAGES
    done = 0

    def on_page() -> None:
        nonlocal done
        done += 1
        if progress and done % every == 0:
            progress(done)

    parts_pdf_write(pages, target, part=lambda items: _part_pdf(items, layout=layout, offset=offset, title=title,
                                                                on_page=on_page),
                    chunk=chunk, title=title, subject="证书")
    if progress:
        progress(done)
    return done


def certificate_pdf(pages: Iterable[CertificatePage], **kwargs) -> bytes:
    """The certificates as PDF bytes (keywords as `certificate_pages_pdf_write`): a holder's electronic
    certificate, or a few printed at once."""
    buffer = BytesIO()
    certificate_pages_pdf_write(pages, buffer, **kwargs)
    return buffer.getvalue()


# --- calibration -------------------------------------------------------------------------------------

# The corners of the design's inner frame (FRAME_INSET): the marks on the stock the rulers are read against.
CROSS_MARKS = ((FRAME_INSET, FRAME_INSET), (297 - FRAME_INSET, FRAME_INSET), (FRAME_INSET, 210 - FRAME_INSET),
               (297 - FRAME_INSET, 210 - FRAME_INSET))
RULER_MM = 8  # so that the outer ends stay inside a printer's margin of 5 mm


def _signed(value: float) -> str:
    return f"{value:+.1f}".replace("-", "−")


def _ruler(canv, cx: float, cy: float) -> None:
    """A crosshair at (cx, cy) (points) with millimetre ticks RULER_MM either way on both axes, numbered
    every 5 mm: where the stock's own mark falls on them is the correction to add to the offset."""
    canv.setStrokeColor(colors.black)
    canv.setLineWidth(0.35)
    span = RULER_MM * mm
    canv.line(cx - span, cy, cx + span, cy)
    canv.line(cx, cy - span, cx, cy + span)
    canv.setFont(FONT, 6)
    canv.setFillColor(colors.black)
    for step in range(-RULER_MM, RULER_MM + 1):
        if abs(step) < 2:  # the ±1 ticks of both arms would draw a box round the centre
            continue
        tick = (1.6 if step % 5 == 0 else 0.9) * mm
        canv.line(cx + step * mm, cy - tick, cx + step * mm, cy + tick)
        canv.line(cx - tick, cy + step * mm, cx + tick, cy + step * mm)
        if step % 5 == 0:
            canv.drawCentredString(cx + step * mm, cy - 3.8 * mm, f"{step:+d}")
            canv.drawString(cx + 2.2 * mm, cy + step * mm - 0.6 * mm, f"{step:+d}")


def calibration_pdf(offset_mm: tuple[float, float] = (0, 0)) -> bytes:
    """A test page for preprinted stock, printed on plain paper at the printer's current `offset_mm`: the
    outlines of every field, the photo and the QR code with their names, crosshairs with millimetre rulers
    near the corners, and the offset itself. Laid on a sheet of stock against the light, the stock's corner
    marks fall on the rulers at the correction to add (x right, y up)."""
    dx, dy = float(offset_mm[0]), float(offset_mm[1])
    buffer = BytesIO()
    canv = canvas_open(buffer, title="证书套打校准页", subject="证书", page_size=PAGE_SIZE)
    # Not shifted: what the page is and the offset it was printed with.
    canv.setFillColor(colors.black)
    canv.setFont(FONT, 16)
    canv.drawCentredString(PAGE_W / 2, 192 * mm, "证书套打校准页")
    canv.setFont(FONT, 11)
    canv.drawCentredString(PAGE_W / 2, 184 * mm, f"当前偏移：水平 {_signed(dx)} mm（向右为正）    "
                                                 f"垂直 {_signed(dy)} mm（向上为正）")
    canv.setFont(FONT, 8.5)
    canv.setFillColor(GREY)
    for index, line in enumerate((
        "用法：以当前偏移在普通纸上打印本页，与证书底版叠放对光查看。底版内框的四个角落在本页刻度尺上的读数，",
        "即为需要追加的偏移量（毫米）：例如底版内框角在本页十字右方 +2、下方 −1 处，则水平偏移加 2，垂直偏移减 1。",
        "各虚线框应落在底版相应栏目内；调整后重新打印本页核对，直至对齐。",
    )):
        canv.drawCentredString(PAGE_W / 2, (177 - index * 4.2) * mm, line)
    # Shifted by the offset: everything that must meet the stock.
    canv.saveState()
    canv.translate(dx * mm, dy * mm)
    for x, y in CROSS_MARKS:
        _ruler(canv, x * mm, y * mm)
    canv.setStrokeColor(RED)
    canv.setLineWidth(0.6)
    canv.setDash(2, 1.5)
    canv.setFillColor(RED)
    # Each field's box, its name written where its value's baseline starts (so it sits on the stock's rule).
    labels = {**FIELD_LABELS, "item_name": "职业（工种）/专项职业能力", "level": "等级/成绩等级"}
    for field in FIELDS.values():
        # From the rule the value stands on to a little above its capitals.
        height = field.size * 0.3528 * 0.8 + 3.7
        canv.rect((field.x - 1) * mm, (field.y - 2.2) * mm, (field.width + 1) * mm, height * mm, stroke=1, fill=0)
        canv.setFont(FONT, min(field.size, 12))
        canv.drawString(field.x * mm, field.y * mm, f"［{labels[field.key]}］")
    canv.setFont(FONT, 10)
    for label, (x, y, width, height) in (("照片", PHOTO_BOX), ("二维码", (*QR_BOX, QR_BOX[2]))):
        canv.rect(x * mm, y * mm, width * mm, height * mm, stroke=1, fill=0)
        canv.drawCentredString((x + width / 2) * mm, (y + height / 2 - 1.5) * mm, f"［{label}］")
    canv.restoreState()
    canv.showPage()
    canv.save()
    return buffer.getvalue()
