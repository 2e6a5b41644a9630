"""Middleware: per-request context for services, and rule violations turned into messages."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from kaowu.core.context import client_ip, request_ip
from kaowu.core.errors import RuleViolation


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            request_ip.reset(token)


class RuleViolationMiddleware:
    """A RuleViolation raised by a service becomes a Chinese message naming the rule id.

    Views do not catch it themselves: a form post goes back to the page it came from with the
    message shown there; anything else (htmx, API-less pages) gets a 409 page with the message.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RuleViolation):
            return None
        back = request.META.get("HTTP_REFERER", "")
        is_htmx = request.headers.get("HX-Request") == "true"
        if request.method == "POST" and not is_htmx and back and url_has_allowed_host_and_scheme(
            back, {request.get_host()}, request.is_secure()
        ):
            messages.error(request, str(exception))
            return redirect(back)
        return render(request, "errors/rule_violation.html", {"violation": exception}, status=409)
