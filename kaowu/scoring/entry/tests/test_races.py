"""A score changed while the institution submits the plan's results (R-FJ-10, #15): the submission reads the
scores once, so a change that lands after it read them and before it committed would leave the submitted
results composed from a score that no longer exists. Score entry share-locks the plan, the submission
locks it: the change is refused once the results are submitted."""

from datetime import date

import pytest

from kaowu.core.models import AuditEvent
from kaowu.core.testing.races import after, holding, message_of, one_refused, postgres_only, race
from kaowu.scoring.entry import services
from kaowu.scoring.models import Attendance, ResultRelease, SubjectScore
from kaowu.scoring.release import services as release
from kaowu.scoring.tests.factories import release_world_complete

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]
SUBMIT_DAY = date(2026, 11, 12)


def test_a_score_cancelled_while_the_results_are_submitted_is_refused(
        settings, tmp_path, institution_clerk, chengdu_reviewer, chengdu_institution):
    settings.MEDIA_ROOT = tmp_path
    rw = release_world_complete(institution_clerk, chengdu_reviewer, chengdu_institution)
    theory = rw.session("infant_theory")
    cheat = rw.seated(theory)[0]

    # The submission has read and composed the scores and pauses before it commits; 成绩取消 comes in then.
    with holding("kaowu.scoring.release.services.results_compose") as composed:
        won, refused = one_refused(race(
            lambda: release.results_submit(plan=rw.plan, by=institution_clerk, today=SUBMIT_DAY),
            after(composed, lambda: services.attendance_record(
                session=theory, rows={cheat: Attendance.Status.CANCELLED}, by=institution_clerk)),
        ))
    assert "本计划成绩已上报待审核，不能再登记或修改" in message_of(refused.error)
    assert ResultRelease.objects.get(plan=rw.plan).status == ResultRelease.Status.SUBMITTED
    score = SubjectScore.objects.get(session=theory, application_id=cheat)
    assert score.status == SubjectScore.Status.VERIFIED and score.score is not None
    assert not AuditEvent.objects.filter(action="scoring.attendance_record").exists()
