"""200 simultaneous submissions for the last 10 places accept exactly 10 (row lock on the item)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone

from kaowu.registration import services
from kaowu.registration.models import Application, Candidate

pytestmark = pytest.mark.django_db(transaction=True)

SUBMISSIONS = 200
PLACES = 10


def test_two_hundred_simultaneous_submissions_fill_exactly_the_last_ten_places(institution_clerk, infant_care_item):
    infant_care_item.max_candidates = PLACES
    infant_care_item.save()
    candidates = Candidate.objects.bulk_create([
        Candidate(name=f"考生{n:03d}", gender="男", birth_date="1990-01-01", education="senior",
                  id_type="passport", id_number=f"E{n:08d}", address="成都", phone="13800000000")
        for n in range(SUBMISSIONS)
    ])
    Application.objects.bulk_create([
        Application(candidate=c, plan=infant_care_item.plan, item=infant_care_item) for c in candidates
    ])
    ids = list(Application.objects.values_list("pk", flat=True))
    today = timezone.localdate()

    def submit(application_id: int) -> str:
        try:
            application = Application.objects.select_related("plan", "item").get(pk=application_id)
            services.application_submit(application=application, by=institution_clerk, commitment_accepted=True,
                                        today=today)
            return "accepted"
        except ValidationError as exc:
            return "full" if "报名人数已满" in str(exc) else f"error: {exc}"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=40) as pool:
        outcomes = list(pool.map(submit, ids))

    assert outcomes.count("accepted") == PLACES
    assert outcomes.count("full") == SUBMISSIONS - PLACES, [o for o in outcomes if o.startswith("error")][:3]
    assert Application.objects.filter(status=Application.Status.SUBMITTED).count() == PLACES
