"""Reads of the candidate's own pages (the applications themselves come from registration.selectors)."""

from kaowu.accounts.models import User
from kaowu.registration.models import Candidate


def candidate_of(user: User) -> Candidate | None:
    """The candidate record behind a candidate's account; None for an account without one."""
    return Candidate.objects.filter(user=user).first()
