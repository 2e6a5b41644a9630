import pytest

from kaowu.staffing.models import DispatchAssignment
from kaowu.staffing.tests.factories import confirmed_world_build


@pytest.fixture
def confirmed_world(institution_clerk, chengdu_reviewer, assessor, institution_admin):
    """The 成都 batch, dispatched, published and confirmed by everyone: the logged-in assessor in the
    practical room's group, the institution's head (institution_admin) its only chief examiner."""
    world = confirmed_world_build(institution_clerk, chengdu_reviewer, assessor, institution_admin)
    assert world.run.assignments.exclude(status=DispatchAssignment.Status.CONFIRMED).count() == 0
    return world
