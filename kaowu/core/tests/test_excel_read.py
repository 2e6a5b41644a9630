"""Reading an import's file (core.excel.sheet_rows_read): the header and its sheet found by content, titles
compared loosely and with synonyms, CSV in the encodings Chinese offices produce."""

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from kaowu.core.excel import ImportRefused, header_key, sheet_rows_read, workbook_bytes, workbook_kind

COLUMNS = {"姓名": "name", "证件号码": "id_number", "手机号": "phone"}
SYNONYMS = {"id_number": ("身份证号", "身份证号码"), "phone": ("联系电话", "手机号码")}


def read(path, synonyms=SYNONYMS):
    return sheet_rows_read(path, sheet_name="报名信息", columns=COLUMNS, synonyms=synonyms,
                           required={"姓名": ("name",), "证件号码": ("id_number",)}, template_label="请使用导入模板",
                           row_hint="一名考生", max_rows=100)


def test_titles_are_compared_without_spaces_line_breaks_full_width_forms_or_required_marks():
    assert {header_key(t) for t in ("证件\n号码", " 证件 号码\u3000", "*证件号码", "证件号码＊", "证件号码（必填）",
                                     "证件号码(必填)", "证件号码：")} == {"证件号码"}
    assert header_key("出生日期（yyyy-mm-dd）") == "出生日期(yyyy-mm-dd)"


def test_a_note_after_a_title_and_the_templates_own_title_over_a_synonym(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("联系电话,姓名（与身份证一致）,身份证号,手机号\n028-1,张三,510,139\n", encoding="utf-8")
    positions, rows = read(path)
    assert positions == {"phone": 3, "name": 1, "id_number": 2}
    assert rows == [(2, ["028-1", "张三", "510", "139"])]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_in_every_encoding_excel_writes(tmp_path, encoding):
    name = "王䶮" if encoding in ("gb18030", "utf-16", "utf-8") else "王五"  # 䶮 is in GB18030, not GBK
    separator = "\t" if encoding == "utf-16" else ","  # Excel's Unicode text is tab-separated
    path = tmp_path / "a.csv"
    path.write_bytes(f"姓名{separator}证件号码\r\n{name}{separator}51010419800101001X\r\n".encode(encoding))
    assert read(path)[1] == [(2, [name, "51010419800101001X"])]


def test_a_csv_is_recognised_by_its_name_and_anything_else_without_a_signature_is_refused():
    assert workbook_kind(size=9, head=b"a,b", max_bytes=99, name="名单.CSV") == "csv"
    assert workbook_kind(size=9, head=b"a\tb", max_bytes=99, name="名单.txt") == "csv"
    with pytest.raises(ImportRefused, match="不是Excel工作簿（.xlsx 或 .xls）或CSV文件"):
        workbook_kind(size=9, head=b"%PDF-1.4", max_bytes=99, name="名单.pdf")


def test_a_hidden_sheet_is_never_the_data_sheet_and_a_sheet_with_the_header_lower_down_is(tmp_path):
    book = Workbook()
    codes = book.active
    codes.title = "代码表"
    codes.append(["姓名", "证件号码", "手机号"])
    codes.sheet_state = "hidden"
    data = book.create_sheet("Sheet1")
    for line in (["考生名单"], [], ["序号", "姓名", "身份证号码"], [1, "张三", "510"], [], [2, "李四", "511"]):
        data.append(line)
    path = tmp_path / "a.xlsx"
    path.write_bytes(workbook_bytes(book))
    positions, rows = read(path)
    assert positions == {"name": 1, "id_number": 2}
    assert [number for number, _line in rows] == [4, 6]


def test_a_renamed_data_sheet_declaring_a_hundred_thousand_styled_rows_is_read_by_its_content(tmp_path):
    book = Workbook()
    book.active.title = "说明"
    book["说明"].append(["第1行为表头"])
    sheet = book.create_sheet("Sheet1")
    sheet.append(["姓名", "证件号码"])
    sheet.append(["张三", "510"])
    buffer = io.BytesIO(workbook_bytes(book))
    source = zipfile.ZipFile(buffer)
    path = tmp_path / "styled.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.namelist():
            data = source.read(member)
            if member == "xl/worksheets/sheet2.xml":  # empty cells with a style down to row 100,000
                text = data.decode()
                styled = "".join(f'<row r="{n}"><c r="A{n}" s="0"/><c r="B{n}" s="0"/></row>'
                                 for n in range(3, 100_001))
                text = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:B100000"/>', text)
                data = text.replace("</sheetData>", styled + "</sheetData>").encode()
            target.writestr(member, data)
    assert read(path) == ({"name": 0, "id_number": 1}, [(2, ["张三", "510"])])


def test_a_missing_title_is_named_with_its_row_and_the_titles_it_may_have(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("名单\n姓名,号码\n张三,510\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        read(path)
    assert refused.value.message == ("缺少必需的列：证件号码。第2行未找到表头“证件号码”"
                                     "（也可写作：身份证号、身份证号码）（请使用导入模板，不要修改表头）")


def test_a_synonym_given_to_two_columns_is_refused_where_the_import_is_defined(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("姓名,证件号码\n张三,510\n", encoding="utf-8")
    with pytest.raises(ValueError, match="电话"):
        read(path, synonyms={"phone": ("电话",), "id_number": ("电话",)})


def test_the_templates_sheet_left_empty_gives_way_to_the_sheet_that_holds_the_rows(tmp_path):
    book = Workbook()
    book.active.title = "报名信息"
    book["报名信息"].append(["姓名", "证件号码", "手机号"])
    data = book.create_sheet("Sheet1")
    data.append(["姓名", "身份证号"])
    data.append([1, 2])
    path = tmp_path / "a.xlsx"
    path.write_bytes(workbook_bytes(book))
    assert read(path) == ({"name": 0, "id_number": 1}, [(2, [1, 2])])
