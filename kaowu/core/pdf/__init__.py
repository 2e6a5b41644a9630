"""PDF documents (receipts, commitments, and later tickets, door lists and certificates).

    from kaowu.core.pdf import para, label_value_table, pdf_build
    pdf = pdf_build([para("缴费凭证", "title"), label_value_table([("姓名", name)])],
                    title="缴费凭证", generated_at=timezone.localtime())

Everything is set in one embedded, subset TrueType CJK font (see `fonts.py`), so the files look the
same everywhere and `pdftotext` gives the Chinese text back.
"""

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
from kaowu.core.pdf.numerals import yuan_upper

__all__ = [
    "FONT", "TEXT_WIDTH", "font_register", "grid_table", "label_value_table", "para", "pdf_build", "ruled_lines",
    "signature_block", "spacer", "styles", "yuan_upper",
]
