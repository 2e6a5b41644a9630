"""Admission tickets as PDF (准考证, R-CQ-5): one A4 page per ticket, drawn straight on a canvas.

    ticket_pdf([ticket]) -> bytes                      # the candidate's own ticket
    ticket_pdf_write(tickets, path, progress=...)      # a batch, streamed to a file
    ticket_pages_pdf_write(pages, path, notes=...)     # the same from TicketPages (no database)

What a ticket says (the notes, the data of each page) is in `ticket_data.py`; the lists of a
room (door list, sign-in sheet, seat labels) and the preparation notice in `lists.py`; the
Excel lists in `excel.py`.

Decisions:
- **A4, one ticket per page**, not half A4: candidates print at home on A4, the ticket carries the whole
  of the candidate notes (002 附件5 in eleven items) at a readable size, and a sheet that is entirely the
  ticket cannot be cut wrongly. The upper half is the ticket proper, the lower half the notes.
- **Canvas, not platypus**: a batch for a plan has thousands of pages with one layout. What every page
  shares (frame, labels, table header, notes; the seal specimen) is drawn once per file as PDF forms and
  placed on each page, a JPEG photo is copied into the file as it is (no decoding), and the QR code is
  written as PDF operators: about 10 ms a ticket, a plan of 1,000 tickets in about ten seconds (the QR
  encoding is a third of it).
- **A batch streams to its file**: ReportLab holds every page of a canvas until it is saved (about 3.5 KB
  a ticket plus its photo), so a batch is drawn CHUNK_PAGES tickets to a canvas and each canvas's file is
  appended to the output as soon as it is saved (`kaowu.core.pdf.PdfStreamWriter`): 10,000 tickets in the
  memory of 200. Each part embeds its own font subset (about 80 KB a part, 5% of the file).
- The ID number is printed in full: the ticket is the candidate's own, and at the door it is checked
  against the ID card (004 第三章 四). Lists seen by other people mask it.
- The seal (R-CQ-5: 准考证照片处应加盖评价机构印章) is the institution's uploaded seal image over the
  photo's lower right corner, or, when it has none, a red round seal specimen with its name, marked
  电子章样 so that nobody takes it for the real seal.
- Practical rooms: the station is drawn by lot on the day (R-FJ-16), so the ticket gives the room and
  the place number and says that the lot decides the station.
"""

from collections.abc import Callable, Iterable
from datetime import date
from io import BytesIO

from django.core.files.storage import default_storage
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Paragraph

from kaowu.arrangement.documents.ticket_data import TicketPage, candidate_notes, ticket_pages
from kaowu.arrangement.models import AdmissionTicket
from kaowu.arrangement.ticket_signing import ticket_payload
from kaowu.catalog.policy import policy_active
from kaowu.core.downloads import stored_bytes
from kaowu.core.pdf import (
    FONT,
    canvas_open,
    image_reader,
    parts_pdf_write,
    qr_draw,
    seal_specimen_draw,
    styles,
    text_lines,
)

PAGE_W, PAGE_H = 210 * mm, 297 * mm
LEFT, RIGHT = 15 * mm, 195 * mm
WIDTH = RIGHT - LEFT
GRID = colors.HexColor("#444444")
SHADE = colors.HexColor("#f1f3f5")
GREY = colors.HexColor("#6c757d")
RED = colors.HexColor("#d7261e")


# --- drawing --------------------------------------------------------------------------------
# The page, top to bottom: title and QR code; the candidate block (labels, values, photo and seal);
# the sessions table; the candidate notes; the issuer line. Positions are fixed so that the parts every
# page shares (frame, labels, table header, notes) are one PDF form drawn once per file.

SEAL_RADIUS = 12 * mm
PHOTO_W, PHOTO_H = 30 * mm, 30 * mm * 110 / 90
QR_SIZE = 26 * mm
# A fixed mask pattern: scoring all eight would be most of a page's time (see core.pdf.marks.qr_matrix).
QR_MASK = 2
TOP = PAGE_H - 12 * mm
INFO_TOP = TOP - QR_SIZE - 7 * mm
ROW_H, LABEL_W, PHOTO_COL = 8.6 * mm, 30 * mm, 44 * mm
INFO_ROWS = 6
INFO_BOTTOM = INFO_TOP - ROW_H * INFO_ROWS
GRID_RIGHT = RIGHT - PHOTO_COL
TITLE_CENTRE = (LEFT + RIGHT - QR_SIZE) / 2
SESSIONS_TOP = INFO_BOTTOM - 10 * mm
CELL_SIZE, CELL_LEADING, CELL_PAD = 9.5, 4.2 * mm, 1.6 * mm
HEADER_H = CELL_LEADING + 2 * CELL_PAD
SESSION_COLUMNS = (("科目", 30), ("考试日期", 31), ("考试时间", 25), ("考点", 38), ("考场", 28), ("座位/工位", 28))
SESSION_WIDTHS = [width * mm for _, width in SESSION_COLUMNS]
NOTES_BOTTOM = 22 * mm
# Tickets per ReportLab file in a batch (see ticket_pages_pdf_write): about 5 MB of pages and photos held at
# a time; each file embeds its own subset of the font, about 80 KB.
CHUNK_PAGES = 200


def _text(canv, x, y, text, size, *, colour=colors.black, align="left"):
    canv.setFont(FONT, size)
    canv.setFillColor(colour)
    if align == "center":
        canv.drawCentredString(x, y, text)
    elif align == "right":
        canv.drawRightString(x, y, text)
    else:
        canv.drawString(x, y, text)


def _cell_lines(text: str, width: float, size: float = CELL_SIZE) -> list[str]:
    return text_lines(text, size, width - 3 * mm)


class _Shared:
    """What every file of a batch shares, made once: the notes set as paragraphs (and where they start),
    the print date, the seal images read from storage."""

    def __init__(self, notes: list[str], *, issued_on: date):
        self.issued_on = issued_on
        body = styles()["small"].clone("ticket_note", fontSize=9.8, leading=14, textColor=colors.black,
                                       leftIndent=5 * mm, firstLineIndent=-5 * mm)
        self.paragraphs = [Paragraph(f"{number}．{text}", body) for number, text in enumerate(notes, start=1)]
        self.heights = [p.wrap(WIDTH, PAGE_H)[1] for p in self.paragraphs]
        self.notes_bottom_of_text = NOTES_BOTTOM + sum(self.heights) + 1.2 * mm * len(self.paragraphs)
        self._seal_images: dict[str, ImageReader | None] = {}

    def seal_image(self, name: str) -> ImageReader | None:
        """The uploaded seal image `name` (read once), or None when there is none or it cannot be read."""
        if name not in self._seal_images:
            image = None
            if name:
                try:
                    with default_storage.open(name, "rb") as handle:
                        image = ImageReader(BytesIO(handle.read()))
                except (OSError, ValueError):
                    image = None
            self._seal_images[name] = image
        return self._seal_images[name]


class _Context:
    """What a file's pages share: the frame form (with the notes), each institution's seal specimen form.
    Made once per file (a batch is written as several files, see `ticket_pages_pdf_write`)."""

    def __init__(self, canv, shared: _Shared):
        self.canv = canv
        self.shared = shared
        self.issued_on = shared.issued_on
        self.notes_top = self._frame_form(canv)
        self._specimens: set[int] = set()

    def _frame_form(self, canv) -> float:
        """Draw the form "ticket_frame"; returns the top of the notes (the floor of the sessions table)."""
        notes_top = self.shared.notes_bottom_of_text
        canv.beginForm("ticket_frame")
        # QR caption.
        _text(canv, RIGHT - QR_SIZE / 2, TOP - QR_SIZE - 3.5 * mm, "扫码核验（考务人员）", 7, colour=GREY,
              align="center")
        # Candidate block: shaded labels, the grid, the fixed labels.
        canv.setFillColor(SHADE)
        canv.rect(LEFT, INFO_BOTTOM, LABEL_W, INFO_TOP - INFO_BOTTOM, stroke=0, fill=1)
        canv.setStrokeColor(GRID)
        canv.setLineWidth(0.6)
        canv.rect(LEFT, INFO_BOTTOM, WIDTH, INFO_TOP - INFO_BOTTOM, stroke=1, fill=0)
        canv.line(LEFT + LABEL_W, INFO_BOTTOM, LEFT + LABEL_W, INFO_TOP)
        canv.line(GRID_RIGHT, INFO_BOTTOM, GRID_RIGHT, INFO_TOP)
        for index in range(1, INFO_ROWS):
            canv.line(LEFT, INFO_TOP - index * ROW_H, GRID_RIGHT, INFO_TOP - index * ROW_H)
        for index, label in ((0, "准考证号"), (1, "姓名"), (4, "等级"), (5, "报名考核机构")):
            _info_label(canv, index, label)
        # Sessions: heading and header row.
        _text(canv, LEFT, SESSIONS_TOP + 3 * mm, "考试安排", 12)
        canv.setFillColor(SHADE)
        canv.rect(LEFT, SESSIONS_TOP - HEADER_H, WIDTH, HEADER_H, stroke=0, fill=1)
        _row_draw(canv, [[label] for label, _ in SESSION_COLUMNS], SESSIONS_TOP, HEADER_H)
        # Notes.
        _text(canv, LEFT, notes_top + 2.5 * mm, "考生须知", 12)
        canv.setStrokeColor(GRID)
        canv.setLineWidth(0.4)
        canv.line(LEFT, notes_top + 8.5 * mm, RIGHT, notes_top + 8.5 * mm)
        y = notes_top
        for paragraph, height in zip(self.shared.paragraphs, self.shared.heights, strict=True):
            y -= height
            paragraph.drawOn(canv, LEFT, y)
            y -= 1.2 * mm
        _text(canv, LEFT, 12 * mm, "本准考证须与有效身份证件同时使用，请用A4纸打印并妥善保管。", 8, colour=GREY)
        canv.endForm()
        return notes_top + 9 * mm

    def seal(self, page: TicketPage):
        """The institution's seal image (an ImageReader), or the name of its specimen form in this file."""
        image = self.shared.seal_image(page.seal_name)
        if image is not None:
            return image
        name = f"seal_{page.institution_id}"
        if page.institution_id not in self._specimens:
            # A form is clipped to its box: the seal is drawn inside (0, 0)–(2r, 2r).
            side = 2 * SEAL_RADIUS + 2
            self.canv.beginForm(name, lowerx=0, lowery=0, upperx=side, uppery=side)
            seal_specimen_draw(self.canv, page.institution_name, side / 2, side / 2, SEAL_RADIUS, alpha=None)
            self.canv.endForm()
            self._specimens.add(page.institution_id)
        return name


def _info_label(canv, index: int, label: str) -> None:
    y = INFO_TOP - (index + 1) * ROW_H
    _text(canv, LEFT + 2.5 * mm, y + ROW_H / 2 - 1.3 * mm, label, 10, colour=colors.HexColor("#343a40"))


def _row_draw(canv, cells: list[list[str]], top: float, height: float) -> None:
    canv.setLineWidth(0.6)
    canv.setStrokeColor(GRID)
    x = LEFT
    for lines, width in zip(cells, SESSION_WIDTHS, strict=True):
        canv.rect(x, top - height, width, height, stroke=1, fill=0)
        for number, line in enumerate(lines):
            _text(canv, x + 1.5 * mm, top - CELL_PAD - (number + 1) * CELL_LEADING + 1.1 * mm, line, CELL_SIZE)
        x += width


def _header(canv, page: TicketPage) -> None:
    qr_draw(canv, ticket_payload(page), RIGHT - QR_SIZE, TOP - QR_SIZE, QR_SIZE, mask=QR_MASK)
    _text(canv, TITLE_CENTRE, TOP - 10 * mm, f"{page.assessment}准考证", 20, align="center")
    for index, line in enumerate(text_lines(page.plan_name, 10, 120 * mm)[:2]):
        _text(canv, TITLE_CENTRE, TOP - 17 * mm - index * 4.5 * mm, line, 10, colour=GREY, align="center")


def _info_values(canv, context: _Context, page: TicketPage) -> None:
    _info_label(canv, 2, page.id_label)
    _info_label(canv, 3, page.item_label)
    values = [(page.number, 13), (page.name, 13), (page.id_number, 12), (page.item_name, 11), (page.level, 11),
              (page.institution_name, 10)]
    width = GRID_RIGHT - LEFT - LABEL_W - 5 * mm
    for index, (value, size) in enumerate(values):
        y = INFO_TOP - (index + 1) * ROW_H
        lines = text_lines(value, size, width)
        if len(lines) > 1:
            size, lines = 9, text_lines(value, 9, width)[:2]
        offset = (len(lines) - 1) * size * 0.55
        for number, line in enumerate(lines):
            _text(canv, LEFT + LABEL_W + 2.5 * mm, y + ROW_H / 2 - size * 0.36 + offset - number * size * 1.1,
                  line, size)
    # The photo, and the seal over its lower right corner (R-CQ-5).
    photo_x = GRID_RIGHT + (PHOTO_COL - PHOTO_W) / 2 - 5 * mm
    photo_y = INFO_TOP - 4 * mm - PHOTO_H
    photo = stored_bytes(page.photo_name)
    if photo:
        try:
            canv.drawImage(image_reader(photo), photo_x, photo_y, PHOTO_W, PHOTO_H)
        except (OSError, ValueError):
            photo = None
    canv.setStrokeColor(GRID)
    canv.setLineWidth(0.6)
    canv.rect(photo_x, photo_y, PHOTO_W, PHOTO_H, stroke=1, fill=0)
    if not photo:
        _text(canv, photo_x + PHOTO_W / 2, photo_y + PHOTO_H / 2, "照片", 12, colour=GREY, align="center")
    seal = context.seal(page)
    corner_x, corner_y = photo_x + PHOTO_W - 2 * mm, photo_y + 2 * mm
    if isinstance(seal, str):
        canv.saveState()
        canv.setFillAlpha(0.85)
        canv.setStrokeAlpha(0.85)
        canv.translate(corner_x - SEAL_RADIUS - 1, corner_y - SEAL_RADIUS - 1)
        canv.doForm(seal)
        canv.restoreState()
    else:
        side = 2 * SEAL_RADIUS
        canv.drawImage(seal, corner_x - SEAL_RADIUS, corner_y - SEAL_RADIUS, side, side, mask="auto",
                       preserveAspectRatio=True, anchor="c")


def _sessions(canv, page: TicketPage, floor: float) -> None:
    y = SESSIONS_TOP - HEADER_H
    rows = [[seat.subject, f"{seat.day.year}年{seat.day.month}月{seat.day.day}日",
             f"{seat.start:%H:%M}–{seat.end:%H:%M}", seat.site_name, seat.room_name, seat.place]
            for seat in page.seats] or [["—"] * len(SESSION_COLUMNS)]
    for row in rows:
        cells = [_cell_lines(value, width) for value, width in zip(row, SESSION_WIDTHS, strict=True)]
        height = max(len(lines) for lines in cells) * CELL_LEADING + 2 * CELL_PAD
        if y - height < floor + 5 * mm:
            _text(canv, LEFT, y - 4 * mm, "（场次较多，其余场次以报名考核机构通知为准）", 9, colour=GREY)
            return
        _row_draw(canv, cells, y, height)
        y -= height
    lines = [f"考点地址：{name}，{address}"
             for name, address in dict.fromkeys((seat.site_name, seat.site_address) for seat in page.seats)]
    if any(seat.practical for seat in page.seats):
        lines.append("实操考场的工位在考前集合时抽签确定，表中“序号”为实操考场的入场序号。")
    y -= 2 * mm
    for text in lines:
        for line in text_lines(text, 9.5, WIDTH):
            if y - 4.5 * mm < floor:
                return
            y -= 4.5 * mm
            _text(canv, LEFT, y, line, 9.5)


def _footer(canv, context: _Context, page: TicketPage) -> None:
    y = 17 * mm
    _text(canv, LEFT, y, f"签发：{page.institution_name}（照片处加盖印章）", 9)
    day = context.issued_on
    _text(canv, RIGHT, y, f"打印日期：{day.year}年{day.month}月{day.day}日", 9, align="right")
    if page.contact:
        _text(canv, RIGHT, 12 * mm, f"咨询：{page.contact}", 8, colour=GREY, align="right")
    if page.status != AdmissionTicket.Status.VALID:
        # A staff print of a withdrawn ticket: said in words under the title, and across the page.
        _text(canv, TITLE_CENTRE, TOP - 26 * mm, "本准考证已作废，不得用于入场", 11, colour=RED, align="center")
        canv.saveState()
        canv.translate(PAGE_W / 2, PAGE_H / 2)
        canv.rotate(35)
        # The colour carries the transparency (setFillColor would reset a separate alpha).
        _text(canv, 0, 0, "已作废", 96, colour=colors.Color(RED.red, RED.green, RED.blue, alpha=0.3),
              align="center")
        canv.restoreState()


def _ticket_draw(canv, context: _Context, page: TicketPage) -> None:
    canv.doForm("ticket_frame")
    _header(canv, page)
    _info_values(canv, context, page)
    _sessions(canv, page, context.notes_top)
    _footer(canv, context, page)
    canv.showPage()


def _part_pdf(pages: list[TicketPage], shared: _Shared, *, title: str,
              on_page: Callable[[], None]) -> bytes:
    """One file of the pages (a canvas holds every page until it is saved, so a batch makes several)."""
    buffer = BytesIO()
    canv = canvas_open(buffer, title=title, subject="准考证")
    context = _Context(canv, shared)
    for page in pages:
        _ticket_draw(canv, context, page)
        on_page()
    if not pages:
        _text(canv, LEFT, PAGE_H / 2, "没有可打印的准考证", 14)
        canv.showPage()
    canv.save()
    return buffer.getvalue()


def ticket_pages_pdf_write(pages: Iterable[TicketPage], target, *, notes: list[str], title: str = "准考证",
                           progress: Callable[[int], None] | None = None, every: int = 50,
                           chunk: int | None = None) -> int:
    """Write one page per `TicketPage` to `target` (a path or a binary file, written sequentially);
    returns the page count. `notes` are the candidate notes (`candidate_notes(profile)`). No database.

    Up to `chunk` (CHUNK_PAGES) pages make one ReportLab file, written as it is; a longer batch is drawn
    `chunk` pages at a time and each file is appended to `target` as soon as it is made (`PdfStreamWriter`),
    so memory does not grow with the batch. `progress(done)` is called every `every` pages and at the end."""
    chunk = chunk or CHUNK_PAGES
    shared = _Shared(notes, issued_on=timezone.localdate())
    done = 0

    def on_page() -> None:
        nonlocal done
        done += 1
        if progress and done % every == 0:
            progress(done)

    parts_pdf_write(pages, target, part=lambda items: _part_pdf(items, shared, title=title, on_page=on_page),
                    chunk=chunk, title=title, subject="准考证")
    if progress:
        progress(done)
    return done


def ticket_pdf_write(tickets: Iterable[AdmissionTicket], target, *, title: str = "准考证",
                     progress: Callable[[int], None] | None = None, every: int = 50,
                     chunk: int | None = None) -> int:
    """Write one page per ticket to `target` (a path or a binary file); returns the page count. The
    tickets are read `ticket_data.CHUNK` at a time and written as `ticket_pages_pdf_write` does,
    so a plan of any size streams to the file."""
    return ticket_pages_pdf_write(ticket_pages(tickets), target, notes=candidate_notes(policy_active()),
                                  title=title, progress=progress, every=every, chunk=chunk)


def ticket_pdf(tickets: Iterable[AdmissionTicket], *, title: str = "准考证") -> bytes:
    buffer = BytesIO()
    ticket_pdf_write(tickets, buffer, title=title)
    return buffer.getvalue()
