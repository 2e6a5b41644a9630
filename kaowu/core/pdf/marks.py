"""Marks drawn in vector graphics: QR codes (segno) and a round seal specimen. No Django here.

    qr_draw(canvas, text, x, y, size)          # on a canvas
    QrFlowable(text, size)                     # in a story
    seal_specimen_draw(canvas, name, cx, cy, radius)

A QR code is drawn as filled rectangles (one per run of dark modules in a row), so it stays sharp at
any print resolution, needs no image, and decodes from a 150 dpi scan. The quiet zone (four modules)
is left blank around `size`, which is the width of the code without it.
"""

import math
import re
from functools import cache

import segno
from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from kaowu.core.pdf.fonts import font_register
from kaowu.core.pdf.qr_encode import qr_byte_matrix

SEAL_RED = colors.HexColor("#d7261e")
QUIET_MODULES = 4
_DARK_RUN = re.compile(rb"\x01+")


def qr_matrix(text: str, *, error: str = "m", mask: int | None = None) -> list[bytes]:
    """The modules of the smallest QR code (not micro) holding `text`: rows of 0 (light) / 1 (dark),
    no quiet zone. `mask=None` lets segno score the eight mask patterns as the standard describes;
    a fixed pattern (0–7) is five times faster to encode and every decoder reads it (tickets use one), and
    for ASCII text in byte mode (a link) `qr_encode` makes the same modules in a twentieth of segno's time."""
    if mask is not None:
        fast = qr_byte_matrix(text, error=error, mask=mask)
        if fast is not None:
            return fast
    code = segno.make(text, error=error, micro=False, boost_error=False, mask=mask)
    return [bytes(row) for row in code.matrix]  # segno's matrix holds 0x0 and 0x1 only


def qr_draw(canv: Canvas, text: str, x: float, y: float, size: float, *, error: str = "m",
            mask: int | None = None) -> None:
    """Draw the QR code of `text` in black with its lower left corner at (x, y), `size` points wide
    (the quiet zone lies outside that square: keep QUIET_MODULES modules of white around it).

    The rectangles are written as PDF operators in module units under one transformation (ReportLab's
    path objects format every coordinate in Python, which costs more than the rest of a ticket)."""
    matrix = qr_matrix(text, error=error, mask=mask)
    count = len(matrix)
    module = size / count
    runs = _run_ops(count)
    # One unit = one module, rows counted downwards from the top edge. Each row is filled and then moves
    # the origin one row down (a transformation may not change inside a path, hence a fill a row), so that
    # a run's operator depends on its columns only and is formatted once per process.
    ops = [f"q 0 g {module:.4f} 0 0 {-module:.4f} {x:.3f} {y + size:.3f} cm"]
    append = ops.append
    for row in matrix:
        filled = False
        for run in _DARK_RUN.finditer(row):
            start, end = run.span()
            append(runs[start][end])
            filled = True
        if filled:
            append("f")
        append("1 0 0 1 0 1 cm")
    ops.append("Q")
    canv.addLiteral("\n".join(ops))


@cache
def _run_ops(count: int) -> list[list[str]]:
    """The rectangle of a run of dark modules from column `start` to `end` of the current row, as
    `_run_ops(count)[start][end]`: a hair taller than a module, so that no viewer shows seams between rows."""
    return [[f"{start} 0 {end - start} 1.02 re" for end in range(count + 1)] for start in range(count + 1)]


class QrFlowable(Flowable):
    """A QR code in a story: `size` points square plus its quiet zone on every side."""

    def __init__(self, text: str, size: float, *, error: str = "m", mask: int | None = None):
        super().__init__()
        self.text, self.size, self.error, self.mask = text, size, error, mask
        self.margin = size / len(qr_matrix(text, error=error, mask=mask)) * QUIET_MODULES

    def wrap(self, available_width, available_height):
        side = self.size + 2 * self.margin
        return side, side

    def draw(self):
        qr_draw(self.canv, self.text, self.margin, self.margin, self.size, error=self.error, mask=self.mask)


def _star_path(canv: Canvas, cx: float, cy: float, outer: float):
    inner = outer * 0.382
    path = canv.beginPath()
    for index in range(10):
        radius = outer if index % 2 == 0 else inner
        angle = math.pi / 2 + index * math.pi / 5
        point = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
        if index == 0:
            path.moveTo(*point)
        else:
            path.lineTo(*point)
    path.close()
    return path


def seal_specimen_draw(canv: Canvas, name: str, cx: float, cy: float, radius: float, *,
                       label: str = "电子章样", colour=SEAL_RED, alpha: float | None = 0.85) -> None:
    """A round red seal in the manner of an institution's official seal: the name along the upper
    arc, a five-pointed star in the middle and `label` below it. Marked as a specimen by `label`,
    for documents whose institution has not uploaded an image of its real seal.

    Inside a PDF form (beginForm) pass alpha=None and set the alpha on the page before doForm: a form
    carries no graphics-state resources of its own."""
    font = font_register()
    canv.saveState()
    canv.setStrokeColor(colour)
    canv.setFillColor(colour)
    if alpha is not None:
        canv.setStrokeAlpha(alpha)
        canv.setFillAlpha(alpha)
    canv.setLineWidth(max(radius * 0.06, 0.8))
    canv.circle(cx, cy, radius, stroke=1, fill=0)
    canv.drawPath(_star_path(canv, cx, cy, radius * 0.28), stroke=0, fill=1)
    # The name runs clockwise along the upper arc, each character upright towards the rim.
    chars = list(name)[:24]
    size = radius * (0.30 if len(chars) <= 12 else 0.24)
    text_radius = radius * 0.93 - size
    span = min(240.0, 22.0 * len(chars) * size / (radius * 0.30))
    step = span / max(len(chars) - 1, 1)
    first = 90 + span / 2
    canv.setFont(font, size)
    for index, char in enumerate(chars):
        angle = first - index * step if len(chars) > 1 else 90
        canv.saveState()
        canv.translate(cx, cy)
        canv.rotate(angle - 90)
        canv.drawCentredString(0, text_radius, char)
        canv.restoreState()
    canv.setFont(font, radius * 0.2)
    canv.drawCentredString(cx, cy - radius * 0.62, label)
    canv.restoreState()
