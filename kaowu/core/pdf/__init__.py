"""PDF documents (receipts, commitments, and later tickets, door lists and certificates).

    from kaowu.core.pdf import para, label_value_table, pdf_build
    pdf = pdf_build([para("缴费凭证", "title"), label_value_table([("姓名", name)])],
                    title="缴费凭证", generated_at=timezone.localtime())

Many identical pages (admission tickets) are drawn straight on a canvas (`canvas_open`, `text_lines`);
QR codes and a seal specimen are vector marks (`qr_draw`, `QrFlowable`, `seal_specimen_draw`); a JPEG photo
is copied into the file as it is (`image_reader`). A document too large to hold in memory is drawn in parts
appended to one file by `PdfStreamWriter` (`stream.py`).

Everything is set in one embedded, subset TrueType CJK font (see `fonts.py`), so the files look the
same everywhere and `pdftotext` gives the Chinese text back.
"""

from reportlab import rl_config

from kaowu.core.pdf.canvas import canvas_open, text_lines
from kaowu.core.pdf.document import (
    TEXT_WIDTH,
    grid_table,
    label_value_table,
    para,
    pdf_build,
    ruled_lines,
    signature_block,
    spacer,
    styles,
)
from kaowu.core.pdf.fonts import FONT, font_register
from kaowu.core.pdf.images import image_reader
from kaowu.core.pdf.marks import QrFlowable, qr_draw, qr_matrix, seal_specimen_draw
from kaowu.core.pdf.numerals import yuan_upper
from kaowu.core.pdf.stream import PdfStreamError, PdfStreamWriter, parts_pdf_write

# Binary (compressed) streams, not ASCII85 text: files a fifth smaller, and ReportLab encodes ASCII85
# in pure Python when its optional C accelerator is absent, which was a tenth of a batch of tickets.
rl_config.useA85 = 0

__all__ = [
    "FONT", "TEXT_WIDTH", "PdfStreamError", "PdfStreamWriter", "QrFlowable", "canvas_open", "font_register",
    "grid_table", "image_reader", "label_value_table", "para", "parts_pdf_write", "pdf_build", "qr_draw", "qr_matrix",
    "ruled_lines",
    "seal_specimen_draw", "signature_block", "spacer", "styles", "text_lines", "yuan_upper",
]
