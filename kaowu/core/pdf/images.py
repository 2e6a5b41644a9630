"""Photos placed on a canvas without decoding them. No Django here.

    canv.drawImage(image_reader(jpeg_bytes), x, y, width, height)

ReportLab copies a JPEG into the PDF as it is (DCTDecode), but `canvas.drawImage` names an `ImageReader`'s
image by a digest of its decoded pixels, so every photo was decoded by PIL only to be named: a third of
a certificate page. `JpegImage` reads the JPEG's header (size and components) and offers its bytes for
that digest instead, which name it as well (the same photo twice is stored once in a file).
"""

import struct
from io import BytesIO

from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfdoc import PDFError
from reportlab.pdfbase.pdfutils import readJPEGInfo


class JpegImage(ImageReader):
    """A JPEG for `canvas.drawImage` only (its `getRGBData` gives the JPEG bytes, not pixels): baseline or
    progressive, 8 bits, grey or RGB; ValueError otherwise (`image_reader` then lets PIL read it)."""

    def __init__(self, data: bytes):
        # Not ImageReader.__init__: it opens the image with PIL. readJPEGInfo scans for any SOF marker, so the
        # file must start as a JPEG does (SOI and a marker) before its header is believed.
        if not data.startswith(b"\xff\xd8\xff"):
            raise ValueError("not a JPEG")
        try:
            width, height, components, _dpi = readJPEGInfo(BytesIO(data))
        except (PDFError, struct.error, ValueError, IndexError) as exc:
            raise ValueError("not a JPEG ReportLab can copy") from exc
        if components not in (1, 3) or not width or not height:
            raise ValueError("not a grey or RGB JPEG")
        self._jpeg = bytes(data)
        self._ident = None
        self.fileName = f"JPEG_{id(self)}"
        self._image = None
        self._width, self._height = width, height
        self._transparent = None
        self._data = self._jpeg
        self._dataA = None
        self.mode = "RGB" if components == 3 else "L"

    def getRGBData(self):  # noqa: N802 (ReportLab's name)
        return self._jpeg

    def jpeg_fh(self):
        return BytesIO(self._jpeg)

    def getSize(self):  # noqa: N802 (ReportLab's name)
        return self._width, self._height


def image_reader(data: bytes) -> ImageReader:
    """An image for `canvas.drawImage` from its file's bytes: a JPEG copied as it is, anything else read
    by PIL. ValueError or OSError when PIL cannot read it either."""
    try:
        return JpegImage(data)
    except ValueError:
        return ImageReader(BytesIO(data))
