"""Sites, rooms, equipment, the facility filing (R-FJ-2, R-SC24-6) and the application to become
a 统考报名机构 (R-SC24-3).

Decisions:
- Only the institution's own admin or clerk writes its sites, rooms, equipment and filings; only a
  city reviewer of the center above the institution, or a province admin, reviews
  (PermissionRefused otherwise). An institution can therefore never approve its own filing.
- A filing confirms one site for one item (occupation+level, or a special item); its content is
  the 设施设备申报表 of 002 附件1: the site's rooms (type, area), equipment (model, count), the
  assessor's and the station's opinion, and photos or video of the site.
- R-FJ-2's lead time is counted with workdays_between(today, exam date): working days after the
  day of submission up to and including the exam day.
- R-CQ-6 refuses a theory or computer room above `theory_room_capacity`, a tiered theory room and
  a theory room with fewer desks than candidates (单人单桌); practical rooms are as the item needs.

Layout (a package since it passed ~600 lines): `common` (permissions, field changes, the status
workflow), `sites` (sites, rooms, stations, equipment), `filings` (facility filings), `unified`
(unified-exam applications). Every public name is re-exported here, so
`from kaowu.sites.services import X` and `services.X` work as before.
"""

from kaowu.sites.services.common import (
    EDITABLE_STATUSES,
    FILING_TRANSITIONS,
    INSTITUTION_STAFF_ROLES,
    REVIEWER_ROLES,
    can_review,
)
from kaowu.sites.services.filings import (
    ATTACHMENT_EXTENSIONS,
    ATTACHMENT_MAX_BYTES,
    FILING_EDITABLE_FIELDS,
    facility_filing_approve,
    facility_filing_attach,
    facility_filing_attachment_delete,
    facility_filing_create,
    facility_filing_latest_submission_day,
    facility_filing_problems,
    facility_filing_return,
    facility_filing_submit,
    facility_filing_update,
)
from kaowu.sites.services.sites import (
    MAX_STATIONS_PER_CALL,
    ROOM_EDITABLE_FIELDS,
    ROOM_READINESS_ITEMS,
    SITE_EDITABLE_FIELDS,
    equipment_add,
    room_create,
    room_rules_check,
    room_update,
    site_create,
    site_slot_capacity_check,
    site_update,
    stations_create,
)
from kaowu.sites.services.unified import (
    APPLICATION_EDITABLE_FIELDS,
    unified_application_approve,
    unified_application_create,
    unified_application_return,
    unified_application_submit,
    unified_application_update,
)

__all__ = [
    "APPLICATION_EDITABLE_FIELDS", "ATTACHMENT_EXTENSIONS", "ATTACHMENT_MAX_BYTES", "EDITABLE_STATUSES",
    "FILING_EDITABLE_FIELDS", "FILING_TRANSITIONS", "INSTITUTION_STAFF_ROLES", "MAX_STATIONS_PER_CALL",
    "REVIEWER_ROLES", "ROOM_EDITABLE_FIELDS", "ROOM_READINESS_ITEMS", "SITE_EDITABLE_FIELDS", "can_review",
    "equipment_add", "facility_filing_approve", "facility_filing_attach", "facility_filing_attachment_delete",
    "facility_filing_create", "facility_filing_latest_submission_day", "facility_filing_problems",
    "facility_filing_return", "facility_filing_submit", "facility_filing_update", "room_create", "room_rules_check",
    "room_update", "site_create", "site_slot_capacity_check", "site_update", "stations_create",
    "unified_application_approve", "unified_application_create", "unified_application_return",
    "unified_application_submit", "unified_application_update",
]
