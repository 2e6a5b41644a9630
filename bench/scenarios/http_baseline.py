"""http_baseline: requests per second of GET /healthz through gunicorn, against a hello-world WSGI app.

Both phases run the same gunicorn command line (production settings, sync workers, loopback only) and
the same load generator; only the WSGI app differs. `ratio` = rps(/healthz) / rps(baseline).

The helpers here (`production_env`, `migrate`, `gunicorn_server`, `generate_load`, `run_clients` for
other methods, bodies or a list of paths per client) are meant to be reused by later HTTP scenarios.
"""

import http.client
import multiprocessing
import os
import queue
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from pathlib import Path

from bench.scenarios import REPO_DIR, BenchError, Metrics, Options, log

HOST = "127.0.0.1"  # the load never leaves the machine
HEALTHZ = "/healthz"
KAOWU_APP = "kaowu.wsgi"  # exactly what production runs: `gunicorn kaowu.wsgi`
BASELINE_APP = "bench.baseline_wsgi"
READY_TIMEOUT_S = 30.0
REQUEST_TIMEOUT_S = 10.0


# --- Environment and database -------------------------------------------------------------


def production_env(var_dir: Path) -> dict[str, str]:
    """The environment of a production kaowu, with its SQLite database (if any) under var_dir."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="kaowu.settings",
        KAOWU_ENV="production",
        # Fresh per run: nothing is signed that must outlive the benchmark.
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        KAOWU_ALLOWED_HOSTS=f"{HOST},localhost",
        # Without DATABASE_URL the settings put SQLite here; a throwaway directory keeps var/ untouched.
        KAOWU_VAR_DIR=str(var_dir),
        # Production settings refuse to make a certificate signing key, and the demo issues certificates.
        KAOWU_CERT_KEY_FILE=str(signing_key_write(var_dir)),
    )
    return env


def signing_key_write(var_dir: Path) -> Path:
    """A throwaway certificate signing key in var_dir (kept if one is there already)."""
    from kaowu.certificates.signing import key_generate  # pure: no Django

    path = Path(var_dir) / "certificate-signing-key.pem"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(key_generate()[0])
        path.chmod(0o600)
    return path


def migrate(env: dict[str, str], log_path: Path) -> None:
    if env.get("DATABASE_URL"):
        # Migrating is idempotent, and the app may not answer /healthz correctly on an old schema.
        log("DATABASE_URL is set: migrating and benchmarking that database")
    with log_path.open("wb") as out:
        result = subprocess.run(
            [sys.executable, "-m", "django", "migrate", "--noinput"],
            cwd=REPO_DIR, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            timeout=600,
        )
    if result.returncode != 0:
        raise BenchError(f"migrate failed (exit {result.returncode}):\n{_tail(log_path)}")


# --- The server ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def request_once(port: int, path: str, *, method: str = "GET", headers: dict[str, str] | None = None,
                 body: bytes | None = None) -> tuple[int, bytes]:
    """One request on a new connection; returns the status and the whole body."""
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _wait_ready(proc: subprocess.Popen, port: int) -> bool:
    """True once the server answers 200 on /healthz; False if it exited first (e.g. port taken)."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    last = "no answer"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            status, _body = request_once(port, HEALTHZ)
        except (OSError, http.client.HTTPException) as exc:
            last = f"{type(exc).__name__}: {exc}"
        else:
            if status == 200:
                return True
            # E.g. 400 for a host outside ALLOWED_HOSTS or 301 from the SSL redirect: say so below.
            last = f"HTTP {status}"
        time.sleep(0.05)
    raise BenchError(f"gunicorn gave no 200 on {HEALTHZ} (port {port}) in {READY_TIMEOUT_S:.0f} s: {last}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        # SIGTERM is gunicorn's graceful shutdown; no request is in flight by now, so it is quick.
        proc.terminate()
        try:
            proc.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            pass
        # The arbiter is still alive, so its process group is still ours: take the workers down with it.
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


@contextmanager
def gunicorn_server(app: str, *, workers: int, env: dict[str, str], log_path: Path) -> Iterator[int]:
    """Run `gunicorn APP` on a free loopback port until the block ends; yields the port."""
    proc: subprocess.Popen | None = None
    log_file = log_path.open("ab")
    try:
        # The free port can be taken between our probe and gunicorn's bind; a few tries cover that race.
        for _attempt in range(3):
            port = _free_port()
            proc = subprocess.Popen(
                [
                    sys.executable, "-m", "gunicorn", app,
                    "--bind", f"{HOST}:{port}",
                    "--workers", str(workers),
                    "--worker-class", "sync",
                    # The default control socket is one per user: it would clash with any other gunicorn.
                    "--no-control-socket",
                    "--graceful-timeout", "5",
                    "--log-level", "warning",
                ],
                cwd=REPO_DIR, env=env, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                # Its own process group, so a stuck server can be killed together with its workers,
                # and a Ctrl-C on the terminal reaches us (who clean up) rather than gunicorn directly.
                start_new_session=True,
            )
            if _wait_ready(proc, port):
                break
            _stop(proc)
            proc = None
        else:
            raise BenchError(f"gunicorn {app} exited before serving:\n{_tail(log_path)}")
        yield port
    finally:
        if proc is not None:
            _stop(proc)
        log_file.close()


# --- The load generator -------------------------------------------------------------------


@dataclass
class Phase:
    requests: int  # attempted, answered or not
    errors: int  # exceptions and answers with a status the phase does not expect
    elapsed_s: float
    latencies_s: list[float]  # answered requests only
    first_error: str | None
    statuses: dict[int, int] = field(default_factory=dict)  # answered requests by HTTP status
    used: list[int] = field(default_factory=list)  # per client: how many of its paths it requested

    @property
    def answered(self) -> int:
        return self.requests - self.errors

    @property
    def rps(self) -> float:
        return self.answered / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @classmethod
    def combine(cls, phases: list["Phase"]) -> "Phase":
        statuses: dict[int, int] = {}
        for phase in phases:
            for status, count in phase.statuses.items():
                statuses[status] = statuses.get(status, 0) + count
        return cls(
            requests=sum(phase.requests for phase in phases),
            errors=sum(phase.errors for phase in phases),
            elapsed_s=sum(phase.elapsed_s for phase in phases),
            latencies_s=[value for phase in phases for value in phase.latencies_s],
            first_error=next((phase.first_error for phase in phases if phase.first_error), None),
            statuses=statuses,
            used=[sum(used) for used in zip(*(phase.used for phase in phases), strict=True)],
        )

    def latency_ms(self, percentile: int) -> float:
        if not self.latencies_s:
            return 0.0
        if len(self.latencies_s) == 1:
            return self.latencies_s[0] * 1000
        cuts = statistics.quantiles(self.latencies_s, n=100, method="inclusive")
        return cuts[percentile - 1] * 1000


@dataclass(frozen=True)
class Requests:
    """What the clients of a phase send; the same for every client but the paths."""

    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    answers: frozenset[int] = frozenset({200})  # the statuses that count as answered; any other is an error


def _client(index: int, port: int, paths: str | list[str], requests: Requests, start_at: float, deadline: float,
            max_requests: int, results: Queue) -> None:
    """One client: sequential requests, a new connection each (sync workers close them anyway), until the
    deadline, max_requests or, for a list of paths, the end of the list."""
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)
    limit = max_requests if isinstance(paths, str) else min(max_requests, len(paths))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    made = errors = 0
    first_error: str | None = None
    while made < limit and time.time() < deadline:
        path = paths if isinstance(paths, str) else paths[made]
        made += 1
        began = time.perf_counter()
        try:
            status, body = request_once(port, path, method=requests.method, headers=requests.headers,
                                        body=requests.body)
            problem = None if status in requests.answers else f"HTTP {status} for {path}: {body[:300]!r}"
        except (OSError, http.client.HTTPException) as exc:
            problem = f"{type(exc).__name__}: {exc}"
        if problem is None:
            latencies.append(time.perf_counter() - began)
            statuses[status] = statuses.get(status, 0) + 1
        else:
            errors += 1
            first_error = first_error or problem
            # A dead server refuses instantly; pausing keeps the loop from spinning through max_requests.
            time.sleep(0.01)
    results.put((index, made, errors, time.time(), latencies, first_error, statuses))


def run_clients(port: int, paths: list[str | list[str]], *, duration: float, max_requests: int,
                requests: Requests | None = None) -> Phase:
    """One client process per entry of `paths` (a path it requests again and again, or a list of paths it
    requests in turn), until `duration` seconds pass or max_requests (per client) are made."""
    # Processes, not threads: one Python client thread cannot saturate even a hello-world server.
    # fork starts them at once and they need nothing but the standard library.
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    results = ctx.Queue()
    # Everyone starts at the same wall-clock instant (time.time is the clock shared between processes).
    start_at = time.time() + (0.1 if "fork" in methods else 2.0)
    deadline = start_at + duration
    clients = [
        ctx.Process(target=_client, args=(index, port, client_paths, requests or Requests(), start_at, deadline,
                                          max_requests, results), daemon=True)
        for index, client_paths in enumerate(paths)
    ]
    try:
        for client in clients:
            client.start()
        # Read before joining: a child cannot exit while its results are still stuck in the pipe.
        try:
            reports = [results.get(timeout=duration + 3 * REQUEST_TIMEOUT_S + 30) for _ in clients]
        except queue.Empty:
            raise BenchError("a load client died without reporting (see its traceback above)") from None
        for client in clients:
            client.join(timeout=10)
    finally:
        for client in clients:
            if client.is_alive():
                client.terminate()
                client.join()
    reports.sort(key=lambda report: report[0])  # they arrive in finishing order; `used` follows `paths`
    statuses: dict[int, int] = {}
    for report in reports:
        for status, count in report[6].items():
            statuses[status] = statuses.get(status, 0) + count
    return Phase(
        requests=sum(report[1] for report in reports),
        errors=sum(report[2] for report in reports),
        elapsed_s=max(report[3] for report in reports) - start_at,
        latencies_s=[value for report in reports for value in report[4]],
        first_error=next((report[5] for report in reports if report[5]), None),
        statuses=statuses,
        used=[report[1] for report in reports],
    )


def generate_load(port: int, path: str, *, duration: float, concurrency: int, max_requests: int,
                  headers: dict[str, str] | None = None) -> Phase:
    """`concurrency` processes GET `path` until `duration` seconds pass or `max_requests` are made."""
    return run_clients(port, [path] * concurrency, duration=duration,
                       max_requests=max(1, max_requests // concurrency), requests=Requests(headers=headers or {}))


# --- Alternating measurement -------------------------------------------------------------


def alternate(targets: list[tuple[int, str]], options: Options) -> list[Phase]:
    """Measure each (port, path) in turn, in rounds of about a second; one combined Phase per target.

    The machines we run on are shared: another job starting halfway through would penalise whichever
    target happened to be measured then. Alternating short rounds spreads such drift over all targets
    alike, so their ratio holds even when the absolute rates do not.
    """
    for port, path in targets:
        # Workers import and initialise lazily; those first slow requests should not be counted.
        generate_load(port, path, duration=min(0.5, options.duration / 4), concurrency=options.concurrency,
                      max_requests=options.max_requests)
    rounds = max(1, round(options.duration))
    phases: list[list[Phase]] = [[] for _ in targets]
    for _round in range(rounds):
        for index, (port, path) in enumerate(targets):
            phases[index].append(generate_load(
                port, path, duration=options.duration / rounds, concurrency=options.concurrency,
                max_requests=max(1, options.max_requests // rounds),
            ))
    return [Phase.combine(target_phases) for target_phases in phases]


# --- The scenario -------------------------------------------------------------------------


def run(options: Options) -> Metrics:
    with tempfile.TemporaryDirectory(prefix="kaowu-bench-") as tmp:
        var_dir = Path(tmp)
        env = production_env(var_dir)
        log("migrating the benchmark database")
        migrate(env, var_dir / "migrate.log")
        # Both servers stay up for the whole run; the idle one costs nothing while the other is measured.
        base_log, kaowu_log = var_dir / "gunicorn-baseline.log", var_dir / "gunicorn-kaowu.log"
        with (
            gunicorn_server(BASELINE_APP, workers=options.workers, env=env, log_path=base_log) as base_port,
            gunicorn_server(KAOWU_APP, workers=options.workers, env=env, log_path=kaowu_log) as kaowu_port,
        ):
            log(f"measuring {BASELINE_APP} on port {base_port} and {KAOWU_APP} on port {kaowu_port}: "
                f"{options.duration:g} s each, {options.concurrency} clients, {options.workers} workers")
            baseline, healthz = alternate([(base_port, HEALTHZ), (kaowu_port, HEALTHZ)], options)
        for app, phase, log_path in [(BASELINE_APP, baseline, base_log), (KAOWU_APP, healthz, kaowu_log)]:
            log(f"{app}: {phase.rps:.1f} requests/s, {phase.errors} errors")
            if phase.first_error:
                log(f"{app}: first error: {phase.first_error}; server log:\n{_tail(log_path)}")
    return {
        "rps": round(healthz.rps, 1),
        "baseline_rps": round(baseline.rps, 1),
        "ratio": round(healthz.rps / baseline.rps, 4) if baseline.rps > 0 else 0.0,
        "requests": healthz.requests,
        # Errors in either phase: a failing baseline makes the ratio as untrustworthy as a failing app.
        "errors": healthz.errors + baseline.errors,
        "baseline_errors": baseline.errors,
        "concurrency": options.concurrency,
        "workers": options.workers,
        "duration_s": round(healthz.elapsed_s, 3),
        "latency_p50_ms": round(healthz.latency_ms(50), 2),
        "latency_p95_ms": round(healthz.latency_ms(95), 2),
        "baseline_latency_p50_ms": round(baseline.latency_ms(50), 2),
    }
