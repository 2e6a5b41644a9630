"""The 考生名单 as Excel: a plan's, or a room's in one session with a column to sign (the sign-in list).
Full ID numbers: for staff only, and `services.roster_export` audits every export."""

from collections.abc import Iterable
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from kaowu.arrangement.documents.lists import session_time
from kaowu.arrangement.models import SeatAssignment
from kaowu.plans.models import Plan, Session
from kaowu.sites.models import Room

HEADER_FILL = PatternFill("solid", fgColor="F1F3F5")
THIN = Side(style="thin", color="999999")


def roster_xlsx(plan: Plan, *, seats: Iterable[SeatAssignment], tickets: dict[int, str], room: Room | None = None,
                session: Session | None = None, signature: bool = False) -> tuple[bytes, int]:
    """考生名单 as Excel: session, room, seat, name, ID number, ticket number (+ a column to sign for a
    room's sign-in list); the whole plan or one room and session. `seats` and `tickets` (application id →
    number) come from the selectors. Returns (bytes, rows)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "考生名单"
    header = ["序号", "考试日期", "考试时间", "考核项目", "科目", "考点", "考场", "座位号/工位号", "姓名", "证件类型",
              "证件号码", "准考证号"]
    if signature:
        header.append("考生签名")
    title = plan.name if room is None else f"{plan.name} · {room.site.name} {room.name}"
    if session is not None:
        title += f" · {session_time(session)}"
    sheet.append([title])
    sheet.append(header)
    sheet["A1"].font = Font(bold=True, size=13)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
        cell.alignment = Alignment(horizontal="center")
    count = 0
    for count, seat in enumerate(seats, start=1):
        s, candidate = seat.session, seat.application.candidate
        row = [count, f"{s.date:%Y-%m-%d}", f"{s.start:%H:%M}-{s.end:%H:%M}", str(s.item),
               s.subject.name if s.subject_id else "", seat.room.site.name, seat.room.name, seat.seat_number,
               candidate.name, candidate.get_id_type_display(), candidate.id_number,
               tickets.get(seat.application_id, "")]
        if signature:
            row.append("")
        sheet.append(row)
    widths = [6, 12, 13, 24, 12, 22, 12, 8, 12, 12, 22, 18, 16]
    for index, width in enumerate(widths[:len(header)], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if signature:
        for row in sheet.iter_rows(min_row=3):
            row[-1].border = Border(bottom=THIN)
        for index in range(3, count + 3):
            sheet.row_dimensions[index].height = 24
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue(), count
