"""The check-in page behind the ticket's QR code. Opening it (GET, by scanning) verifies the code and shows
whose ticket it is with a 确认签到 button; confirming (POST) records the check-in and shows the result. A code
that does not verify shows only the refusal and records nothing; a POST of such a code (a confirmation whose
payload was edited) records the failed check."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from kaowu.accounts.models import Role
from kaowu.accounts.roles import OFFICE_ROLES
from kaowu.arrangement.checkin import selectors, services
from kaowu.arrangement.documents.lists import place_text
from kaowu.core.errors import PermissionRefused
from kaowu.core.ids import id_mask
from kaowu.core.permissions import role_required


def _ticket_page(request, ticket, valid: bool, **extra):
    application = ticket.application
    candidate = application.candidate
    return render(request, "arrangement/checkin.html", {
        "ticket": ticket, "application": application, "candidate": candidate, "valid": valid,
        "id_masked": id_mask(candidate.id_number), "photo": selectors.candidate_photo_data_uri(candidate),
        "seats": [(seat, place_text(seat.room, seat.seat_number))
                  for seat in selectors.application_seats(application)],
        **extra,
    })


@require_http_methods(["GET", "POST"])
@role_required(*OFFICE_ROLES, Role.INVIGILATOR, Role.SUPERVISOR)
def checkin(request):
    """The page the ticket's QR code opens: is the ticket genuine and valid, and whose is it."""
    data = request.POST if request.method == "POST" else request.GET
    raw = data.get("t", "").strip()
    if not raw:
        return render(request, "arrangement/checkin.html", {"empty": True})
    if request.method == "GET":
        ticket = selectors.ticket_from_payload(raw)
        if ticket is None:
            return render(request, "arrangement/checkin.html", {"failed": True, "payload": raw}, status=400)
        if not selectors.checkin_allowed(request.user, ticket.application.plan):
            raise Http404("无权核验该准考证")
        return _ticket_page(request, ticket, selectors.ticket_usable(ticket), payload=raw)
    try:
        done = services.ticket_check_in(payload=raw, by=request.user)
    except PermissionRefused as exc:
        raise Http404(exc.message) from exc
    if done.ticket is None:
        return render(request, "arrangement/checkin.html", {"failed": True, "recorded": True}, status=400)
    return _ticket_page(request, done.ticket, done.valid, recorded=True)
