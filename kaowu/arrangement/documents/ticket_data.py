"""What an admission ticket says, read in bulk: the candidate notes (考生须知) and one `TicketPage` per
ticket with its seats, so that drawing (`documents.py`) touches no database."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, time

from kaowu.arrangement.models import AdmissionTicket, SeatAssignment
from kaowu.catalog.models.catalogue import LEVEL_LABELS
from kaowu.sites.models import RoomKind

CHUNK = 400  # tickets read from the database at a time (and the IN list of their seats)


def candidate_notes(profile) -> list[str]:
    """考生须知: the timings of R-FJ-16 from the policy profile and the rules of 002 附件5 (考场规则),
    shortened but not changed in substance."""
    entry, gather, stay = profile.entry_minutes_before, profile.gather_minutes_before, profile.no_leave_minutes
    return [
        f"考前{entry}分钟，凭本准考证和有效身份证件（身份证、护照）进入指定候考区，在监考员和考务工作人员组织下"
        "明确本场考核安排。",
        "只准携带考生通知单规定自备的材料进入考室；书籍、报纸、稿纸、提包和手机、智能手表、平板电脑等电子设备"
        "不得带入，已带来的应放在“非考试物品存放处”。",
        f"考前{gather}分钟到指定地点集合，抽取工位，领取试卷、考核用具和材料后进入考核区，迅速就位，做考核前准备。",
        "考核前检查所用设备、工具、材料，发现缺少、损坏或安全隐患，及时向考评人员报告。",
        "考核信号发出后方可作业。考核中不得询问题意、工艺和作业方法；试卷（图纸）印刷、装订、分发有误或字迹"
        "不清的，在工位举手示意，待考评人员走近后轻声反映，不得擅自离开工位。",
        f"开考{stay}分钟后方可出考核区；离开时不得与其他考生交流，出考核区后不得再次进入，不得在附近逗留谈论。",
        "不得顶替代作、调包换件、互借考核用品，不得用语言、文字、动作交流，不得窥视他人作业，不得串岗、换岗，"
        "不得为他人提供作弊条件。考核区内保持安静和清洁，禁止吸烟、吃东西、扔纸屑。",
        "特殊情况需短时离开考核区的，在不出考点的前提下由一名同性监考员陪同，考试时间不予补回；突发疾病经确认"
        "不能继续考试的，可离开考核区就医，不再返回续考，成绩按已作业部分评判。",
        "完成作业后打扫、整理工位，考核用具清洁收齐放在工位上，试件放在指定位置，举手请考评人员登记验收，"
        "经允许后立即退出考核区。不得在试件上做任何标记，否则作业成绩按零分处理；须按安全文明生产要求和操作"
        "规程独立完成。",
        "考核结束信号发出后立即停止作业，退出考核区，严禁带走试卷（图纸）、试件、草稿纸。",
        "遵守考核纪律，维护候考区、考核区秩序，尊重执考人员；扰乱秩序或用语言、行为威胁执考人员的，取消考核"
        "资格，作业成果作废，情节严重的交公安部门依法处置。",
    ]


@dataclass(frozen=True)
class SeatLine:
    subject: str
    day: date
    start: time
    end: time
    site_name: str
    site_address: str
    room_name: str
    room_kind: str
    seat_number: int

    @property
    def practical(self) -> bool:
        return self.room_kind == RoomKind.PRACTICAL

    @property
    def place(self) -> str:
        # In a practical room the number is the order of entry; the station is drawn by lot (R-FJ-16).
        return f"序号 {self.seat_number:02d}" if self.practical else f"{self.seat_number:02d}号座位"


@dataclass
class TicketPage:
    """Everything one ticket page shows, read in bulk so that drawing touches no database."""

    number: str
    status: str
    name: str
    id_label: str
    id_number: str
    item_label: str
    item_name: str
    level: str
    plan_name: str
    assessment: str
    institution_id: int
    institution_name: str
    contact: str
    photo_name: str = ""  # in default_storage; no photo: the ticket says 照片
    seal_name: str = ""  # the institution's seal image in default_storage; none: a seal specimen
    seats: list[SeatLine] = field(default_factory=list)


def _subject_label(session) -> str:
    if session.subject_id:
        return session.subject.name
    return "考核"


def ticket_pages(tickets: Iterable[AdmissionTicket], *, chunk: int = CHUNK) -> Iterator[TicketPage]:
    """The pages of `tickets` (a queryset or a list), read `chunk` at a time with their seats."""
    batch: list[AdmissionTicket] = []
    source = tickets
    if hasattr(tickets, "select_related"):
        source = tickets.select_related(
            "application__candidate", "application__item__occupation", "application__item__special_item",
            "application__plan__institution").iterator(chunk_size=chunk)
    for ticket in source:
        batch.append(ticket)
        if len(batch) >= chunk:
            yield from _pages_of(batch)
            batch = []
    if batch:
        yield from _pages_of(batch)


def _pages_of(tickets: list[AdmissionTicket]) -> Iterator[TicketPage]:
    seats: dict[int, list[SeatLine]] = {}
    rows = (SeatAssignment.objects.filter(application_id__in=[t.application_id for t in tickets])
            .select_related("session__subject", "room__site").order_by("session__date", "session__start", "pk"))
    for seat in rows:
        session, room = seat.session, seat.room
        seats.setdefault(seat.application_id, []).append(SeatLine(
            subject=_subject_label(session), day=session.date, start=session.start, end=session.end,
            site_name=room.site.name, site_address=room.site.address, room_name=room.name, room_kind=room.kind,
            seat_number=seat.seat_number))
    for ticket in tickets:
        application = ticket.application
        candidate, item, plan = application.candidate, application.item, application.plan
        if item.special_item_id:
            item_label, item_name, level = "考核项目", item.special_item.name, "专项职业能力"
        else:
            item_label, item_name, level = "报考职业（工种）", item.occupation.name, LEVEL_LABELS[item.level]
        yield TicketPage(
            number=ticket.number, status=ticket.status, name=candidate.name,
            id_label=candidate.get_id_type_display(), id_number=candidate.id_number, item_label=item_label,
            item_name=item_name, level=level, plan_name=plan.name, assessment=plan.get_assessment_type_display(),
            institution_id=plan.institution_id, institution_name=plan.institution.name,
            contact=f"{plan.contact_name} {plan.contact_phone}".strip(), photo_name=candidate.photo.name or "",
            seal_name=plan.institution.seal.name or "", seats=seats.get(application.pk, []))
