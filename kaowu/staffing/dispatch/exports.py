"""The Excel export of the dispatch list (`core.exports`)."""

from kaowu.accounts.roles import CENTER_STAFF_ROLES
from kaowu.core.exports import Column, ListExport
from kaowu.staffing.dispatch.selectors import dispatch_list_rows

DISPATCH = ListExport(key="dispatch", title="三员派遣", rows=dispatch_list_rows, roles=CENTER_STAFF_ROLES, columns=[
    Column("计划", lambda r: r["plan"].name, 36),
    Column("机构", lambda r: r["plan"].institution.name, 28),
    Column("报名截止", lambda r: r["plan"].registration_closes, 12),
    Column("考位数", lambda r: r["plan"].seats, 8),
    Column("派遣状态", lambda r: r["run"].get_status_display() if r["run"] else "未生成", 10),
    Column("生成时间", lambda r: r["run"].started_at if r["run"] else None, 18),
])
