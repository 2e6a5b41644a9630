"""Public pages (no login): plan announcements (R-CQ-2, R-FJ-3)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from kaowu.portal.selectors import announcement_get, announcements_open, announcements_public


def announcement_list(request):
    today = timezone.localdate()
    page = Paginator(announcements_public(), 20).get_page(request.GET.get("page"))
    open_now = list(announcements_open(today=today)) if page.number == 1 else []
    return render(request, "portal/announcement_list.html", {
        "page": page, "open_now": open_now, "today": today, "query": "",
    })


def announcement_detail(request, plan_id: int):
    plan = announcement_get(plan_id=plan_id)
    return render(request, "portal/announcement_detail.html", {"plan": plan, "today": timezone.localdate()})
