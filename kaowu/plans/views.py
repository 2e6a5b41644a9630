"""Plan pages (placeholders until the plan workflow lands)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def plan_list(request, **kwargs):
    return HttpResponse("考核计划建设中")


plan_create = plan_detail = plan_file_view = plan_review = plan_open_view = plan_list
