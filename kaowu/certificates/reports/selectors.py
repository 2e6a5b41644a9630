"""Reads of the reports: a plan's passed results for its roster, the certificates of a period for the
national platform's export."""

from datetime import date, datetime, time

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from kaowu.accounts.models import User
from kaowu.certificates.models import Certificate
from kaowu.certificates.selectors import certificates_visible_to
from kaowu.plans.models import Plan
from kaowu.scoring.models import Result, ResultRelease

# Results from these release states on are approved by the center: a roster of them is an official list.
ROSTER_RELEASE_STATES = (ResultRelease.Status.APPROVED, ResultRelease.Status.PUBLISHED, ResultRelease.Status.FINAL)


def plan_passed_results(*, plan: Plan) -> QuerySet[Result]:
    """The passed results of a plan (in issuing order: item, then ID number), each annotated with the number
    and status of its current certificate (the latest one: a replacement after the one it replaced), or
    None before certificates are issued. The caller has checked that the user sees the plan."""
    current = Certificate.objects.filter(result=OuterRef("pk")).order_by("-pk")
    return (Result.objects.filter(release__plan=plan, outcome=Result.Outcome.PASSED)
            .select_related("application__candidate", "application__item__occupation",
                            "application__item__special_item")
            .annotate(certificate_number=Subquery(current.values("number")[:1]),
                      certificate_status=Subquery(current.values("status")[:1]))
            .order_by("application__item_id", "application__candidate__id_number", "pk"))


def certificates_for_export(*, user: User, issued_from: date, issued_to: date,
                            include_changed: bool = False) -> QuerySet[Certificate]:
    """The certificates the user sees that were issued between the two dates (inclusive), in issue order;
    with `include_changed` also those revoked or replaced in that period (whenever issued), so the national
    platform learns of a status change."""
    period = Q(issued_on__gte=issued_from, issued_on__lte=issued_to)
    if include_changed:
        zone = timezone.get_current_timezone()
        start = datetime.combine(issued_from, time.min, tzinfo=zone)
        end = datetime.combine(issued_to, time.max, tzinfo=zone)
        period |= Q(status_changed_at__gte=start, status_changed_at__lte=end)
    return certificates_visible_to(user).filter(period).order_by("issued_on", "number")
