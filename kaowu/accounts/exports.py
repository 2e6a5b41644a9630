"""The Excel exports of the organisation and user lists (`core.exports`)."""

from kaowu.accounts.roles import OFFICE_ROLES
from kaowu.accounts.selectors import organisations_filtered, users_filtered
from kaowu.core.exports import Column, ListExport

ORGANISATIONS = ListExport(key="organisations", title="机构", rows=organisations_filtered, roles=OFFICE_ROLES,
                           columns=[
    Column("名称", lambda o: o.name, 30),
    Column("简称", lambda o: o.short_name, 12),
    Column("类别", lambda o: o.get_kind_display(), 12),
    Column("代码", lambda o: o.code, 12),
    Column("上级", lambda o: o.parent.name if o.parent_id else "", 24),
    Column("地址", lambda o: o.address, 30),
    Column("联系人", lambda o: o.contact_name, 10),
    Column("联系电话", lambda o: o.contact_phone, 14),
    Column("启用", lambda o: o.is_active, 6),
])

USERS = ListExport(key="users", title="用户", rows=users_filtered, roles=OFFICE_ROLES, personal=True, columns=[
    Column("用户名", lambda u: u.username, 20),
    Column("姓名", lambda u: u.full_name, 10),
    Column("角色", lambda u: u.get_role_display(), 12),
    Column("机构", lambda u: u.organisation.name if u.organisation_id else "", 28),
    Column("手机号", lambda u: u.phone, 14),
    Column("启用", lambda u: u.is_active, 6),
    Column("最近登录", lambda u: u.last_login, 18),
])
