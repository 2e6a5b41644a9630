"""What the document downloads leave behind: every staff download carries personal data and is audited here,
not in the views (a view does no service work)."""

from django.db import models

from kaowu.accounts.models import Role, User
from kaowu.arrangement.audit import ArrangementAction
from kaowu.arrangement.documents import selectors
from kaowu.arrangement.documents.excel import roster_xlsx
from kaowu.arrangement.models import AdmissionTicket
from kaowu.core.services import audit_record
from kaowu.plans.models import Plan, Session
from kaowu.sites.models import Room


def document_download_record(*, by: User, target: models.Model, document: str, **details) -> None:
    """Audit a staff download of a ticket, a room list or a notice (`document` names which)."""
    audit_record(action=ArrangementAction.DOCUMENT_DOWNLOAD, actor=by, target=target,
                 after={"document": document, **details})


def roster_export(*, plan: Plan, by: User, room: Room | None = None, session: Session | None = None) -> bytes:
    """The 考生名单 as Excel with full ID numbers, audited: the plan's, or a room's in one session with a
    column to sign (the sign-in list)."""
    seats = selectors.roster_seats(plan=plan, room=room, session=session).iterator(chunk_size=2000)
    data, count = roster_xlsx(plan, seats=seats, tickets=selectors.plan_ticket_numbers(plan), room=room,
                              session=session, signature=room is not None)
    after = {"rows": count} if room is None else {"rows": count, "room": room.pk, "session": session.pk}
    audit_record(action=ArrangementAction.ROSTER_EXPORT, actor=by, target=plan, after=after)
    return data


def ticket_download_record(*, by: User, ticket: AdmissionTicket) -> None:
    """Audit a download of a ticket by staff; the candidate's download of their own ticket is not audited."""
    if by.role != Role.CANDIDATE:
        document_download_record(by=by, target=ticket, document="ticket", application=ticket.application_id)
