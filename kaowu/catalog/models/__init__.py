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

__all__ = [
    "AnswerMode", "AssessmentType", "Fee", "Occupation", "Scheme", "SpecialItem", "Subject", "SubjectKind",
    "SubjectPart",
]
