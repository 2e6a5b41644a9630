"""Reads of the exam calendar: the row a plan falls under (R-SC24-13) and the month view's data."""

from datetime import date, timedelta

from django.db.models import Prefetch, Q, QuerySet

from kaowu.accounts.models import User
from kaowu.accounts.roles import is_office
from kaowu.accounts.selectors import organisations_visible_to
from kaowu.catalog.selectors import region_chain
from kaowu.plans.calendar.grid import CalendarMonth, calendar_month_grid
from kaowu.plans.models import CalendarEntry, Plan, Session
from kaowu.sites.models import Room

DEFAULT_REGION = "510000"
# Statuses in which a plan is public (the portal shows the same ones once announced).
PUBLIC_STATUSES = (Plan.Status.APPROVED, Plan.Status.REGISTRATION_OPEN, Plan.Status.REGISTRATION_CLOSED)


def calendar_entry_for(
    *, region_code: str, kind: str, assessment_type: str, exam_date: date, completion_days: int
) -> CalendarEntry | None:
    """The calendar row an exam on `exam_date` belongs to, or None when it is off the calendar.

    R-SC24-13: an exam is completed within `completion_days` of its calendar date, so the row is
    the one with row.exam_date <= exam_date <= row.exam_date + completion_days (the latest such
    row when two overlap). A region without its own calendar uses its city's, then its province's.
    """
    chain = region_chain(region_code)
    candidates = list(
        CalendarEntry.objects.filter(
            region_code__in=chain, kind=kind, assessment_type=assessment_type,
            exam_date__lte=exam_date, exam_date__gte=exam_date - timedelta(days=completion_days),
        ).order_by("-exam_date")
    )
    for code in chain:
        for entry in candidates:
            if entry.region_code == code:
                return entry
    return None


def user_region(user: User) -> str:
    """The region whose calendars a user reads: its organisation's, else the default province."""
    organisation = getattr(user, "organisation", None)
    code = getattr(organisation, "region_code", "") or ""
    return code if len(code) == 6 and code.isdigit() else DEFAULT_REGION


def plans_in_calendar_of(user: User) -> QuerySet[Plan]:
    """Plans whose sessions a user sees in the calendar.

    Office roles see every plan of the institutions in their subtree; the other roles (assessors,
    candidates, ...) see only the announced plans of their own organisation's subtree, which are
    public anyway.
    """
    if not user.is_authenticated or user.organisation_id is None:
        return Plan.objects.none()
    if is_office(user):
        return Plan.objects.filter(institution__in=organisations_visible_to(user))
    return Plan.objects.filter(
        institution__path__startswith=user.organisation.path,
        status__in=PUBLIC_STATUSES, announced_at__isnull=False,
    )


def calendar_month_for(*, user: User, year: int, month: int, today: date) -> CalendarMonth:
    """The month grid (Monday first) with calendar rows, holidays and the user's plan sessions."""
    region = user_region(user)
    view = calendar_month_grid(year=year, month=month, today=today, region_code=region)
    days = {d.day: d for week in view.weeks for d in week}
    first, last = view.weeks[0][0].day, view.weeks[-1][-1].day
    entries = CalendarEntry.objects.filter(region_code__in=region_chain(region)).filter(
        Q(exam_date__range=(first, last)) | Q(registration_deadline__range=(first, last))
    ).order_by("exam_date", "number")
    sessions = (
        Session.objects.filter(plan__in=plans_in_calendar_of(user), date__range=(first, last))
        .select_related("plan", "subject", "item__occupation", "item__special_item")
        .prefetch_related(Prefetch("rooms", queryset=Room.objects.select_related("site")))
        .order_by("date", "start")
    )
    for entry in entries:
        if first <= entry.exam_date <= last:
            days[entry.exam_date].exams.append(entry)
        if entry.registration_deadline and first <= entry.registration_deadline <= last:
            days[entry.registration_deadline].deadlines.append(entry)
    for session in sessions:
        days[session.date].sessions.append(session)
    return view
