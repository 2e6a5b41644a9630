"""The Excel export of the paper packages the custody pages list (`core.exports`)."""

from kaowu.accounts.roles import OFFICE_ROLES
from kaowu.core.exports import Column, ListExport
from kaowu.staffing.custody.selectors import packages_filtered

PACKAGES = ListExport(key="custody", title="试卷保管", rows=packages_filtered, roles=OFFICE_ROLES, columns=[
    Column("试卷袋编号", lambda p: p.number, 18),
    Column("计划", lambda p: p.session.plan.name, 30),
    Column("考核日期", lambda p: p.session.date, 12),
    Column("场次", lambda p: str(p.session), 30),
    Column("考场", lambda p: f"{p.room.site.name} {p.room.name}" if p.room_id else "", 20),
    Column("试卷份数", lambda p: p.paper_count, 8),
    Column("密封条编号", lambda p: p.seal_number, 14),
    Column("状态", lambda p: p.get_status_display(), 10),
    Column("保管员", lambda p: p.custodian.name if p.custodian_id else "", 10),
    Column("当前持有人", lambda p: p.holder.name if p.holder_id else "", 10),
])
