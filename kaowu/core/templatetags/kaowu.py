import re
from datetime import date, datetime

from django import template
from django.urls import reverse

from kaowu.core.ids import id_mask
from kaowu.core.workdays import uncovered_mark

register = template.Library()


@register.filter
def mask_id(value: str) -> str:
    """510104********1234"""
    return id_mask(value or "")


ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


@register.filter
def mask_ids_in(value: str) -> str:
    """Mask every resident ID number inside a text (candidates log in with theirs, so it shows up in
    usernames and object names of the audit log)."""
    return ID_NUMBER.sub(lambda m: id_mask(m.group(0)), value or "")


@register.filter
def mask_phone(value: str) -> str:
    """138****5678"""
    if not value or len(value) < 7:
        return value or ""
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


@register.filter
def holidays_mark(value, counted_from=None) -> str:
    """After a deadline counted in working days: 「（2027年节假日未录入，按周末计算）」 when a year from
    `counted_from` (the day it is counted from, when given) to the deadline has no known holidays, else ''.

        {{ release.report_due|date:"Y年n月j日" }}{{ release.report_due|holidays_mark:release.exam_end }}
    """
    days = [d.date() if isinstance(d, datetime) else d for d in (value, counted_from) if isinstance(d, date)]
    return uncovered_mark(*days) if days else ""


@register.simple_tag(takes_context=True)
def query_without_page(context) -> str:
    """The current GET parameters without the page number: what a pager or an export link carries on."""
    request = context.get("request")
    if request is None:
        return context.get("query", "")
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@register.simple_tag
def page_links(page, on_each_side: int = 2, on_ends: int = 1) -> list:
    """The page numbers a pager shows around the current page: 1 2 … 148 149 150 151 152 … 300, where None stands
    for the ellipsis."""
    ellipsis = page.paginator.ELLIPSIS
    return [None if number == ellipsis else number for number in
            page.paginator.get_elided_page_range(page.number, on_each_side=on_each_side, on_ends=on_ends)]


@register.inclusion_tag("_export_button.html", takes_context=True)
def export_button(context, url_name: str, *args):
    """The 导出Excel button of a list page: the list's export with the page's filters (not the page number)."""
    return {"url": reverse(url_name, args=args), "query": query_without_page(context)}
