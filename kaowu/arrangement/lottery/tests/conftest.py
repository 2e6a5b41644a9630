"""The lottery tests' shared world (the pages, the browser test and the concurrency test use it)."""

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from kaowu.arrangement.lottery.tests.factories import NAMES, jpeg, seat
from kaowu.arrangement.models import ArrangementRun
from kaowu.catalog.loader import catalogue_load
from kaowu.plans.tests.factories import make_plan
from kaowu.registration.models import Application, Candidate
from kaowu.sites.models import Room, RoomKind, Site, Station


@pytest.fixture
def exam_day(db, settings, tmp_path, institution_clerk):
    """Today: a practical session of a 成都 plan in 实操一室 (6 stations, 5 seated candidates, the first
    four with photos) and a theory room; plus one withdrawn candidate still holding a seat."""
    settings.MEDIA_ROOT = tmp_path
    catalogue_load()
    today = timezone.localdate()
    site = Site.objects.create(institution=institution_clerk.organisation, name="一站考点", address="锦江区东大街100号",
                               region_code="510104", contact_name="陈录", contact_phone="028", safety_officer="王安")
    practical = Room.objects.create(site=site, name="实操一室", kind=RoomKind.PRACTICAL, capacity=6)
    for number in range(1, 7):
        Station.objects.create(room=practical, number=number, equipment="育婴护理台")
    theory = Room.objects.create(site=site, name="理论一室", kind=RoomKind.THEORY, capacity=30, desks=30)
    plan = make_plan(institution_clerk, site, sessions=[today])
    session = plan.sessions.get()
    run = ArrangementRun.objects.create(plan=plan, mode=ArrangementRun.Mode.FULL, seed=7, status="done",
                                        started_by=institution_clerk, started_at=timezone.now())
    applications = []
    for n, name in enumerate(NAMES + ["赵退"]):
        candidate = Candidate.objects.create(
            name=name, gender="男", birth_date="1990-01-01", education="senior", id_number=f"51010419900101{n:03d}1",
            address="成都", phone="13800000000")
        if n < 4:
            candidate.photo.save(f"p{n}.jpg", ContentFile(jpeg((60 * n, 120, 200))), save=True)
        status = Application.Status.WITHDRAWN if name == "赵退" else Application.Status.TICKETED
        application = Application.objects.create(candidate=candidate, plan=plan, item=plan.items.get(), status=status)
        seat(run, application, session, practical, n + 1)
        applications.append(application)
    return {"today": today, "plan": plan, "session": session, "room": practical, "theory": theory,
            "run": run, "applications": applications[:5], "withdrawn": applications[5], "site": site}
