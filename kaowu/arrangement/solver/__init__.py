"""Seat arrangement (考场编排) solver: pure Python, no Django. See README.md beside this file.

    result = arrangement_solve(sessions=[...], rooms=[...], candidates=[...], seed=20261205,
                               limits=Limits(theory_room_max=30), fixed=[...published places...])
    if result.ok: write result.assignments      else: show [s.message for s in result.shortages]
"""

from kaowu.arrangement.solver.engine import arrangement_solve
from kaowu.arrangement.solver.model import (
    Arrangement,
    ArrangementInputError,
    Assignment,
    CandidateSpec,
    Limits,
    RoomSpec,
    SessionSpec,
    Shortage,
)

__all__ = [
    "Arrangement", "ArrangementInputError", "Assignment", "CandidateSpec", "Limits", "RoomSpec", "SessionSpec",
    "Shortage", "arrangement_solve",
]
