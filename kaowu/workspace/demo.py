"""The one seeded demo generator: `kaowu demo --scale N`.

Each app contributes a step; later issues append theirs to DEMO_STEPS. Benchmarks build their
data with the same function so that the demo and the figures agree.
"""

import random

from django.db import transaction
from django.utils import timezone

from kaowu.accounts.demo import DEMO_PASSWORD, DemoLogin, demo_accounts_build
from kaowu.accounts.models import Organisation
from kaowu.catalog.demo import demo_catalogue_build
from kaowu.catalog.policy import policy_active, policy_presets_load
from kaowu.certificates.demo import demo_certificates_build
from kaowu.plans.calendar.services import calendar_load
from kaowu.plans.demo import demo_plans_build
from kaowu.registration.demo import demo_registration_build
from kaowu.scoring.demo import demo_scores_build
from kaowu.sites.demo import demo_sites_build
from kaowu.staffing.demo import demo_staffing_build


def demo_exists() -> bool:
    return Organisation.objects.filter(code="510000").exists()


@transaction.atomic
def demo_build(*, scale: int = 1, seed: int = 20261122) -> list[DemoLogin]:
    """Build the demo province in one transaction; nothing is left half-built on an error."""
    if scale < 1:
        raise ValueError("scale 须为正整数")
    rng = random.Random(seed)
    logins = demo_accounts_build(rng=rng, scale=scale)
    policy_presets_load()
    policy_active()
    demo_catalogue_build()
    calendar_load()
    demo_sites_build(rng=rng)
    demo_plans_build(today=timezone.localdate())
    demo_registration_build(rng=rng, scale=scale)
    demo_staffing_build(rng=rng, today=timezone.localdate())
    demo_scores_build(rng=rng, today=timezone.localdate())
    demo_certificates_build(rng=rng, today=timezone.localdate())
    return logins


__all__ = ["DEMO_PASSWORD", "demo_build", "demo_exists"]
