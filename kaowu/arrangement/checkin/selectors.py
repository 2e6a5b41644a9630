"""Reads of the check-in at the door: the ticket a scanned code names, whether the user may check it, and
what the page shows of it (places, the candidate's photo)."""

import base64

from kaowu.accounts.models import Organisation, Role, User
from kaowu.accounts.roles import is_office
from kaowu.arrangement.documents.selectors import APPLICATION_VOID
from kaowu.arrangement.models import AdmissionTicket, SeatAssignment
from kaowu.arrangement.ticket_signing import TicketSignatureError, ticket_payload_verify
from kaowu.plans.models import Plan
from kaowu.plans.selectors import plans_visible_to
from kaowu.registration.models import Application


def checkin_allowed(user: User, plan: Plan) -> bool:
    """Who may check tickets at the door: staff and invigilators of the plan's institution, the centers
    that see the plan (its reviewing center, the institution's city, the province) and supervisors of
    those centers."""
    if is_office(user):
        return plans_visible_to(user).filter(pk=plan.pk).exists()
    if user.role == Role.INVIGILATOR:
        return user.organisation_id == plan.institution_id
    if user.role == Role.SUPERVISOR and user.organisation_id:
        organisation: Organisation = user.organisation
        return (organisation.kind == Organisation.Kind.PROVINCE
                or organisation.pk == plan.reviewing_center_id
                or plan.institution.path.startswith(organisation.path))
    return False


def ticket_from_payload(payload: str) -> AdmissionTicket | None:
    """The ticket a scanned text names when its signature verifies, else None (edited, invented, unknown)."""
    try:
        number = ticket_payload_verify(payload)
        return AdmissionTicket.objects.select_related(
            "application__candidate", "application__plan__institution", "application__item__occupation",
            "application__item__special_item").get(number=number)
    except (TicketSignatureError, AdmissionTicket.DoesNotExist):
        return None


def ticket_usable(ticket: AdmissionTicket) -> bool:
    """A valid ticket of an application that still holds its place (not withdrawn or refunded)."""
    return ticket.status == AdmissionTicket.Status.VALID and ticket.application.status not in APPLICATION_VOID


def application_seats(application: Application) -> list[SeatAssignment]:
    return list(SeatAssignment.objects.filter(application=application)
                .select_related("session__subject", "room__site").order_by("session__date", "session__start"))


def candidate_photo_data_uri(candidate) -> str:
    """The candidate's photo inline (the page is opened on a phone at the door; no second request)."""
    if not candidate.photo:
        return ""
    try:
        with candidate.photo.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(data).decode()
