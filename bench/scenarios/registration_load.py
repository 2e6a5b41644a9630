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
many applications on the item hold a place: `submitted` = that number less `held_before` (the demo's
own applications on the item that already held one), `overbooked` = max(0, submitted - places).
`errors` (anything but 200 and 409, in either phase) and `overbooked` must both be zero.

Database: a throwaway PostgreSQL database `kaowu_bench_<pid>` on the server at KAOWU_BENCH_PG_URL
(default postgres://postgres@127.0.0.1:5432), migrated, seeded with `kaowu demo` plus APPLICATIONS
draft applications for the 成都 plan's item, and always dropped at the end.

Places (`places`, offered to this run's submissions: the item's maximum is `held_before` + `places`):
unless KAOWU_BENCH_PLACES fixes them, they are set after the warm-up to what the warm-up
submitted plus half of what the measured warm-up rate would accept in `duration` seconds, so that the
places run out about halfway through the measurement whatever the machine and the duration: the first
half measures accepted submissions, the second the lock and the refusal. KAOWU_BENCH_APPLICATIONS
(default 3000) is the number of draft applications; if they run out before the time is up the submit
phase simply ends early (its rate stays right, and it is logged).
"""

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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
    Phase,
    Requests,
    _tail,
    generate_load,
    gunicorn_server,
    migrate,
    production_env,
    run_clients,
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


def submit_load(port: int, token: str, slices: list[list[int]], *, duration: float) -> Phase:
    """One client per slice, each submitting its ids in turn from the start of its slice, a new connection
    each, until the time or its ids run out. 409 (the item is full) is an answer, not an error: the phase
    counts it under `statuses[409]`, the accepted submissions under `statuses[200]`."""
    requests = Requests(
        method="POST", body=SUBMIT_BODY, answers=frozenset({200, 409}),
        headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json",
            # As behind the TLS-terminating proxy of production; without it SECURE_SSL_REDIRECT answers 301.
            "X-Forwarded-Proto": "https",
        },
    )
    paths: list[str | list[str]] = [[SUBMIT_PATH.format(id=application_id) for application_id in ids]
                                    for ids in slices]
    return run_clients(port, paths, duration=duration, max_requests=max(map(len, slices), default=1),
                       requests=requests)


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
        # `kaowu demo` has applications of its own on the item, some holding a place. They count against
        # the maximum like any other, so the item gets that many more places, and `submitted` and
        # `overbooked` are about this run's submissions only.
        held_before = submitted_count(url, seeded)
        places_set(url, seeded, held_before + (fixed_places or applications))
        # Disjoint slices, one per client; every round each client goes on where it stopped.
        slices = [seeded.ids[index::options.concurrency] for index in range(options.concurrency)]
        offsets = [0] * options.concurrency

        def remaining() -> list[list[int]]:
            return [ids[offset:] for ids, offset in zip(slices, offsets, strict=True)]

        def advance(phase: Phase) -> None:
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
                places = min(applications, warm.statuses.get(200, 0) + max(1, round(expected / 2)))
                places_set(url, seeded, held_before + places)
            log(f"measuring submissions ({places} places, {warm.statuses.get(200, 0)} taken in the warm-up) and "
                f"{HEALTHZ} on port {port}: {options.duration:g} s each, {options.concurrency} clients, "
                f"{options.workers} workers")
            rounds = max(1, round(options.duration))
            submit_phases: list[Phase] = []
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
        submitted = submitted_count(url, seeded) - held_before
        server_tail = _tail(server_log)
    if not any(remaining()):
        log(f"all {applications} applications were used before the time was up: raise KAOWU_BENCH_APPLICATIONS")
    submit = Phase.combine(submit_phases)
    accepted, refused = submit.statuses.get(200, 0), submit.statuses.get(409, 0)
    healthz = Phase.combine(healthz_phases)
    log(f"submit: {submit.rps:.1f} answered/s ({accepted} accepted, {refused} refused as full), "
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
        "accepted": accepted,
        "refused_full": refused,
        # Errors in either phase (and in the warm-up, which raised above): none is a measurement.
        "errors": submit.errors + healthz.errors,
        "baseline_errors": healthz.errors,
        "overbooked": max(0, submitted - places),
        "places": places,
        "submitted": submitted,
        "held_before": held_before,
        "applications": applications,
        "concurrency": options.concurrency,
        "workers": options.workers,
        "duration_s": round(submit.elapsed_s, 3),
        "latency_p50_ms": round(submit.latency_ms(50), 2),
        "latency_p95_ms": round(submit.latency_ms(95), 2),
        "baseline_latency_p50_ms": round(healthz.latency_ms(50), 2),
    }
