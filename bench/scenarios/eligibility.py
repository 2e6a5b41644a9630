"""Scenario `eligibility`: R-LN-7 profiles evaluated per second, against parsing them alone.

100,000 seeded profiles (work, certificates, education as an applicant would enter them) are each
checked for one occupation and level. The baseline is parsing the same profiles (profile_parse),
which every evaluation also does, so `ratio` = evaluation rate / parse rate says how much the rules
themselves cost. Target: ratio ≥ 0.25.
"""

import random
import time
from datetime import date, timedelta

from bench.scenarios import Metrics, Options, log
from kaowu.catalog.eligibility import eligibility_check, profile_parse, rulesets_all
from kaowu.catalog.eligibility.profile import CERTIFICATE_KINDS, SCHOOLS, STATUSES

PROFILES = 100_000
CHUNK = 5_000


def profiles_generate(count: int, seed: int = 20261122) -> list[tuple[str, int, dict]]:
    """(occupation, level, profile) triples, mostly plausible applicants, some near misses."""
    rng = random.Random(seed)
    rulesets = rulesets_all()
    targets = [(r, level) for r in rulesets for level in r.levels]
    majors = sorted({m for r in rulesets for m in r.majors_same | {x for v in r.majors_related.values() for x in v}})
    majors += ["会计", "机械工程", "汉语言文学"]

    def day(lo: int, hi: int) -> date:
        return date(2000, 1, 1) + timedelta(days=rng.randrange(lo, hi))

    triples = []
    for _ in range(count):
        rules, level = rng.choice(targets)
        occupations = sorted(rules.work_occupations) + ["销售", "厨师"]
        as_of = day(6000, 9500)
        work = []
        for _w in range(rng.randrange(0, 4)):
            start = day(0, 8000)
            end = None if rng.random() < 0.5 else (start + timedelta(days=rng.randrange(30, 3000))).isoformat()
            work.append({"occupation": rng.choice(occupations), "start": start.isoformat(), "end": end})
        certificates = []
        for _c in range(rng.randrange(0, 3)):
            kind = rng.choice(CERTIFICATE_KINDS)
            certificates.append({
                "occupation": rng.choice(sorted(rules.certificate_occupations) + ["焊工"]),
                "level": rng.randrange(1, 6), "kind": kind, "issued_on": day(0, 8000).isoformat(),
            })
        education = []
        for _e in range(rng.randrange(0, 2)):
            status = rng.choice(STATUSES)
            education.append({
                "school": rng.choice(SCHOOLS), "major": rng.choice(majors), "status": status,
                "graduated_on": day(0, 8000).isoformat() if status == "毕业" else None,
            })
        profile = {"as_of": as_of.isoformat(), "work": work, "certificates": certificates, "education": education,
                   "apprenticeship_completed": rng.random() < 0.05}
        triples.append((rules.occupation, level, profile))
    return triples


def run(options: Options) -> Metrics:
    log(f"generating {PROFILES} profiles")
    triples = profiles_generate(PROFILES)
    by_name = {r.occupation: r for r in rulesets_all()}

    # The two phases alternate in chunks so that a neighbour's load on this shared machine
    # falls on both alike and the ratio stays comparable between runs.
    errors = eligible = 0
    parse_seconds = evaluate_seconds = 0.0
    for offset in range(0, PROFILES, CHUNK):
        chunk = triples[offset:offset + CHUNK]
        started = time.perf_counter()
        for _occupation, _level, data in chunk:
            profile_parse(data)
        parse_seconds += time.perf_counter() - started

        started = time.perf_counter()
        for occupation, level, data in chunk:
            try:
                if eligibility_check(by_name[occupation], level, profile_parse(data)).eligible:
                    eligible += 1
            except Exception:  # noqa: BLE001 - a crash on generated input is a finding, counted
                errors += 1
        evaluate_seconds += time.perf_counter() - started

    parse_rate = PROFILES / parse_seconds
    evaluate_rate = PROFILES / evaluate_seconds
    return {
        "profiles_per_s": round(evaluate_rate, 1),
        "baseline_parse_per_s": round(parse_rate, 1),
        "ratio": round(evaluate_rate / parse_rate, 4),
        "profiles": PROFILES,
        "eligible": eligible,
        "errors": errors,
    }
