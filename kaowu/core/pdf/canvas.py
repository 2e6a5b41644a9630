"""Documents drawn straight on a canvas, for many identical pages (admission tickets, certificates):
a page costs a fraction of a millisecond instead of the platypus layout of every page. No Django here.

    canv = canvas_open(target, title="准考证")      # target: a path or a binary file object
    canv.setFont(FONT, 10); canv.drawString(...); canv.showPage(); canv.save()

Text drawn with these helpers is plain text (drawString does not read markup).
"""

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from kaowu.core.pdf.document import PAGE_SIZE
from kaowu.core.pdf.fonts import font_register


def canvas_open(target, *, title: str, subject: str = "", author: str = "kaowu 考务管理平台",
                page_size=PAGE_SIZE) -> Canvas:
    """A canvas in the CJK font, with the document's metadata; content streams are compressed."""
    font = font_register()
    canv = Canvas(target, pagesize=page_size, pageCompression=1, initialFontName=font, initialFontSize=10,
                  lang="zh-CN")
    canv.setTitle(title)
    canv.setSubject(subject)
    canv.setAuthor(author)
    canv.setCreator("kaowu")
    return canv


def text_lines(text: str, size: float, width: float, *, font: str | None = None) -> list[str]:
    """`text` broken into lines no wider than `width` at `size` points: Chinese breaks between any two
    characters, a run of Latin letters and digits (a room code, a number) moves to the next line whole
    when it fits there. Line breaks in `text` are kept."""
    font = font or font_register()
    text = str(text)
    if "\n" not in text and stringWidth(text, font, size) <= width:
        return [text]
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, line_width = "", 0.0
        for token in _tokens(paragraph):
            token_width = stringWidth(token, font, size)
            if line and line_width + token_width > width:
                if token_width <= width or len(token) == 1:
                    lines.append(line.rstrip())
                    line, line_width = token.lstrip(), stringWidth(token.lstrip(), font, size)
                    continue
                # A token longer than a line is cut character by character.
                for char in token:
                    char_width = stringWidth(char, font, size)
                    if line and line_width + char_width > width:
                        lines.append(line)
                        line, line_width = "", 0.0
                    line += char
                    line_width += char_width
                continue
            line += token
            line_width += token_width
        lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for char in text:
        if tokens and char.isascii() and char.isalnum() and tokens[-1][-1].isascii() and tokens[-1][-1].isalnum():
            tokens[-1] += char
        else:
            tokens.append(char)
    return tokens
