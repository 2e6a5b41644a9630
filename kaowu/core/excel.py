"""What the Excel imports (candidates, theory scores, the staff registry) have in common.

Reading: an upload (.xlsx, .xls or .csv) is checked by its size and first bytes (`workbook_kind`), kept under
MEDIA_ROOT with a signed, database-free token (`upload_keep`, `upload_token_load`: any app server can pick it up,
given a shared MEDIA_ROOT), and read into the column positions found by their titles and the non-empty data rows
(`sheet_rows_read`, `row_reader`): workbooks with python-calamine, CSV files in UTF-8 (with or without a BOM) or
GBK/GB18030 (`csv_rows`). The header and its sheet are found by their content: the row among the first ones of
each visible sheet that holds the most expected titles, compared without spaces, line breaks, full-width forms
and required-marks (`header_key`), each title with the synonyms offices use (身份证号 for 证件号码). Every refusal of
a file as a whole is an `ImportRefused` with the Chinese text for the clerk; a faulty cell is a `RowError`.

Writing the templates: the header row with a note, colour, width and number format per column
(`workbook_start`, `header_row_write`), drop-downs taken from a hidden 代码表 sheet (`code_lists_add`), the 说明 sheet
(`notes_sheet_add`) and the file's bytes (`workbook_bytes`).
"""

import codecs
import csv
import hashlib
import io
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from xml.etree import ElementTree

from django.core import signing
from django.core.files.storage import default_storage
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TOKEN_MAX_AGE = 24 * 60 * 60
SPLIT_ADVICE = "，请分成多个文件导入"
TEXT_SUFFIXES = (".csv", ".txt")
NOT_TABLE = "文件不是Excel工作簿（.xlsx 或 .xls）或CSV文件，请下载导入模板填写后上传"

Cells = list  # one row of a sheet as calamine gives it
T = TypeVar("T")


class ImportRefused(Exception):
    """The file as a whole cannot be imported; `message` is the Chinese text for the clerk."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    row: int  # as Excel numbers it: the header is row 1
    column: str  # the Chinese column title, "" for the row as a whole
    reason: str

    def as_json(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason}


# --- the stored upload and its token ------------------------------------------------------------

def workbook_kind(*, size: int, head: bytes, max_bytes: int, name: str = "") -> str:
    """The kind of file ("xlsx", "xls" or "csv") from its size, first bytes and, for a CSV (which has no
    signature), its name (.csv, or .txt as Excel saves tab-separated text); refuses anything else."""
    if size > max_bytes:
        raise ImportRefused(f"文件过大（{size / 1024 / 1024:.1f} MB），上限为 {max_bytes // 1024 // 1024} MB，"
                            f"请分成多个文件导入")
    if size == 0 or not head:
        raise ImportRefused("文件为空，请上传填写好的导入模板")
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(XLS_MAGIC):
        return "xls"
    if name.lower().endswith(TEXT_SUFFIXES):
        return "csv"
    raise ImportRefused(NOT_TABLE)


def import_file_path(file_name: str) -> Path:
    """The local path of a stored upload (a name as `upload_keep` returns it)."""
    return Path(default_storage.path(file_name))


def upload_keep(upload, *, storage_dir: str, max_bytes: int, read: Callable[[Path], T]) -> tuple[str, str, T]:
    """Check an uploaded workbook or CSV, keep it as `storage_dir`/<random>.<kind> and read it with `read`.

    Returns (stored name, SHA-256 in hex, what `read` returned). A file `read` refuses is deleted again, so a
    refused upload leaves nothing behind.
    """
    upload.seek(0)
    kind = workbook_kind(size=upload.size, head=upload.read(8), max_bytes=max_bytes,
                         name=str(getattr(upload, "name", "") or ""))
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = default_storage.save(f"{storage_dir}/{uuid.uuid4().hex}.{kind}", upload)
    try:
        result = read(import_file_path(name))
    except ImportRefused:
        default_storage.delete(name)
        raise
    return name, digest.hexdigest(), result


def upload_token_load(token: str, *, salt: str, max_age: int = TOKEN_MAX_AGE, storage_dir: str,
                      expect: Mapping[str, object]) -> dict:
    """The data of a token signed with `salt`: if genuine, recent, with every `expect` item (e.g. the user's
    id) and naming a file that still exists under `storage_dir`; ImportRefused otherwise."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise ImportRefused(f"导入已过期（超过{max_age // 3600}小时），请重新上传文件") from None
    except signing.BadSignature:
        raise ImportRefused("导入编号无效，请重新上传文件") from None
    if any(data.get(key) != value for key, value in expect.items()):
        raise ImportRefused("导入编号无效，请重新上传文件")
    if not str(data.get("f", "")).startswith(f"{storage_dir}/") or not default_storage.exists(data["f"]):
        raise ImportRefused("上传的文件已不存在，请重新上传")
    return data


# --- reading ----------------------------------------------------------------------------------

HEADER_SCAN_ROWS = 10  # the header is looked for in the first rows of each sheet (a title row may sit above it)
# Marks an office adds to a title: 必填 (required), 选填 (optional).
_TITLE_MARK_RE = re.compile(r"\((?:必填|选填|必选|可选|可不填|非必填)(?:项)?\)|[*★]")
_TRAILING_NOTE_RE = re.compile(r"\([^()]*\)$")
UNREADABLE = "无法读取该Excel文件：文件已损坏、已加密或不是Excel工作簿"
_OOXML = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


def header_key(value) -> str:
    """A header cell as a column title: full-width forms as ASCII (（）＊ → ()*), no whitespace at all (a title
    wrapped with Alt+Enter, spaces between the characters), and no required-mark (*姓名, 姓名*, 姓名（必填）)."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value or "")))
    return _TITLE_MARK_RE.sub("", text).rstrip(":：")


@dataclass(frozen=True)
class _Table:
    """One sheet of a file (or the CSV): its name ("" for a CSV) and every row, the first being row 1."""
    name: str
    cells: list
    whole: bool = True  # False when only the first rows' text was read (_xlsx_heads)


def _csv_text(data: bytes) -> str:
    """The text of a CSV file: UTF-16 with its BOM (Excel's Unicode text), else UTF-8 (with or without a BOM),
    else GB18030 (GBK, what Chinese Excel writes as "CSV（逗号分隔）")."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportRefused(NOT_TABLE) from None
    if b"\x00" in data:
        raise ImportRefused(NOT_TABLE)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused("无法识别CSV文件的编码：请在Excel中另存为“CSV UTF-8（逗号分隔）”后上传")


def csv_rows(path: Path) -> list[list[str]]:
    """The rows of a CSV file, separated by commas, or by tabs (Excel's 文本文件) or semicolons when its first
    line holds more of those than commas."""
    text = _csv_text(path.read_bytes())
    first = text[:4096].split("\n", 1)[0]
    delimiter = max(",\t;", key=lambda d: (first.count(d), d == ","))
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise ImportRefused("无法读取该CSV文件：引号不成对或格式有误，请在Excel中另存为CSV后上传") from None


def _xlsx_heads(path: Path, names: Collection[str], limit: int) -> dict[str, list[list]]:
    """The text cells of the first `limit` rows of the sheets `names` of an .xlsx, read without loading the sheets
    (a styled sheet can declare a million rows): one list per row from row 1, None where a cell is no text."""
    heads: dict[str, list[list]] = {}
    with zipfile.ZipFile(path) as archive:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.findall("rel:Relationship", _OOXML)}
        wanted: dict[str, list[list]] = {}
        for sheet in book.iterfind("m:sheets/m:sheet", _OOXML):
            name = sheet.get("name")
            if name not in names:
                continue
            target = targets[sheet.get(f"{{{_OOXML['r']}}}id")]
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            rows: list[list] = []
            with archive.open(member) as stream:
                for _event, element in ElementTree.iterparse(stream):
                    if element.tag != f"{{{_OOXML['m']}}}row":
                        continue
                    number = int(element.get("r") or len(rows) + 1)
                    if number > limit:
                        break
                    rows.extend([] for _ in range(number - len(rows)))
                    line: list = []
                    for cell in element.iterfind("m:c", _OOXML):
                        index = _column_index(cell.get("r", ""), default=len(line))
                        line.extend(None for _ in range(index + 1 - len(line)))
                        kind = cell.get("t")
                        if kind == "s":
                            line[index] = ("s", int(cell.findtext("m:v", "0", _OOXML)))
                        elif kind == "inlineStr":
                            line[index] = "".join(t.text or "" for t in cell.iter(f"{{{_OOXML['m']}}}t"))
                        elif kind == "str":
                            line[index] = cell.findtext("m:v", "", _OOXML)
                        elif cell.findtext("m:v", "", _OOXML):
                            line[index] = 0  # a number, a date or a truth value: something, though never a title
                    rows[number - 1] = line
                    element.clear()
            wanted[name] = rows
        needed = {value[1] for rows in wanted.values() for line in rows for value in line if isinstance(value, tuple)}
        strings = _shared_strings(archive, needed) if needed else {}
        for name, rows in wanted.items():
            heads[name] = [[strings.get(v[1], "") if isinstance(v, tuple) else v for v in line] for line in rows]
    return heads


def _column_index(reference: str, *, default: int) -> int:
    letters = "".join(ch for ch in reference if ch.isalpha())
    if not letters:
        return default
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


def _shared_strings(archive: zipfile.ZipFile, needed: set[int]) -> dict[int, str]:
    """The shared strings of the indices `needed`, reading the table only as far as the last of them."""
    found: dict[int, str] = {}
    last = max(needed)
    index = -1
    text, run = f"{{{_OOXML['m']}}}t", f"{{{_OOXML['m']}}}r"
    with archive.open("xl/sharedStrings.xml") as stream:
        for _event, element in ElementTree.iterparse(stream):
            if element.tag != f"{{{_OOXML['m']}}}si":
                continue
            index += 1
            if index in needed:  # plain text (<t>) or rich text runs (<r><t>); phonetic runs (<rPh>) are no text
                found[index] = "".join(
                    (child.text or "") if child.tag == text else (child.findtext("m:t", "", _OOXML))
                    for child in element if child.tag in (text, run))
            element.clear()
            if index >= last:
                break
    return found


def _calamine_sheet(workbook: CalamineWorkbook, name: str) -> list:
    try:
        return workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception:  # noqa: BLE001 - calamine raises many kinds; each means "not a readable workbook"
        raise ImportRefused(UNREADABLE) from None


def _tables_read(path: Path, *, sheet_name: str, fits: Callable[[list], bool]) -> list[_Table]:
    """The visible sheets of the file, each with (at least) its first rows.

    A CSV is one table. In a workbook the sheet `sheet_name` is read first, whole (it is the template's data sheet):
    when its header fits, no other sheet is opened. Otherwise the other visible sheets are looked at by their first
    HEADER_SCAN_ROWS rows only, read from the file's XML for an .xlsx (calamine would load every row).
    """
    if path.suffix.lower() == ".csv":
        return [_Table("", csv_rows(path))]
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = [m.name for m in workbook.sheets_metadata
                 if m.visible == SheetVisibleEnum.Visible and m.typ == SheetTypeEnum.WorkSheet] or workbook.sheet_names
    except Exception:  # noqa: BLE001 - calamine raises many kinds; each means "not a readable workbook"
        raise ImportRefused(UNREADABLE) from None
    tables: list[_Table] = []
    if sheet_name in names:
        first = _Table(sheet_name, _calamine_sheet(workbook, sheet_name))
        if fits(first.cells):
            return [first]
        tables.append(first)
    others = [name for name in names if name != sheet_name]
    heads: dict[str, list[list]] = {}
    if others and path.suffix.lower() == ".xlsx":
        try:
            heads = _xlsx_heads(path, others, HEADER_SCAN_ROWS)
        except Exception:  # noqa: BLE001 - an unusual layout: calamine reads those sheets instead
            heads = {}
    for name in others:
        tables.append(_Table(name, heads[name], whole=False) if name in heads
                      else _Table(name, _calamine_sheet(workbook, name)))
    tables.sort(key=lambda t: names.index(t.name))
    return tables


@dataclass(frozen=True)
class _Header:
    table: _Table
    order: int  # the table's place among the file's sheets
    row: int  # the header's index in the table's rows: 0 for row 1
    positions: dict[str, int]
    missing: list[str]  # the required titles it lacks
    data: bool  # a row below it holds something


def _header_lookup(columns: Mapping[str, str], synonyms: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, int]]:
    """Each title a header cell may hold (its `header_key`) → (column key, 0 for the template's title or 1 for a
    synonym). A synonym shared by two columns would be ambiguous: refused here, at the import's definition."""
    lookup: dict[str, tuple[str, int]] = {header_key(title): (key, 0) for title, key in columns.items()}
    for key, titles in synonyms.items():
        for title in titles:
            normal = header_key(title)
            if lookup.get(normal, (key,))[0] != key:
                raise ValueError(f"header synonym {title!r} of {key!r} is also a title of {lookup[normal][0]!r}")
            lookup.setdefault(normal, (key, 1))
    return lookup


def _header_match(line: Sequence, lookup: Mapping[str, tuple[str, int]]) -> dict[str, int]:
    """The column position of each key whose title (or a synonym) the row holds; the template's own title wins
    over a synonym, and the first of two equals."""
    best: dict[str, tuple[int, int]] = {}
    for index, value in enumerate(line):
        if not isinstance(value, str) or not value.strip():
            continue
        normal = header_key(value)
        found = lookup.get(normal) or lookup.get(_TRAILING_NOTE_RE.sub("", normal))
        if found and (found[0] not in best or found[1] < best[found[0]][0]):
            best[found[0]] = (found[1], index)
    return {key: index for key, (_rank, index) in best.items()}


def _missing(positions: Mapping[str, int], required: Mapping[str, Collection[str]], together: Collection[str],
             titles: Mapping[str, str]) -> list[str]:
    missing = [title for title, keys in required.items() if not any(key in positions for key in keys)]
    if any(key in positions for key in together):
        missing += [titles[key] for key in together if key not in positions]
    return missing


def sheet_rows_read(path: Path, *, sheet_name: str, columns: Mapping[str, str],
                    required: Mapping[str, Collection[str]], together: Collection[str] = (),
                    template_label: str, row_hint: str, max_rows: int, too_many_advice: str = SPLIT_ADVICE,
                    synonyms: Mapping[str, Iterable[str]] | None = None,
                    ) -> tuple[dict[str, int], list[tuple[int, Cells]]]:
    """The column positions (key → index) and the non-empty data rows (spreadsheet row number, cells) of an
    uploaded .xlsx, .xls or .csv (as `upload_keep` stored it: the suffix says which).

    The header is the row, among the first HEADER_SCAN_ROWS of each visible sheet, that holds the most of the
    expected titles (so a title row above it, or a data sheet renamed Sheet1 or placed after 说明, is found); the
    sheet `sheet_name` wins a tie. `columns` maps each column title to its key, `synonyms` each key to the other
    titles offices give it (身份证号 for 证件号码); titles are compared by `header_key`. `required` maps the title to
    name when missing to the keys any one of which will do; the keys in `together` come all or none.
    `template_label` ("请使用导入模板") and `row_hint` (what one row holds, "一名考生") go into the refusals.
    The row numbers are the spreadsheet's (the CSV's lines): with the header in row 3 the first data row is row 4.
    """
    synonyms = synonyms or {}
    lookup = _header_lookup(columns, synonyms)
    titles = {key: title for title, key in columns.items()}
    candidates: list[_Header] = []

    def headers_of(table: _Table, order: int) -> list[_Header]:
        found = []
        for index, line in enumerate(table.cells[:HEADER_SCAN_ROWS]):
            positions = _header_match(line, lookup)
            if positions:
                found.append(_Header(table, order, index, positions, _missing(positions, required, together, titles),
                                     any(_filled(line) for line in table.cells[index + 1:])))
        return found

    def fits(rows: list) -> bool:
        return any(not h.missing and h.data for h in headers_of(_Table(sheet_name, rows), 0))

    tables = _tables_read(path, sheet_name=sheet_name, fits=fits)
    for order, table in enumerate(tables):
        candidates += headers_of(table, order)
    if not candidates:
        if not any(_filled(line) for t in tables for line in t.cells[:HEADER_SCAN_ROWS]):
            raise ImportRefused(f"文件为空：第1行应为表头（{template_label}）")
        expected = "、".join(f"“{title}”" for title in list(required)[:3])
        raise ImportRefused(f"未找到表头：{_where(tables[0], None)}前{HEADER_SCAN_ROWS}行中没有一行含有{expected}等列名"
                            f"（{template_label}，不要修改表头）")
    # The most required titles present, then rows below it (the template's sheet left empty beside the data's),
    # then the most titles, then the template's sheet, then the earliest.
    best = min(candidates, key=lambda h: (len(h.missing), not h.data, -len(h.positions), h.table.name != sheet_name,
                                          h.order, h.row))
    if best.missing:
        expected = "、".join(_expected(title, required[title] if title in required else (columns.get(title),),
                                       titles, synonyms) for title in best.missing)
        raise ImportRefused(f"缺少必需的列：{'、'.join(best.missing)}。{_where(best.table, best.row)}"
                            f"未找到表头{expected}（{template_label}，不要修改表头）")
    cells = best.table.cells
    if not best.table.whole:  # only its first rows' text was read
        cells = _calamine_sheet(CalamineWorkbook.from_path(str(path)), best.table.name)
    rows = [(number, line) for number, line in enumerate(cells[best.row + 1:], start=best.row + 2) if _filled(line)]
    if not rows:
        raise ImportRefused(f"文件中没有数据行：请从表头下一行（第{best.row + 2}行）起每行填写{row_hint}")
    if len(rows) > max_rows:
        raise ImportRefused(f"数据行过多（{len(rows)}行），每个文件最多{max_rows}行{too_many_advice}")
    return best.positions, rows


def _filled(line: Sequence) -> bool:
    """Whether a row holds anything: a cell of spaces (a CSV's) does not count."""
    return any(v is not None and (v.strip() if isinstance(v, str) else True) for v in line)


def _where(table: _Table, row: int | None) -> str:
    sheet = f"工作表“{table.name}”" if table.name else ""
    return f"{sheet}第{row + 1}行" if row is not None else sheet


def _expected(title: str, keys: Iterable[str], titles: Mapping[str, str], synonyms: Mapping[str, Iterable[str]]) -> str:
    """“证件号码”（也可写作：身份证号、身份证号码）: a missing title and the other titles it may have."""
    others = [other for key in keys if key for other in (titles[key], *synonyms.get(key, ())) if other != title]
    return f"“{title}”（也可写作：{'、'.join(others)}）" if others else f"“{title}”"


def row_reader(positions: Mapping[str, int], keys: Iterable[str]) -> Callable[[Sequence], dict]:
    """A function giving a data row's cells by key: "" for a column the file lacks or the row stops short of."""
    where = [(key, positions.get(key)) for key in keys]

    def read(line: Sequence) -> dict:
        size = len(line)
        return {key: line[index] if index is not None and index < size else "" for key, index in where}

    return read


# --- the templates ------------------------------------------------------------------------------

FILL_BLUE = "DDEBF7"
FILL_GREEN = "E2EFDA"
TEXT_FORMAT = "@"  # Excel would turn an 18-digit number into 5.1E+17
DATE_FORMAT = "yyyy-mm-dd"


@dataclass(frozen=True)
class HeaderCell:
    title: str
    note: str  # the header cell's comment
    width: int
    fill: str = FILL_BLUE
    required: bool | None = None  # the title red when True, black when False, the default colour when None
    number_format: str | None = None  # of the whole column


def number_format(key: str, *, text: Collection[str], dates: Collection[str]) -> str | None:
    """The column format of `key`: text for the `text` columns, a date for the `dates` ones, else none."""
    if key in text:
        return TEXT_FORMAT
    if key in dates:
        return DATE_FORMAT
    return None


def header_row_write(sheet: Worksheet, cells: Sequence[HeaderCell], *, note_size: tuple[int, int] = (260, 110)) -> None:
    """Row 1 of `sheet` (frozen): the titles, styled, each with its note; the columns' widths and formats."""
    sheet.append([cell.title for cell in cells])
    sheet.freeze_panes = "A2"
    colour = {True: "C00000", False: "000000", None: None}
    for index, header in enumerate(cells, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color=colour[header.required])
        cell.fill = PatternFill("solid", fgColor=header.fill)
        cell.comment = Comment(header.note, "kaowu", width=note_size[0], height=note_size[1])
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = header.width
        if header.number_format:
            sheet.column_dimensions[letter].number_format = header.number_format


def workbook_start(sheet_name: str, cells: Sequence[HeaderCell], *,
                   note_size: tuple[int, int] = (260, 110)) -> tuple[Workbook, Worksheet]:
    """A new workbook whose first sheet, `sheet_name`, has the header row `cells`; returns it and the sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name
    header_row_write(sheet, cells, note_size=note_size)
    return workbook, sheet


@dataclass(frozen=True)
class CodeList:
    title: str  # the column's title: heads the list on 代码表 and names it in the error
    column: int  # the column of the data sheet it validates, from 1
    values: Sequence[str]
    error_style: str | None = None  # "warning" lets a typed value stand; the default stops it


def code_lists_add(workbook: Workbook, sheet: Worksheet, lists: Iterable[CodeList], *, last_row: int) -> None:
    """A hidden 代码表 sheet with one list per column, each a drop-down on rows 2 to `last_row` of `sheet`."""
    codes = workbook.create_sheet("代码表")
    for index, code_list in enumerate(lists, start=1):
        letter = get_column_letter(index)
        codes.cell(row=1, column=index, value=code_list.title)
        for offset, value in enumerate(code_list.values, start=2):
            codes.cell(row=offset, column=index, value=value)
        target = get_column_letter(code_list.column)
        validation = DataValidation(
            type="list", formula1=f"{quote_sheetname(codes.title)}!${letter}$2:${letter}${len(code_list.values) + 1}",
            allow_blank=True, showErrorMessage=True, errorStyle=code_list.error_style, errorTitle="不在代码表中",
            error=f"请从下拉列表中选择{code_list.title}",
        )
        validation.add(f"{target}2:{target}{last_row}")
        sheet.add_data_validation(validation)
    codes.sheet_state = "hidden"


def notes_sheet_add(workbook: Workbook, *, columns: Iterable[Sequence[str]], lines: Iterable[str],
                    widths: tuple[int, int, int]) -> None:
    """The 说明 sheet: a table of the columns (列名, 是否必填, 填写说明), a blank row, then `lines`."""
    notes = workbook.create_sheet("说明")
    notes.append(["列名", "是否必填", "填写说明"])
    for row in columns:
        notes.append(list(row))
    notes.append([])
    for line in lines:
        notes.append([line])
    for letter, width in zip("ABC", widths, strict=True):
        notes.column_dimensions[letter].width = width
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for row in notes.iter_rows(min_row=2, max_col=3):
        row[2].alignment = Alignment(wrap_text=True)


def workbook_bytes(workbook: Workbook) -> bytes:
    """The .xlsx file of `workbook`."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
