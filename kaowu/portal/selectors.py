"""Public reads: what anyone may see without logging in. Nothing here touches candidates."""

from datetime import date

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from kaowu.plans.models import Plan, PlanItem, Session
from kaowu.sites.models import Room

# A plan is public once its center approved it and the institution announced it (R-CQ-2).
PUBLIC_STATUSES = (Plan.Status.APPROVED, Plan.Status.REGISTRATION_OPEN, Plan.Status.REGISTRATION_CLOSED)


def _items() -> Prefetch:
    return Prefetch("items", queryset=PlanItem.objects.select_related("occupation", "special_item").order_by("pk"))


def announcements_public() -> QuerySet[Plan]:
    """Announced plans, newest announcement first."""
    return (
        Plan.objects.filter(status__in=PUBLIC_STATUSES, announced_at__isnull=False)
        .select_related("institution")
        .prefetch_related(_items())
        .order_by("-announced_at", "-pk")
    )


def announcements_open(*, today: date) -> QuerySet[Plan]:
    """Announced plans taking applications today (正在报名)."""
    return announcements_public().filter(
        status=Plan.Status.REGISTRATION_OPEN, registration_opens__lte=today, registration_closes__gte=today,
    ).order_by("registration_closes", "-announced_at")


def announcement_get(*, plan_id: int) -> Plan:
    """One announcement with what R-CQ-2 says it states; 404 for a plan that is not public."""
    sessions = Session.objects.select_related("subject", "item__occupation", "item__special_item").prefetch_related(
        Prefetch("rooms", queryset=Room.objects.select_related("site").order_by("site__name", "name"))
    ).order_by("date", "start", "pk")
    plan_queryset = announcements_public().select_related("calendar_entry").prefetch_related(
        Prefetch("sessions", queryset=sessions), "sites",
    )
    return get_object_or_404(plan_queryset, pk=plan_id)
