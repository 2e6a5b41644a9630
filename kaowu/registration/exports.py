"""The Excel export of the application list: the workbook around the rows the selector reads."""

from collections.abc import Iterable
from io import BytesIO

from openpyxl import Workbook

HEADER = ["序号", "姓名", "证件类型", "证件号码", "性别", "手机号", "工作单位", "计划", "报考项目", "状态", "提交时间"]


def applications_workbook(rows: Iterable[list]) -> tuple[bytes, int]:
    """The .xlsx file of the rows (streamed: write-only), and how many rows it holds."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("报名名单")
    sheet.append(HEADER)
    count = 0
    for row in rows:
        sheet.append(row)
        count += 1
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue(), count
