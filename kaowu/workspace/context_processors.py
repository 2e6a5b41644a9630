from django.urls import reverse

from kaowu.accounts.models import Role
from kaowu.accounts.roles import AUDIT_ROLES, OFFICE_ROLES


def navigation(request) -> dict:
    """The menu a role sees; pages still check permissions themselves."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    if user.role == Role.CANDIDATE:
        items = [("我的报名", reverse("candidate_home")), ("我的成绩", reverse("my_results")),
                 ("我的证书", reverse("my_certificates")), ("考核公告", reverse("announcement_list"))]
        path = request.path
        return {"nav_items": [(label, url, path.startswith(url), ()) for label, url in items]}
    items: list = [("首页", reverse("home"))]
    if user.role in OFFICE_ROLES:
        items += [
            ("考点", reverse("site_list")), ("计划", reverse("plan_list")), ("报名", reverse("application_list")),
            ("日历", reverse("calendar_month")), ("成绩", reverse("release_list")),
            ("证书", reverse("certificate_home")),
        ]
        # Exam-day work in one menu: the bar stays on one line at 1280 px for every role.
        work = [("考务人员", reverse("staff_list"))]
        if user.role in {Role.PROVINCE_ADMIN, Role.CITY_REVIEWER}:
            work += [("三员派遣", reverse("dispatch_list")), ("试卷保管", reverse("custody_home"))]
        else:
            work += [("工位抽签", reverse("lottery_home")), ("成绩录入", reverse("score_entry_home"))]
        items.append(("考务", work))
        items += [("机构", reverse("organisation_list")), ("用户", reverse("user_list"))]
    if user.role in {Role.ASSESSOR, Role.SUPERVISOR, Role.INVIGILATOR}:
        items.append(("我的派遣", reverse("my_assignments")))
    if user.role in {Role.ASSESSOR, Role.INVIGILATOR}:
        items.append(("成绩录入", reverse("score_entry_home")))
    if user.role == Role.INVIGILATOR:
        items.append(("工位抽签", reverse("lottery_home")))
    system = []
    if user.role in AUDIT_ROLES:
        system.append(("审计日志", reverse("audit_list")))
    if user.role in OFFICE_ROLES:
        system.append(("后台任务", reverse("task_demo")))
    if system:
        items.append(("系统", system))
    path = request.path
    # The most specific menu entry wins: /plans/calendar/ is 日历, not 计划.
    urls = [url for _label, target in items for url in (
        [u for _l, u in target] if isinstance(target, list) else [target])]
    matches = [url for url in urls if path == url or (url != "/" and path.startswith(url))]
    active = max(matches, key=len, default=None)
    entries = []
    for label, target in items:
        if isinstance(target, list):
            children = [(child, url, url == active) for child, url in target]
            entries.append((label, "", any(on for *_rest, on in children), children))
        else:
            entries.append((label, target, target == active, ()))
    return {"nav_items": entries}
