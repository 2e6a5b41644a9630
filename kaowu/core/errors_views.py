from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def forbidden(request, exception=None):
    return render(request, "errors/403.html", {"reason": str(exception) if exception else ""}, status=403)


def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    """The Chinese 500 page, drawn without the database: no context processors (user, menu), no session, so
    that it still shows while the database is down (Django's fallback is an English "Server Error (500)")."""
    try:
        body = loader.get_template("errors/500.html").render({})
    except Exception:  # noqa: BLE001 - the error page itself must never fail
        body = "<!doctype html><title>系统暂时无法处理请求</title><h1>系统暂时无法处理您的请求，请稍后重试</h1>"
    return HttpResponseServerError(body)
