"""Per-request context that services read without views passing it along (the client address)."""

import ipaddress
from contextvars import ContextVar

request_ip: ContextVar[str | None] = ContextVar("request_ip", default=None)


def client_ip(request) -> str | None:
    """The client's address for lockouts, rate limits and the audit trail.

    Behind nginx (`proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`) the proxy appends the address
    it saw to whatever the client sent, so only the last entry is trustworthy: the first could be anything a
    client wants, which would let one client spread its attempts over invented addresses. Text that is not
    an IP address is ignored (it would also fail the audit trail's address column)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        candidate = forwarded.split(",")[-1].strip()
        if _is_ip(candidate):
            return candidate
    remote = request.META.get("REMOTE_ADDR") or None
    return remote if remote and _is_ip(remote) else None


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
