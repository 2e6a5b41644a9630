"""Reads of the changes area: the requests a user may see and their rows for display (R-LN-5b)."""

from collections.abc import Mapping

from django.db.models import QuerySet

from kaowu.accounts.models import User
from kaowu.registration.models import Candidate, CandidateChangeRequest
from kaowu.registration.selectors import applications_visible_to


def change_requests_visible_to(user: User) -> QuerySet[CandidateChangeRequest]:
    """Change requests of the applications the user can see (R-LN-5b)."""
    return (CandidateChangeRequest.objects.filter(application__in=applications_visible_to(user).values("pk"))
            .select_related("candidate", "application__plan__institution", "application__item__occupation",
                            "application__item__special_item", "requested_by", "decided_by"))


def change_rows(change_request: CandidateChangeRequest) -> list[tuple[str, str, str]]:
    """(field label, old, new) for display, with code lists shown by their labels."""
    rows = []
    for field, change in change_request.changes.items():
        model_field = Candidate._meta.get_field(field)
        labels = dict(model_field.choices or ())
        rows.append((str(model_field.verbose_name), str(labels.get(change["old"], change["old"])),
                     str(labels.get(change["new"], change["new"]))))
    return rows


def change_requests_filtered(user: User, query: Mapping[str, str]) -> tuple[QuerySet[CandidateChangeRequest], dict]:
    """The change request list's rows: pending ones unless another status (or all: "") is asked for."""
    status = query.get("status", CandidateChangeRequest.Status.PENDING)
    rows = change_requests_visible_to(user)
    if status in CandidateChangeRequest.Status.values:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-id"), {"status": status}
