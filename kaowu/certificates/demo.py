"""The certificates step of the demo generator: an earlier 成都 batch whose results became final and whose
certificates the 成都 center issued, so that `make run` shows the certificate pages, the public verification
and cd01_candidate001's electronic certificate. Every institution is registered as an evaluation body
(R-CERT-NO) so that the demo's later batches can be issued from the pages too."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from kaowu.accounts.models import Organisation, Role, User
from kaowu.certificates.models import Certificate, PrinterCalibration
from kaowu.certificates.services import certificates_issue
from kaowu.scoring.demo import demo_scores_build
from kaowu.scoring.models import ResultRelease
from kaowu.scoring.release.services import results_finalise


def demo_certificates_build(*, rng: random.Random, today=None) -> list[Certificate]:
    today = today or timezone.localdate()
    for n, institution in enumerate(Organisation.objects.filter(kind=Organisation.Kind.INSTITUTION).order_by("path")):
        Organisation.objects.filter(pk=institution.pk).update(
            evaluation_body_kind="S", evaluation_body_code=f"{5101 + n:04d}", evaluation_body_sequence=f"{n + 1:06d}")
    # Published 46 days ago: the publication period and the recheck window are over.
    plan = demo_scores_build(rng=rng, today=today - timedelta(days=46), days_ago=60, batch="00", label="证书演示")
    if plan is None:
        return []
    release = ResultRelease.objects.get(plan=plan)  # fresh: the plan's cached one predates publication
    last = max(release.recheck_until, release.publication_ends)
    release = results_finalise(release=release, today=last + timedelta(days=1))
    reviewer = User.objects.filter(organisation=plan.reviewing_center, role=Role.CITY_REVIEWER).order_by("username") \
        .first()
    certificates = certificates_issue(release=release, by=reviewer, today=min(today, last + timedelta(days=2)))
    PrinterCalibration.objects.get_or_create(organisation=plan.institution, name="办公室激光打印机",
                                             defaults={"offset_x_mm": Decimal("1.0"), "offset_y_mm": Decimal("-0.5")})
    return certificates
