"""Eligibility (申报条件) rules engine: pure Python, no Django. See docs/eligibility.md."""

from kaowu.catalog.eligibility.engine import (
    LevelNotOffered,
    UnknownOccupation,
    Verdict,
    eligibility_check,
    eligibility_evaluate,
)
from kaowu.catalog.eligibility.profile import Profile, ProfileError, profile_parse
from kaowu.catalog.eligibility.rules import RuleDataError, RuleSet, ruleset_find, rulesets_all

__all__ = [
    "LevelNotOffered", "Profile", "ProfileError", "RuleDataError", "RuleSet", "UnknownOccupation", "Verdict",
    "eligibility_check", "eligibility_evaluate", "profile_parse", "ruleset_find", "rulesets_all",
]
