"""What the Excel imports (candidates, theory scores, the staff registry) have in common.

Reading: an upload is checked by its size and first bytes (`workbook_kind`), kept under MEDIA_ROOT with a
signed, database-free token (`upload_keep`, `upload_token_load`: any app server can pick it up, given a
shared MEDIA_ROOT), and its sheet read with python-calamine into the column positions found by their
titles and the non-empty data rows (`sheet_rows_read`, `row_reader`). Every refusal of a file as a whole
is an `ImportRefused` with the Chinese text for the clerk; a faulty cell is a `RowError`.

Writing the templates: the header row with a note, colour, width and number format per column
(`workbook_start`, `header_row_write`), drop-downs taken from a hidden 代码表 sheet (`code_lists_add`), the 说明 sheet
(`notes_sheet_add`) and the file's bytes (`workbook_bytes`).
"""

import hashlib
import io
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.core import signing
from django.core.files.storage import default_storage
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineWorkbook

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TOKEN_MAX_AGE = 24 * 60 * 60
SPLIT_ADVICE = "，请分成多个文件导入"

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

def workbook_kind(*, size: int, head: bytes, max_bytes: int) -> str:
    """The kind of workbook ("xlsx" or "xls") from its size and first bytes; refuses anything else."""
    if size > max_bytes:
        raise ImportRefused(f"文件过大（{size / 1024 / 1024:.1f} MB），上限为 {max_bytes // 1024 // 1024} MB，"
                            f"请分成多个文件导入")
    if size == 0 or not head:
        raise ImportRefused("文件为空，请上传填写好的导入模板")
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(XLS_MAGIC):
        return "xls"
    raise ImportRefused("文件不是Excel工作簿（.xlsx 或 .xls），请下载导入模板填写后上传")


def import_file_path(file_name: str) -> Path:
    """The local path of a stored upload (a name as `upload_keep` returns it)."""
    return Path(default_storage.path(file_name))


def upload_keep(upload, *, storage_dir: str, max_bytes: int, read: Callable[[Path], T]) -> tuple[str, str, T]:
    """Check an uploaded workbook, keep it as `storage_dir`/<random>.<kind> and read it with `read`.

    Returns (stored name, SHA-256 in hex, what `read` returned). A file `read` refuses is deleted again, so a
    refused upload leaves nothing behind.
    """
    upload.seek(0)
    kind = workbook_kind(size=upload.size, head=upload.read(8), max_bytes=max_bytes)
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


# --- reading ------------------------------------------------------------------------------------

def header_key(value) -> str:
    """A header cell as a column title: spaces and a required-mark (*, （必填）) dropped."""
    text = str(value or "").strip().replace(" ", "").replace("\u3000", "")
    return text.rstrip("*＊").removesuffix("（必填）").removesuffix("(必填)")


def sheet_rows_read(path: Path, *, sheet_name: str, columns: Mapping[str, str],
                    required: Mapping[str, Collection[str]], together: Collection[str] = (),
                    template_label: str, row_hint: str, max_rows: int,
                    too_many_advice: str = SPLIT_ADVICE) -> tuple[dict[str, int], list[tuple[int, Cells]]]:
    """The column positions (key → index) and the non-empty data rows (Excel row number, cells) of the sheet
    `sheet_name`, or of the first sheet when there is none by that name.

    `columns` maps each column title to its key. `required` maps the title to name when missing to the keys
    any one of which will do; the keys in `together` come all or none. `template_label` ("请使用导入模板")
    and `row_hint` (what one row holds, "一名考生") go into the refusals.
    """
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = workbook.sheet_names
        sheet = workbook.get_sheet_by_name(sheet_name if sheet_name in names else names[0])
        cells = sheet.to_python(skip_empty_area=False)
    except Exception:  # noqa: BLE001 - calamine raises many kinds; each means "not a readable workbook"
        raise ImportRefused("无法读取该Excel文件：文件已损坏、已加密或不是Excel工作簿") from None
    if not cells or not any(str(v).strip() for v in cells[0]):
        raise ImportRefused(f"文件为空：第1行应为表头（{template_label}）")
    positions: dict[str, int] = {}
    for index, value in enumerate(cells[0]):
        key = columns.get(header_key(value))
        if key and key not in positions:
            positions[key] = index
    missing = [title for title, keys in required.items() if not any(key in positions for key in keys)]
    if any(key in positions for key in together):
        titles = {key: title for title, key in columns.items()}
        missing += [titles[key] for key in together if key not in positions]
    if missing:
        raise ImportRefused(f"缺少必需的列：{'、'.join(missing)}（{template_label}，不要修改表头）")
    rows = [(number, line) for number, line in enumerate(cells[1:], start=2)
            if any(v not in ("", None) for v in line)]
    if not rows:
        raise ImportRefused(f"文件中没有数据行：请从第2行起每行填写{row_hint}")
    if len(rows) > max_rows:
        raise ImportRefused(f"数据行过多（{len(rows)}行），每个文件最多{max_rows}行{too_many_advice}")
    return positions, rows


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
