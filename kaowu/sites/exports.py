"""The Excel exports of the site list (`core.exports`)."""

from kaowu.accounts.roles import OFFICE_ROLES
from kaowu.core.exports import Column, ListExport
from kaowu.sites.selectors import sites_filtered

SITES = ListExport(key="sites", title="考点", rows=sites_filtered, roles=OFFICE_ROLES, columns=[
    Column("考点名称", lambda s: s.name, 28),
    Column("机构", lambda s: s.institution.name, 28),
    Column("地址", lambda s: s.address, 36),
    Column("联系人", lambda s: s.contact_name, 10),
    Column("联系电话", lambda s: s.contact_phone, 14),
    Column("安全员", lambda s: s.safety_officer, 10),
    Column("考场数", lambda s: s.room_count, 8),
    Column("已通过备案", lambda s: s.approved_filing_count, 10),
    Column("启用", lambda s: s.is_active, 6),
])
