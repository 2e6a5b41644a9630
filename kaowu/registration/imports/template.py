"""The Excel template of the bulk import: a header row with a note on each column, drop-downs for the
code lists (on a hidden 代码表 sheet), text format for numbers, date format for dates, and a 说明 sheet."""

from kaowu.catalog.eligibility.profile import CERTIFICATE_KINDS, SCHOOLS, STATUSES
from kaowu.core import excel
from kaowu.plans.models import Plan
from kaowu.registration.imports.profile import LEVEL_CHOICES, YES_NO
from kaowu.registration.imports.services import (
    COLUMNS,
    ID_TYPES,
    MAX_BYTES,
    MAX_ROWS,
    PROFILE,
    SHEET_NAME,
    TITLES,
    Column,
    item_labels,
)
from kaowu.registration.models import EducationLevel, Gender

WIDTHS = {"id_number": 22, "address": 30, "item": 28, "employer": 24, "school": 16, "major": 18,
          "work_start": 18, "work_occupation": 16, "cert_occupation": 16, "cert_level": 16, "cert_issued_on": 12,
          "graduated_on": 12}
TEXT_COLUMNS = {"id_number", "phone", "postal_code"}  # Excel would turn an 18-digit number into 5.1E+17
DATE_COLUMNS = {"birth_date", "graduated_on", "work_start", "cert_issued_on"}
HEADER_FILL = {False: excel.FILL_BLUE, True: excel.FILL_GREEN}  # the 申报资历 columns in green


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
    workbook, sheet = excel.workbook_start(SHEET_NAME, [
        excel.HeaderCell(column.title, f"{column.title}（{_required_label(column, '选填，申报资历')}）：{column.help}",
                         WIDTHS.get(column.key, 12), fill=HEADER_FILL[column.profile], required=column.required,
                         number_format=excel.number_format(column.key, text=TEXT_COLUMNS, dates=DATE_COLUMNS))
        for column in COLUMNS])
    keys = [c.key for c in COLUMNS]
    excel.code_lists_add(workbook, sheet, [excel.CodeList(TITLES[key], keys.index(key) + 1, values)
                                           for key, values in _code_lists(plan).items()], last_row=MAX_ROWS + 1)
    excel.notes_sheet_add(workbook, columns=[(c.title, _required_label(c, f"选填（{PROFILE}）"), c.help)
                                             for c in COLUMNS], lines=_notes(plan), widths=(18, 18, 80))
    return excel.workbook_bytes(workbook)


def _required_label(column: Column, profile_label: str) -> str:
    """必填, 选填, or for a 申报资历 column `profile_label`."""
    return "必填" if column.required else (profile_label if column.profile else "选填")


def _notes(plan: Plan) -> tuple[str, ...]:
    return (
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
    )
