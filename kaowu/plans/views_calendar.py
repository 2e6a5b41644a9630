"""The exam calendar month view (owned by the calendar work; placeholder until it lands)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def calendar_month(request, year: int | None = None, month: int | None = None):
    return HttpResponse("考核日历建设中")
