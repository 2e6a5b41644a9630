from django.shortcuts import render


def forbidden(request, exception=None):
    return render(request, "errors/403.html", {"reason": str(exception) if exception else ""}, status=403)


def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)
