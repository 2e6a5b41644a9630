"""kaowu's own system checks (`manage.py check --deploy`)."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register


def is_loopback_url(url: str) -> bool:
    """Whether a URL names this machine only (localhost, 127.0.0.0/8, ::1, 0.0.0.0): a phone scanning a QR
    code with it reaches itself, not the server."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@register("kaowu", deploy=True)
def public_url_reachable(app_configs, **kwargs):
    """In production the QR codes of tickets and certificates must carry the address people reach the site at."""
    url = getattr(settings, "KAOWU_PUBLIC_URL", "")
    if not settings.DEBUG and is_loopback_url(url):
        return [Warning(
            f"KAOWU_PUBLIC_URL 为本机地址 {url}：准考证和证书二维码中的链接在考生和用人单位的手机上打不开",
            hint="设置 KAOWU_PUBLIC_URL 为对外地址，例如 https://kaowu.example.cn",
            id="kaowu.W001")]
    return []
