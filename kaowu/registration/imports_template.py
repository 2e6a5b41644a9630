"""The Excel template of the bulk import: a header row with a note on each column, drop-downs for the
code lists (on a hidden 代码表 sheet), text format for numbers, date format for dates, and a 说明 sheet."""

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from kaowu.catalog.eligibility.profile import CERTIFICATE_KINDS, SCHOOLS, STATUSES
from kaowu.plans.models import Plan
from kaowu.registration.imports import (
    COLUMNS,
    ID_TYPES,
    MAX_BYTES,
    MAX_ROWS,
    PROFILE,
    SHEET_NAME,
    TITLES,
    item_labels,
)
from kaowu.registration.imports_profile import LEVEL_CHOICES, YES_NO
from kaowu.registration.models import EducationLevel, Gender

WIDTHS = {"id_number": 22, "address": 30, "item": 28, "employer": 24, "school": 16, "major": 18,
          "work_start": 18, "work_occupation": 16, "cert_occupation": 16, "cert_level": 16, "cert_issued_on": 12,
          "graduated_on": 12}
TEXT_COLUMNS = {"id_number", "phone", "postal_code"}  # Excel would turn an 18-digit number into 5.1E+17
DATE_COLUMNS = {"birth_date", "graduated_on", "work_start", "cert_issued_on"}
HEADER_FILL = {False: "DDEBF7", True: "E2EFDA"}  # the 申报资历 columns in green


def _code_lists(plan: Plan) -> dict[str, list[str]]:
    return {
        "id_type": list(ID_TYPES),
        "gender": [label for _v, label in Gender.choices],
        "education": [label for _v, label in EducationLevel.choices],
        "item": list(item_labels(plan)) or ["（本计划暂无考核项目）"],
        "school": list(SCHOOLS),
        "study_status": list(STATUSES),
        "cert_level": LEVEL_CHOICES,
        "cert_kind": list(CERTIFICATE_KINDS),
        "apprenticeship": list(YES_NO),
    }


def import_template_build(*, plan: Plan) -> bytes:
    """The .xlsx to fill in for `plan`."""
    rows = MAX_ROWS + 1
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    sheet.append([c.title for c in COLUMNS])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL[column.profile])
        kind = "必填" if column.required else ("选填，申报资历" if column.profile else "选填")
        cell.comment = Comment(f"{column.title}（{kind}）：{column.help}", "kaowu", width=260, height=110)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = WIDTHS.get(column.key, 12)
        if column.key in TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
        elif column.key in DATE_COLUMNS:
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"

    codes = workbook.create_sheet("代码表")
    keys = [c.key for c in COLUMNS]
    for index, (key, values) in enumerate(_code_lists(plan).items(), start=1):
        letter = get_column_letter(index)
        codes.cell(row=1, column=index, value=TITLES[key])
        for offset, value in enumerate(values, start=2):
            codes.cell(row=offset, column=index, value=value)
        target = get_column_letter(keys.index(key) + 1)
        validation = DataValidation(
            type="list", formula1=f"{quote_sheetname(codes.title)}!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True, showErrorMessage=True, errorTitle="不在代码表中",
            error=f"请从下拉列表中选择{TITLES[key]}",
        )
        validation.add(f"{target}2:{target}{rows}")
        sheet.add_data_validation(validation)
    codes.sheet_state = "hidden"

    notes = workbook.create_sheet("说明")
    notes.append(["列名", "是否必填", "填写说明"])
    for column in COLUMNS:
        notes.append([column.title, "必填" if column.required else (f"选填（{PROFILE}）" if column.profile else "选填"),
                      column.help])
    notes.append([])
    for line in (
        f"计划：{plan.name}（报名截止日{plan.registration_closes:%Y-%m-%d}）",
        "每行一名考生报考一个项目；同一考生报考多个项目时填写多行，姓名和证件号码须一致。",
        "第1行为表头，请勿修改；数据从第2行起填写。红色列名为必填列，绿色列为选填的申报资历；鼠标移到列名上可看填写说明。",
        f"每个文件最多{MAX_ROWS}行、{MAX_BYTES // 1024 // 1024} MB。上传后系统逐行校验，有错误时不导入任何记录。",
        "已报名同一项目的考生会被跳过，同一文件重复上传不会重复报名。",
        f"{PROFILE}（学历、开始从事本职业时间、最高相关证书、学徒期满）均为选填，每行可填一项学历和一本证书；"
        "工作年限按“开始从事本职业时间”起一直从事至报名截止日计算。日期须填写到日，如 2015-07-01。",
        f"填写了{PROFILE}的行，系统按报考职业等级的申报条件预审：不满足的行在校验报告中提示，但不影响导入"
        "（例如考生将在提交前补充材料）。导入的报名均为草稿，提交时系统会按届时的申报资历再次审核。",
        f"未填写{PROFILE}的行照常导入为草稿，请在提交报名前逐人补充。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 18
    notes.column_dimensions["C"].width = 80
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for row in notes.iter_rows(min_row=2, max_col=3):
        row[2].alignment = Alignment(wrap_text=True)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
