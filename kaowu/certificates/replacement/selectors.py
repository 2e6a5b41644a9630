"""Reads of replacement requests (补办), scoped to the user."""

from collections.abc import Mapping

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kaowu.accounts.models import Role, User
from kaowu.certificates.models import Certificate, ReplacementRequest
from kaowu.certificates.selectors import certificates_visible_to


def replacements_of(certificate: Certificate) -> QuerySet[ReplacementRequest]:
    return certificate.replacement_requests.select_related("applied_by", "new_certificate")


def replacements_visible_to(user: User) -> QuerySet[ReplacementRequest]:
    requests = ReplacementRequest.objects.select_related("certificate", "certificate__plan", "certificate__numbered_by",
                                                      "applied_by")
    if user.is_authenticated and user.role == Role.CANDIDATE:
        return requests.filter(certificate__candidate__user=user)
    return requests.filter(certificate__in=certificates_visible_to(user))


def replacement_get_for_user(*, user: User, request_id: int) -> ReplacementRequest:
    return get_object_or_404(replacements_visible_to(user), pk=request_id)


def replacements_pending_count(user: User) -> int:
    return replacements_visible_to(user).filter(status=ReplacementRequest.Status.PENDING).count()


def replacements_pending_of(certificate: Certificate) -> QuerySet[ReplacementRequest]:
    """The request still waiting for this certificate (at most one: a constraint says so)."""
    return ReplacementRequest.objects.filter(certificate=certificate, status=ReplacementRequest.Status.PENDING)


def replacements_filtered(user: User, query: Mapping[str, str]) -> tuple[QuerySet[ReplacementRequest], dict[str, str]]:
    """The replacement list's rows (the page shows the latest 200, the export all of them), narrowed by status."""
    filters = {"status": query.get("status", "").strip()}
    rows = replacements_visible_to(user).select_related("certificate__candidate")
    if filters["status"] in ReplacementRequest.Status.values:
        rows = rows.filter(status=filters["status"])
    return rows, filters
