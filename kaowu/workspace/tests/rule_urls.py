"""URLs for test_rule_violation: a view whose service refuses by a rule."""

from django.urls import path

from kaowu.core.errors import RuleViolation
from kaowu.urls import urlpatterns as kaowu_urlpatterns


def refuse(request):
    raise RuleViolation("R-CQ-1", "须在考试前10个工作日报备，最晚2026年11月06日")


urlpatterns = [path("test/refuse/", refuse), *kaowu_urlpatterns]
