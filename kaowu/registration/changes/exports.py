"""The Excel export of the change request list (`core.exports`)."""

from kaowu.accounts.roles import OFFICE_ROLES
from kaowu.core.exports import Column, ListExport
from kaowu.registration.changes.selectors import change_requests_filtered, change_rows


def _changes(request) -> str:
    return "；".join(f"{label}：{old} → {new}" for label, old, new in change_rows(request))


CHANGES = ListExport(key="change_requests", title="信息变更申请", rows=change_requests_filtered, roles=OFFICE_ROLES,
                     personal=True, columns=[
    Column("考生", lambda r: r.candidate.name, 10),
    Column("证件号码", lambda r: r.candidate.id_number, 22),
    Column("机构", lambda r: r.application.plan.institution.name, 24),
    Column("报考项目", lambda r: str(r.application.item), 24),
    Column("变更内容", _changes, 40),
    Column("变更原因", lambda r: r.reason, 24),
    Column("状态", lambda r: r.get_status_display(), 10),
    Column("申请时间", lambda r: r.created_at, 18),
    Column("审核时间", lambda r: r.decided_at, 18),
    Column("审核意见", lambda r: r.decision_reason, 24),
])
