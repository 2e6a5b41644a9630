"""Staff registry (who can be dispatched), dispatch runs and their assignments, paper custody."""

from kaowu.staffing.models.custody import Handover, LeakReport, PaperPackage
from kaowu.staffing.models.dispatch import DispatchAssignment, DispatchRun
from kaowu.staffing.models.registry import (
    AssessorCard,
    StaffAvailability,
    StaffMember,
    StaffRelation,
    TrainingClass,
)

__all__ = [
    "AssessorCard", "DispatchAssignment", "DispatchRun", "Handover", "LeakReport", "PaperPackage",
    "StaffAvailability", "StaffMember", "StaffRelation", "TrainingClass",
]
