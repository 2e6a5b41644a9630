"""Scenario `arrange`: a 100,000-candidate province arranged, against one bulk insert of 100,000 seat rows.

On a throwaway PostgreSQL database (`kaowu_bench_<pid>` on KAOWU_BENCH_PG_URL, migrated, always dropped),
`kaowu demo --scale S` builds the province: at scale S the demo adds, per institution, a closed 统考 plan,
1,000 × S² paid candidates in all (S = 10, the default: 70 institutions, 100,000 candidates; each sits one
to two sessions, 133,330 seats), with sites sized to the 40-per-site-and-slot cap (R-SC21-2).
KAOWU_BENCH_ARRANGE_SCALE sets S (the harness test uses 2: 4,000 candidates).

Then three child processes (`python -m bench.scenarios.arrange --child baseline|arrange`), in this order:

- (a) baseline: 1,000 × S² SeatAssignment rows (real applications, sessions and rooms; each in a session its
  candidate does not sit, with seat numbers no arrangement uses, so they never collide with real seats)
  built from tuples and written with ONE bulk_create (batch_size 20,000, the service's), committed (so the
  deferred foreign-key checks are paid, as in the arrangement), timed; then deleted (not timed).
- (b) the whole arrangement of the province: `arrangement_run(mode=full)` for every plan with paid
  applications, one call per plan (the arrangement is per plan: each institution arranges its own), each by
  the plan's clerk, timed together from the first call to the last commit. Each run reads its plan with a
  fixed number of queries, solves, and writes its seats with one bulk insert.
- (a) again, after (b), on the fuller table; a = the mean of the two.

`ratio` = a / b (target ≥ 0.33). `peak_memory_mb` = maxrss of the process that ran (b) (target < 1,024).
`errors` = runs that did not finish as 已完成 + paid candidates left without a seat in some session of their
item. Also: `seconds` (b), `baseline_seconds` (both a), `candidates`, `seats`, `plans`, `load_s`, `solve_s`,
`write_s` (summed from the runs' own timings), `demo_seconds`.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.scenarios import REPO_DIR, BenchError, Metrics, Options, child_run, log, peak_memory_mb
from bench.scenarios.http_baseline import _tail, migrate, production_env
from bench.scenarios.registration_load import _env_int, throwaway_database

SCALE = 10  # KAOWU_BENCH_ARRANGE_SCALE overrides
SEED = 20261205
BATCH = 20_000


def run(options: Options) -> Metrics:
    scale = _env_int("KAOWU_BENCH_ARRANGE_SCALE", SCALE)
    with tempfile.TemporaryDirectory(prefix="kaowu-bench-arrange-") as tmp, throwaway_database() as url:
        var_dir = Path(tmp)
        env = production_env(var_dir)
        env["DATABASE_URL"] = url
        env["KAOWU_MEDIA_ROOT"] = str(var_dir / "media")
        env["KAOWU_BENCH_ARRANGE_SCALE"] = str(scale)
        log("migrating the benchmark database")
        migrate(env, var_dir / "migrate.log")
        log(f"building the demo province at scale {scale} ({1_000 * scale * scale} paid candidates)")
        began = time.perf_counter()
        with (var_dir / "demo.log").open("wb") as out:
            demo = subprocess.run([sys.executable, "-m", "kaowu.cli", "demo", "--scale", str(scale)], cwd=REPO_DIR,
                                  env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                  timeout=3_600)
        if demo.returncode != 0:
            raise BenchError(f"kaowu demo failed (exit {demo.returncode}):\n{_tail(var_dir / 'demo.log')}")
        demo_seconds = time.perf_counter() - began
        log("(a) one bulk insert of the baseline rows")
        first = child_run("arrange", "baseline", env=env, log_path=var_dir / "baseline1.log")
        log(f"(a) {first['rows']} rows in {first['seconds']:.2f} s; (b) arranging every plan of the province")
        arranged = child_run("arrange", "arrange", env=env, log_path=var_dir / "arrange.log")
        log(f"(b) {arranged['plans']} plans, {arranged['seats']} seats in {arranged['seconds']:.2f} s; (a) again")
        second = child_run("arrange", "baseline", env=env, log_path=var_dir / "baseline2.log")
    baseline = (first["seconds"] + second["seconds"]) / 2
    log(f"(a) {second['seconds']:.2f} s; a = {baseline:.2f} s, b = {arranged['seconds']:.2f} s")
    return {
        "ratio": round(baseline / arranged["seconds"], 4) if arranged["seconds"] > 0 else 0.0,
        "errors": arranged["errors"],
        "seconds": arranged["seconds"],
        "baseline_seconds": round(baseline, 3),
        "baseline_seconds_before": first["seconds"],
        "baseline_seconds_after": second["seconds"],
        "baseline_rows": first["rows"],
        "peak_memory_mb": arranged["peak_memory_mb"],
        "candidates": arranged["candidates"],
        "seats": arranged["seats"],
        "plans": arranged["plans"],
        "runs_not_done": arranged["runs_not_done"],
        "unseated": arranged["unseated"],
        "load_s": arranged["load_s"],
        "solve_s": arranged["solve_s"],
        "write_s": arranged["write_s"],
        "scale": scale,
        "demo_seconds": round(demo_seconds, 1),
    }


# --- the children (run in the benchmark environment) ----------------------------------------------


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaowu.settings")
    django.setup()


def child_baseline() -> dict:
    """(a): as many SeatAssignment rows as the province has paid candidates, one bulk_create, committed."""
    from django.db import transaction
    from django.utils import timezone

    from kaowu.accounts.models import Role, User
    from kaowu.arrangement.models import ArrangementRun, SeatAssignment
    from kaowu.plans.models import Plan, Session
    from kaowu.registration.demo import SCALED_PAID_PER_SCALE_SQUARED
    from kaowu.registration.models import Application
    from kaowu.sites.models import Room

    scale = int(os.environ["KAOWU_BENCH_ARRANGE_SCALE"])
    rows = SCALED_PAID_PER_SCALE_SQUARED * scale * scale
    # Two sessions of different items: every row goes to a session its candidate does not sit, and takes a
    # seat number no arrangement uses, so the rows never meet the unique constraints, before (b) or after.
    first = Session.objects.order_by("pk").values_list("pk", "item_id").first()
    other = Session.objects.exclude(item_id=first[1]).order_by("pk").values_list("pk", flat=True).first()
    applications = list(Application.objects.order_by("pk").values_list("pk", "item_id")[:rows])
    if len(applications) < rows:
        raise BenchError(f"the demo has {len(applications)} applications, {rows} wanted")
    room_id = Room.objects.order_by("pk").values_list("pk", flat=True).first()
    plan = Plan.objects.order_by("pk").first()
    clerk = User.objects.filter(role=Role.INSTITUTION_CLERK).order_by("pk").first()
    run = ArrangementRun.objects.create(plan=plan, mode=ArrangementRun.Mode.FULL, seed=0, started_by=clerk,
                                        started_at=timezone.now(), status=ArrangementRun.Status.DONE)
    began = time.perf_counter()
    with transaction.atomic():
        SeatAssignment.objects.bulk_create(
            [SeatAssignment(run_id=run.pk, application_id=application_id,
                            session_id=other if item_id == first[1] else first[0], room_id=room_id,
                            seat_number=1_000_000 + n) for n, (application_id, item_id) in
             enumerate(applications, start=1)], batch_size=BATCH)
    seconds = time.perf_counter() - began
    SeatAssignment.objects.filter(run=run).delete()
    run.delete()
    return {"rows": rows, "seconds": round(seconds, 3)}


def child_arrange() -> dict:
    """(b): arrangement_run for every plan with paid applications, timed together."""

    from django.db.models import Count, F, OuterRef, Q, Subquery

    from kaowu.accounts.models import Role, User
    from kaowu.arrangement.models import ArrangementRun, SeatAssignment
    from kaowu.arrangement.services import arrangement_run
    from kaowu.plans.models import Plan, Session
    from kaowu.registration.models import Application
    from kaowu.registration.services import FEE_PAID

    plans = list(Plan.objects.annotate(paid=Count("applications", filter=Q(applications__status__in=FEE_PAID)))
                 .filter(paid__gt=0).select_related("institution__parent").order_by("pk"))
    clerks = {}
    for user in User.objects.filter(role=Role.INSTITUTION_CLERK).order_by("username"):
        clerks.setdefault(user.organisation_id, user)
    runs = []
    began = time.perf_counter()
    for plan in plans:
        runs.append(arrangement_run(plan=plan, by=clerks[plan.institution_id], mode=ArrangementRun.Mode.FULL,
                                    seed=SEED))
    seconds = time.perf_counter() - began
    peak_kb = peak_memory_mb() * 1024

    needed = (Session.objects.filter(item=OuterRef("item")).order_by().values("item").annotate(n=Count("pk"))
              .values("n"))
    paid = Application.objects.filter(status__in=FEE_PAID)
    seated = (paid.annotate(seat_count=Count("seats"), needed=Subquery(needed))
              .filter(needed__gt=0, seat_count=F("needed")).count())
    candidates = paid.count()
    timings = [run.stats.get("timings", {}) for run in runs]
    not_done = sum(1 for run in runs if run.status != ArrangementRun.Status.DONE)
    return {
        "seconds": round(seconds, 3), "plans": len(plans), "candidates": candidates,
        "seats": SeatAssignment.objects.count(), "runs_not_done": not_done, "unseated": candidates - seated,
        "errors": not_done + candidates - seated, "peak_memory_mb": round(peak_kb / 1024, 1),
        **{key: round(sum(t.get(key, 0) for t in timings), 3) for key in ("load_s", "solve_s", "write_s")},
    }


if __name__ == "__main__" and "--child" in sys.argv:
    _setup()
    what = sys.argv[sys.argv.index("--child") + 1]
    print(json.dumps(child_baseline() if what == "baseline" else child_arrange()))
