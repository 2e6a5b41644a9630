"""A recheck asked at the moment the results become final, or twice at once (R-FJ-11, #15).

A recheck request reads the release afresh; the daily finalisation locks it, and so does the request now, so
the two cannot both succeed. Each race holds the first call a moment inside its transaction (`holding`) and
starts the other then, when an unlocked read would still see the old state."""

from datetime import timedelta

import pytest

from kaowu.certificates.tests.support import final_release_build
from kaowu.core.models import AuditEvent
from kaowu.core.testing.races import after, holding, message_of, one_refused, postgres_only, race
from kaowu.scoring.models import RecheckRequest, Result, ResultRelease
from kaowu.scoring.release import services

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]
Status = ResultRelease.Status


@pytest.fixture
def published(institution_clerk):
    """A plan's published results (built with the ORM), on the last day a recheck may be asked."""
    world = final_release_build(institution_clerk, passed=1, failed=1, status=Status.PUBLISHED)
    Result.objects.filter(release=world.release).update(final=False)
    return world


def ask(result, by, today):
    return lambda: services.recheck_request(result=result, kind=RecheckRequest.Kind.MISCOUNTED,
                                            reason="理论成绩合计有误", by=by, today=today)


def test_a_recheck_asked_while_the_daily_job_finalises_the_results_is_refused(published, institution_clerk):
    release, result = published.release, published.failed[0]
    last_day = release.recheck_until

    # The finalisation has moved the release and pauses before it commits; the request comes in then.
    with holding("kaowu.scoring.release.services.result_release_transition") as finalising:
        won, refused = one_refused(race(
            lambda: services.results_finalise(release=ResultRelease.objects.get(pk=release.pk),
                                              today=last_day + timedelta(days=1)),
            after(finalising, ask(result, institution_clerk, last_day)),
        ))
    assert "成绩当前为“成绩已确认”，只能在成绩公布后的复查期内申请复查" in message_of(refused.error)
    release.refresh_from_db()
    assert release.status == Status.FINAL
    assert not RecheckRequest.objects.exists()
    assert set(Result.objects.filter(release=release).values_list("final", flat=True)) == {True}


def test_two_rechecks_of_one_result_asked_at_once_leave_one_pending(published, institution_clerk):
    release, result = published.release, published.failed[0]

    with holding("kaowu.scoring.release.services.audit_record") as asked:
        won, refused = one_refused(race(
            ask(result, institution_clerk, release.recheck_until),
            after(asked, ask(result, institution_clerk, release.recheck_until)),
        ))
    assert "该成绩已有待处理的复查申请" in message_of(refused.error)
    assert list(RecheckRequest.objects.values_list("pk", flat=True)) == [won.value.pk]
    assert AuditEvent.objects.filter(action="scoring.recheck_request").count() == 1
