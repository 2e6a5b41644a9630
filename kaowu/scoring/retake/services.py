"""Retakes (补考, R-CQ-13): a passed subject stays valid for the profile's period (one year), during which the
failed subjects may be retaken once at the same institution. The retake application carries the passed
subjects' scores over and sits only the failed ones."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from kaowu.accounts.models import User
from kaowu.catalog.policy import policy_active
from kaowu.core.errors import RuleViolation
from kaowu.core.services import audit_record
from kaowu.plans.models import PlanItem
from kaowu.registration.models import Application
from kaowu.registration.services import application_create
from kaowu.scoring.audit import ScoringAction
from kaowu.scoring.models import Result, ResultRelease, SubjectScore

KNOWN = (ResultRelease.Status.PUBLISHED, ResultRelease.Status.FINAL)
RULE = "R-CQ-13"


@dataclass(frozen=True)
class RetakeOffer:
    """What a retake of `original` would carry over and sit again, and until when it may be taken."""

    original: Application
    passed: list[dict]  # the Result's subject entries that passed: carried over
    failed: list[dict]  # the ones to sit again
    valid_until: date
    used: int  # retakes already made from the same first application
    allowed: int


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _root(application: Application) -> Application:
    while application.retake_of_id:
        application = application.retake_of
    return application


def _retakes_used(root: Application) -> int:
    """Retakes made from `root`, through any chain; a withdrawn retake does not count."""
    used, frontier = 0, [root.pk]
    while frontier:
        children = list(Application.objects.filter(retake_of_id__in=frontier)
                        .exclude(status__in=(Application.Status.WITHDRAWN, Application.Status.REFUNDED))
                        .values_list("pk", flat=True))
        used += len(children)
        frontier = children
    return used


def retake_offer(original: Application, *, on: date) -> RetakeOffer:
    """The retake `original` allows on `on`, or a refusal naming R-CQ-13 and saying why not."""
    result = Result.objects.filter(application=original).select_related("release").first()
    if result is None or result.release.status not in KNOWN:
        raise RuleViolation(RULE, "成绩公布后才能申请补考")
    if result.outcome != Result.Outcome.FAILED:
        raise RuleViolation(RULE, f"考核结果为“{result.get_outcome_display()}”，不能申请补考")
    passed = [s for s in result.subjects if s.get("passed")]
    failed = [s for s in result.subjects if not s.get("passed")]
    if not passed:
        raise RuleViolation(RULE, "没有合格科目可以保留，请重新报名参加全部科目考核")
    policy = policy_active()
    published = (result.release.published_at.date() if result.release.published_at else on)
    valid_until = _add_years(published, policy.retake_validity_years)
    if on > valid_until:
        raise RuleViolation(RULE, f"合格科目成绩保留至{valid_until:%Y年%m月%d日}，已过期，请重新报名参加全部科目考核")
    root = _root(original)
    used = _retakes_used(root)
    if used >= policy.retakes_allowed:
        raise RuleViolation(RULE, f"保留期内只能补考{policy.retakes_allowed}次，已补考{used}次")
    return RetakeOffer(original=original, passed=passed, failed=failed, valid_until=valid_until, used=used,
                       allowed=policy.retakes_allowed)


@transaction.atomic
def retake_apply(*, original: Application, item: PlanItem, by: User, today: date) -> Application:
    """A draft retake application in `item` (a plan open for registration at the same institution, the same
    occupation and level or special item), with the passed subjects' scores carried over."""
    offer = retake_offer(original, on=today)
    plan = item.plan
    if plan.institution_id != original.plan.institution_id:
        raise RuleViolation(RULE, f"补考须在原考核机构（{original.plan.institution.name}）报名")
    same = (item.occupation_id, item.level, item.special_item_id) == (
        original.item.occupation_id, original.item.level, original.item.special_item_id)
    if not same:
        raise ValidationError(f"补考须报考原项目：{original.item}")
    retake = application_create(candidate=original.candidate, item=item, by=by, profile=original.profile)
    carried = [s["subject"] for s in offer.passed]
    retake.retake_of = original
    retake.carried_subjects = carried
    retake.save(update_fields=["retake_of", "carried_subjects", "updated_at"])
    sources = {s.subject_id: s for s in SubjectScore.objects.filter(application=original, subject_id__in=carried)}
    missing = [s["name"] for s in offer.passed if s["subject"] not in sources]
    if missing:
        raise ValidationError(f"原成绩缺少科目：{'、'.join(missing)}，无法保留")
    SubjectScore.objects.bulk_create([
        SubjectScore(application=retake, session=None, subject_id=subject_id, score=source.score,
                     parts=source.parts, source=SubjectScore.Source.CARRIED, status=SubjectScore.Status.VERIFIED,
                     carried_from=source)
        for subject_id, source in sources.items()])
    audit_record(action=ScoringAction.RETAKE_APPLY, actor=by, target=retake, organisation_id=plan.institution_id,
                 after={"retake_of": original.pk, "carried": [s["name"] for s in offer.passed],
                        "sit": [s["name"] for s in offer.failed]})
    return retake
