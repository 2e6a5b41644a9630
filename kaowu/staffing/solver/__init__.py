"""Staff dispatch (三员派遣) solver: pure Python and OR-Tools CP-SAT, no Django. See README.md beside this file.

    result = dispatch_solve(posts, staff, site_caps=caps, fixed=confirmed, forbidden=declined, time_limit=120)
    if result.ok: write result.placements (the whole dispatch)   else: show [s.message for s in result.shortages]
    dispatch_violations(posts, staff, edited_placements, site_caps=caps) → what a hand edit breaks
"""

from kaowu.staffing.solver.eligibility import dispatch_objective, staff_exclusion
from kaowu.staffing.solver.engine import dispatch_solve
from kaowu.staffing.solver.model import (
    ROLE_LABELS,
    ROLES,
    CardSpec,
    Dispatch,
    DispatchInputError,
    Placement,
    PostSpec,
    Shortage,
    SiteCapSpec,
    StaffSpec,
    Violation,
    Weights,
)
from kaowu.staffing.solver.validate import dispatch_violations

__all__ = [
    "ROLES", "ROLE_LABELS", "CardSpec", "Dispatch", "DispatchInputError", "Placement", "PostSpec", "Shortage",
    "SiteCapSpec", "StaffSpec", "Violation", "Weights", "dispatch_objective", "dispatch_solve", "dispatch_violations",
    "staff_exclusion",
]
