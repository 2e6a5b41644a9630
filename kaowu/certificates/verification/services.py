"""The public verification (rate-limited and audited): by number and name, from the page, the QR code's URL
and the API. On PostgreSQL one prepared statement does the counting, the lookup and the audit event."""

import functools
import re
import weakref
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from kaowu.certificates.audit import CertificateAction
from kaowu.certificates.models import RateCounter
from kaowu.certificates.verification import selectors as lookup
from kaowu.core.context import request_ip
from kaowu.core.models import AuditEvent
from kaowu.core.services import audit_record


class VerifyLimited(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def rate_hit(key: str, *, limit: int, window_seconds: int = 60) -> bool:
    """Count one hit for `key` in the current window; False when the limit was already reached. One upsert
    statement (on PostgreSQL and SQLite alike), so the check costs one round trip per request."""
    minute = int(timezone.now().timestamp()) // window_seconds
    table = RateCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (bucket, minute, hits) VALUES (%s, %s, 1) "  # noqa: S608 - table name is ours
            f"ON CONFLICT (bucket, minute) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits",
            [key[:80], minute])
        (hits,) = cursor.fetchone()
    return hits <= limit


def rate_counters_prune(*, older_than: timedelta = timedelta(hours=1)) -> int:
    """Drop the counters of windows long past (what a daily job runs)."""
    oldest = int((timezone.now() - older_than).timestamp()) // 60
    return RateCounter.objects.filter(minute__lt=oldest).delete()[0]


def certificate_verify_public(*, number: str, name: str, via: str = "web") -> lookup.Verification | None:
    """A public verification by number and name: rate-limited per client address
    (settings.KAOWU_VERIFY_PER_MINUTE), audited with what was asked and whether it was found (the holder's
    name is not written to the log: the number identifies the certificate).

    On PostgreSQL the counter, the lookup and the audit event are one statement (`_verify_statement`); other
    databases take three (rate_hit, the lookup, audit_record). Same answers, same rows written."""
    ip = request_ip.get()
    limit = settings.KAOWU_VERIFY_PER_MINUTE
    asked = lookup.verify_asked(number, name)
    after = {"number": (number or "").strip()[:64], "via": via}
    if connection.vendor != "postgresql":
        if not rate_hit(f"verify:{ip or '-'}", limit=limit):
            raise VerifyLimited(VERIFY_LIMITED)
        found = lookup.certificate_verify_lookup(number=number, name=name)
        audit_record(action=CertificateAction.VERIFY, username="public", after={**after, "found": found is not None})
        return found
    now = timezone.now()
    with connection.cursor() as cursor:
        row = _verify_execute(cursor, async_commit=not connection.in_atomic_block, params=[
            f"verify:{ip or '-'}"[:80], int(now.timestamp()) // 60,
            asked[0] if asked else None,  # NULL matches no number
            limit, _STRIPPED, asked[1] if asked else "",
            now, after["number"], after["via"], ip,
        ])
    allowed, matched, *values = row[-2 - len(lookup.VERIFY_COLUMNS):]
    if not allowed:
        raise VerifyLimited(VERIFY_LIMITED)
    return lookup.verification_of(dict(zip(lookup.VERIFY_COLUMNS, values, strict=True))) if matched else None


VERIFY_LIMITED = "查询过于频繁，请1分钟后再试。"
# What str.strip() removes (all of it below U+3001), for the database's half of name_normal: btrim takes the
# characters to remove.
_STRIPPED = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())


# The psycopg connections holding the prepared verification statements, with their names. A prepared statement
# lasts as long as the database session, whatever becomes of the transaction that prepared it.
_verify_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _verify_execute(cursor, *, async_commit: bool, params: list) -> tuple:
    """Run `_verify_statement` as a statement prepared once per database connection: planning it (the lookup's
    join over a table with eleven indexes) cost the database more than running it."""
    name = "kaowu_verify_async" if async_commit else "kaowu_verify"
    prepared = _verify_prepared.setdefault(connection.connection, set())
    if name not in prepared:
        numbers = iter(range(1, len(params) + 1))
        statement = re.sub("%s", lambda _match: f"${next(numbers)}", _verify_statement(async_commit=async_commit))
        cursor.execute(f"PREPARE {name} AS {statement}")
        prepared.add(name)
    cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)
    return cursor.fetchone()


@functools.cache
def _verify_statement(*, async_commit: bool) -> str:
    """The public verification in one PostgreSQL statement, one round trip and one commit: the counter's upsert
    (rate_hit's), the lookup (the selector's query, compiled here once per process), whether the name matches
    (name_normal's NFC and strip, in SQL), and the audit event audit_record would write — unless the address
    is over its limit, which then learns nothing and leaves no event, as in the three-statement path.

    With `async_commit` (the statement is a transaction of its own) the commit does not wait for the WAL to
    reach the disk (`synchronous_commit` off for this transaction only): waiting for it held the workers idle
    for a fifth to a quarter of the rate (bench/README.md, verify). What it risks is the counters and audit
    events of the last fraction of a second of lookups if the database server itself crashes, never a
    half-written one. Issuing, revoking and every other change still commit synchronously.

    Parameters (%s, each typed by its place or a cast, so that it can be prepared): bucket, minute, number (NULL
    for none), limit, the stripped characters, name, time, the number as asked, channel, address.
    Row: [set_config,] hits, allowed, matched, *VERIFY_COLUMNS."""
    query, params = lookup.certificate_verify_queryset("?")[:1].query.sql_with_params()
    if params != ("?",):  # the compiled query must take the number as its only parameter
        raise RuntimeError(f"unexpected parameters in the verification lookup: {params!r}")
    quote = connection.ops.quote_name
    counters, events = quote(RateCounter._meta.db_table), quote(AuditEvent._meta.db_table)
    columns = ", ".join(quote(column) for column in lookup.VERIFY_COLUMNS)
    durability = "set_config('synchronous_commit', 'off', true), " if async_commit else ""
    return (  # noqa: S608 - table and column names are ours, every value is a parameter
        f"WITH hit AS (INSERT INTO {counters} (bucket, minute, hits) VALUES (%s, %s, 1) "
        f"ON CONFLICT (bucket, minute) DO UPDATE SET hits = {counters}.hits + 1 RETURNING hits), "
        f"certificate ({columns}) AS ({query}), "
        f"answer AS (SELECT hit.hits, hit.hits <= %s::bigint AS allowed, "
        f"coalesce(btrim(normalize(certificate.holder_name, NFC), %s) = %s, false) AS matched, certificate.* "
        f"FROM hit LEFT JOIN certificate ON true), "
        f"event AS (INSERT INTO {events} (at, actor_username, action, object_type, object_id, object_repr, after, ip) "
        f"SELECT %s::timestamptz, 'public', '{CertificateAction.VERIFY.value}', '', '', '', "
        f"jsonb_build_object('number', %s::text, 'found', matched, 'via', %s::text), %s::inet "
        f"FROM answer WHERE allowed) "
        f"SELECT {durability}answer.* FROM answer"
    )
