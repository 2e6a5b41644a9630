"""Role groups and permission predicates: the one place that says who counts as whom.

Every app asks these instead of spelling out role sets of its own ("admin or clerk of this institution"
used to be written out in about seventeen places, and `CENTER_ROLES` meant assessors in one file and
reviewers in another). Predicates answer a question; `require_*` raise `PermissionRefused` with the
caller's Chinese message, for services.
"""

from kaowu.accounts.models import Organisation, Role, User
from kaowu.core.errors import PermissionRefused

# The office: people who work at a desk of a center or an institution.
OFFICE_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_REVIEWER, Role.INSTITUTION_ADMIN, Role.INSTITUTION_CLERK})
# A center's staff: the province's administrators and the city centers' reviewers.
CENTER_STAFF_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_REVIEWER})
# An institution's staff: its administrators and clerks.
INSTITUTION_STAFF_ROLES = frozenset({Role.INSTITUTION_ADMIN, Role.INSTITUTION_CLERK})
# The people sent to an exam (三员): assessors and supervisors from a center, invigilators from the institution.
EXAM_STAFF_ROLES = frozenset({Role.ASSESSOR, Role.SUPERVISOR, Role.INVIGILATOR})
# Who may read the audit log of their organisation's subtree.
AUDIT_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_REVIEWER, Role.INSTITUTION_ADMIN})
# Administrators of an organisation (accounts and settings).
ADMIN_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.INSTITUTION_ADMIN})


def _active(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _organisation_id(organisation: Organisation | int | None) -> int | None:
    return organisation if isinstance(organisation, int) or organisation is None else organisation.pk


def is_office(user: User | None) -> bool:
    return _active(user) and user.role in OFFICE_ROLES


def is_center_staff(user: User | None) -> bool:
    return _active(user) and user.role in CENTER_STAFF_ROLES


def is_institution_staff(user: User | None) -> bool:
    return _active(user) and user.role in INSTITUTION_STAFF_ROLES


def is_exam_staff(user: User | None) -> bool:
    return _active(user) and user.role in EXAM_STAFF_ROLES


def is_institution_staff_of(user: User | None, institution: Organisation | int | None) -> bool:
    """An administrator or clerk of this very institution (given as an object or its key)."""
    institution_id = _organisation_id(institution)
    return is_institution_staff(user) and institution_id is not None and user.organisation_id == institution_id


def is_reviewing_center_of(user: User | None, organisation: Organisation) -> bool:
    """The province's administrator, or a reviewer of the city center whose subtree holds `organisation`
    (an institution, or a center itself: a plan's reviewing center is checked by passing that center)."""
    if not is_center_staff(user) or user.organisation_id is None:
        return False
    if user.role == Role.PROVINCE_ADMIN:
        return True
    return organisation.path.startswith(user.organisation.path)


def require_institution_staff_of(user: User | None, institution: Organisation | int | None, message: str) -> None:
    if not is_institution_staff_of(user, institution):
        raise PermissionRefused(message)


def require_reviewing_center_of(user: User | None, organisation: Organisation, message: str) -> None:
    if not is_reviewing_center_of(user, organisation):
        raise PermissionRefused(message)
