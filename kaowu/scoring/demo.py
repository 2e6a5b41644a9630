"""The scoring step of the demo generator: a 成都 batch examined two weeks ago whose results are published,
so that `make run` shows the 公示 page, the public score query and cd01_candidate001's own result.

Scores are written directly (the demo has no assessors' sheets for a past exam); composition, approval and
publication go through the services, as in production."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from kaowu.accounts.models import Organisation, Role, User
from kaowu.catalog.models import Occupation, Subject
from kaowu.plans.models import Plan, PlanItem, PlanKind, Session
from kaowu.registration import services as registration_services
from kaowu.registration.models import Application, Candidate, Payment
from kaowu.scoring.models import ResultRelease, SubjectScore
from kaowu.scoring.release.compose import results_compose
from kaowu.scoring.release.services import (
    release_get_or_create,
    result_release_transition,
    results_approve,
    results_publish,
)

DEMO_RESULTS_CANDIDATES = 12


def demo_scores_build(*, rng: random.Random, today=None, days_ago: int = 14, batch: str = "01",
                      label: str = "成绩演示") -> Plan | None:
    """A batch examined `days_ago` days before `today`, its results published two days before `today`."""
    today = today or timezone.localdate()
    institution = Organisation.objects.filter(kind=Organisation.Kind.INSTITUTION, parent__code="510100") \
        .order_by("path").first()
    if institution is None:
        return None
    clerk = User.objects.filter(organisation=institution, role=Role.INSTITUTION_CLERK).order_by("username").first()
    reviewer = User.objects.filter(organisation=institution.parent, role=Role.CITY_REVIEWER).order_by("username") \
        .first()
    occupation = Occupation.objects.get(name="育婴员")
    subjects = {s.kind: s for s in Subject.objects.filter(scheme__occupation=occupation, scheme__level=4,
                                                          scheme__is_active=True)}
    if "theory" not in subjects or "practical" not in subjects:
        return None
    exam_day = today - timedelta(days=days_ago)
    now = timezone.now()
    plan = Plan.objects.create(
        institution=institution, reviewing_center=institution.parent, kind=PlanKind.UNIFIED,
        name=f"{institution.short_name or institution.name}{exam_day.year}年第{batch}批次（{label}）",
        assessment_type="skill_level", status=Plan.Status.REGISTRATION_CLOSED,
        registration_place=f"{institution.address}（报名大厅）", registration_opens=exam_day - timedelta(days=40),
        registration_closes=exam_day - timedelta(days=10), contact_name=clerk.full_name,
        contact_phone=clerk.phone or "028", filed_at=now, reviewed_at=now, reviewed_by=reviewer, announced_at=now)
    site = institution.sites.order_by("pk").first()
    if site:
        plan.sites.set([site])
    item = PlanItem.objects.create(plan=plan, occupation=occupation, level=4, expected_candidates=12)
    sessions = {
        "theory": Session.objects.create(plan=plan, item=item, subject=subjects["theory"], date=exam_day,
                                         start=time(9), end=time(10, 30)),
        "practical": Session.objects.create(plan=plan, item=item, subject=subjects["practical"], date=exam_day,
                                            start=time(14), end=time(16)),
    }
    # The demo candidate login first, then others who registered with this institution.
    people = list(Candidate.objects.filter(user__username="cd01_candidate001"))
    people += list(Candidate.objects.filter(applications__plan__institution=institution)
                   .exclude(pk__in=[p.pk for p in people]).distinct().order_by("pk")[:DEMO_RESULTS_CANDIDATES - 1])
    fee = registration_services.application_fee(Application(plan=plan, item=item), on=exam_day) or Decimal("0")
    for n, candidate in enumerate(people):
        application = Application.objects.create(
            candidate=candidate, plan=plan, item=item, status=Application.Status.PAID, submitted_at=now,
            commitment_version=registration_services.COMMITMENT_VERSION, commitment_accepted_at=now,
            originals_seen=True, institution_reviewed_by=clerk, institution_reviewed_at=now,
            center_reviewed_by=reviewer, center_reviewed_at=now)
        Payment.objects.create(application=application, method=Payment.Method.BULK, amount=fee,
                               receipt_number=f"RS{exam_day:%Y%m%d}{n:04d}", paid_at=now, recorded_by=clerk)
        for kind, session in sessions.items():
            absent = kind == "practical" and n == len(people) - 1
            # The demo candidate passes both; the others spread over the grades, a few failing.
            score = None if absent else Decimal(rng.randint(72, 96) if n == 0 else rng.randint(48, 98))
            SubjectScore.objects.create(
                application=application, session=session, subject=subjects[kind], score=score,
                attendance="absent" if absent else "present", entered_by=clerk, entered_at=now,
                source=SubjectScore.Source.ASSESSORS if subjects[kind].scored_by_assessors
                else SubjectScore.Source.IMPORT,
                status=SubjectScore.Status.VERIFIED)
    release = release_get_or_create(plan)
    results_compose(plan=plan)
    # Submitted by the transition itself, not results_submit: the demo has no sheets or second checks to show.
    result_release_transition(release=release, to=ResultRelease.Status.SUBMITTED, by=clerk,
                              values={"confirm_due": today})
    results_approve(release=release, by=reviewer, today=today)
    published_on = today - timedelta(days=2)
    results_publish(release=release, by=reviewer, today=published_on)
    # The demo tells a history: the results were published on that day, not when the demo ran (the public
    # list showed a 公示期 that ended before it began for the certificate batch, published "60 days ago").
    ResultRelease.objects.filter(pk=release.pk).update(
        published_at=datetime.combine(published_on, time(9), tzinfo=timezone.get_current_timezone()))
    return plan
