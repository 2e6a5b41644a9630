"""The Excel template of the staff registry import: a header with a note on each column, drop-downs for
角色, 等级 and 考评职业或专项 (on a hidden 代码表 sheet), text format for numbers, date format for the
card's date, and a 说明 sheet. Built for one registry: its 角色 list holds the roles that registry may keep."""

from itertools import combinations

from kaowu.accounts.models import Organisation
from kaowu.catalog.models import Occupation, SpecialItem
from kaowu.core import excel
from kaowu.staffing.registry.imports import CARD_KEYS, COLUMNS, LEVEL_SHORT, MAX_BYTES, MAX_ROWS, SHEET_NAME, TITLES
from kaowu.staffing.registry.services import ROLE_LABELS, roles_allowed

WIDTHS = {"name": 10, "id_number": 22, "phone": 14, "employer": 26, "region_code": 12, "roles": 22, "item": 24,
          "level": 8, "card_number": 20, "valid_until": 14}
TEXT_COLUMNS = {"id_number", "phone", "region_code", "card_number"}  # 18 digits would become 5.1E+17
DATE_COLUMNS = {"valid_until"}


def _role_choices(organisation: Organisation) -> list[str]:
    """Every combination of the registry's roles, joined with 、 as the import reads them."""
    labels = [ROLE_LABELS[key] for key in roles_allowed(organisation)]
    return ["、".join(combo) for size in range(1, len(labels) + 1) for combo in combinations(labels, size)]


def _item_choices() -> list[str]:
    occupations = list(Occupation.objects.filter(is_active=True).order_by("code").values_list("name", flat=True))
    specials = list(SpecialItem.objects.filter(is_active=True).order_by("code").values_list("name", flat=True))
    return list(dict.fromkeys(occupations + specials)) or ["（目录为空）"]


def registry_template_build(*, organisation: Organisation) -> bytes:
    """The .xlsx to fill in for the registry of `organisation`."""
    workbook, sheet = excel.workbook_start(SHEET_NAME, [
        excel.HeaderCell(column.title, f"{column.title}（{'必填' if column.required else '选填'}）：{column.help}",
                         WIDTHS.get(column.key, 12), required=column.required,
                         fill=excel.FILL_GREEN if column.key in CARD_KEYS else excel.FILL_BLUE,
                         number_format=excel.number_format(column.key, text=TEXT_COLUMNS, dates=DATE_COLUMNS))
        for column in COLUMNS])
    keys = [c.key for c in COLUMNS]
    # 角色 and 考评职业或专项 may also be typed (another order of roles, an occupation code): a warning only.
    lists = {"roles": (_role_choices(organisation), "warning"),
             "level": ([LEVEL_SHORT[level] for level in sorted(LEVEL_SHORT)], "stop"),
             "item": (_item_choices(), "warning")}
    excel.code_lists_add(workbook, sheet, [excel.CodeList(TITLES[key], keys.index(key) + 1, values, error_style=style)
                                           for key, (values, style) in lists.items()], last_row=MAX_ROWS + 1)
    excel.notes_sheet_add(workbook, columns=[(c.title, "必填" if c.required else "选填", c.help) for c in COLUMNS],
                          lines=_notes(organisation), widths=(18, 10, 90))
    return excel.workbook_bytes(workbook)


def _notes(organisation: Organisation) -> tuple[str, ...]:
    roles = "、".join(ROLE_LABELS[key] for key in roles_allowed(organisation))
    return (
        f"人员库：{organisation.name}。本人员库可登记的角色：{roles}。",
        "每行一名人员；一人持有多本考评员证时填写多行，身份证号相同，后续行的姓名等人员信息可留空，填写的须与第一行一致。",
        "第1行为表头，请勿修改；数据从第2行起填写。红色列名为必填列，绿色列为考评员证信息（没有证书的人员留空）。",
        f"每个文件最多{MAX_ROWS}行、{MAX_BYTES // 1024 // 1024} MB。上传后系统逐行校验，有错误时不导入任何记录；"
        "确认后全部导入。",
        "人员库中已有的人员（身份证号相同）不会重复登记，其已有信息不被覆盖；文件中新增的角色和尚未登记的证书会补充登记。"
        "同一文件重复上传不会产生重复记录。",
        "证书已过期的照样登记，页面上显示为“已过期”，派遣时不会选用（R-SC24-8）。",
    )
