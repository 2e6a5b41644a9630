"""verify: public certificate verifications per second with a million certificates in PostgreSQL.

`concurrency` client processes GET /api/v1/certificates/verify?number=…&name=… (no token: the public API)
through gunicorn exactly as in production, each request with another existing certificate's number and
its holder's name, drawn at random from the whole table; one request in twenty carries a wrong name and
is answered 404 "未查询到", which is a correct answer, not an error. Every request runs the whole public
path: the per-address rate limiter's upsert (KAOWU_VERIFY_PER_MINUTE is set far above what the run can
reach, so nobody is refused, but the counter is still bumped on every request and its cost is measured),
the lookup by number and the audit event.

`rps` = answered verifications (200 + 404) per second; the baseline is GET /healthz on the same server
(the http_baseline figure) in alternating rounds of about a second; `ratio` = rps / baseline_rps, target
≥ 0.5. `plan` is the EXPLAIN ANALYZE of the statement that reads the certificate table, exactly as Django
issues it (captured with an execute wrapper around the public verification, in a child process under the
same settings), and `index_used` says whether every scan of the certificate table in it goes through an
index. `statements_per_verify` counts the statements the whole verification sends.

Database: a throwaway PostgreSQL database `kaowu_bench_<pid>` at KAOWU_BENCH_PG_URL (default
postgres://postgres@127.0.0.1:5432), migrated and seeded with `kaowu demo` (for the organisations, the
plan and the results that the certificates' foreign keys need), then KAOWU_BENCH_CERTIFICATES (default
1,000,000) certificates written by one INSERT … SELECT over generate_series (`certificates_load`), with
the table's secondary indexes and constraints dropped before and rebuilt after (much faster than
maintaining eleven indexes row by row), then VACUUM ANALYZE. Dropped at the end.
"""

import json
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from psycopg import sql

from bench.scenarios import REPO_DIR, BenchError, Metrics, Options, child_run, log
from bench.scenarios.http_baseline import (
    HEALTHZ,
    KAOWU_APP,
    Phase,
    Requests,
    _tail,
    generate_load,
    gunicorn_server,
    migrate,
    production_env,
    request_once,
    run_clients,
)
from bench.scenarios.registration_load import _env_int, throwaway_database

CERTIFICATES = 1_000_000  # KAOWU_BENCH_CERTIFICATES overrides
SAMPLE = 20_000  # (number, name) pairs the clients draw from; KAOWU_BENCH_VERIFY_SAMPLE overrides
WRONG_NAME_SHARE = 0.05  # of the requests: a wrong name, answered 404
VERIFY_PATH = "/api/v1/certificates/verify"
TABLE = "certificates_certificate"
# Far above any rate this machine reaches: the limiter runs (and is measured) but never refuses.
PER_MINUTE = 1_000_000_000
SEED = 20261209
# As behind the TLS-terminating proxy of production; without it SECURE_SSL_REDIRECT answers 301.
HEADERS = {"X-Forwarded-Proto": "https"}

# The certificates' holders: every result the demo composed, with its application's candidate and plan, the
# plan's institution (issuer) and center (numbering). The certificates point at these few rows in turn
# (Certificate.result and .candidate are plain foreign keys); their own columns are what verification reads.
HOLDERS_SQL = """
CREATE TEMP TABLE bench_holders ON COMMIT DROP AS
SELECT (row_number() OVER (ORDER BY r.id) - 1)::int AS k, r.id AS result_id, a.candidate_id, a.plan_id,
       p.institution_id AS issuer_id, p.reviewing_center_id AS numbered_by_id, o.name AS issuer_name
FROM scoring_result r
JOIN registration_application a ON a.id = r.application_id
JOIN plans_plan p ON p.id = a.plan_id
JOIN accounts_organisation o ON o.id = p.institution_id
"""

# Row g of generate_series(0, count - 1) is certificate id base + g + 1:
# - kind: one in ten a 专项 certificate (ZX{city}{year}{serial:06d}), the others 职业技能等级证书 in the
#   R-CERT-NO format (S + body 1023 + province 51 + body sequence 000045 + year + level + serial). Every
#   (sequence, serial) pair, and so every number, is distinct: within a sequence key the serial counts the
#   rows that map to it.
# - status: g % 50 = 7 replaced (2%), by the next row (g % 50 = 8, same holder, `replaces` = row g - 1);
#   g % 200 = 3 revoked (0.5%) with a reason; the rest valid.
# - holder h (the replaced row's for a replacement): a name of two or three characters from 30 surnames
#   and 40 + 20 given-name characters (about 25,000 distinct names, most shared by many certificates, as
#   in life), an ID number, gender, item and level, exam and issue dates.
LOAD_SQL = """
INSERT INTO certificates_certificate (
  id, created_at, updated_at, number, kind, sequence_key, serial, status, status_reason, status_changed_at,
  holder_name, holder_gender, holder_id_type, holder_id_number, holder_id_masked, item_code, item_name, level,
  level_name, grade, exam_date, issued_on, photo_name, issuer_name, signature, printed_count,
  candidate_id, issuer_id, numbered_by_id, plan_id, replaces_id, result_id)
SELECT {base} + g + 1, now(), now(), s.seq || lpad(s.serial::text, 6, '0'), s.kind, s.seq, s.serial,
  CASE WHEN g % 50 = 7 THEN 'replaced' WHEN g % 200 = 3 THEN 'revoked' ELSE 'valid' END,
  CASE WHEN g % 200 = 3 THEN '提供虚假材料取得（R-LN-3）' ELSE '' END,
  CASE WHEN g % 50 = 7 OR g % 200 = 3 THEN now() END,
  s.name, CASE WHEN h % 2 = 0 THEN '男' ELSE '女' END, 'resident', s.id_number,
  left(s.id_number, 6) || '********' || right(s.id_number, 4),
  s.item_code, s.item_name, s.level, s.level_name, s.grade, s.exam_date, s.exam_date + 30, '', b.issuer_name,
  left(md5(g::text) || md5(h::text) || md5(s.seq) || md5(s.name), 86), h % 3,
  b.candidate_id, b.issuer_id, b.numbered_by_id, b.plan_id, CASE WHEN g % 50 = 8 THEN {base} + g END, b.result_id
FROM generate_series(0, {count} - 1) AS g
CROSS JOIN LATERAL (SELECT CASE WHEN g % 50 = 8 THEN g - 1 ELSE g END AS h) AS hh
CROSS JOIN LATERAL (
  SELECT
    CASE WHEN g % 10 = 9 THEN 'special' ELSE 'skill_level' END AS kind,
    CASE WHEN g % 10 = 9 THEN 'ZX510100' || (2019 + (g / 10) % 7)::text
         ELSE 'S102351000045' || (19 + (g / 10) % 7)::text || (1 + (g / 70) % 5)::text END AS seq,
    CASE WHEN g % 10 = 9 THEN g / 70 + 1 ELSE (g / 350) * 9 + g % 10 + 1 END AS serial,
    (ARRAY['王','李','张','刘','陈','杨','黄','赵','吴','周','徐','孙','马','朱','胡','郭','何','高','林','罗',
           '郑','梁','谢','宋','唐','许','韩','冯','邓','曹'])[1 + h % 30]
    || (ARRAY['伟','芳','娜','敏','静','丽','强','磊','军','洋','勇','艳','杰','娟','涛','明','超','秀','霞','平',
              '刚','桂','英','华','玉','兰','飞','红','建','文','斌','宇','浩','凯','鑫','雪','琳','晨','欣','怡'])
       [1 + (h / 30) % 40]
    || CASE WHEN (h / 1200) % 3 = 0 THEN ''
            ELSE (ARRAY['国','海','春','志','小','子','佳','思','梦','雨','一','天','家','俊','嘉','晓','永','德',
                        '成','清'])[1 + (h / 1200) % 20] END AS name,
    '510104' || to_char(date '1965-01-01' + (h % 14000), 'YYYYMMDD') || lpad((h % 10000)::text, 4, '0')
      AS id_number,
    CASE WHEN g % 10 = 9 THEN 'ZX-0' || (h % 4)::text
         ELSE (ARRAY['4-10-01-01','4-03-02-01','4-08-09-01','6-31-01-03'])[1 + h % 4] END AS item_code,
    CASE WHEN g % 10 = 9 THEN (ARRAY['川菜烹饪','蜀绣制作','茶艺','竹编'])[1 + h % 4]
         ELSE (ARRAY['育婴员','中式烹调师','美容师','电工'])[1 + h % 4] END AS item_name,
    CASE WHEN g % 10 = 9 THEN NULL ELSE 1 + (g / 70) % 5 END AS level,
    CASE WHEN g % 10 = 9 THEN ''
         ELSE (ARRAY['一级/高级技师','二级/技师','三级/高级工','四级/中级工','五级/初级工'])[1 + (g / 70) % 5] END
      AS level_name,
    CASE WHEN g % 10 = 9 THEN (ARRAY['优秀','良好','合格'])[1 + h % 3] ELSE '' END AS grade,
    make_date(2019 + (g / 10) % 7, 1 + h % 12, 1 + h % 28) AS exam_date
) AS s
JOIN bench_holders b ON b.k = h % {holders}
"""


# --- Loading --------------------------------------------------------------------------------


def certificates_load(url: str, count: int) -> int:
    """Write `count` certificates into the (migrated, demo-seeded) database at `url` and VACUUM ANALYZE the
    table; returns the table's row count afterwards.

    The table's secondary indexes and its unique and foreign-key constraints are dropped for the INSERT and
    rebuilt after it (in the same transaction; re-adding a foreign key checks every row in one join): a
    million rows into eleven indexes one by one took 47 s here, this 30 s. Their definitions are read from
    the catalogue, so the rebuilt table is the one the migrations made."""
    with psycopg.connect(url) as conn:  # one transaction: a failure leaves the table as it was
        conn.execute(HOLDERS_SQL)
        holders = conn.execute("SELECT count(*) FROM bench_holders").fetchone()[0]
        if holders == 0:
            raise BenchError("no results to issue certificates from: `kaowu demo` must run first")
        base = conn.execute(sql.SQL("SELECT coalesce(max(id), 0) FROM {}").format(sql.Identifier(TABLE))).fetchone()[0]
        constraints = conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype IN ('u', 'f') ORDER BY contype DESC, conname", [TABLE]).fetchall()  # unique first
        indexes = conn.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname",
            [TABLE]).fetchall()
        for name, _definition in constraints:
            conn.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(sql.Identifier(TABLE),
                                                                              sql.Identifier(name)))
        for name, _definition in indexes:
            conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
        # No parameters: psycopg sends the text as is, so the SQL's % operators need no escaping.
        conn.execute(sql.SQL(LOAD_SQL).format(base=sql.Literal(base), count=sql.Literal(count),
                                              holders=sql.Literal(holders)))
        conn.execute("SET LOCAL maintenance_work_mem = '256MB'")  # the index builds sort in memory
        for name, definition in constraints:
            conn.execute(sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                sql.Identifier(TABLE), sql.Identifier(name), sql.SQL(definition)))
        for _name, definition in indexes:
            conn.execute(sql.SQL(definition))
        # The ids were given explicitly: move the identity past them for the certificates issued later.
        conn.execute(sql.SQL("SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM {}))").format(
            sql.Identifier(TABLE)), [TABLE])
    with psycopg.connect(url, autocommit=True) as conn:
        # Sets the hint bits and the visibility map as a long-lived table has them, so the measurement does
        # not pay for the first touch of every page; and the statistics the planner needs.
        conn.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(TABLE)))
        try:
            # The load wrote about a gigabyte of WAL; without this the checkpoint it set off would be writing
            # it out during the measurement, and the commits of the verifications would queue behind it.
            conn.execute("CHECKPOINT")
        except psycopg.errors.InsufficientPrivilege:
            log("no CHECKPOINT after the load (needs superuser or pg_checkpoint): the measurement may be slower")
        return conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(TABLE))).fetchone()[0]


@dataclass(frozen=True)
class Sample:
    pairs: list[tuple[str, str]]  # (number, name) as the clients send them; some names wrong
    wrong: int  # how many of the pairs carry a wrong name
    replaced: tuple[str, str, str]  # a replaced certificate's number and name, and its replacement's number
    revoked: tuple[str, str]  # a revoked certificate's number and name

    @property
    def right(self) -> tuple[str, str]:
        return next(pair for pair in self.pairs if not pair[1].endswith("某"))


def sample_draw(url: str, size: int, *, seed: int = SEED) -> Sample:
    """`size` random existing (number, name) pairs from the whole table, WRONG_NAME_SHARE of them with the
    name changed so that they match nothing; and a replaced and a revoked certificate for the checks."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT setseed(%s)", [(seed % 1000) / 1000])
        rows = conn.execute(sql.SQL("SELECT number, holder_name FROM {} ORDER BY random() LIMIT %s").format(
            sql.Identifier(TABLE)), [size]).fetchall()
        replaced = conn.execute(sql.SQL(
            "SELECT o.number, o.holder_name, n.number FROM {table} o JOIN {table} n ON n.replaces_id = o.id "
            "WHERE o.status = 'replaced' ORDER BY o.id LIMIT 1").format(table=sql.Identifier(TABLE))).fetchone()
        revoked = conn.execute(sql.SQL("SELECT number, holder_name FROM {} WHERE status = 'revoked' ORDER BY id "
                                       "LIMIT 1").format(sql.Identifier(TABLE))).fetchone()
    if not rows or replaced is None or revoked is None:
        raise BenchError("the certificate table has no rows to verify (or no replaced or revoked one)")
    rng = random.Random(seed)
    pairs, wrong = [], 0
    for number, name in rows:
        if rng.random() < WRONG_NAME_SHARE:
            # Another holder's name would sometimes be this holder's too (names repeat); 某 is in no name here.
            name, wrong = name + "某", wrong + 1
        pairs.append((number, name))
    return Sample(pairs=pairs, wrong=wrong, replaced=tuple(replaced), revoked=tuple(revoked))


def verify_path(number: str, name: str) -> str:
    return f"{VERIFY_PATH}?{urlencode({'number': number, 'name': name})}"


# --- The query plan --------------------------------------------------------------------------

_SCAN = re.compile(r"(Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan|Tid Scan|Tid Range Scan)"
                   r"(?: using \S+)? on (\S+)")
# A bitmap heap scan reads the rows its bitmap index scans found (those name the index, not the table).
_INDEXED = {"Index Scan", "Index Only Scan", "Bitmap Heap Scan"}


def plan_uses_index(plan: str, table: str = TABLE) -> bool:
    """True when the plan reads `table` and every scan of it (under any alias) goes through an index: no
    sequential scan of it anywhere. Reads EXPLAIN's text format."""
    scans = [kind for kind, name in _SCAN.findall(plan) if name == table]
    return bool(scans) and all(kind in _INDEXED for kind in scans)


def child_explain(number: str, name: str) -> dict:
    """In the benchmark's environment: run the public verification as the API does, capture what Django
    sends, and EXPLAIN ANALYZE the statement that reads the certificate table, or the EXECUTE of the prepared
    one that does (in a transaction rolled back afterwards: it writes the counter and the audit event too)."""
    import django

    django.setup()
    from django.db import connection, transaction

    from kaowu.certificates.verification import services

    captured: list[tuple[str, object]] = []

    def capture(execute, statement, params, many, context):
        captured.append((statement, params))
        return execute(statement, params, many, context)

    # The steady state: the first verification on a connection may prepare its statement, and PostgreSQL plans a
    # prepared statement for its parameters five times before it settles on a generic plan.
    for _warm in range(6):
        services.certificate_verify_public(number=number, name=name, via="api")
    with connection.execute_wrapper(capture):
        found = services.certificate_verify_public(number=number, name=name, via="api")
    lookups = [(statement, params) for statement, params in captured
               if TABLE in statement or statement.startswith("EXECUTE ")]
    if found is None or len(lookups) != 1:
        raise BenchError(f"verifying {number} found {found!r} with {len(lookups)} lookups: {captured}")
    statement, params = lookups[0]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ANALYZE {statement}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return {"sql": statement, "plan": plan, "statements": len(captured)}


# --- The scenario -------------------------------------------------------------------------


def _demo(env: dict[str, str], log_path: Path) -> None:
    with log_path.open("wb") as out:
        result = subprocess.run([sys.executable, "-m", "django", "demo"], cwd=REPO_DIR, env=env,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, timeout=900)
    if result.returncode != 0:
        raise BenchError(f"kaowu demo failed (exit {result.returncode}):\n{_tail(log_path)}")


def answers_check(port: int, sample: Sample) -> list[str]:
    """What a user would notice, checked before the load: a right pair shows the certificate, a wrong name
    the same 404 as a wrong number, a replaced certificate names its replacement, a revoked one its reason."""
    problems = []

    def get(number: str, name: str) -> tuple[int, dict]:
        status, body = request_once(port, verify_path(number, name), headers=HEADERS)
        try:
            return status, json.loads(body)
        except ValueError:
            return status, {"body": body[:200].decode(errors="replace")}

    right = sample.right
    status, data = get(*right)
    if status != 200 or data.get("number") != right[0] or data.get("holder_name") != right[1]:
        problems.append(f"{right}: HTTP {status} {data}")
    for number, name in [(right[0], right[1] + "某"), ("S1023510000451910999999", right[1])]:
        status, data = get(number, name)
        if status != 404 or data.get("found") is not False:
            problems.append(f"{(number, name)}: HTTP {status} {data}, expected 404")
    number, name, new_number = sample.replaced
    status, data = get(number, name)
    if status != 200 or data.get("status") != "replaced" or data.get("replaced_by") != new_number:
        problems.append(f"replaced {number}: HTTP {status} {data}")
    number, name = sample.revoked
    status, data = get(number, name)
    if status != 200 or data.get("status") != "revoked" or not data.get("status_reason") or data.get("valid"):
        problems.append(f"revoked {number}: HTTP {status} {data}")
    return problems


def run(options: Options) -> Metrics:
    count = _env_int("KAOWU_BENCH_CERTIFICATES", CERTIFICATES)
    size = _env_int("KAOWU_BENCH_VERIFY_SAMPLE", SAMPLE)
    with tempfile.TemporaryDirectory(prefix="kaowu-bench-") as tmp, throwaway_database() as url:
        var_dir = Path(tmp)
        env = production_env(var_dir)
        env.update(DATABASE_URL=url, KAOWU_VERIFY_PER_MINUTE=str(PER_MINUTE))
        log("migrating the benchmark database")
        migrate(env, var_dir / "migrate.log")
        log("seeding: kaowu demo")
        _demo(env, var_dir / "demo.log")
        log(f"loading {count:,} certificates")
        began = time.monotonic()
        certificates = certificates_load(url, count)
        load_s = time.monotonic() - began
        log(f"{certificates:,} certificates in the table after {load_s:.1f} s")
        sample = sample_draw(url, size)
        explained = child_run("verify", "explain", *sample.right, env=env, log_path=var_dir / "explain.log")
        index_used = plan_uses_index(explained["plan"])
        log(f"lookup plan ({'index' if index_used else 'NO INDEX'}):\n{explained['plan']}")

        # One slice of the sample per client, requested in turn; every round each client goes on where it
        # stopped and wraps round at the end of its slice, so no round ever runs out of pairs.
        paths = [verify_path(number, name) for number, name in sample.pairs]
        slices = [paths[index::options.concurrency] for index in range(options.concurrency)]
        offsets = [0] * options.concurrency
        requests = Requests(headers=HEADERS, answers=frozenset({200, 404}))
        rounds = max(1, round(options.duration))
        per_client = max(1, options.max_requests // rounds // options.concurrency)

        def verify_round(duration: float) -> Phase:
            turned: list[str | list[str]] = [
                (own[offset % len(own):] + own[:offset % len(own)])[:per_client]
                for own, offset in zip(slices, offsets, strict=True)]
            phase = run_clients(port, turned, duration=duration, max_requests=per_client, requests=requests)
            for index, used in enumerate(phase.used):
                offsets[index] += used
            return phase

        server_log = var_dir / "gunicorn-kaowu.log"
        with gunicorn_server(KAOWU_APP, workers=options.workers, env=env, log_path=server_log) as port:
            problems = answers_check(port, sample)
            for problem in problems:
                log(f"wrong answer: {problem}")
            warm_s = min(0.5, options.duration / 4)
            generate_load(port, HEALTHZ, duration=warm_s, concurrency=options.concurrency,
                          max_requests=options.max_requests)
            warm = verify_round(warm_s)
            if warm.errors:
                raise BenchError(f"verifications fail in the warm-up: {warm.first_error}\n{_tail(server_log)}")
            log(f"measuring verifications and {HEALTHZ} on port {port}: {options.duration:g} s each, "
                f"{options.concurrency} clients, {options.workers} workers")
            verify_phases: list[Phase] = []
            healthz_phases: list[Phase] = []
            for _round in range(rounds):
                verify_phases.append(verify_round(options.duration / rounds))
                healthz_phases.append(generate_load(
                    port, HEALTHZ, duration=options.duration / rounds, concurrency=options.concurrency,
                    max_requests=max(1, options.max_requests // rounds)))
                log(f"round {_round + 1}: verify {verify_phases[-1].rps:.0f}/s, "
                    f"{HEALTHZ} {healthz_phases[-1].rps:.0f}/s")
        server_tail = _tail(server_log)
    verify = Phase.combine(verify_phases)
    healthz = Phase.combine(healthz_phases)
    found, not_found = verify.statuses.get(200, 0), verify.statuses.get(404, 0)
    log(f"verify: {verify.rps:.1f} answered/s ({found} found, {not_found} not found), {verify.errors} errors; "
        f"{HEALTHZ}: {healthz.rps:.1f} requests/s, {healthz.errors} errors")
    for name, phase in [("verify", verify), (HEALTHZ, healthz)]:
        if phase.first_error:
            log(f"{name}: first error: {phase.first_error}; server log:\n{server_tail}")
    return {
        "rps": round(verify.rps, 1),
        "baseline_rps": round(healthz.rps, 1),
        "ratio": round(verify.rps / healthz.rps, 4) if healthz.rps > 0 else 0.0,
        "requests": verify.requests,
        "found": found,
        "not_found": not_found,
        # Errors in either phase, and wrong answers in the checks before the load: none is a measurement.
        "errors": verify.errors + healthz.errors + len(problems),
        "baseline_errors": healthz.errors,
        "wrong_answers": len(problems),
        "certificates": certificates,
        "load_seconds": round(load_s, 1),
        "sample": len(sample.pairs),
        "index_used": index_used,
        "plan": explained["plan"],
        "statements_per_verify": explained["statements"],
        "concurrency": options.concurrency,
        "workers": options.workers,
        "duration_s": round(verify.elapsed_s, 3),
        "latency_p50_ms": round(verify.latency_ms(50), 2),
        "latency_p95_ms": round(verify.latency_ms(95), 2),
        "baseline_latency_p50_ms": round(healthz.latency_ms(50), 2),
    }


if __name__ == "__main__" and "--child" in sys.argv:
    _args = sys.argv[sys.argv.index("--child") + 1:]
    if _args[0] != "explain":
        raise SystemExit(f"unknown child {_args[0]!r}")
    print(json.dumps(child_explain(_args[1], _args[2])))
