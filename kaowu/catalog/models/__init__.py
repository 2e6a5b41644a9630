from kaowu.catalog.models.catalogue import (
    AnswerMode,
    AssessmentType,
    Fee,
    Occupation,
    Scheme,
    SpecialItem,
    Subject,
    SubjectKind,
    SubjectPart,
)
from kaowu.catalog.models.policy import PolicyProfile

__all__ = [
    "AnswerMode", "AssessmentType", "Fee", "Occupation", "PolicyProfile", "Scheme", "SpecialItem", "Subject",
    "SubjectKind", "SubjectPart",
]
