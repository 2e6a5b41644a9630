"""The registration world (kaowu.registration.tests.factories) for every test under kaowu/registration,
the sub-areas' tests included."""

from kaowu.registration.tests.factories import hr_item, infant_care_item, li, open_plan, other_candidate_user, zhang

# Fixtures: pytest finds them by name in this module.
__all__ = ["hr_item", "infant_care_item", "li", "open_plan", "other_candidate_user", "zhang"]
