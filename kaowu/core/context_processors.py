from django.urls import reverse

from kaowu.accounts.models import OFFICE_ROLES, Role

AUDIT_ROLES = {Role.PROVINCE_ADMIN, Role.CITY_REVIEWER, Role.INSTITUTION_ADMIN}


def navigation(request) -> dict:
    """The menu a role sees; pages still check permissions themselves."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    if user.role == Role.CANDIDATE:
        items = [("我的报名", reverse("candidate_home")), ("考核公告", reverse("announcement_list"))]
        path = request.path
        return {"nav_items": [(label, url, path.startswith(url)) for label, url in items]}
    items = [("首页", reverse("home"))]
    if user.role in OFFICE_ROLES:
        items += [
            ("考点", reverse("site_list")), ("计划", reverse("plan_list")), ("报名", reverse("application_list")),
            ("日历", reverse("calendar_month")),
            ("机构", reverse("organisation_list")), ("用户", reverse("user_list")),
        ]
    if user.role in {Role.INVIGILATOR, Role.INSTITUTION_ADMIN, Role.INSTITUTION_CLERK}:
        items.append(("工位抽签", reverse("lottery_home")))
    if user.role in AUDIT_ROLES:
        items.append(("审计日志", reverse("audit_list")))
    if user.role in OFFICE_ROLES:
        items.append(("后台任务", reverse("task_demo")))
    path = request.path
    # The most specific menu entry wins: /plans/calendar/ is 日历, not 计划.
    matches = [url for _label, url in items if path == url or (url != "/" and path.startswith(url))]
    active = max(matches, key=len, default=None)
    return {"nav_items": [(label, url, url == active) for label, url in items]}
