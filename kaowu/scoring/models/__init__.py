"""Scores: attendance, assessors' independent sheets, subject scores with their second check, a plan's
results through submission, review, publication and recheck, and each candidate's result."""

from kaowu.scoring.models.entry import Attendance, ScoreCheck, ScoreEntry, ScoreSheet, ScoreSummary, SubjectScore
from kaowu.scoring.models.results import RecheckRequest, Result, ResultRelease, ScoreCorrection

__all__ = [
    "Attendance", "RecheckRequest", "Result", "ResultRelease", "ScoreCheck", "ScoreCorrection", "ScoreEntry",
    "ScoreSheet", "ScoreSummary", "SubjectScore",
]
