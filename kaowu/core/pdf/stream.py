"""One PDF written part by part, for documents too large to hold in memory (a plan's admission tickets).

    with PdfStreamWriter(path_or_binary_file, title="准考证") as writer:
        for part in parts:              # each a complete PDF as bytes (e.g. 200 tickets from a canvas)
            writer.append(part)
    writer.pages                        # pages written

ReportLab keeps every page of a canvas until `save()`, so one canvas for 10,000 tickets needs memory in
proportion. Instead the caller draws a few hundred pages at a time into a small PDF and appends it here:
its objects are renumbered, written out at once, and forgotten. What stays in memory is the offset of
each written object (8 bytes, for the cross-reference table) and one page-tree node per part, so memory does
not grow with the page count.

Decisions:
- **Each part keeps its own page tree**: a part's /Pages node becomes a child of the file's root node (it
  gains a /Parent), so its pages stay in order, keep whatever they inherit from it, and the file's tree is
  two levels deep (50 nodes of 200 pages for 10,000 tickets) instead of one flat list of pages.
- **Objects are not parsed, only their references rewritten**: a part is read through its cross-reference
  table (each object is the bytes from its offset to the next object's), and `N G R` is renumbered in the
  object's value (the dictionary before `stream`), outside literal strings; stream data is copied as it is.
  ReportLab writes classic cross-reference tables, no object streams, and binary streams with a direct
  /Length (`rl_config.useA85 = 0`); a part in another form (a cross-reference stream) is refused.
- The parts' catalog and document information are dropped: the file gets its own (title, author, /Lang).
  A part's fonts and forms are its own objects: a font used by every part is embedded once per part (a
  subset of the glyphs that part uses), which is the price of not holding the pages.
- No library here: pypdf's PdfWriter holds every page's objects until it writes the file, and pikepdf (qpdf)
  writes only on save, with every source document still open.
"""

import hashlib
import os
import re
import time
from array import array
from pathlib import Path
from typing import BinaryIO, Self

HEADER = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
# The root's three objects are written last, under the first numbers.
CATALOG, ROOT, INFO = 1, 2, 3

_REF_OR_STRING = re.compile(rb"(?<![\w.+\-/#])(\d+)\s+(\d+)\s+R(?![\w])|\(|%")
_OBJECT_HEADER = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj\b")
_TRAILER_REF = re.compile(rb"/(Root|Info)\s+(\d+)\s+(\d+)\s+R")
_PAGES_REF = re.compile(rb"/Pages\s+(\d+)\s+(\d+)\s+R")
_COUNT = re.compile(rb"/Count\s+(\d+)")
_STREAM = re.compile(rb"\s*stream(\r\n|\n)")
_DICTIONARY_TOKEN = re.compile(rb"<<|>>|\(|<|%")


class PdfStreamError(ValueError):
    """A part is not a PDF this writer can append (damaged, or with object streams)."""


def _string_end(data: bytes, start: int) -> int:
    """The index after the literal string that opens at data[start] == "(" (nested parentheses balance,
    a backslash escapes the next byte)."""
    depth, index = 0, start
    while index < len(data):
        byte = data[index]
        if byte == 0x5C:  # backslash
            index += 2
            continue
        if byte == 0x28:
            depth += 1
        elif byte == 0x29:
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    raise PdfStreamError("unterminated string")


def _value_end(data: bytes, start: int) -> int:
    """The end of the object value that starts at `start`: after the dictionary's closing >> when it is
    one (strings skipped), else where `endobj` begins."""
    if not data.startswith(b"<<", start):
        end = data.find(b"endobj", start)
        if end < 0:
            raise PdfStreamError("object without endobj")
        return end
    depth, index = 0, start
    while True:
        match = _DICTIONARY_TOKEN.search(data, index)
        if match is None:
            raise PdfStreamError("unbalanced dictionary")
        token = match.group(0)
        if token == b"<<":
            depth += 1
            index = match.end()
        elif token == b">>":
            depth -= 1
            index = match.end()
            if depth == 0:
                return index
        elif token == b"(":
            index = _string_end(data, match.start())
        elif token == b"%":  # a comment, to the end of its line
            index = data.find(b"\n", match.end())
            if index < 0:
                raise PdfStreamError("unbalanced dictionary")
        else:  # a hex string: its ">" must not be taken for half of ">>"
            index = data.find(b">", match.end())
            if index < 0:
                raise PdfStreamError("unterminated hex string")
            index += 1


def _renumber(value: bytes, numbers: dict[int, int]) -> bytes:
    """`value` with every indirect reference `N G R` outside strings and comments replaced by
    `numbers[N] 0 R`."""
    out: list[bytes] = []
    position = 0
    while True:
        match = _REF_OR_STRING.search(value, position)
        if match is None:
            out.append(value[position:])
            return b"".join(out)
        out.append(value[position:match.start()])
        token = match.group(0)
        if token == b"(":
            end = _string_end(value, match.start())
            out.append(value[match.start():end])
            position = end
        elif token == b"%":
            end = value.find(b"\n", match.start())
            end = len(value) if end < 0 else end
            out.append(value[match.start():end])
            position = end
        else:
            old = int(match.group(1))
            if old not in numbers:
                raise PdfStreamError(f"reference to object {old}, which the part does not carry over")
            out.append(b"%d 0 R" % numbers[old])
            position = match.end()


def _pdf_text(text: str) -> bytes:
    """A PDF text string: UTF-16BE with a byte order mark, in hex."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


class PdfStreamWriter:
    """Appends complete PDFs (`append(bytes)`) to one output file; `close()` writes the page tree root,
    catalog, information and cross-reference table. The target is written sequentially (never sought)."""

    def __init__(self, target: str | os.PathLike | BinaryIO, *, title: str = "", subject: str = "",
                 author: str = "kaowu 考务管理平台", lang: str = "zh-CN"):
        if isinstance(target, str | os.PathLike):
            self._handle: BinaryIO = Path(target).open("wb")  # noqa: SIM115 (closed by close())
            self._owned = True
        else:
            self._handle, self._owned = target, False
        self.title, self.subject, self.author, self.lang = title, subject, author, lang
        self.pages = 0
        self.parts = 0
        self._offsets = array("Q", [0, 0, 0])  # offset of object n at index n - 1
        self._kids = array("Q")  # the page tree node of each part
        self._written = 0
        self._closed = False
        self._write(HEADER)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is None:
            self.close()
        elif self._owned:
            self._handle.close()

    def _write(self, data: bytes) -> None:
        self._handle.write(data)
        self._written += len(data)

    def _object_write(self, number: int, body: bytes) -> None:
        self._offsets[number - 1] = self._written
        self._write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    def append(self, data: bytes) -> int:
        """Append every page of the PDF `data` (in its order); returns how many."""
        if self._closed:
            raise PdfStreamError("the writer is closed")
        objects, root, info = _part_objects(data)
        catalog_start, catalog_end = objects[root]
        match = _PAGES_REF.search(data, catalog_start, catalog_end)
        if match is None:
            raise PdfStreamError("the part's catalog names no page tree")
        tree = int(match.group(1))
        skipped = {root, info}
        numbers: dict[int, int] = {}
        for old in objects:
            if old not in skipped:
                self._offsets.append(0)
                numbers[old] = len(self._offsets)
        pages = 0
        for old, (start, end) in objects.items():
            if old in skipped:
                continue
            header = _OBJECT_HEADER.match(data, start, end)
            if header is None:
                raise PdfStreamError(f"object {old} does not start where the table says")
            value_start = header.end()
            while value_start < end and data[value_start] in b" \t\r\n":
                value_start += 1
            value_end = _value_end(data, value_start)
            if value_end > end:
                raise PdfStreamError(f"object {old} runs past the next one")
            value = _renumber(data[value_start:value_end], numbers)
            if old == tree:
                count = _COUNT.search(value)
                if count is None or not value.startswith(b"<<"):
                    raise PdfStreamError("the part's page tree has no /Count")
                pages = int(count.group(1))
                value = b"<< /Parent %d 0 R " % ROOT + value[2:]
            rest = data[value_end:end]
            if _STREAM.match(rest):
                # The stream's data and `endstream`, as they are; `endobj` is written again below.
                tail = rest[:rest.rindex(b"endobj")].rstrip()
                body = value + b"\n" + tail.lstrip()
            else:
                body = value
            self._object_write(numbers[old], body)
        self._kids.append(numbers[tree])
        self.pages += pages
        self.parts += 1
        return pages

    def close(self) -> None:
        """Write the root objects, the cross-reference table and the trailer (and close a file the
        writer opened). A writer with no pages refuses: a PDF has at least one."""
        if self._closed:
            return
        if not self.pages:
            raise PdfStreamError("no pages were appended")
        self._closed = True
        kids = b" ".join(b"%d 0 R" % kid for kid in self._kids)
        self._object_write(ROOT, b"<< /Type /Pages /Count %d /Kids [ %s ] >>" % (self.pages, kids))
        self._object_write(CATALOG, b"<< /Type /Catalog /Pages %d 0 R /Lang %s /PageMode /UseNone >>"
                           % (ROOT, _pdf_text(self.lang)))
        now = time.strftime("D:%Y%m%d%H%M%S+00'00'", time.gmtime()).encode()
        self._object_write(INFO, b"<< /Title %s /Subject %s /Author %s /Creator (kaowu) "
                           b"/Producer (kaowu PdfStreamWriter, ReportLab) /CreationDate (%s) /ModDate (%s) >>"
                           % (_pdf_text(self.title), _pdf_text(self.subject), _pdf_text(self.author), now, now))
        xref_at = self._written
        size = len(self._offsets) + 1
        table = [b"xref\n0 %d\n0000000000 65535 f \n" % size]
        table.extend(b"%010d 00000 n \n" % offset for offset in self._offsets)
        self._write(b"".join(table))
        file_id = hashlib.md5(b"%s %d %d %s" % (now, self.pages, self._written, self.title.encode()),
                              usedforsecurity=False).hexdigest().encode()
        self._write(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [ <%s> <%s> ] >>\nstartxref\n%d\n%%%%EOF\n"
                    % (size, CATALOG, INFO, file_id, file_id, xref_at))
        if self._owned:
            self._handle.close()
        else:
            self._handle.flush()


def _part_objects(data: bytes) -> tuple[dict[int, tuple[int, int]], int, int]:
    """The in-use objects of a PDF (number → start and end offset, in file order), its catalog's number
    and its document information's (0 when it has none), read from its classic cross-reference table."""
    if not data.startswith(b"%PDF-"):
        raise PdfStreamError("not a PDF")
    startxref = data.rfind(b"startxref")
    if startxref < 0:
        raise PdfStreamError("no startxref")
    xref_at = int(data[startxref + 9:].split()[0])
    if not data.startswith(b"xref", xref_at):
        raise PdfStreamError("no classic cross-reference table (object streams are not supported)")
    trailer_at = data.find(b"trailer", xref_at)
    if trailer_at < 0:
        raise PdfStreamError("no trailer")
    offsets: dict[int, int] = {}
    lines = data[xref_at + 4:trailer_at].split()
    index = 0
    while index < len(lines):
        first, count = int(lines[index]), int(lines[index + 1])
        index += 2
        for number in range(first, first + count):
            offset, _generation, kind = lines[index:index + 3]
            index += 3
            if kind == b"n":
                offsets[number] = int(offset)
    refs = {name: int(number) for name, number, _ in _TRAILER_REF.findall(data, trailer_at, startxref)}
    if b"Root" not in refs or refs[b"Root"] not in offsets:
        raise PdfStreamError("the trailer names no catalog")
    ordered = sorted(offsets.items(), key=lambda item: item[1])
    objects: dict[int, tuple[int, int]] = {}
    for position, (number, start) in enumerate(ordered):
        end = ordered[position + 1][1] if position + 1 < len(ordered) else xref_at
        objects[number] = (start, end)
    return objects, refs[b"Root"], refs.get(b"Info", 0)


def parts_pdf_write(items, target, *, part, chunk: int, title: str = "", subject: str = "") -> None:
    """Draw `items` `chunk` at a time with `part(list) -> bytes` and write them to `target` (a path or a binary
    file): one part is written as it is; more are appended one by one to a `PdfStreamWriter`, so memory does
    not grow with the number of items. An empty `items` still calls `part([])` once (the caller's "nothing to
    print" page)."""
    from itertools import islice

    source = iter(items)
    first = list(islice(source, chunk))
    data = part(first)
    following = list(islice(source, chunk)) if first else []
    if not following:
        if isinstance(target, str | os.PathLike):
            Path(target).write_bytes(data)
        else:
            target.write(data)
        return
    with PdfStreamWriter(target, title=title, subject=subject) as writer:
        while True:
            writer.append(data)
            if not following:
                return
            data = part(following)
            following = list(islice(source, chunk))
