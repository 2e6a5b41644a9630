"""合格人员花名册: the roster of those who passed a plan, as Excel and as PDF (A4 landscape), sent by the
institution to the center that reviews its results and issues the certificates (R-SC24-9, R-CQ-14).

It lists full ID numbers: it is an official document between the institution and the center, so only staff
who see the plan get it and the views audit every download. It can be made as soon as the center has
approved the results; the certificate number column stays blank until certificates are issued.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether

from kaowu.certificates.models import Certificate
from kaowu.certificates.numbering import LEVEL_NAMES
from kaowu.certificates.reports import selectors
from kaowu.core.errors import RuleViolation
from kaowu.core.excel import TEXT_FORMAT, workbook_bytes
from kaowu.core.pdf import grid_table, label_value_table, para, pdf_build, signature_block, spacer, styles
from kaowu.core.pdf.document import MARGIN
from kaowu.plans.models import Plan
from kaowu.scoring.models import ResultRelease

TITLE = "合格人员花名册"
COLUMNS = ("序号", "姓名", "性别", "证件号码", "职业（工种）/专项", "等级", "成绩", "成绩等级", "证书编号", "考核日期")
PAGE = landscape(A4)
TEXT_WIDTH = PAGE[0] - 2 * MARGIN
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class RosterRow:
    index: int
    name: str
    gender: str
    id_number: str
    item_name: str
    level: str
    total: Decimal | None
    grade: str
    certificate_number: str  # "" before issuing; the current certificate (a replacement once replaced)
    certificate_status: str  # Certificate.Status value, "" before issuing
    exam_date: date

    def certificate_text(self, separator: str = "") -> str:
        """The number as the roster prints it: a certificate no longer valid says so."""
        if self.certificate_number and self.certificate_status and self.certificate_status != Certificate.Status.VALID:
            return f"{self.certificate_number}{separator}（{Certificate.Status(self.certificate_status).label}）"
        return self.certificate_number

    @property
    def total_text(self) -> str:
        if self.total is None:
            return ""
        return f"{self.total.normalize():f}"

    def cells(self, *, separator: str = "") -> list:
        return [self.index, self.name, self.gender, self.id_number, self.item_name, self.level,
                self.total_text, self.grade, self.certificate_text(separator), f"{self.exam_date:%Y-%m-%d}"]


@dataclass(frozen=True)
class Roster:
    plan: Plan
    release: ResultRelease
    rows: list[RosterRow]
    generated_on: date

    @property
    def passed(self) -> int:
        return len(self.rows)

    @property
    def issued(self) -> int:
        return sum(1 for row in self.rows if row.certificate_number)

    @property
    def counts_text(self) -> str:
        text = f"合格 {self.passed} 人"
        if self.issued:
            text += f"，已发证 {self.issued} 人"
        elif self.passed:
            text += "，证书尚未核发"
        return text

    def header_lines(self) -> list[tuple[str, str]]:
        plan = self.plan
        return [
            ("考核计划", plan.name),
            ("考核机构", plan.institution.name),
            ("审核（发证）中心", plan.reviewing_center.name),
            ("考核日期", f"{self.release.exam_end:%Y-%m-%d}"),
            ("成绩状态", self.release.get_status_display()),
            ("人数", self.counts_text),
            ("制表日期", f"{self.generated_on:%Y-%m-%d}"),
        ]


def roster_build(plan: Plan, *, today: date | None = None) -> Roster:
    """The roster of a plan the caller may see. Refused (R-SC24-9) while its results are not approved:
    until the center has reviewed them, "passed" is only the institution's claim."""
    release = ResultRelease.objects.filter(plan=plan).first()
    if release is None or release.status not in selectors.ROSTER_RELEASE_STATES:
        state = release.get_status_display() if release else "尚未录入"
        raise RuleViolation("R-SC24-9", f"{plan.name}的成绩当前为“{state}”；"
                                        "鉴定中心审核通过成绩后才能生成合格人员花名册")
    rows = []
    for index, result in enumerate(selectors.plan_passed_results(plan=plan).iterator(chunk_size=2000), start=1):
        application = result.application
        candidate, item = application.candidate, application.item
        special = bool(item.special_item_id)
        rows.append(RosterRow(
            index=index, name=candidate.name, gender=candidate.gender, id_number=candidate.id_number,
            item_name=item.special_item.name if special else item.occupation.name,
            level="专项职业能力" if special else LEVEL_NAMES.get(item.level, ""),
            total=result.total, grade=result.grade if special else "",
            certificate_number=result.certificate_number or "", certificate_status=result.certificate_status or "",
            exam_date=release.exam_end,
        ))
    return Roster(plan=plan, release=release, rows=rows, generated_on=today or timezone.localdate())


# --- Excel ------------------------------------------------------------------------------------------

HEADER_FILL = PatternFill("solid", fgColor="F1F3F5")
THIN = Side(style="thin", color="999999")
BOX = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
XLSX_WIDTHS = (6, 12, 6, 22, 24, 16, 8, 10, 26, 12)
TEXT_COLUMNS = (4, 9)  # ID and certificate numbers: text, or Excel turns 18 digits into 5.1E+17


def roster_xlsx(plan: Plan, *, roster: Roster | None = None) -> bytes:
    """The roster as an .xlsx: the title, the plan's particulars, then the table (its header row repeats on
    every printed page; landscape, fitted to the page width)."""
    roster = roster or roster_build(plan)
    book = Workbook()
    sheet = book.active
    sheet.title = TITLE
    sheet.append([TITLE])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet["A1"].alignment = Alignment(horizontal="center")
    for label, value in roster.header_lines():
        sheet.append([f"{label}：{value}"])
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=len(COLUMNS))
    sheet.append([])
    sheet.append(list(COLUMNS))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in roster.rows:
        values = row.cells()
        values[6] = row.total  # a number in Excel, so the center can sum and sort
        sheet.append(values)
        for column, cell in enumerate(sheet[sheet.max_row], start=1):
            cell.border = BOX
            if column in TEXT_COLUMNS:
                cell.number_format = TEXT_FORMAT
    for index, width in enumerate(XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddFooter.center.text = "第 &P 页 共 &N 页"
    return workbook_bytes(book)


# --- PDF --------------------------------------------------------------------------------------------

PDF_WIDTHS_MM = (12, 24, 12, 40, 0, 26, 14, 18, 54, 22)  # 0: the rest of the width
PDF_ALIGN = ("center", "left", "center", "left", "left", "left", "right", "center", "left", "center")


def _cell_styles():
    """Table text a size smaller than the body: ten columns across the landscape page."""
    base = styles()
    return {
        "left": base["cell"].clone("roster_cell", fontSize=9, leading=12),
        "center": base["cell_center"].clone("roster_cell_center", fontSize=9, leading=12),
        "right": base["cell_right"].clone("roster_cell_right", fontSize=9, leading=12),
    }


def roster_pdf(plan: Plan, *, roster: Roster | None = None) -> bytes:
    """The roster as a PDF: A4 landscape, the table's header row repeated on every page, 第 x 页 共 y 页,
    places for both seals at the end."""
    roster = roster or roster_build(plan)
    cell = _cell_styles()
    widths = [w * mm for w in PDF_WIDTHS_MM]
    widths[4] = TEXT_WIDTH - sum(widths)
    header = [para(title, cell["center"]) for title in COLUMNS]
    rows = [[para(str(value), cell[PDF_ALIGN[i]]) for i, value in enumerate(row.cells(separator="\n"))]
            for row in roster.rows]
    table = grid_table(header, rows, widths=widths, align=PDF_ALIGN) if rows else para("本计划无合格人员。")
    pairs = roster.header_lines()
    particulars = label_value_table(pairs[1:3], label_width=36 * mm, width=TEXT_WIDTH)  # the plan is the subtitle
    facts = grid_table([label for label, _ in pairs[3:]], [[value for _, value in pairs[3:]]],
                       widths=[TEXT_WIDTH / 4] * 4, align=["center"] * 4)
    story = [
        para(TITLE, "title"),
        para(plan.name, "subtitle"),
        particulars,
        spacer(2),
        facts,
        spacer(4),
        table,
        spacer(6),
        KeepTogether([signature_block([("考核机构（盖章）：", "鉴定中心审核意见（盖章）："),
                                       ("经办人：", "审核人："),
                                       ("          年      月      日", "          年      月      日")],
                                      width=TEXT_WIDTH, row_height_mm=12)]),
    ]
    return pdf_build(story, title=TITLE, subject=plan.name, generated_at=timezone.localtime(),
                     footer_note=f"{plan.name} · 含个人信息，仅限考务使用", page_size=PAGE)
