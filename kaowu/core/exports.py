"""One way to export every list to Excel.

A list declares a `ListExport`: the function that gives its rows (the page's own selector, scoped to the user,
with the page's filters read from the GET parameters), the columns (Chinese headers and a value per row) and
who may export. Its app's urls route `<list>/export/` to `list_export_view("<dotted path of the ListExport>")`.

The view counts the rows: up to `KAOWU_EXPORT_BACKGROUND_ROWS` it answers the .xlsx file at once; beyond that it
shows a page whose POST starts `list_export_task` (a background job with progress, like imports), and the file is
downloaded from the job's page when done (only by the user who started it, who must still be allowed to
export). Every export that reaches the user is audited (`list_export_record`): who, which list, how many rows,
with which filters, and whether it holds personal data.
"""

import secrets
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from kaowu.core.audit import CoreAction
from kaowu.core.jobs import job_progress_report
from kaowu.core.services import audit_record

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_DIR = "exports"
CHUNK = 2000


@dataclass(frozen=True)
class Column:
    title: str  # the Chinese header
    value: Callable[[Any], Any]  # the cell of one row
    width: int = 14


@dataclass(frozen=True)
class ListExport:
    """How one list page is exported."""

    key: str  # names the list in the audit trail ("sites")
    title: str  # the sheet, the file name and the job's title ("考点")
    rows: Callable[[Any, Mapping[str, str]], tuple[Iterable, dict]]  # (user, GET) -> (rows, filters as read)
    columns: Sequence[Column]
    roles: Sequence[str]  # who may export (the page's own roles)
    personal: bool = False  # holds ID numbers, phones or names of candidates or staff
    action: str = CoreAction.LIST_EXPORT  # a list with its own audit action keeps it
    numbered: bool = True  # a 序号 column first
    public: bool = False  # a public page's list (masked as the page is): anyone may export it


def list_export_get(path: str) -> ListExport:
    export = import_string(path)
    if not isinstance(export, ListExport):
        raise TypeError(f"{path} is not a ListExport")
    return export


def list_export_allowed(export: ListExport, user) -> None:
    if export.public:
        return
    if not user.is_authenticated or user.role not in export.roles:
        raise PermissionDenied("您的角色不能导出此列表")


def query_of(get: Mapping) -> dict[str, str]:
    """The GET parameters that select the rows (the page number does not)."""
    return {key: value for key, value in get.items() if key not in ("page", "csrfmiddlewaretoken")}


def rows_count(rows: Iterable) -> int:
    if isinstance(rows, QuerySet):
        return rows.order_by().count()
    return len(rows) if hasattr(rows, "__len__") else sum(1 for _ in rows)


def _iterate(rows: Iterable) -> Iterable:
    if isinstance(rows, QuerySet):
        # prefetch_related needs a chunk size; select_related rows stream either way
        return rows.iterator(chunk_size=CHUNK)
    return rows


def cell_value(value):
    """What openpyxl can write: local times without a zone, choices as text, None as blank."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | str):
        return value
    return str(value)


def workbook_write(export: ListExport, rows: Iterable, handle, *,
                   progress: Callable[[int], None] | None = None) -> int:
    """The .xlsx of the rows into `handle` (write-only, streamed); returns how many rows it holds."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(export.title[:31])
    columns = list(export.columns)
    widths = ([6] if export.numbered else []) + [column.width for column in columns]
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.append((["序号"] if export.numbered else []) + [column.title for column in columns])
    count = 0
    for count, row in enumerate(_iterate(rows), start=1):
        cells = [cell_value(column.value(row)) for column in columns]
        sheet.append([count, *cells] if export.numbered else cells)
        if progress and count % CHUNK == 0:
            progress(count)
    book.save(handle)
    return count


def list_export_record(*, export: ListExport, by, rows: int, filters: Mapping, background: str = "") -> None:
    """Data leaves the system with an export: who took which list, how many rows, with which filters."""
    after = {"list": export.key, "title": export.title, "rows": rows,
             "filters": {k: v for k, v in filters.items() if v not in ("", None)}, "personal": export.personal}
    if background:
        after["job"] = background
    audit_record(action=export.action, actor=by, after=after)


def filename_of(export: ListExport) -> str:
    return f"{export.title}-{timezone.localdate():%Y%m%d}.xlsx"


def background_threshold() -> int:
    return int(getattr(settings, "KAOWU_EXPORT_BACKGROUND_ROWS", 2000))


@task(takes_context=True)
def list_export_task(context, *, export_path: str, user_id: int, query: dict) -> dict:
    """A large export, written to a file under MEDIA at exports/<random>.xlsx (no name in the path)."""
    from django.contrib.auth import get_user_model

    task_id = str(context.task_result.id)
    export = list_export_get(export_path)
    user = get_user_model().objects.get(pk=user_id)
    list_export_allowed(export, user)
    rows, filters = export.rows(user, query)
    total = rows_count(rows)
    job_progress_report(task_id, done=0, total=total, message="正在导出")

    def progress(done: int) -> None:
        job_progress_report(task_id, done=done, message=f"已导出 {done} / {total} 行")

    with tempfile.TemporaryFile() as handle:
        count = workbook_write(export, rows, handle, progress=progress)
        handle.seek(0)
        name = default_storage.save(f"{EXPORT_DIR}/{secrets.token_urlsafe(16)}.xlsx", File(handle))
    result = {"file": name, "count": count, "export": export_path, "filters": filters,
              "download_name": filename_of(export)}
    job_progress_report(task_id, done=count, total=max(total, count), result=result,
                        message=f"已导出 {count} 行，可以下载")
    return {"count": count}
