"""The public score query (name + ID number), limited per client address."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from kaowu.core.context import request_ip
from kaowu.core.ids import id_mask
from kaowu.core.models import AuditEvent
from kaowu.core.services import audit_record
from kaowu.scoring.audit import ScoringAction
from kaowu.scoring.models import Result
from kaowu.scoring.release import selectors as sel


class QueryLimited(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


SCORE_QUERY_LIMIT = 10  # queries per address within the login lockout window


def score_query(*, name: str, id_number: str) -> list[Result]:
    """The public score query (name + ID number): at most SCORE_QUERY_LIMIT queries per client address
    within the login lockout window (settings.LOGIN_LOCKOUT_MINUTES), found or not, so that ID numbers
    cannot be probed. Every query is audited (with the number masked); the audit trail is the counter."""
    ip = request_ip.get()
    since = timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    if ip and AuditEvent.objects.filter(action=ScoringAction.QUERY, ip=ip, at__gte=since).count() >= SCORE_QUERY_LIMIT:
        raise QueryLimited(f"查询过于频繁，请{settings.LOGIN_LOCKOUT_MINUTES}分钟后再试。")
    results = sel.score_query_lookup(name=name, id_number=id_number)
    audit_record(action=ScoringAction.QUERY, username="public",
                 after={"id_number": id_mask((id_number or "").strip().upper()), "found": bool(results)})
    return results
