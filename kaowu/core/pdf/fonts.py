"""The one CJK font of every PDF kaowu makes.

WenQuanYi Micro Hei (TrueType outlines, Latin digits and CJK in one face; licence beside it):
ReportLab embeds a subset of a TrueType font with a ToUnicode map, so a PDF renders the same on a
machine without Chinese fonts and its text can be copied or extracted. Noto CJK ships CFF (OTF)
outlines, which ReportLab cannot embed, and Droid Sans Fallback has no Latin digits.
"""

from pathlib import Path
from threading import Lock

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT = "WenQuanYiMicroHei"
FONT_PATH = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"

_lock = Lock()


def font_register() -> str:
    """Register the font with ReportLab once per process (parsing the 5 MB file takes ~0.1 s);
    returns its name for styles and canvases."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return FONT
    with _lock:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT, str(FONT_PATH), subfontIndex=0))
    return FONT
