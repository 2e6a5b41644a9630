"""The Excel template of the theory score import: the session's candidates already listed (准考证号, 姓名,
in seat order; no ID numbers, so the file carries as little personal data as it can), text format for the
numbers, a 缺考 drop-down, and a 说明 sheet with the full marks and the rules of the import."""

from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation

from kaowu.core.excel import TEXT_FORMAT, HeaderCell, workbook_bytes, workbook_start
from kaowu.plans.models import Session
from kaowu.scoring.entry.imports import COLUMNS, MAX_ROWS, SHEET_NAME
from kaowu.scoring.entry.selectors import session_candidates, session_full_marks, session_label

HELP = {
    "ticket": "准考证号与身份证号至少填写一项；模板已按座位顺序列出本场次考生",
    "id_number": "没有准考证号时填写，请以文本格式填写18位身份证号",
    "name": "与报名信息一致",
    "score": "0至满分，最多两位小数；缺考的留空",
    "absent": "缺考的填“是”，成绩取消的填“成绩取消”，否则留空",
}


def theory_template_build(*, session: Session) -> bytes:
    """The .xlsx for `session`, one row per seated candidate."""
    full = session_full_marks(session)
    keys = list(COLUMNS)
    widths = {"ticket": 20, "id_number": 22, "name": 12, "score": 10, "absent": 10}
    workbook, sheet = workbook_start(SHEET_NAME, [
        HeaderCell(COLUMNS[key], f"{COLUMNS[key]}：{HELP[key]}", widths[key],
                   number_format=TEXT_FORMAT if key in ("ticket", "id_number") else None)
        for key in keys], note_size=(240, 80))
    for row in session_candidates(session):
        sheet.append([row.ticket, "", row.name, None, ""])
        for column in (1, 2):
            sheet.cell(row=sheet.max_row, column=column).number_format = TEXT_FORMAT
    absent_letter = sheet.cell(row=1, column=keys.index("absent") + 1).column_letter
    validation = DataValidation(type="list", formula1='"是,成绩取消"', allow_blank=True, showErrorMessage=True,
                                errorTitle="缺考", error="缺考的填“是”，成绩取消的填“成绩取消”，否则留空")
    validation.add(f"{absent_letter}2:{absent_letter}{MAX_ROWS + 1}")
    sheet.add_data_validation(validation)

    notes = workbook.create_sheet("说明")
    lines = [
        f"场次：{session_label(session)}（{session.plan.name}）",
        f"满分{full.normalize():f}分；成绩最多保留两位小数。",
        "每行一名考生：准考证号或身份证号（至少一项）、姓名、成绩；缺考的在“缺考”列填“是”，成绩留空。",
        "上传后系统逐行校验，有错误时不导入任何成绩；已导入相同成绩的考生会被跳过，同一文件重复上传不会重复导入。",
        "导入的成绩须由录入人以外的另一名工作人员复核（R-CQ-11）。",
    ]
    for line in lines:
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    for row in notes.iter_rows(max_col=1):
        row[0].alignment = Alignment(wrap_text=True)
    return workbook_bytes(workbook)
