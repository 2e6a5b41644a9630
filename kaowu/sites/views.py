"""Site pages (placeholder until the sites work lands)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def site_list(request):
    return HttpResponse("考点管理建设中")
