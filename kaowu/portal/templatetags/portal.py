from django import template
from django.urls import reverse

from kaowu.portal.menu import CANDIDATE_MENU, PUBLIC_MENU

register = template.Library()


@register.inclusion_tag("portal/_public_menu.html", takes_context=True)
def public_menu(context) -> dict:
    request = context.get("request")
    user = context.get("user")
    current = getattr(getattr(request, "resolver_match", None), "url_name", "") or ""
    entries = list(PUBLIC_MENU)
    if user is not None and user.is_authenticated and user.role == "candidate":
        entries += CANDIDATE_MENU
    return {
        "items": [(label, reverse(name), current in names) for label, name, names in entries],
        "user": user,
        "login_url": reverse("login"),
        "on_login": current == "login",
    }
