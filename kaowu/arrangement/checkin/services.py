"""The check-in at the door (准考证核验): recorded when the staff member confirms it (a POST from the page the
ticket's QR code opens), never on opening the page."""

from dataclasses import dataclass

from django.db import transaction

from kaowu.accounts.models import User
from kaowu.arrangement.audit import ArrangementAction
from kaowu.arrangement.checkin import selectors
from kaowu.arrangement.models import AdmissionTicket
from kaowu.core.errors import PermissionRefused
from kaowu.core.services import audit_record

PAYLOAD_KEPT = 120  # characters of a failed payload kept in the audit event


@dataclass(frozen=True)
class CheckIn:
    ticket: AdmissionTicket | None  # None: the code did not verify
    valid: bool


@transaction.atomic
def ticket_check_in(*, payload: str, by: User) -> CheckIn:
    """Record a check-in of the ticket a scanned code names (valid or not, the event says which). A code that
    does not verify is recorded as a failed check, with the start of what was scanned; a ticket of a plan
    the user may not check is refused without a record."""
    ticket = selectors.ticket_from_payload(payload)
    if ticket is None:
        audit_record(action=ArrangementAction.CHECKIN_FAILED, actor=by, after={"payload": payload[:PAYLOAD_KEPT]})
        return CheckIn(ticket=None, valid=False)
    if not selectors.checkin_allowed(by, ticket.application.plan):
        raise PermissionRefused("无权核验该准考证")
    valid = selectors.ticket_usable(ticket)
    audit_record(action=ArrangementAction.CHECKIN, actor=by, target=ticket,
                 after={"number": ticket.number, "valid": valid})
    return CheckIn(ticket=ticket, valid=valid)
