"""Pages and downloads of the arrangement documents: the candidate's ticket, the institution's batch
tickets and room lists, the preparation notice, the Excel lists, and the check-in page behind the
ticket's QR code.

Scope: a plan comes from `plans_visible_to` (institution staff their own plans, a center the plans it
reviews, the province all), so another institution's or city's plan is a 404. Every staff download
carries personal data and is audited; the candidate's download of their own ticket is not.
"""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_tasks_db.models import DBTaskResult

from kaowu.accounts.models import Organisation, Role
from kaowu.accounts.roles import OFFICE_ROLES
from kaowu.arrangement import documents, documents_excel, documents_lists
from kaowu.arrangement.documents_tasks import BACKGROUND_TICKETS, plan_tickets, tickets_batch_pdf
from kaowu.arrangement.models import AdmissionTicket, SeatAssignment
from kaowu.arrangement.ticket_signing import TicketSignatureError, ticket_payload_verify
from kaowu.core.downloads import private_download
from kaowu.core.ids import id_mask
from kaowu.core.jobs import job_start, job_status
from kaowu.core.permissions import role_required
from kaowu.core.selectors import job_progress_get_for_user
from kaowu.core.services import audit_record
from kaowu.plans.selectors import plan_get_for_user, plans_visible_to
from kaowu.registration.models import Application
from kaowu.registration.selectors import application_get_for_user
from kaowu.sites.models import Room

STAFF_ROLES = tuple(OFFICE_ROLES)
CHECKIN_ROLES = (*OFFICE_ROLES, Role.INVIGILATOR, Role.SUPERVISOR)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# An application in one of these states has no usable ticket, whatever its ticket row says.
APPLICATION_VOID = {Application.Status.WITHDRAWN, Application.Status.REFUNDED}


def _download(data, filename: str, content_type: str = "application/pdf") -> FileResponse:
    return private_download(data, filename=filename, content_type=content_type)


def _audit(request, document: str, target, **details) -> None:
    audit_record(action="arrangement.document_download", actor=request.user, target=target,
                 after={"document": document, **details})


# --- the candidate's ticket ---------------------------------------------------------------------

@require_GET
@login_required
def ticket_download(request, application_id: int):
    """The valid ticket of an application: the candidate's own, or for staff who can see it (audited).
    A withdrawn ticket is not served: the page says when and why it was withdrawn."""
    application = application_get_for_user(user=request.user, application_id=application_id)
    tickets = application.tickets.order_by("-issued_at")
    ticket = tickets.filter(status=AdmissionTicket.Status.VALID).first()
    if ticket is None or application.status in APPLICATION_VOID:
        withdrawn = tickets.filter(status=AdmissionTicket.Status.WITHDRAWN).order_by("-withdrawn_at").first()
        if ticket is None and withdrawn is None:
            raise Http404("该报名尚未发布准考证")
        return render(request, "arrangement/ticket_withdrawn.html", {
            "application": application, "ticket": ticket or withdrawn,
            "application_void": application.status in APPLICATION_VOID,
        }, status=410)
    pdf = documents.ticket_pdf([ticket], title=f"准考证 {ticket.number}")
    if request.user.role != Role.CANDIDATE:
        _audit(request, "ticket", ticket, application=application.pk)
    return _download(pdf, f"准考证-{ticket.number}.pdf")


# --- the institution's documents ------------------------------------------------------------------

def _plan(request, plan_id: int):
    return plan_get_for_user(user=request.user, plan_id=plan_id)


def _room_session(request, plan_id: int, session_id: int, room_id: int):
    plan = _plan(request, plan_id)
    session = get_object_or_404(plan.sessions.select_related("item__occupation", "item__special_item", "subject",
                                                             "plan"), pk=session_id)
    rooms = Room.objects.filter(Q(sessions=session) | Q(seats__session=session)).select_related("site").distinct()
    room = get_object_or_404(rooms, pk=room_id)
    return plan, session, room


@require_GET
@role_required(*STAFF_ROLES)
def documents_plan(request, plan_id: int):
    """The plan's documents: batch tickets, preparation notice and list, and per room and session the
    door list, sign-in sheet, seat labels and the list as Excel."""
    plan = _plan(request, plan_id)
    rows = documents_lists.plan_room_sessions(plan)
    rooms: dict[int, list] = {}
    for _, room, count in rows:
        rooms.setdefault(room.pk, [room, 0])[1] += count
    tickets = plan_tickets(plan).count()
    return render(request, "arrangement/documents_plan.html", {
        "plan": plan, "rows": rows, "rooms": list(rooms.values()), "tickets": tickets,
        "background": tickets > BACKGROUND_TICKETS, "background_limit": BACKGROUND_TICKETS,
    })


@require_GET
@role_required(*STAFF_ROLES)
def plan_tickets_pdf(request, plan_id: int):
    plan = _plan(request, plan_id)
    tickets = plan_tickets(plan)
    count = tickets.count()
    if count > BACKGROUND_TICKETS:
        messages.info(request, f"本计划共{count}张准考证，超过{BACKGROUND_TICKETS}张，请在后台生成后下载。")
        return redirect("arrangement_documents_plan", plan_id=plan.pk)
    pdf = documents.ticket_pdf(tickets, title=f"准考证 {plan.name}")
    _audit(request, "tickets_plan", plan, tickets=count)
    return _download(pdf, f"准考证-{plan.pk}-全部.pdf")


@require_POST
@role_required(*STAFF_ROLES)
def plan_tickets_batch(request, plan_id: int):
    plan = _plan(request, plan_id)
    job = job_start(task=tickets_batch_pdf, title=f"生成准考证（{plan.name}）", owner=request.user,
                    total=plan_tickets(plan).count(), plan_id=plan.pk, user_id=request.user.pk)
    return redirect("arrangement_documents_batch", task_id=job.task_id)


def _batch(request, task_id: str):
    """The user's own batch job and its plan (still in their scope); another task's id is a 404."""
    job = job_progress_get_for_user(user=request.user, task_id=task_id)
    enqueued = DBTaskResult.objects.filter(pk=job.task_id).values("task_path", "args_kwargs").first()
    if enqueued is None or enqueued["task_path"] != tickets_batch_pdf.module_path:
        raise Http404("不是准考证生成任务")
    plan = _plan(request, enqueued["args_kwargs"]["kwargs"]["plan_id"])
    return job, plan


@require_GET
@role_required(*STAFF_ROLES)
def batch_page(request, task_id: str):
    job, plan = _batch(request, task_id)
    return render(request, "arrangement/documents_batch.html", {"job": job, "plan": plan, "status": job_status(job)})


@require_GET
@role_required(*STAFF_ROLES)
def batch_progress(request, task_id: str):
    job, plan = _batch(request, task_id)
    return render(request, "arrangement/documents_batch_progress.html",
                  {"job": job, "plan": plan, "status": job_status(job)})


@require_GET
@role_required(*STAFF_ROLES)
def batch_file(request, task_id: str):
    """The stored batch PDF: only for the user who started it, while the plan is in their scope."""
    job, plan = _batch(request, task_id)
    result = job.result or {}
    if not result.get("file"):
        raise Http404("文件尚未生成")
    try:
        handle = default_storage.open(result["file"], "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("文件已不存在，请重新生成") from exc
    _audit(request, "tickets_plan", plan, tickets=result.get("count"), batch=task_id)
    return _download(handle, result.get("download_name") or f"准考证-{plan.pk}.pdf")


@require_GET
@role_required(*STAFF_ROLES)
def room_tickets_pdf(request, plan_id: int, room_id: int):
    """The tickets of everyone seated in a room in any session of the plan, by seat."""
    plan = _plan(request, plan_id)
    seats = (SeatAssignment.objects.filter(session__plan=plan, room_id=room_id)
             .order_by("session__date", "session__start", "seat_number").values_list("application_id", flat=True))
    order = list(dict.fromkeys(seats))
    if not order:
        raise Http404("该考场没有编排考生")
    room = get_object_or_404(Room.objects.select_related("site"), pk=room_id)
    tickets = {t.application_id: t for t in AdmissionTicket.objects.filter(
        application_id__in=order, status=AdmissionTicket.Status.VALID).select_related(
        "application__candidate", "application__item__occupation", "application__item__special_item",
        "application__plan__institution")}
    ordered = [tickets[a] for a in order if a in tickets]
    pdf = documents.ticket_pdf(ordered, title=f"准考证 {room}")
    _audit(request, "tickets_room", plan, room=room.pk, tickets=len(ordered))
    return _download(pdf, f"准考证-{plan.pk}-{room.name}.pdf")


def _room_document(kind: str, build, filename: str):
    @require_GET
    @role_required(*STAFF_ROLES)
    def view(request, plan_id: int, session_id: int, room_id: int):
        plan, session, room = _room_session(request, plan_id, session_id, room_id)
        pdf = build(room, session)
        _audit(request, kind, plan, room=room.pk, session=session.pk)
        return _download(pdf, f"{filename}-{room.name}-{session.date:%m%d}-{session.start:%H%M}.pdf")

    view.__name__ = kind
    view.__doc__ = f"{filename} of a room in a session."
    return view


door_list = _room_document("door_list", documents_lists.door_list_pdf, "考场门贴")
signin_sheet = _room_document("signin_sheet", documents_lists.signin_sheet_pdf, "签到表")
seat_labels = _room_document("seat_labels", documents_lists.seat_labels_pdf, "座位贴")


@require_GET
@role_required(*STAFF_ROLES)
def room_list_xlsx(request, plan_id: int, session_id: int, room_id: int):
    """A room's list for one session as Excel, with a column to sign (the sign-in list)."""
    plan, session, room = _room_session(request, plan_id, session_id, room_id)
    data, count = documents_excel.roster_xlsx(plan, room=room, session=session, signature=True)
    audit_record(action="arrangement.roster_export", actor=request.user, target=plan,
                 after={"rows": count, "room": room.pk, "session": session.pk})
    return _download(data, f"考生名单-{room.name}-{session.date:%m%d}-{session.start:%H%M}.xlsx", XLSX)


@require_GET
@role_required(*STAFF_ROLES)
def plan_roster_xlsx(request, plan_id: int):
    plan = _plan(request, plan_id)
    data, count = documents_excel.roster_xlsx(plan)
    audit_record(action="arrangement.roster_export", actor=request.user, target=plan, after={"rows": count})
    return _download(data, f"考生名单-{plan.pk}.xlsx", XLSX)


@require_GET
@role_required(*STAFF_ROLES)
def preparation_notice(request, plan_id: int):
    plan = _plan(request, plan_id)
    pdf = documents_lists.preparation_notice_pdf(plan)
    _audit(request, "preparation_notice", plan)
    return _download(pdf, f"考核准备通知单-{plan.pk}.pdf")


# --- check-in ---------------------------------------------------------------------------------------

def checkin_allowed(user, plan) -> bool:
    """Who may check tickets at the door: staff and invigilators of the plan's institution, the centers
    that see the plan (its reviewing center, the institution's city, the province) and supervisors of
    those centers."""
    if user.role in OFFICE_ROLES:
        return plans_visible_to(user).filter(pk=plan.pk).exists()
    if user.role == Role.INVIGILATOR:
        return user.organisation_id == plan.institution_id
    if user.role == Role.SUPERVISOR and user.organisation_id:
        organisation: Organisation = user.organisation
        return (organisation.kind == Organisation.Kind.PROVINCE
                or organisation.pk == plan.reviewing_center_id
                or plan.institution.path.startswith(organisation.path))
    return False


def _photo_data_uri(candidate) -> str:
    if not candidate.photo:
        return ""
    try:
        with candidate.photo.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(data).decode()


@require_GET
@role_required(*CHECKIN_ROLES)
def checkin(request):
    """The page the ticket's QR code opens: is the ticket genuine and valid, and whose is it."""
    raw = request.GET.get("t", "").strip()
    if not raw:
        return render(request, "arrangement/checkin.html", {"empty": True})
    try:
        number = ticket_payload_verify(raw)
        ticket = AdmissionTicket.objects.select_related(
            "application__candidate", "application__plan__institution", "application__item__occupation",
            "application__item__special_item").get(number=number)
    except (TicketSignatureError, AdmissionTicket.DoesNotExist):
        audit_record(action="arrangement.checkin_failed", actor=request.user, after={"payload": raw[:120]})
        return render(request, "arrangement/checkin.html", {"failed": True}, status=400)
    application = ticket.application
    if not checkin_allowed(request.user, application.plan):
        raise Http404("无权核验该准考证")
    candidate = application.candidate
    seats = list(SeatAssignment.objects.filter(application=application)
                 .select_related("session__subject", "room__site").order_by("session__date", "session__start"))
    valid = ticket.status == AdmissionTicket.Status.VALID and application.status not in APPLICATION_VOID
    audit_record(action="arrangement.checkin", actor=request.user, target=ticket,
                 after={"number": ticket.number, "valid": valid})
    return render(request, "arrangement/checkin.html", {
        "ticket": ticket, "application": application, "candidate": candidate, "valid": valid,
        "id_masked": id_mask(candidate.id_number), "photo": _photo_data_uri(candidate),
        "seats": [(seat, documents_lists.place_text(seat.room, seat.seat_number)) for seat in seats],
    })
