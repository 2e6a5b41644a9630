"""Scenario `score_entry`: composing and validating the results of a 100,000-candidate province, against the
bulk read of their raw scores in the same run.

On a throwaway PostgreSQL database (`kaowu_bench_<pid>` on KAOWU_BENCH_PG_URL, migrated, always dropped),
`kaowu demo --scale S` builds the province as for `arrange` (S = 10: 70 institutions, each with a closed 统考
plan, 1,000 × S² = 100,000 paid candidates sitting one or two sessions: 育婴员 四级 and 企业人力资源管理师 三级
theory + practical, two 专项 items with one hands-on subject). KAOWU_BENCH_SCORE_SCALE sets S (the harness
test uses 2: 4,000 candidates). Then two child processes (`python -m bench.scenarios.score_entry --child ...`):

- seed: one SubjectScore per (paid application, session of its item) that the demo did not already score,
  written with bulk_create (not timed):
  2% absent, 0.3% cancelled, the rest a random score with two decimals around 72 (the 人力资源 theory paper
  with its parts 职业道德 0–10 + 理论知识 0–90 and their sum, as the entry flow stores it); subject set from
  the session, source import (theory) or assessors, status verified; then the table is ANALYZEd.
- measure: after one untimed round, rounds over every plan of the province until each side has run
  `--duration` seconds (at least 3 rounds); in a round each plan is timed on both sides back to back, which
  side first alternating from plan to plan (a few milliseconds apart, so the noise of this shared machine
  hits both alike):
  (a) `raw_scores_read(plan)`: the bulk read of the plan's raw scores as results_compose makes it — its paid
      applications (one query) and all their subject scores (ONE query, values_list);
  (b) `results_build(plan)`: everything results_compose does before writing — that same read plus three small
      queries (the items; the schemes' subjects with their parts; the sessions), every stored score validated
      against its subject (score_validate), every candidate's result composed (result_compose). NO WRITES in
      the timed rounds. A plan's data is dropped before the next plan (as results_compose works); the garbage
      of a round is collected between rounds, untimed.
  Then, once and outside the ratio, `results_compose(plan=...)` for every plan (the writes: Result rows with
  bulk_create, one audit event per plan): `seconds_write`, and its rows are checked.

`ratio` = time(a) / time(b) summed over the rounds (target ≥ 0.33: composing and validating cost at most twice
the read). `seconds_read`, `seconds_compose` = the mean time of one round (the whole province) of (a) and (b);
`candidates` (results composed per round), `scores` (rows read per round), `rounds`, `peak_memory_mb` (peak
resident memory, VmHWM, of the measuring child before the writes), `seconds_write`, `write_peak_memory_mb`,
`demo_seconds`, `seed_seconds`. `errors` = timed calls that raised + plans whose results_compose raised + paid
candidates without a Result after the writes + written outcomes that differ from the composed ones.
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

SCALE = 10  # KAOWU_BENCH_SCORE_SCALE overrides
SEED = 20261205
BATCH = 20_000
MIN_ROUNDS = 3
MAX_ROUNDS = 200  # a bound so a run ends even with a broken clock


def run(options: Options) -> Metrics:
    scale = _env_int("KAOWU_BENCH_SCORE_SCALE", SCALE)
    with tempfile.TemporaryDirectory(prefix="kaowu-bench-score-") as tmp, throwaway_database() as url:
        var_dir = Path(tmp)
        env = production_env(var_dir)
        env["DATABASE_URL"] = url
        env["KAOWU_MEDIA_ROOT"] = str(var_dir / "media")
        env["KAOWU_BENCH_SCORE_SCALE"] = str(scale)
        env["KAOWU_BENCH_SCORE_DURATION"] = str(options.duration)
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
        log("writing one subject score per candidate and session")
        seeded = child_run("score_entry", "seed", env=env, log_path=var_dir / "seed.log")
        log(f"{seeded['scores']} scores in {seeded['seconds']:.1f} s; measuring (a) read against (b) compose")
        measured = child_run("score_entry", "measure", env=env, log_path=var_dir / "measure.log")
    log(f"(a) {measured['seconds_read']:.3f} s, (b) {measured['seconds_compose']:.3f} s a round; "
        f"ratio {measured['ratio']:.3f}")
    return {**measured, "scale": scale, "demo_seconds": round(demo_seconds, 1), "seed_seconds": seeded["seconds"],
            "seeded_scores": seeded["scores"]}


# --- the children (run in the benchmark environment) ----------------------------------------------


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaowu.settings")
    django.setup()


def _plans():
    from django.db.models import Count, Q

    from kaowu.plans.models import Plan
    from kaowu.registration.services import FEE_PAID
    from kaowu.scoring.models import ResultRelease

    # A plan whose results are final (the demo's certificate batch) is never composed again (R-FJ-11).
    return list(Plan.objects.annotate(paid=Count("applications", filter=Q(applications__status__in=FEE_PAID)))
                .filter(paid__gt=0).exclude(result_release__status=ResultRelease.Status.FINAL)
                .select_related("institution").order_by("pk"))


def child_seed() -> dict:
    """One SubjectScore per (paid application, session of its item) that has none yet."""
    import random
    from collections import defaultdict
    from decimal import Decimal

    from django.db import connection, transaction
    from django.utils import timezone

    from kaowu.catalog.models import SubjectPart
    from kaowu.plans.models import Session
    from kaowu.registration.models import Application
    from kaowu.registration.services import FEE_PAID
    from kaowu.scoring.models import SubjectScore

    rng = random.Random(SEED)
    began = time.perf_counter()
    sessions = defaultdict(list)
    for pk, item_id, subject_id, kind in Session.objects.values_list("pk", "item_id", "subject_id", "subject__kind"):
        sessions[item_id].append((pk, subject_id, kind))
    with_parts = set(SubjectPart.objects.values_list("subject_id", flat=True))
    cent = Decimal("0.01")
    now = timezone.now()
    Source, Status = SubjectScore.Source, SubjectScore.Status

    def mark(low: float, high: float) -> Decimal:
        return Decimal(str(round(min(max(rng.gauss((low + high) * 0.72, (high - low) * 0.12), low), high), 2)))

    # The demo's own plans may come with scores already (entered through the services): keep those.
    existing = set(SubjectScore.objects.values_list("application_id", "session_id"))
    rows = []
    for application_id, item_id in Application.objects.filter(status__in=FEE_PAID).order_by("pk").values_list(
            "pk", "item_id").iterator(chunk_size=20_000):
        for session_id, subject_id, kind in sessions[item_id]:
            if (application_id, session_id) in existing:
                continue
            draw = rng.random()
            attendance = "absent" if draw < 0.02 else "cancelled" if draw < 0.023 else "present"
            score, parts = None, {}
            if attendance == "present":
                if subject_id in with_parts:
                    ethics, theory = mark(0, 10), mark(0, 90)
                    parts = {"1": str(ethics), "2": str(theory)}
                    score = ethics + theory
                else:
                    score = mark(0, 100).quantize(cent)
            rows.append(SubjectScore(
                application_id=application_id, session_id=session_id, subject_id=subject_id, score=score,
                parts=parts, attendance=attendance, source=Source.IMPORT if kind == "theory" else Source.ASSESSORS,
                status=Status.VERIFIED, entered_at=now))
    with transaction.atomic():
        SubjectScore.objects.bulk_create(rows, batch_size=BATCH)
    if connection.vendor == "postgresql":
        # A live database has statistics on its tables; do not leave the planner guessing until autovacuum.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(SubjectScore._meta.db_table)}")
    return {"scores": len(rows), "seconds": round(time.perf_counter() - began, 1)}


def child_measure() -> dict:
    """Alternating rounds of (a) the raw read and (b) read + validate + compose, then the writes once."""
    import gc

    from kaowu.catalog.policy import policy_active
    from kaowu.registration.models import Application
    from kaowu.registration.services import FEE_PAID
    from kaowu.scoring.composition import GradeBands
    from kaowu.scoring.models import Result
    from kaowu.scoring.release.compose import raw_scores_read, results_build, results_compose

    duration = float(os.environ.get("KAOWU_BENCH_SCORE_DURATION", "5"))
    plans = _plans()
    policy = policy_active()
    bands = GradeBands.of(policy.grade_excellent_min, policy.grade_good_min, policy.grade_pass_min)
    errors = 0

    def timed(side, plan) -> tuple[float, int]:
        began = time.perf_counter()
        if side == "a":
            count = len(raw_scores_read(plan))
        else:
            count = len(results_build(plan, bands=bands).composed)
        return time.perf_counter() - began, count

    def province_round() -> tuple[float, float, int, int]:
        """Every plan once on each side, (a) and (b) back to back, which first alternating from plan to plan:
        a neighbour's burst on this shared machine lands on both sides alike. Plan by plan, as results_compose
        works: a plan's data is dropped before the next is read, so the heap (and the garbage collector's work)
        stays that of one plan."""
        nonlocal errors
        seconds, counts = {"a": 0.0, "b": 0.0}, {"a": 0, "b": 0}
        for n, plan in enumerate(plans):
            for side in ("a", "b") if n % 2 == 0 else ("b", "a"):
                try:
                    took, count = timed(side, plan)
                except Exception as exc:  # noqa: BLE001 - a failure is counted, the other plans still measure
                    log(f"plan {plan.pk} ({side}) failed: {type(exc).__name__}: {exc}")
                    errors += 1
                    continue
                seconds[side] += took
                counts[side] += count
        gc.collect()  # what a round left behind is not the next round's cost
        return seconds["a"], seconds["b"], counts["a"], counts["b"]

    province_round()  # warm-up: the database's cache, Django's query compilation, the imports
    reads, composes, scores, candidates = [], [], 0, 0
    while len(reads) < MAX_ROUNDS and (len(reads) < MIN_ROUNDS or sum(reads) < duration
                                       or sum(composes) < duration):
        read, compose, scores, candidates = province_round()
        reads.append(read)
        composes.append(compose)
        log(f"round {len(reads)}: (a) {read:.3f} s, (b) {compose:.3f} s")
    peak_mb = peak_memory_mb()

    expected = {}
    for plan in plans:
        for application_id, result in results_build(plan, bands=bands).composed:
            expected[application_id] = result.outcome
    began = time.perf_counter()
    for plan in plans:
        try:
            results_compose(plan=plan)
        except Exception as exc:  # noqa: BLE001
            log(f"results_compose failed for plan {plan.pk}: {type(exc).__name__}: {exc}")
            errors += 1
    seconds_write = time.perf_counter() - began
    written = dict(Result.objects.filter(release__plan__in=plans).values_list("application_id", "outcome"))
    paid = Application.objects.filter(status__in=FEE_PAID, plan__in=plans).count()
    unwritten = paid - len(written)
    differing = sum(1 for application_id, outcome in expected.items() if written.get(application_id) != outcome)
    errors += max(unwritten, 0) + differing
    read, compose = sum(reads) / len(reads), sum(composes) / len(composes)
    outcomes = {}
    for outcome in written.values():
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return {
        "ratio": round(read / compose, 4) if compose > 0 else 0.0,
        "errors": errors,
        "seconds_read": round(read, 4),
        "seconds_compose": round(compose, 4),
        "candidates": candidates,
        "scores": scores,
        "plans": len(plans),
        "rounds": len(reads),
        "peak_memory_mb": peak_mb,
        "seconds_write": round(seconds_write, 3),
        "write_peak_memory_mb": peak_memory_mb(),
        "results_written": len(written),
        "unwritten": unwritten,
        "differing": differing,
        **{f"outcome_{key}": value for key, value in sorted(outcomes.items())},
    }


if __name__ == "__main__" and "--child" in sys.argv:
    _setup()
    what = sys.argv[sys.argv.index("--child") + 1]
    print(json.dumps(child_seed() if what == "seed" else child_measure()))
