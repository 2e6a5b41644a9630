"""Rows and workbooks of the bulk import, for the import's tests and the API's."""

import io
from datetime import date, timedelta

from openpyxl import Workbook
from stdnum.cn import ric

from kaowu.registration.imports import services as imports

HEADER = [c.title for c in imports.COLUMNS]
OLD_HEADER = [c.title for c in imports.COLUMNS if not c.profile]  # the template before the 申报资历 columns
PROFILE_KEYS = [c.key for c in imports.COLUMNS if c.profile]
INFANT = "育婴员 四级/中级工"
HR = "企业人力资源管理师 三级/高级工"


def resident_id(index: int) -> str:
    """A valid, distinct 成都 resident ID number for each index (510100: a code valid for births since 1970)."""
    born = date(1970, 1, 1) + timedelta(days=index % 12_000)
    first17 = f"510100{born:%Y%m%d}{100 + index // 12_000:03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


def good_row(index: int) -> list:
    number = resident_id(index)
    gender = "男" if int(number[16]) % 2 else "女"
    born = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    return [f"考生{index:05d}", "居民身份证", number, gender, born, "高中/中专/技校", f"138{index:08d}",
            f"成都市锦江区东大街{index}号", "610000", "某某公司", INFANT if index % 3 else HR]


def xlsx(rows: list[list], header: list[str] = HEADER) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(imports.SHEET_NAME)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
