"""The QR code of an admission ticket: a link to the check-in page carrying the ticket number and a
signature, so that staff at the door can tell a real ticket from an edited or invented one.

    payload = ticket_payload(ticket)      # https://<host>/arrangement/documents/check-in/?t=<number>.<signature>
    number = ticket_payload_verify(text)  # the URL, or only the value of t; raises TicketSignatureError

Decisions:
- The signature is an HMAC-SHA256 of the number under SECRET_KEY with a salt of its own (Django's
  `salted_hmac`), so no other signed value of the application can be passed off as a ticket; keys in
  SECRET_KEY_FALLBACKS still verify, so printed tickets survive a key rotation. It is cut to 128 bits
  (22 base64 characters, as NIST SP 800-107 allows for an HMAC tag): a shorter text gives a smaller QR
  code (version 6 instead of 7 at error level M), which scans more easily and encodes faster.
- It signs only the number: the number is unique in the province and the check-in page reads everything
  else (status, name, photo, places) from the database, so a withdrawn ticket's code still verifies and
  the page says it was withdrawn.
- No time stamp: a ticket is printed weeks before the exam and must scan on the day.
- The host comes from settings.KAOWU_PUBLIC_URL when it is set (e.g. https://kaowu.example.cn); otherwise
  the first of ALLOWED_HOSTS over https in production and the development server in development. Batch PDFs
  are made by the worker, which has no request to take the host from.
"""

import base64
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "kaowu.arrangement.ticket-qr"
QUERY_KEY = "t"
SEPARATOR = "."
SIGNATURE_BYTES = 16
MAX_PAYLOAD = 500


class TicketSignatureError(ValueError):
    """The text is not a ticket code signed by this platform (edited, truncated or from elsewhere)."""


def _signature(number: str, secret) -> str:
    digest = salted_hmac(SALT, number, secret=secret, algorithm="sha256").digest()[:SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def public_base_url() -> str:
    configured = getattr(settings, "KAOWU_PUBLIC_URL", "")
    if configured:
        return configured.rstrip("/")
    hosts = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host not in {"*", ""}]
    if settings.DEBUG or not hosts:
        return "http://127.0.0.1:8000"
    return f"https://{hosts[0]}"


def ticket_token(number: str) -> str:
    """The signed value carried in the link: `<number>.<signature>` (URL-safe as it is)."""
    return f"{number}{SEPARATOR}{_signature(number, settings.SECRET_KEY)}"


def ticket_payload(ticket) -> str:
    """The text of the ticket's QR code: the check-in page's full address with the signed number."""
    return f"{public_base_url()}{reverse('arrangement_checkin')}?{QUERY_KEY}={ticket_token(ticket.number)}"


def ticket_payload_verify(text: str) -> str:
    """The ticket number a scanned text carries, or TicketSignatureError. Accepts the whole link (from
    any host: the signature is what counts) or only the value of its `t` parameter."""
    text = (text or "").strip()
    if not text or len(text) > MAX_PAYLOAD:
        raise TicketSignatureError("empty or oversized payload")
    if "?" in text or text.startswith(("http://", "https://")):
        values = parse_qs(urlsplit(text).query).get(QUERY_KEY) or [""]
        text = values[0]
    number, separator, signature = text.rpartition(SEPARATOR)
    if not separator or not number or not number.isascii() or not number.isalnum():
        raise TicketSignatureError("not a signed ticket number")
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        if constant_time_compare(signature, _signature(number, secret)):
            return number
    raise TicketSignatureError("bad signature")
