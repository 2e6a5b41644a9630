"""A4 documents from flowables: CJK paragraph styles, label/value and grid tables, and a footer
with the page number, the page count and the generation time. No Django here.

Text passed to `para`, `label_value_table` and `grid_table` is plain text and is escaped (ReportLab
paragraphs read a small HTML dialect, and a candidate's name must not be able to change it); pass
`markup=True` for trusted markup written in code.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache, partial
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kaowu.core.pdf.fonts import font_register

PAGE_SIZE = A4
MARGIN = 20 * mm
FOOTER_Y = 10 * mm
TEXT_WIDTH = PAGE_SIZE[0] - 2 * MARGIN
GRID_COLOUR = colors.HexColor("#444444")
LABEL_BACKGROUND = colors.HexColor("#f1f3f5")


@cache
def styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles in the CJK font. `wordWrap="CJK"` lets a line break between any two
    Chinese characters (the default breaks only at spaces, so a long Chinese line would overflow)."""
    font = font_register()
    base = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK", alignment=TA_LEFT)
    return {
        "body": base,
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=2 * mm),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, leading=16, alignment=TA_CENTER,
                                   textColor=colors.HexColor("#495057"), spaceAfter=5 * mm),
        "heading": ParagraphStyle("heading", parent=base, fontSize=12, leading=18, spaceBefore=4 * mm,
                                  spaceAfter=2 * mm),
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=13, textColor=colors.HexColor("#495057")),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10.5, leading=15),
        "cell_label": ParagraphStyle("cell_label", parent=base, fontSize=10.5, leading=15,
                                     textColor=colors.HexColor("#343a40")),
        "cell_center": ParagraphStyle("cell_center", parent=base, fontSize=10.5, leading=15, alignment=TA_CENTER),
        "cell_right": ParagraphStyle("cell_right", parent=base, fontSize=10.5, leading=15, alignment=TA_RIGHT),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
    }


def para(text: str, style: str | ParagraphStyle = "body", *, markup: bool = False) -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept) in one of `styles()`, or in a style
    derived from one (`styles()["title"].clone("big", fontSize=34)`)."""
    body = text if markup else escape(str(text)).replace("\n", "<br/>")
    return Paragraph(body, styles()[style] if isinstance(style, str) else style)


def spacer(height_mm: float) -> Spacer:
    return Spacer(1, height_mm * mm)


def _cell(value, style: str) -> Flowable:
    return value if isinstance(value, Flowable) else para("" if value is None else str(value), style)


def _table_style(*commands) -> TableStyle:
    """A table style whose cells are set in the CJK font: a table sets its cells' font even when they
    hold paragraphs, and its default (Helvetica) would otherwise be declared, unembedded, in the file."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), font_register()), ("FONTSIZE", (0, 0), (-1, -1), 10.5),
                       *commands])


def label_value_table(rows: Iterable[tuple[str, object]], *, label_width: float = 38 * mm,
                      width: float = TEXT_WIDTH) -> Table:
    """Rows of (label, value), the labels shaded; a value may be a flowable (a paragraph with markup)."""
    data = [[_cell(label, "cell_label"), _cell(value, "cell")] for label, value in rows]
    table = Table(data, colWidths=[label_width, width - label_width])
    table.setStyle(_table_style(
        ("GRID", (0, 0), (-1, -1), 0.6, GRID_COLOUR),
        ("BACKGROUND", (0, 0), (0, -1), LABEL_BACKGROUND),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2 * mm),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5 * mm),
    ))
    return table


def grid_table(header: Sequence[str], rows: Iterable[Sequence[object]], *, widths: Sequence[float],
               align: Sequence[str] | None = None, footer: Sequence[object] | None = None) -> Table:
    """A table with a shaded header row (repeated on every page) and an optional shaded footer
    row (a total). `align` is one of "left", "center", "right" per column; widths in points."""
    align = list(align or ["left"] * len(header))
    style_of = {"left": "cell", "center": "cell_center", "right": "cell_right"}
    data = [[_cell(h, "cell_center") for h in header]]
    data += [[_cell(v, style_of[align[i]]) for i, v in enumerate(row)] for row in rows]
    if footer is not None:
        data.append([_cell(v, style_of[align[i]]) for i, v in enumerate(footer)])
    table = Table(data, colWidths=list(widths), repeatRows=1)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.6, GRID_COLOUR),
        ("BACKGROUND", (0, 0), (-1, 0), LABEL_BACKGROUND),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.8 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.8 * mm),
    ]
    if footer is not None:
        commands.append(("BACKGROUND", (0, -1), (-1, -1), LABEL_BACKGROUND))
    table.setStyle(_table_style(*commands))
    return table


def signature_block(rows: Sequence[Sequence[str]], *, width: float = TEXT_WIDTH, row_height_mm: float = 16) -> Table:
    """Places to sign, seal and date, e.g. [("机构负责人（签名）：", "（盖章）"), ("", "年    月    日")]:
    the columns share the width, each row leaves room to write (no grid)."""
    columns = max(len(row) for row in rows)
    # Spaces are kept (a paragraph would collapse the room left for 年 月 日).
    data = [[para(escape(text).replace(" ", "&nbsp;"), markup=True) for text in row] for row in rows]
    table = Table(data, colWidths=[width / columns] * columns, rowHeights=[row_height_mm * mm] * len(rows))
    table.setStyle(_table_style(("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)))
    return table


def ruled_lines(count: int, *, height_mm: float = 10, width: float = TEXT_WIDTH) -> Table:
    """Empty ruled lines for handwriting."""
    table = Table([[""] for _ in range(count)], colWidths=[width], rowHeights=[height_mm * mm] * count)
    table.setStyle(_table_style(("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#868e96"))))
    return table


@dataclass(frozen=True)
class Footer:
    generated_at: datetime
    note: str = ""
    page_width: float = PAGE_SIZE[0]


class _FooterCanvas(canvas.Canvas):
    """Holds every page until the end so that the footer can say 第 n 页 共 N 页."""

    def __init__(self, *args, footer: Footer, **kwargs):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict] = []

    def showPage(self):  # noqa: N802 (ReportLab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._footer_draw(number, total)
            super().showPage()
        super().save()

    def _footer_draw(self, number: int, total: int) -> None:
        self.saveState()
        self.setFont(font_register(), 8)
        self.setFillColor(colors.HexColor("#6c757d"))
        left = f"生成时间 {self._footer.generated_at:%Y-%m-%d %H:%M}"
        if self._footer.note:
            left += f" · {self._footer.note}"
        self.drawString(MARGIN, FOOTER_Y, left)
        self.drawRightString(self._footer.page_width - MARGIN, FOOTER_Y, f"第 {number} 页 共 {total} 页")
        self.restoreState()


def pdf_build(story: list[Flowable], *, title: str, generated_at: datetime, subject: str = "",
              footer_note: str = "", author: str = "kaowu 考务管理平台",
              page_size: tuple[float, float] = PAGE_SIZE) -> bytes:
    """Lay out `story` on A4 pages with the standard margins and footer; returns the PDF bytes.

    The title is document metadata only: put a `para(title, "title")` in the story to print it.
    `page_size=landscape(A4)` for wide tables (the text width is then `page_size[0] - 2 * MARGIN`).
    """
    font = font_register()
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=page_size, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN, title=title, subject=subject, author=author, creator="kaowu",
        # The canvas starts in the CJK font, so no unembedded Helvetica is declared in the file.
        initialFontName=font, initialFontSize=10.5, lang="zh-CN",
    )
    document.build(story, canvasmaker=partial(_FooterCanvas, footer=Footer(generated_at, footer_note, page_size[0])))
    return buffer.getvalue()
