"""Two invigilators at two doors of one room pressing 抽签 at once: exactly one draw is made."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from kaowu.arrangement.lottery.services import station_draw
from kaowu.arrangement.models import StationDraw
from kaowu.core.errors import RuleViolation
from kaowu.plans.models import Session
from kaowu.sites.models import Room

pytestmark = pytest.mark.django_db(transaction=True)

PRESSES = 12


def test_simultaneous_draws_for_one_room_make_exactly_one(exam_day, invigilator):
    session_id, room_id = exam_day["session"].pk, exam_day["room"].pk
    present = [a.pk for a in exam_day["applications"]]

    def press(_n: int) -> str:
        try:
            station_draw(session=Session.objects.select_related("plan").get(pk=session_id),
                         room=Room.objects.get(pk=room_id), by=invigilator, present_application_ids=present,
                         today=exam_day["today"])
            return "drawn"
        except RuleViolation as exc:
            return "refused" if "只能抽签一次" in exc.message else f"error: {exc}"
        except Exception as exc:  # noqa: BLE001 - anything else is the failure this test looks for
            return f"error: {exc!r}"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=PRESSES) as pool:
        outcomes = list(pool.map(press, range(PRESSES)))

    assert outcomes.count("drawn") == 1, outcomes
    assert outcomes.count("refused") == PRESSES - 1, outcomes
    assert StationDraw.objects.count() == 1
