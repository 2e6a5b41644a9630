"""The documents of a room and a session, and of a plan, built on `kaowu.core.pdf` (platypus):

- `door_list_pdf(room, session)` 考场门贴: posted on the door, so ID numbers are masked;
- `signin_sheet_pdf(room, session)` 签到表: photo, name, masked ID, ticket number, a column to sign,
  and 应到/实到/缺考 to fill in. The ID number is masked because every candidate who signs reads the
  sheet; the invigilator checks identity against the ticket (full number) and the ID card;
- `seat_labels_pdf(room, session)` 座位贴: one label per seat to stick on the desk or station;
- `preparation_notice_pdf(plan)` 考核准备通知单 (R-FJ-1b, 002 §一(五)): per session the rooms, their
  places and candidates, what each room must have (Room.note, its equipment, its stations) and the
  general set-up the site must do;
- the Excel lists are in `excel.py`.
"""

from dataclasses import dataclass
from io import BytesIO

from django.core.files.storage import default_storage
from django.db.models import Count
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Image, KeepTogether, PageBreak, Table

from kaowu.arrangement.models import AdmissionTicket, SeatAssignment
from kaowu.catalog.policy import policy_active
from kaowu.core.ids import id_mask
from kaowu.core.pdf import (
    TEXT_WIDTH,
    grid_table,
    label_value_table,
    para,
    pdf_build,
    signature_block,
    spacer,
    styles,
)
from kaowu.core.pdf.document import GRID_COLOUR, _table_style
from kaowu.plans.models import Plan, Session
from kaowu.sites.models import Equipment, Room, RoomKind


@dataclass(frozen=True)
class RosterRow:
    seat: int
    name: str
    id_label: str
    id_number: str
    ticket: str
    photo_name: str


def session_label(session: Session) -> str:
    subject = session.subject.name if session.subject_id else "考核"
    return f"{session.item} · {subject}"


def day_label(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def session_time(session: Session) -> str:
    return f"{day_label(session.date)} {session.start:%H:%M}–{session.end:%H:%M}"


def place_label(room: Room) -> str:
    return "工位号" if room.kind == RoomKind.PRACTICAL else "座位号"


def place_text(room: Room, number: int) -> str:
    """A candidate's place as the ticket says it: a seat, or in a practical room the order of entry
    (the station is drawn by lot on the day, R-FJ-16)."""
    return f"序号 {number:02d}（工位抽签）" if room.kind == RoomKind.PRACTICAL else f"座位号 {number:02d}"


def roster_rows(room: Room, session: Session) -> list[RosterRow]:
    """The candidates seated in `room` for `session`, by seat, with their valid ticket number."""
    seats = list(SeatAssignment.objects.filter(room=room, session=session)
                 .select_related("application__candidate").order_by("seat_number"))
    tickets = dict(AdmissionTicket.objects.filter(application_id__in=[s.application_id for s in seats],
                                                  status=AdmissionTicket.Status.VALID)
                   .values_list("application_id", "number"))
    return [RosterRow(seat=s.seat_number, name=s.application.candidate.name,
                      id_label=s.application.candidate.get_id_type_display(),
                      id_number=s.application.candidate.id_number, ticket=tickets.get(s.application_id, ""),
                      photo_name=s.application.candidate.photo.name or "") for s in seats]


def plan_room_sessions(plan: Plan) -> list[tuple[Session, Room, int]]:
    """(session, room, candidates seated) for every room of every session of the plan: the rooms the
    session lists and the rooms it has seats in."""
    counts = {(row["session"], row["room"]): row["n"] for row in
              SeatAssignment.objects.filter(session__plan=plan).values("session", "room").annotate(n=Count("id"))}
    sessions = list(plan.sessions.select_related("item__occupation", "item__special_item", "subject")
                    .prefetch_related("rooms__site"))
    extra_rooms = Room.objects.filter(pk__in={room for _, room in counts}).select_related("site")
    rooms_by_id = {room.pk: room for room in extra_rooms}
    rows = []
    for session in sessions:
        rooms = {room.pk: room for room in session.rooms.all()}
        for (session_id, room_id) in counts:
            if session_id == session.pk:
                rooms.setdefault(room_id, rooms_by_id[room_id])
        for room in sorted(rooms.values(), key=lambda r: (r.site.name, r.name)):
            rows.append((session, room, counts.get((session.pk, room.pk), 0)))
    return rows


def _seat_range(rows: list[RosterRow]) -> str:
    if not rows:
        return "—"
    return f"{rows[0].seat:02d}–{rows[-1].seat:02d}"


def door_list_pdf(room: Room, session: Session) -> bytes:
    """考场门贴: room, session, subject, time, seat range, and seat · name · masked ID in two columns."""
    rows = roster_rows(room, session)
    now = timezone.localtime()
    label = place_label(room)
    story = [
        para(f"{room.site.name}", "subtitle"),
        para(room.name, styles()["title"].clone("door_room", fontSize=34, leading=44, spaceAfter=2 * mm)),
        spacer(2),
        label_value_table([
            ("考核项目", str(session.item)),
            ("科目", session.subject.name if session.subject_id else "考核"),
            ("考试时间", session_time(session)),
            (f"{label}范围", f"{_seat_range(rows)}（共{len(rows)}人）"),
        ]),
        spacer(4),
    ]
    half = (len(rows) + 1) // 2
    widths = [14 * mm, 24 * mm, TEXT_WIDTH / 2 - 38 * mm - 2 * mm]
    header = [label[:2], "姓名", "证件号码"]

    def table(part):
        return grid_table(header, [[f"{r.seat:02d}", r.name, id_mask(r.id_number)] for r in part] or [["", "", ""]],
                          widths=widths, align=["center", "left", "left"])

    pair = Table([[table(rows[:half]), table(rows[half:]) if rows[half:] else ""]],
                 colWidths=[TEXT_WIDTH / 2, TEXT_WIDTH / 2])
    pair.setStyle(_table_style(("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 2 * mm)))
    story.append(pair)
    story += [spacer(4), para("请考生核对本人姓名与座位号，凭准考证和有效身份证件入场。", "small")]
    return pdf_build(story, title="考场门贴", subject=f"{room} {session_time(session)}", generated_at=now,
                     footer_note=f"{room.site.name} {room.name}")


def _photo(name: str, width: float, height: float):
    if name:
        try:
            with default_storage.open(name, "rb") as handle:
                return Image(BytesIO(handle.read()), width=width, height=height)
        except (OSError, ValueError):
            pass
    return para("无照片", "cell_center")


def signin_sheet_pdf(room: Room, session: Session) -> bytes:
    """签到表: seat, photo, name, masked ID, ticket number and a column to sign; the counts below."""
    rows = roster_rows(room, session)
    now = timezone.localtime()
    label = place_label(room)
    photo_w, photo_h = 13 * mm, 13 * mm * 110 / 90
    widths = [13 * mm, 17 * mm, 24 * mm, 42 * mm, 36 * mm]
    widths.append(TEXT_WIDTH - sum(widths))
    table = grid_table(
        [label[:2], "照片", "姓名", "证件号码", "准考证号", "考生签名"],
        [[f"{r.seat:02d}", _photo(r.photo_name, photo_w, photo_h), r.name, id_mask(r.id_number), r.ticket, ""]
         for r in rows] or [["", "", "", "", "", ""]],
        widths=widths, align=["center", "center", "left", "left", "left", "left"],
    )
    story = [
        para("考生签到表", "title"),
        para(session.plan.name, "subtitle"),
        label_value_table([
            ("考点 · 考场", f"{room.site.name} · {room.name}"),
            ("考核项目 · 科目", session_label(session)),
            ("考试时间", session_time(session)),
        ], label_width=32 * mm),
        spacer(3),
        table,
        spacer(4),
        KeepTogether([
            grid_table(["应到（人）", "实到（人）", "缺考（人）", f"缺考考生{label}"], [[len(rows), "", "", ""]],
                       widths=[28 * mm, 28 * mm, 28 * mm, TEXT_WIDTH - 84 * mm],
                       align=["center", "center", "center", "left"]),
            spacer(6),
            signature_block([("监考员（签名）：", "监考员（签名）："), ("", "          年      月      日")],
                            row_height_mm=12),
        ]),
    ]
    return pdf_build(story, title="考生签到表", subject=f"{room} {session_time(session)}", generated_at=now,
                     footer_note=f"{room.site.name} {room.name} · {session.date:%Y-%m-%d} {session.start:%H:%M}")


LABEL_COLUMNS, LABEL_ROWS = 3, 7


def seat_labels_pdf(room: Room, session: Session) -> bytes:
    """座位贴: labels of 3 × 7 per page, dashed lines to cut along. In a desk room one label per seated
    candidate (seat number large, name, ticket number); in a practical room one label per station and
    no names, since the station is drawn by lot on the day (R-FJ-16)."""
    now = timezone.localtime()
    base = styles()
    number_style = base["title"].clone("label_number", fontSize=30, leading=34, spaceAfter=0)
    name_style = base["cell_center"].clone("label_name", fontSize=15, leading=20)
    small_style = base["cell_center"].clone("label_small", fontSize=8.5, leading=11,
                                            textColor=colors.HexColor("#495057"))
    when = f"{session.date.month}月{session.date.day}日 {session.start:%H:%M}"
    if room.kind == RoomKind.PRACTICAL:
        numbers = list(room.stations.order_by("number").values_list("number", flat=True)) or list(
            range(1, room.capacity + 1))
        cells = [[para(f"{number:02d}", number_style), para("工位", name_style),
                  para(f"{room.site.name} {room.name}", small_style)] for number in numbers]
    else:
        subject = session.subject.name if session.subject_id else "考核"
        cells = [[para(f"{r.seat:02d}", number_style), para(r.name, name_style),
                  para(f"准考证号 {r.ticket or '—'}", small_style),
                  para(f"{room.name} · {subject} · {when}", small_style)] for r in roster_rows(room, session)]
    width = TEXT_WIDTH / LABEL_COLUMNS
    height = (297 * mm - 2 * 20 * mm - 8 * mm) / LABEL_ROWS
    per_page = LABEL_COLUMNS * LABEL_ROWS
    story: list = []
    for start in range(0, max(len(cells), 1), per_page):
        chunk = cells[start:start + per_page]
        grid = [chunk[i:i + LABEL_COLUMNS] for i in range(0, len(chunk), LABEL_COLUMNS)] or [[""]]
        for line in grid:
            line += [""] * (LABEL_COLUMNS - len(line))
        table = Table(grid, colWidths=[width] * LABEL_COLUMNS, rowHeights=[height] * len(grid))
        table.setStyle(_table_style(("GRID", (0, 0), (-1, -1), 0.5, GRID_COLOUR, None, (3, 3)),
                                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE")))
        if story:
            story.append(PageBreak())
        story.append(table)
    kind = "工位贴" if room.kind == RoomKind.PRACTICAL else "座位贴"
    return pdf_build(story, title=kind, subject=f"{room} {session_time(session)}", generated_at=now,
                     footer_note=f"{kind} · {room.site.name} {room.name} · {session_time(session)} · 沿虚线剪开")


SITE_SETUP = [
    "考场在考试前{days}天完成场地布置。",
    "粘贴考点标识，在警戒线外醒目位置张贴《考场规则》《违纪处罚规定》及考场分布图、考试时间表、考生须知。",
    "考核场地安全、整洁、卫生、明亮，设备仪器完好，工卡量具、原材料齐全，备有足够的设备检修工具。",
    "设置“非考试物品存放处”，集中存放考生携带的包、书籍、资料等物品；考试区域设警戒线，专人值守。",
    "考场布置固定或移动电子监控。",
    "每个考场安排监考员{invigilators}名；每个实操考场至少配备考评人员{assessors}名，设考评组长1名。",
]


def _places(room: Room, stations: dict[int, int], theory_max: int) -> str:
    """Places as the arrangement counts them: stations, or min(capacity, desks, the profile's maximum)."""
    if room.kind == RoomKind.PRACTICAL:
        return f"工位 {stations.get(room.pk) or room.capacity} 个"
    return f"座位 {min(room.capacity, room.desks or room.capacity, theory_max)} 个"


def preparation_notice_pdf(plan: Plan) -> bytes:
    """考核准备通知单 (R-FJ-1b): per session its rooms (places, candidates, set-up), then the equipment
    each room and site must provide, then the general set-up of 002 §一(五)."""
    now = timezone.localtime()
    profile = policy_active()
    rows = plan_room_sessions(plan)
    rooms = {room.pk: room for _, room, _ in rows}
    stations = dict(Room.objects.filter(pk__in=rooms).annotate(n=Count("stations")).values_list("pk", "n"))
    sites = list(plan.sites.all()) or sorted({room.site for room in rooms.values()}, key=lambda s: s.name)
    story = [
        para("考核准备通知单", "title"),
        para(plan.name, "subtitle"),
        label_value_table([
            ("签发", plan.reviewing_center.name),
            ("报名考核机构", plan.institution.name),
            ("考点", "；".join(f"{site.name}（{site.address}）" for site in sites) or "—"),
            ("考核日期", "、".join(day_label(day) for day in sorted({s.date for s, _, _ in rows})) or "—"),
            ("联系人", f"{plan.contact_name} {plan.contact_phone}"),
        ]),
        para("一、场次与考场", "heading"),
    ]
    widths = [48 * mm, 22 * mm, 24 * mm, 20 * mm]
    widths.append(TEXT_WIDTH - sum(widths))
    by_session: dict[int, list] = {}
    for session, room, count in rows:
        by_session.setdefault(session.pk, [session]).append((room, count))
    if not by_session:
        story.append(para("本计划尚未安排场次。"))
    for session, *room_rows in by_session.values():
        total = sum(count for _, count in room_rows)
        story.append(KeepTogether([
            para(f"{session_time(session)}　{session_label(session)}", "body"),
            spacer(1),
            grid_table(["考点 · 考场", "类别", "座位/工位", "编排人数", "布置要求"],
                       [[f"{room.site.name} · {room.name}", room.get_kind_display(),
                         _places(room, stations, profile.theory_room_capacity), count, room.note or "—"]
                        for room, count in room_rows],
                       widths=widths, align=["left", "center", "center", "right", "left"],
                       footer=["合计", "", "", total, ""]),
            spacer(3),
        ]))
    story.append(para("二、考点须准备的设施设备", "heading"))
    equipment = list(Equipment.objects.filter(site__in=[site.pk for site in sites])
                     .select_related("site", "room").order_by("site__name", "room__name", "name"))
    used = set(rooms)
    lines = [[e.site.name, e.room.name if e.room_id else "考点通用", e.name, e.model or "—", e.count]
             for e in equipment if e.room_id is None or e.room_id in used]
    if lines:
        eq_widths = [40 * mm, 30 * mm, 40 * mm, 35 * mm]
        eq_widths.append(TEXT_WIDTH - sum(eq_widths))
        story.append(grid_table(["考点", "考场", "设备名称", "型号规格", "数量"], lines, widths=eq_widths,
                                align=["left", "left", "left", "left", "right"]))
    else:
        story.append(para("考点尚未登记设施设备，请按考核规范准备，并在考点管理中登记（R-FJ-2）。"))
    station_rooms = [room for room in rooms.values() if room.kind == RoomKind.PRACTICAL]
    if station_rooms:
        story += [spacer(2), para("实操考场工位：" + "；".join(
            f"{room.site.name} {room.name} {stations.get(room.pk) or room.capacity} 个工位" for room in station_rooms)
            + "。工位由考生考前抽签确定（R-FJ-16）。", "small")]
    story.append(para("三、考场布置要求", "heading"))
    for number, text in enumerate(SITE_SETUP, start=1):
        story.append(para(f"{number}. " + text.format(days=profile.room_setup_days_before,
                                                      invigilators=profile.invigilators_per_room,
                                                      assessors=profile.min_assessors_per_practical_room)))
    story += [
        spacer(8),
        signature_block([("报名考核机构（考点）负责人（签收）：", "签收日期：        年      月      日")],
                        row_height_mm=16),
    ]
    return pdf_build(story, title="考核准备通知单", subject=plan.name, generated_at=now,
                     footer_note=f"计划编号 {plan.pk}")
