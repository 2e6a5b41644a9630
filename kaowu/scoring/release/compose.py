"""Composing a plan's results: every paid (or ticketed) application's Result from its subject scores.

`results_compose` reads the plan with a fixed number of value queries (items; the schemes' subjects with their
parts; sessions; applications; and ONE query for all subject scores), composes in memory with the pure
kaowu.scoring.composition, and writes the Result rows with bulk_create / bulk_update in one transaction,
with one audit event for the batch. It is called by the release flow (on submission, after a recheck
correction); it never changes a result that is already final.

Decisions:
- The scheme of an item is its active scheme, the newest when several are (as catalog.selectors.scheme_for).
- A subject score belongs to `SubjectScore.subject`, else to its session's subject. Sessions without a
  subject (older plans) take the item's scheme subjects that no session names, in the order of the
  sessions' times (theory before practical, as the schedules have them); a score still without a subject
  stops the composition with a message naming the session.
- Every stored score is validated against its subject (0 to full marks, two decimals) before composing: a
  score that fails stops the composition (the data is wrong, not the candidate).
- A Result whose `final` is set is never changed: if composing again would change it, nothing is written
  and RuleViolation (R-FJ-11: after confirmation a score changes only through a recheck decision) is raised;
  if it would come out the same it is left alone.
- The batch's ResultRelease is created when missing: exam_end = the plan's last session date, report_due
  from the profile (R-FJ-10).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from kaowu.accounts.models import User
from kaowu.accounts.roles import is_institution_staff_of, is_reviewing_center_of
from kaowu.catalog.models import Subject
from kaowu.catalog.policy import policy_active
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.services import audit_record
from kaowu.plans.models import Plan, PlanItem, Session
from kaowu.registration.models import Application
from kaowu.registration.services import FEE_PAID
from kaowu.scoring.audit import ScoringAction
from kaowu.scoring.composition import (
    Composed,
    GradeBands,
    PartRule,
    SchemeRule,
    ScoreError,
    SubjectRule,
    result_compose,
    scheme_compile,
    score_validate,
)
from kaowu.scoring.deadlines import report_due
from kaowu.scoring.models import Result, ResultRelease, SubjectScore

BATCH = 5_000
# The columns of a raw score row, in this order: the first four are what composition.result_compose reads
# of a raw entry (score, parts, attendance, source), so a row IS the entry and costs no object per score.
RAW_FIELDS = ("score", "parts", "attendance", "source", "application_id", "subject_id", "session_id")
ERRORS_SHOWN = 5


@dataclass
class PlanResults:
    """What composing a plan gives, before anything is written."""

    composed: list[tuple[int, Composed]]  # (application id, result), by application id
    exam_end: date | None
    scores: int  # subject score rows read
    stray: int  # scores for a subject outside the application's scheme (ignored)
    counts: dict[str, int] = field(default_factory=dict)  # by outcome, plus "missing"


def _may_compose(by: User, plan: Plan) -> bool:
    """The plan's institution staff, or its reviewing center (the province included)."""
    return is_institution_staff_of(by, plan.institution_id) or is_reviewing_center_of(by, plan.reviewing_center)


# --- reads --------------------------------------------------------------------------------------------


def applications_read(plan: Plan) -> list[tuple[int, int]]:
    """(pk, item id) of the plan's paid or ticketed applications, by pk: the candidates who get a Result."""
    return list(Application.objects.filter(plan=plan, status__in=FEE_PAID).order_by("pk").values_list("pk", "item_id"))


def raw_scores_read(plan: Plan, applications: list[tuple[int, int]] | None = None) -> list[tuple]:
    """Every subject score of the plan's paid applications in one query (plus one for the applications unless
    given): tuples in RAW_FIELDS order.

    The scores are selected by application key, not by a join on the plan: PostgreSQL would hash-join and
    scan the whole (province-wide, ever growing) score table for every plan; by key it is an index scan.
    """
    if applications is None:
        applications = applications_read(plan)
    if not applications:
        return []
    ids = [pk for pk, _item in applications]
    scores = SubjectScore.objects.order_by()
    if connection.vendor == "postgresql":
        # One array parameter: an IN list of a thousand placeholders costs more in Django and psycopg than
        # the query itself.
        quote = connection.ops.quote_name
        column = f"{quote(SubjectScore._meta.db_table)}.{quote('application_id')}"
        scores = scores.filter(RawSQL(f"{column} = ANY(%s)", (ids,), output_field=BooleanField()))
    else:
        scores = scores.filter(application_id__in=ids)
    return list(scores.values_list(*RAW_FIELDS))


def _schemes_read(plan: Plan) -> tuple[dict[int, SchemeRule], dict[int, bool], dict[int, SubjectRule]]:
    """(compiled scheme by item id, special item? by item id, subject by id) in two queries: the items, then
    the subjects of their active schemes joined with the schemes and the parts (a row per part)."""
    items = list(PlanItem.objects.filter(plan=plan).order_by().values_list("pk", "occupation_id", "level",
                                                                             "special_item_id"))
    if not items:
        return {}, {}, {}
    wanted = Q()
    for _pk, occupation_id, level, special_item_id in items:
        wanted |= (Q(scheme__special_item_id=special_item_id) if special_item_id
                   else Q(scheme__occupation_id=occupation_id, scheme__level=level, scheme__special_item__isnull=True))
    rows = (Subject.objects.filter(wanted, scheme__is_active=True).order_by("scheme_id", "order", "parts__order")
            .values_list("scheme_id", "scheme__created_at", "scheme__occupation_id", "scheme__level",
                         "scheme__special_item_id", "pk", "name", "kind", "full_marks", "pass_mark", "weight",
                         "parts__order", "parts__name", "parts__full_marks", "parts__weight"))
    newest: dict[tuple, tuple] = {}  # item key → (created_at, scheme id) of the newest active scheme
    subject_rows: dict[int, list] = defaultdict(list)  # scheme id → [subject row, parts]
    for (scheme_id, created_at, occupation_id, level, special_item_id, pk, name, kind, full_marks, pass_mark, weight,
         part_order, part_name, part_full, part_weight) in rows:
        key = (None, None, special_item_id) if special_item_id else (occupation_id, level, None)
        if key not in newest or (created_at, scheme_id) > newest[key]:
            newest[key] = (created_at, scheme_id)
        subjects_of = subject_rows[scheme_id]
        if not subjects_of or subjects_of[-1][0][0] != pk:
            subjects_of.append([(pk, name, kind, full_marks, pass_mark, weight), []])
        if part_order is not None:
            subjects_of[-1][1].append(PartRule(part_order, part_name, part_full, part_weight))
    compiled: dict[int, SchemeRule] = {}
    subjects: dict[int, SubjectRule] = {}
    for _created_at, scheme_id in newest.values():
        rules = [SubjectRule(*values, tuple(parts)) for values, parts in subject_rows[scheme_id]]
        subjects.update((rule.id, rule) for rule in rules)
        compiled[scheme_id] = scheme_compile(rules)
    schemes: dict[int, SchemeRule] = {}
    special: dict[int, bool] = {}
    for item_id, occupation_id, level, special_item_id in items:
        found = newest.get((None, None, special_item_id) if special_item_id else (occupation_id, level, None))
        if found is None:
            item = PlanItem.objects.select_related("occupation", "special_item").get(pk=item_id)
            raise ValidationError(f"报考项目“{item}”没有启用的考核方案（或方案没有科目），无法合成成绩")
        schemes[item_id] = compiled[found[1]]
        special[item_id] = bool(special_item_id)
    return schemes, special, subjects


def _session_subjects(plan: Plan, schemes: dict[int, SchemeRule]) -> tuple[dict[int, int | None], date | None]:
    """(subject id by session id, the plan's last session date): see the module docstring for sessions
    without a subject."""
    rows = list(Session.objects.filter(plan=plan).order_by("date", "start", "pk")
                .values_list("pk", "item_id", "subject_id", "date"))
    subject_of: dict[int, int | None] = {}
    unnamed: dict[int, list[int]] = defaultdict(list)
    named: dict[int, set[int]] = defaultdict(set)
    for pk, item_id, subject_id, _day in rows:
        subject_of[pk] = subject_id
        if subject_id is None:
            unnamed[item_id].append(pk)
        else:
            named[item_id].add(subject_id)
    for item_id, session_ids in unnamed.items():
        scheme = schemes.get(item_id)
        free = [s.id for s in scheme.subjects if s.id not in named[item_id]] if scheme is not None else []
        if len(session_ids) <= len(free):
            subject_of.update(zip(session_ids, free, strict=False))
    return subject_of, (rows[-1][3] if rows else None)


def results_build(plan: Plan, *, bands: GradeBands | None = None) -> PlanResults:
    """Read and compose the plan's results without writing anything (what results_compose writes)."""
    if bands is None:
        policy = policy_active()
        bands = GradeBands.of(policy.grade_excellent_min, policy.grade_good_min, policy.grade_pass_min)
    schemes, special, subjects = _schemes_read(plan)
    subject_of, exam_end = _session_subjects(plan, schemes)
    applications = applications_read(plan)
    rows = raw_scores_read(plan, applications)
    by_application: dict[int, dict[int, tuple]] = {}
    errors: list[tuple[int, str]] = []  # (application id, message)
    unattributed: set[int | None] = set()
    for row in rows:
        subject_id = row[5]
        if subject_id is None:
            subject_id = subject_of.get(row[6])
            if subject_id is None:
                unattributed.add(row[6])
                continue
        score = row[0]
        if score is not None:
            subject = subjects.get(subject_id)
            if subject is not None:
                try:
                    score_validate(subject, score)
                except ScoreError as exc:
                    errors.append((row[4], exc.message))
        raw = by_application.get(row[4])
        if raw is None:
            by_application[row[4]] = {subject_id: row}
        else:
            raw[subject_id] = row
    if unattributed:
        labels = _session_labels(unattributed)
        raise ValidationError(f"以下场次未指定科目，其成绩无法计入：{'、'.join(labels)}")
    if errors:
        _refuse(errors)
    composed: list[tuple[int, Composed]] = []
    counts: dict[str, int] = defaultdict(int)
    stray = 0
    empty: dict[int, tuple] = {}
    for application_id, item_id in applications:
        scheme = schemes.get(item_id)
        if scheme is None:  # the application's item is not one of the plan's: the data is inconsistent
            raise ValidationError(f"报名 {application_id} 的报考项目不属于本计划，无法合成成绩")
        raw = by_application.get(application_id, empty)
        try:
            result = result_compose(scheme, raw, bands, special_item=special[item_id])
        except ScoreError as exc:  # a part missing or out of range where the score itself was not entered
            errors.append((application_id, exc.message))
            continue
        counts[result.outcome] += 1
        if result.missing:
            counts["missing"] += 1
        if raw and not scheme.ids.issuperset(raw):
            stray += len(raw.keys() - scheme.ids)
        composed.append((application_id, result))
    if errors:
        _refuse(errors)
    return PlanResults(composed=composed, exam_end=exam_end, scores=len(rows), stray=stray, counts=dict(counts))


def _refuse(errors: list[tuple[int, str]]) -> None:
    """ValidationError naming the first few candidates whose stored scores are wrong."""
    shown = errors[:ERRORS_SHOWN]
    names = dict(Application.objects.filter(pk__in=[pk for pk, _m in shown]).values_list("pk", "candidate__name"))
    more = f"（共{len(errors)}处，仅列前{ERRORS_SHOWN}处）" if len(errors) > ERRORS_SHOWN else ""
    details = "；".join(f"考生{names.get(pk, '')}（报名{pk}）{message}" for pk, message in shown)
    raise ValidationError(f"成绩数据有误，不能合成{more}：{details}")


def _session_labels(session_ids: Iterable[int | None]) -> list[str]:
    labels = []
    for session in Session.objects.filter(pk__in=[s for s in session_ids if s is not None]).select_related(
            "item__occupation", "item__special_item").order_by("date", "start"):
        labels.append(f"{session.date:%Y-%m-%d} {session.start:%H:%M} {session.item}")
    if None in session_ids:
        labels.append("（无场次、无科目的成绩）")
    return labels


# --- the write ------------------------------------------------------------------------------------------


def _fields(result: Composed) -> dict[str, Any]:
    return {"total": result.total, "outcome": result.outcome, "grade": result.grade, "subjects": result.subjects}


@transaction.atomic
def results_compose(*, plan: Plan, by: User | None = None) -> int:
    """Compose and write the Result of every paid or ticketed application of the plan; returns how many rows
    were written. `by` None is the system (the release flow acting on its own)."""
    if by is not None and not _may_compose(by, plan):
        raise PermissionRefused("只有本机构的管理员、经办人或计划的审核中心可以合成本计划的考核结果")
    policy = policy_active()
    bands = GradeBands.of(policy.grade_excellent_min, policy.grade_good_min, policy.grade_pass_min)
    built = results_build(plan, bands=bands)
    release = ResultRelease.objects.select_for_update().filter(plan=plan).first()
    created_release = release is None
    if release is None:
        if built.exam_end is None:
            raise ValidationError("计划还没有场次，无法确定考核结束日期，不能合成成绩")
        release = ResultRelease.objects.create(plan=plan, exam_end=built.exam_end,
                                               report_due=report_due(built.exam_end, policy.score_report_workdays))
    elif release.status == ResultRelease.Status.FINAL:
        raise RuleViolation("R-FJ-11", "本计划成绩已确认，不能重新合成；确认后的成绩只能经复查更正")
    else:
        release.plan = plan  # the audit event's str(release) names the plan: no query for it
    existing: dict[int, tuple[int, bool]] = {}
    if not created_release:
        existing = {application_id: (pk, final) for pk, application_id, final in
                    Result.objects.filter(release=release).values_list("pk", "application_id", "final")}
    final_ids = [pk for pk, final in existing.values() if final]
    unchanged_final: set[int] = set()
    if final_ids:
        stored = {application_id: {"total": total, "outcome": outcome, "grade": grade, "subjects": subjects}
                  for application_id, total, outcome, grade, subjects in Result.objects.filter(pk__in=final_ids)
                  .values_list("application_id", "total", "outcome", "grade", "subjects")}
        changed = [application_id for application_id, result in built.composed
                   if application_id in stored and stored[application_id] != _fields(result)]
        if changed:
            raise RuleViolation("R-FJ-11",
                                f"{len(changed)}名考生的成绩已确认，不能重新合成；确认后的成绩只能经复查更正")
        unchanged_final = set(stored)
    now = timezone.now()
    new, update = [], []
    for application_id, result in built.composed:
        if application_id in unchanged_final:
            continue
        row = Result(application_id=application_id, release_id=release.pk, **_fields(result))
        known = existing.get(application_id)
        if known is None:
            new.append(row)
        else:
            row.pk = known[0]
            row.updated_at = now
            update.append(row)
    if new:
        Result.objects.bulk_create(new, batch_size=BATCH)
    if update:
        Result.objects.bulk_update(update, ["release", "total", "outcome", "grade", "subjects", "updated_at"],
                                   batch_size=BATCH)
    audit_record(action=ScoringAction.RESULTS_COMPOSE, actor=by, target=release, organisation_id=plan.institution_id,
                 after={"plan": plan.pk, "results": len(built.composed), "created": len(new), "updated": len(update),
                        "scores": built.scores, "stray_scores": built.stray, **built.counts})
    return len(new) + len(update)


__all__ = ["PlanResults", "RAW_FIELDS", "applications_read", "raw_scores_read", "results_build", "results_compose"]
