"""registration_load: application submissions per second under concurrent clients, on PostgreSQL.

`concurrency` client processes POST /api/v1/applications/{id}/submit (an institution clerk's API token,
`{"commitment_accepted": true}`) through gunicorn exactly as in production, each client on its own
disjoint slice of draft applications for one item, so no application is submitted twice. The item has
a maximum number of places (`max_candidates`), and the places run out during the run: every submission
then takes the item's row lock (select_for_update) and counts the places taken, and the later ones are
refused with 409 (item full), which is a correct answer, not an error.

`rps` = answered submissions (200 accepted + 409 refused) per second; the baseline is GET /healthz on
the same server (the http_baseline figure, measured in the same run, in alternating rounds of about a
second); `ratio` = rps / baseline_rps. Target: ratio ≥ 0.3. After the load the database is asked how
many applications on the item are submitted: `overbooked` = max(0, submitted - places). `errors`
(anything but 200 and 409, in either phase) and `overbooked` must both be zero.

Database: a throwaway PostgreSQL database `kaowu_bench_<pid>` on the server at KAOWU_BENCH_PG_URL
(default postgres://postgres@127.0.0.1:5432), migrated, seeded with `kaowu demo` plus APPLICATIONS
draft applications for the 成都 plan's item, and always dropped at the end.

Places: unless KAOWU_BENCH_PLACES fixes them, they are set after the warm-up to what the warm-up
submitted plus half of what the measured warm-up rate would accept in `duration` seconds, so that the
places run out about halfway through the measurement whatever the machine and the duration: the first
half measures accepted submissions, the second the lock and the refusal. KAOWU_BENCH_APPLICATIONS
(default 3000) is the number of draft applications; if they run out before the time is up the submit
phase simply ends early (its rate stays right, and it is logged).
"""

import http.client
import json
import multiprocessing
import os
import queue
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.queues import Queue
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from bench.scenarios import REPO_DIR, BenchError, Metrics, Options, log
from bench.scenarios.http_baseline import (
    HEALTHZ,
    HOST,
    KAOWU_APP,
    REQUEST_TIMEOUT_S,
    Phase,
    _tail,
    generate_load,
    gunicorn_server,
    migrate,
    production_env,
)

PG_URL = os.environ.get("KAOWU_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
APPLICATIONS = 3_000  # draft applications to submit; KAOWU_BENCH_APPLICATIONS overrides
WARMUP_S = 0.5  # at most; workers and the API warm up, and the submit rate is estimated from it
SUBMIT_PATH = "/api/v1/applications/{id}/submit"
SUBMIT_BODY = json.dumps({"commitment_accepted": True}).encode()

# Run in the benchmark environment (production settings, the throwaway database) after `kaowu demo`.
# argv: applications, places. Prints one JSON object on its last line.
SEED_SCRIPT = r"""
import json, sys
from datetime import date

import django
django.setup()

from django.db import transaction

from kaowu.accounts.models import Role, User
from kaowu.accounts.services import api_token_create
from kaowu.plans.models import Plan, PlanItem
from kaowu.registration.models import Application, Candidate

count, places = int(sys.argv[1]), int(sys.argv[2])
with transaction.atomic():
    item = (PlanItem.objects.select_related("plan__institution")
            .get(plan__status=Plan.Status.REGISTRATION_OPEN, plan__institution__parent__region_code="510100"))
    institution = item.plan.institution
    item.max_candidates = places
    item.save(update_fields=["max_candidates", "updated_at"])
    candidates = Candidate.objects.bulk_create([
        Candidate(name=f"压测考生{n:05d}", gender="男", birth_date=date(1990, 1, 1), education="senior",
                  id_type="passport", id_number=f"BENCH{n:07d}", address="四川省成都市（压测数据）",
                  phone=f"138{n:08d}")
        for n in range(count)
    ], batch_size=1000)
    applications = Application.objects.bulk_create([
        Application(candidate=candidate, plan=item.plan, item=item) for candidate in candidates
    ], batch_size=1000)
    clerk = User.objects.filter(organisation=institution, role=Role.INSTITUTION_CLERK).order_by("username").first()
    _token, key = api_token_create(user=clerk, name="bench")
print(json.dumps({
    "token": key, "ids": [a.pk for a in applications], "item_id": item.pk,
    "item_table": PlanItem._meta.db_table, "application_table": Application._meta.db_table,
}))
"""


def _env_int(name: str, default: int | None) -> int | None:
    text = os.environ.get(name)
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise BenchError(f"{name} must be a positive integer, not {text!r}") from None
    if value < 1:
        raise BenchError(f"{name} must be a positive integer, not {text!r}")
    return value


# --- The throwaway database ---------------------------------------------------------------


def _connect(dbname: str = "postgres") -> psycopg.Connection:
    try:
        return psycopg.connect(PG_URL, dbname=dbname, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        raise BenchError(
            f"PostgreSQL is not reachable at {PG_URL} (set KAOWU_BENCH_PG_URL to another server): {exc}"
        ) from exc


@contextmanager
def throwaway_database() -> Iterator[str]:
    """A new empty database for the block, dropped afterwards however the block ends; yields its URL."""
    name = f"kaowu_bench_{os.getpid()}"
    with _connect() as conn:
        # A leftover of an earlier run with the same pid (killed with SIGKILL) would make CREATE fail.
        _drop(conn, name)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    log(f"created database {name}")
    try:
        info = conninfo_to_dict(PG_URL)
        user = quote(info.get("user") or "postgres", safe="")
        password = f":{quote(info['password'], safe='')}" if info.get("password") else ""
        yield f"postgres://{user}{password}@{info.get('host') or HOST}:{info.get('port') or 5432}/{name}"
    finally:
        with _connect() as conn:
            _drop(conn, name)
        log(f"dropped database {name}")


def _drop(conn: psycopg.Connection, name: str) -> None:
    # Connections still open (a gunicorn worker's persistent one, a crashed child's) would block DROP.
    conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                 "AND pid <> pg_backend_pid()", [name])
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


# --- Seeding --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    token: str
    ids: list[int]
    item_id: int
    item_table: str
    application_table: str


def seed(env: dict[str, str], applications: int, places: int, log_path: Path) -> Seed:
    """`kaowu demo`, then the draft applications and the clerk's token."""
    with log_path.open("wb") as out:
        result = subprocess.run(
            [sys.executable, "-m", "django", "demo"], cwd=REPO_DIR, env=env, stdin=subprocess.DEVNULL,
            stdout=out, stderr=subprocess.STDOUT, timeout=600,
        )
    if result.returncode != 0:
        raise BenchError(f"kaowu demo failed (exit {result.returncode}):\n{_tail(log_path)}")
    result = subprocess.run(
        [sys.executable, "-c", SEED_SCRIPT, str(applications), str(places)], cwd=REPO_DIR, env=env,
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600,
    )
    if result.returncode != 0:
        raise BenchError(f"seeding the applications failed (exit {result.returncode}):\n{result.stderr[-3000:]}")
    try:
        data = json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise BenchError(f"seeding printed no JSON:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}") from None
    return Seed(token=data["token"], ids=data["ids"], item_id=data["item_id"], item_table=data["item_table"],
                application_table=data["application_table"])


def places_set(url: str, seeded: Seed, places: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("UPDATE {} SET max_candidates = %s WHERE id = %s").format(
            sql.Identifier(seeded.item_table)), [places, seeded.item_id])


def submitted_count(url: str, seeded: Seed) -> int:
    # Every status that holds a place; only `submitted` is reachable here, but a later workflow change
    # must not hide an overbooking.
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(sql.SQL("SELECT count(*) FROM {} WHERE item_id = %s AND status NOT IN "
                                   "('draft', 'returned', 'rejected', 'withdrawn', 'refunded')").format(
            sql.Identifier(seeded.application_table)), [seeded.item_id]).fetchone()
    return row[0]


# --- The submit load ----------------------------------------------------------------------


@dataclass
class SubmitPhase:
    used: list[int]  # per client: how many of its ids it consumed
    accepted: int  # 200
    refused: int  # 409: the item is full, a correct answer
    errors: int  # exceptions and any other status
    elapsed_s: float
    latencies_s: list[float]  # answered (200 and 409) requests
    first_error: str | None

    @property
    def answered(self) -> int:
        return self.accepted + self.refused

    def as_phase(self) -> Phase:
        # Phase.rps counts requests - errors: the answered submissions.
        return Phase(requests=self.answered + self.errors, errors=self.errors, elapsed_s=self.elapsed_s,
                     latencies_s=self.latencies_s, first_error=self.first_error)


def _post(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
    try:
        conn.request("POST", path, body=SUBMIT_BODY, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _submit_client(index: int, port: int, token: str, ids: list[int], start_at: float, deadline: float,
                   results: Queue) -> None:
    """One client: submits its ids in order, one request on a new connection each, until time or ids run out."""
    headers = {
        "Authorization": f"Bearer {token}", "Content-Type": "application/json",
        # As behind the TLS-terminating proxy of production; without it SECURE_SSL_REDIRECT answers 301.
        "X-Forwarded-Proto": "https",
    }
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)
    latencies: list[float] = []
    accepted = refused = errors = used = 0
    first_error: str | None = None
    while used < len(ids) and time.time() < deadline:
        application_id = ids[used]
        used += 1
        began = time.perf_counter()
        try:
            status, body = _post(port, SUBMIT_PATH.format(id=application_id), headers)
            problem = None if status in (200, 409) else f"HTTP {status} for {application_id}: {body[:300]!r}"
        except (OSError, http.client.HTTPException) as exc:
            status, problem = 0, f"{type(exc).__name__}: {exc}"
        if problem is None:
            latencies.append(time.perf_counter() - began)
            if status == 200:
                accepted += 1
            else:
                refused += 1
        else:
            errors += 1
            first_error = first_error or problem
            time.sleep(0.01)
    results.put((index, used, accepted, refused, errors, time.time(), latencies, first_error))


def submit_load(port: int, token: str, slices: list[list[int]], *, duration: float) -> SubmitPhase:
    """One client process per slice, each submitting from the start of its slice; the same pattern as
    http_baseline.generate_load (fork, a shared start instant, results read before joining)."""
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    results = ctx.Queue()
    start_at = time.time() + (0.1 if "fork" in methods else 2.0)
    deadline = start_at + duration
    clients = [ctx.Process(target=_submit_client, args=(index, port, token, ids, start_at, deadline, results),
                           daemon=True)
               for index, ids in enumerate(slices)]
    try:
        for client in clients:
            client.start()
        try:
            reports = [results.get(timeout=duration + 3 * REQUEST_TIMEOUT_S + 30) for _ in clients]
        except queue.Empty:
            raise BenchError("a submit client died without reporting (see its traceback above)") from None
        for client in clients:
            client.join(timeout=10)
    finally:
        for client in clients:
            if client.is_alive():
                client.terminate()
                client.join()
    reports.sort()  # by client index: reports arrive in finishing order, `used` must match the slices
    return SubmitPhase(
        used=[report[1] for report in reports],
        accepted=sum(report[2] for report in reports),
        refused=sum(report[3] for report in reports),
        errors=sum(report[4] for report in reports),
        elapsed_s=max(report[5] for report in reports) - start_at,
        latencies_s=[value for report in reports for value in report[6]],
        first_error=next((report[7] for report in reports if report[7]), None),
    )


def _combine(phases: list[SubmitPhase]) -> SubmitPhase:
    return SubmitPhase(
        used=[sum(used) for used in zip(*(phase.used for phase in phases), strict=True)],
        accepted=sum(phase.accepted for phase in phases),
        refused=sum(phase.refused for phase in phases),
        errors=sum(phase.errors for phase in phases),
        elapsed_s=sum(phase.elapsed_s for phase in phases),
        latencies_s=[value for phase in phases for value in phase.latencies_s],
        first_error=next((phase.first_error for phase in phases if phase.first_error), None),
    )


# --- The scenario -------------------------------------------------------------------------


def run(options: Options) -> Metrics:
    applications = _env_int("KAOWU_BENCH_APPLICATIONS", APPLICATIONS)
    fixed_places = _env_int("KAOWU_BENCH_PLACES", None)
    with tempfile.TemporaryDirectory(prefix="kaowu-bench-") as tmp, throwaway_database() as url:
        var_dir = Path(tmp)
        env = production_env(var_dir)
        env["DATABASE_URL"] = url
        log("migrating the benchmark database")
        migrate(env, var_dir / "migrate.log")
        log(f"seeding: kaowu demo and {applications} draft applications")
        seeded = seed(env, applications, fixed_places or applications, var_dir / "demo.log")
        # Disjoint slices, one per client; every round each client goes on where it stopped.
        slices = [seeded.ids[index::options.concurrency] for index in range(options.concurrency)]
        offsets = [0] * options.concurrency

        def remaining() -> list[list[int]]:
            return [ids[offset:] for ids, offset in zip(slices, offsets, strict=True)]

        def advance(phase: SubmitPhase) -> None:
            for index, used in enumerate(phase.used):
                offsets[index] += used

        server_log = var_dir / "gunicorn-kaowu.log"
        with gunicorn_server(KAOWU_APP, workers=options.workers, env=env, log_path=server_log) as port:
            warm_s = min(WARMUP_S, options.duration / 4)
            generate_load(port, HEALTHZ, duration=warm_s, concurrency=options.concurrency,
                          max_requests=options.max_requests)
            warm = submit_load(port, seeded.token, remaining(), duration=warm_s)
            advance(warm)
            if warm.errors:
                raise BenchError(f"submissions fail in the warm-up: {warm.first_error}\n{_tail(server_log)}")
            if fixed_places is not None:
                places = fixed_places
            else:
                # Half of what the warm-up rate accepts in the measured time: the places run out midway.
                expected = warm.answered / warm.elapsed_s * options.duration if warm.elapsed_s > 0 else 0
                places = min(applications, warm.accepted + max(1, round(expected / 2)))
                places_set(url, seeded, places)
            log(f"measuring submissions ({places} places, {warm.accepted} taken in the warm-up) and {HEALTHZ} "
                f"on port {port}: {options.duration:g} s each, {options.concurrency} clients, "
                f"{options.workers} workers")
            rounds = max(1, round(options.duration))
            submit_phases: list[SubmitPhase] = []
            healthz_phases: list[Phase] = []
            for _round in range(rounds):
                if any(remaining()):
                    submit_phases.append(submit_load(port, seeded.token, remaining(),
                                                     duration=options.duration / rounds))
                    advance(submit_phases[-1])
                healthz_phases.append(generate_load(
                    port, HEALTHZ, duration=options.duration / rounds, concurrency=options.concurrency,
                    max_requests=max(1, options.max_requests // rounds),
                ))
        submitted = submitted_count(url, seeded)
        server_tail = _tail(server_log)
    if not any(remaining()):
        log(f"all {applications} applications were used before the time was up: raise KAOWU_BENCH_APPLICATIONS")
    submit = _combine(submit_phases).as_phase()
    total = _combine(submit_phases)
    healthz = Phase.combine(healthz_phases)
    log(f"submit: {submit.rps:.1f} answered/s ({total.accepted} accepted, {total.refused} refused as full), "
        f"{submit.errors} errors; {HEALTHZ}: {healthz.rps:.1f} requests/s, {healthz.errors} errors; "
        f"{submitted} submitted for {places} places")
    for name, phase in [("submit", submit), (HEALTHZ, healthz)]:
        if phase.first_error:
            log(f"{name}: first error: {phase.first_error}; server log:\n{server_tail}")
    return {
        "rps": round(submit.rps, 1),
        "baseline_rps": round(healthz.rps, 1),
        "ratio": round(submit.rps / healthz.rps, 4) if healthz.rps > 0 else 0.0,
        "requests": submit.requests,
        "accepted": total.accepted,
        "refused_full": total.refused,
        # Errors in either phase (and in the warm-up, which raised above): none is a measurement.
        "errors": submit.errors + healthz.errors,
        "baseline_errors": healthz.errors,
        "overbooked": max(0, submitted - places),
        "places": places,
        "submitted": submitted,
        "applications": applications,
        "concurrency": options.concurrency,
        "workers": options.workers,
        "duration_s": round(submit.elapsed_s, 3),
        "latency_p50_ms": round(submit.latency_ms(50), 2),
        "latency_p95_ms": round(submit.latency_ms(95), 2),
        "baseline_latency_p50_ms": round(healthz.latency_ms(50), 2),
    }
