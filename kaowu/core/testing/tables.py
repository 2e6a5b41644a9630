"""The files an office makes of an import's rows instead of filling the template: the same header and rows as
CSV (UTF-8, UTF-8 with BOM, GBK), with titles wrapped by Alt+Enter and marked as required, below a merged title
row, on a sheet renamed Sheet1 placed after the 说明 sheet, and with the titles offices use instead of the
template's. Each import's tests check that every one of them imports what the filled template imports.
"""

import codecs
import csv
import io
from collections.abc import Mapping, Sequence

from openpyxl import Workbook, load_workbook

from kaowu.core.excel import workbook_bytes

VARIANTS = ("csv_utf8", "csv_utf8_bom", "csv_gbk", "wrapped_headers", "title_row", "title_rows_two",
            "sheet1_after_notes", "synonym_headers")


def template_filled(template: bytes, sheet_name: str, rows: Sequence[Sequence]) -> bytes:
    """The template with `rows` written from row 2 of its data sheet, as a clerk fills it (openpyxl)."""
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook[sheet_name]
    for number, line in enumerate(rows, start=2):
        for column, value in enumerate(line, start=1):
            sheet.cell(row=number, column=column, value=value)
    return workbook_bytes(workbook)


def _text(value) -> str:
    return "" if value is None else str(value)


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence], *, encoding: str = "utf-8", bom: bool = False) -> bytes:
    """The rows as Excel saves them as CSV: every cell as text, CRLF line ends."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[_text(v) for v in line] for line in rows])
    return (codecs.BOM_UTF8 if bom else b"") + buffer.getvalue().encode(encoding)


def _wrapped(title: str, index: int) -> str:
    """A title as a clerk re-types it: broken with Alt+Enter, some with a required-mark or a full-width space."""
    middle = max(1, len(title) // 2)
    wrapped = f"{title[:middle]}\n{title[middle:]}" if len(title) > 1 else title
    return [f"*{wrapped}", f"{wrapped}（必填）", f" {wrapped}\u3000", f"{wrapped}＊"][index % 4]


def _book(sheets: Sequence[tuple[str, Sequence[Sequence]]], merge_title: int = 0) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, lines in sheets:
        sheet = workbook.create_sheet(name)
        for line in lines:
            sheet.append(list(line))
        if merge_title and name not in ("说明",):
            width = max(len(line) for line in lines)
            for row in range(1, merge_title + 1):
                sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    return workbook_bytes(workbook)


def variant_files(header: Sequence[str], rows: Sequence[Sequence], *, synonyms: Mapping[str, str],
                  title: str = "2026年第一批名单") -> dict[str, tuple[str, bytes, int]]:
    """Each variant of VARIANTS: (file name, content, the row number of its first data row).

    `synonyms` gives, for some titles of `header`, the title an office writes instead (证件号码 → 身份证号).
    """
    header = list(header)
    notes = [["列名", "是否必填", "填写说明"], *[[t, "必填", f"{t}的填写说明"] for t in header], [],
             ["第1行为表头，请勿修改；数据从第2行起填写。"]]
    return {
        "csv_utf8": ("名单.csv", csv_bytes(header, rows), 2),
        "csv_utf8_bom": ("名单.csv", csv_bytes(header, rows, bom=True), 2),
        "csv_gbk": ("名单.CSV", csv_bytes(header, rows, encoding="gbk"), 2),
        "wrapped_headers": ("名单.xlsx", _book([("Sheet1", [[_wrapped(t, i) for i, t in enumerate(header)],
                                                            *rows])]), 2),
        "title_row": ("名单.xlsx", _book([("Sheet1", [[title], header, *rows])], merge_title=1), 3),
        "title_rows_two": ("名单.xlsx", _book([("Sheet1", [[title], ["填报单位：（盖章）"], header, *rows])],
                                              merge_title=2), 4),
        "sheet1_after_notes": ("名单.xlsx", _book([("说明", notes), ("Sheet1", [header, *rows])]), 2),
        "synonym_headers": ("名单.xlsx", _book([("Sheet1", [[synonyms.get(t, t) for t in header], *rows])]), 2),
    }
