"""The smallest useful WSGI app: the yardstick that HTTP scenarios are divided by.

Served by the same gunicorn configuration as kaowu, it measures what the server, the loopback network
and the load generator cost on this machine right now, so that a scenario's ratio reflects Django and
kaowu alone and stays comparable between noisy shared machines.
"""

from collections.abc import Callable, Iterable

# A body about the size of /healthz's, so both phases move a similar number of bytes.
BODY = b'{"status": "ok", "database": "ok", "time": "2026-01-01T00:00:00.000000+00:00"}'
HEADERS = [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))]


def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
    start_response("200 OK", HEADERS)
    return [BODY]
