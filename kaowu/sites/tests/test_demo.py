import random

import pytest

from kaowu.accounts.demo import demo_accounts_build
from kaowu.accounts.models import Organisation
from kaowu.catalog.demo import demo_catalogue_build
from kaowu.sites.demo import demo_sites_build
from kaowu.sites.models import FacilityFiling, ReviewStatus

pytestmark = pytest.mark.django_db


def test_demo_builds_one_site_with_rooms_and_a_confirmed_filing_per_institution():
    rng = random.Random(1)
    demo_accounts_build(rng=rng, scale=1)
    demo_catalogue_build()
    sites = demo_sites_build(rng=rng)
    institutions = Organisation.objects.filter(kind=Organisation.Kind.INSTITUTION).count()
    assert len(sites) == institutions
    assert all(site.rooms.count() == 4 for site in sites)
    assert FacilityFiling.objects.filter(status=ReviewStatus.APPROVED).count() == institutions
    assert demo_sites_build(rng=rng) == []  # a second run adds nothing
