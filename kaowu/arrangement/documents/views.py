"""Pages and downloads of the arrangement documents: the candidate's ticket, the institution's batch
tickets and room lists, the preparation notice and the Excel lists (the check-in page behind the ticket's
QR code is in `arrangement.checkin`).

Scope: a plan comes from `plans_visible_to` (institution staff their own plans, a center the plans it
reviews, the province all), so another institution's or city's plan is a 404. Every staff download
carries personal data and is audited (by `documents.services`); the candidate's download of their own
ticket is not.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from kaowu.accounts.roles import OFFICE_ROLES
from kaowu.arrangement.documents import lists, selectors, services
from kaowu.arrangement.documents.selectors import APPLICATION_VOID
from kaowu.arrangement.documents.tasks import BACKGROUND_TICKETS, tickets_batch_pdf
from kaowu.arrangement.documents.tickets import ticket_pdf
from kaowu.core.downloads import job_file_download, private_download
from kaowu.core.jobs import job_start, job_status
from kaowu.core.permissions import role_required
from kaowu.plans.selectors import plan_get_for_user
from kaowu.registration.selectors import application_get_for_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data, filename: str, content_type: str = "application/pdf") -> FileResponse:
    return private_download(data, filename=filename, content_type=content_type)


def _audit(request, document: str, target, **details) -> None:
    services.document_download_record(by=request.user, target=target, document=document, **details)


# --- the candidate's ticket ---------------------------------------------------------------------

@require_GET
@login_required
def ticket_download(request, application_id: int):
    """The valid ticket of an application: the candidate's own, or for staff who can see it (audited).
    A withdrawn ticket is not served: the page says when and why it was withdrawn."""
    application = application_get_for_user(user=request.user, application_id=application_id)
    ticket, withdrawn = selectors.application_ticket_latest(application)
    if ticket is None or application.status in APPLICATION_VOID:
        if ticket is None and withdrawn is None:
            raise Http404("该报名尚未发布准考证")
        return render(request, "arrangement/ticket_withdrawn.html", {
            "application": application, "ticket": ticket or withdrawn,
            "application_void": application.status in APPLICATION_VOID,
        }, status=410)
    pdf = ticket_pdf([ticket], title=f"准考证 {ticket.number}")
    services.ticket_download_record(by=request.user, ticket=ticket)
    return _download(pdf, f"准考证-{ticket.number}.pdf")


# --- the institution's documents ------------------------------------------------------------------

def _plan(request, plan_id: int):
    return plan_get_for_user(user=request.user, plan_id=plan_id)


def _room_session(request, plan_id: int, session_id: int, room_id: int):
    return selectors.room_session_get_for_user(user=request.user, plan_id=plan_id, session_id=session_id,
                                               room_id=room_id)


@require_GET
@role_required(*OFFICE_ROLES)
def documents_plan(request, plan_id: int):
    """The plan's documents: batch tickets, preparation notice and list, and per room and session the
    door list, sign-in sheet, seat labels and the list as Excel."""
    plan = _plan(request, plan_id)
    rows = lists.plan_room_sessions(plan)
    rooms: dict[int, list] = {}
    for _, room, count in rows:
        rooms.setdefault(room.pk, [room, 0])[1] += count
    tickets = selectors.plan_tickets(plan).count()
    return render(request, "arrangement/documents_plan.html", {
        "plan": plan, "rows": rows, "rooms": list(rooms.values()), "tickets": tickets,
        "background": tickets > BACKGROUND_TICKETS, "background_limit": BACKGROUND_TICKETS,
    })


@require_GET
@role_required(*OFFICE_ROLES)
def plan_tickets_pdf(request, plan_id: int):
    plan = _plan(request, plan_id)
    tickets = selectors.plan_tickets(plan)
    count = tickets.count()
    if count > BACKGROUND_TICKETS:
        messages.info(request, f"本计划共{count}张准考证，超过{BACKGROUND_TICKETS}张，请在后台生成后下载。")
        return redirect("arrangement_documents_plan", plan_id=plan.pk)
    pdf = ticket_pdf(tickets, title=f"准考证 {plan.name}")
    _audit(request, "tickets_plan", plan, tickets=count)
    return _download(pdf, f"准考证-{plan.pk}-全部.pdf")


@require_POST
@role_required(*OFFICE_ROLES)
def plan_tickets_batch(request, plan_id: int):
    plan = _plan(request, plan_id)
    job = job_start(task=tickets_batch_pdf, title=f"生成准考证（{plan.name}）", owner=request.user,
                    total=selectors.plan_tickets(plan).count(), plan_id=plan.pk, user_id=request.user.pk)
    return redirect("arrangement_documents_batch", task_id=job.task_id)


def _batch(request, task_id: str):
    """The user's own batch job and its plan (still in their scope); another task's id is a 404."""
    return selectors.ticket_batch_get_for_user(user=request.user, task_id=task_id,
                                               task_path=tickets_batch_pdf.module_path)


@require_GET
@role_required(*OFFICE_ROLES)
def batch_page(request, task_id: str):
    job, plan = _batch(request, task_id)
    return render(request, "arrangement/documents_batch.html", {"job": job, "plan": plan, "status": job_status(job)})


@require_GET
@role_required(*OFFICE_ROLES)
def batch_progress(request, task_id: str):
    job, plan = _batch(request, task_id)
    return render(request, "arrangement/documents_batch_progress.html",
                  {"job": job, "plan": plan, "status": job_status(job)})


@require_GET
@role_required(*OFFICE_ROLES)
def batch_file(request, task_id: str):
    """The stored batch PDF: only for the user who started it, while the plan is in their scope."""
    job, plan = _batch(request, task_id)
    response = job_file_download(job.result, default_name=f"准考证-{plan.pk}.pdf", regenerate="重新生成")
    _audit(request, "tickets_plan", plan, tickets=(job.result or {}).get("count"), batch=task_id)
    return response


@require_GET
@role_required(*OFFICE_ROLES)
def room_tickets_pdf(request, plan_id: int, room_id: int):
    """The tickets of everyone seated in a room in any session of the plan, by seat."""
    plan = _plan(request, plan_id)
    room, ordered = selectors.room_tickets(plan=plan, room_id=room_id)
    pdf = ticket_pdf(ordered, title=f"准考证 {room}")
    _audit(request, "tickets_room", plan, room=room.pk, tickets=len(ordered))
    return _download(pdf, f"准考证-{plan.pk}-{room.name}.pdf")


def _room_document(kind: str, build, filename: str):
    @require_GET
    @role_required(*OFFICE_ROLES)
    def view(request, plan_id: int, session_id: int, room_id: int):
        plan, session, room = _room_session(request, plan_id, session_id, room_id)
        pdf = build(room, session)
        _audit(request, kind, plan, room=room.pk, session=session.pk)
        return _download(pdf, f"{filename}-{room.name}-{session.date:%m%d}-{session.start:%H%M}.pdf")

    view.__name__ = kind
    view.__doc__ = f"{filename} of a room in a session."
    return view


door_list = _room_document("door_list", lists.door_list_pdf, "考场门贴")
signin_sheet = _room_document("signin_sheet", lists.signin_sheet_pdf, "签到表")
seat_labels = _room_document("seat_labels", lists.seat_labels_pdf, "座位贴")


@require_GET
@role_required(*OFFICE_ROLES)
def room_list_xlsx(request, plan_id: int, session_id: int, room_id: int):
    """A room's list for one session as Excel, with a column to sign (the sign-in list)."""
    plan, session, room = _room_session(request, plan_id, session_id, room_id)
    data = services.roster_export(plan=plan, by=request.user, room=room, session=session)
    return _download(data, f"考生名单-{room.name}-{session.date:%m%d}-{session.start:%H%M}.xlsx", XLSX)


@require_GET
@role_required(*OFFICE_ROLES)
def plan_roster_xlsx(request, plan_id: int):
    plan = _plan(request, plan_id)
    data = services.roster_export(plan=plan, by=request.user)
    return _download(data, f"考生名单-{plan.pk}.xlsx", XLSX)


@require_GET
@role_required(*OFFICE_ROLES)
def preparation_notice(request, plan_id: int):
    plan = _plan(request, plan_id)
    pdf = lists.preparation_notice_pdf(plan)
    _audit(request, "preparation_notice", plan)
    return _download(pdf, f"考核准备通知单-{plan.pk}.pdf")
