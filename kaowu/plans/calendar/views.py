"""The exam calendar month view: published calendar rows, holidays and the user's plan sessions."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from kaowu.accounts.roles import is_office
from kaowu.plans.calendar.selectors import calendar_month_for


@login_required
def calendar_month(request, year: int | None = None, month: int | None = None):
    today = timezone.localdate()
    if year is None or month is None:
        year, month = today.year, today.month
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise Http404("没有这个月份")
    view = calendar_month_for(user=request.user, year=year, month=month, today=today)
    return render(request, "plans/calendar_month.html", {
        "cal": view, "today": today, "is_office": is_office(request.user),
    })
