from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from kaowu.accounts import views as accounts_views
from kaowu.api.api import api
from kaowu.core import export_views
from kaowu.core import views as core_views
from kaowu.workspace import views as workspace_views

urlpatterns = [
    path("", workspace_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("login/", accounts_views.login_view, name="login"),
    path("logout/", accounts_views.logout_view, name="logout"),
    path("organisations/", accounts_views.organisation_list, name="organisation_list"),
    path("organisations/export/", export_views.list_export_view("kaowu.accounts.exports.ORGANISATIONS"),
         name="organisation_export"),
    path("organisations/<int:organisation_id>/", accounts_views.organisation_detail, name="organisation_detail"),
    path("users/", accounts_views.user_list, name="user_list"),
    path("users/export/", export_views.list_export_view("kaowu.accounts.exports.USERS"), name="user_export"),
    path("users/<int:user_id>/", accounts_views.user_detail, name="user_detail"),
    path("audit/", workspace_views.audit_list, name="audit_list"),
    path("audit/export/", export_views.list_export_view("kaowu.workspace.exports.AUDIT"), name="audit_export"),
    path("tasks/", workspace_views.task_demo, name="task_demo"),
    path("tasks/start/", workspace_views.task_demo_start, name="task_demo_start"),
    path("tasks/<str:task_id>/", workspace_views.task_progress_page, name="task_progress_page"),
    path("tasks/<str:task_id>/progress/", workspace_views.task_progress, name="task_progress"),
    path("tasks/<str:task_id>/rerun/", workspace_views.task_rerun, name="task_rerun"),
    path("exports/<str:task_id>/", export_views.list_export_job, name="list_export_job"),
    path("exports/<str:task_id>/progress/", export_views.list_export_job_progress, name="list_export_job_progress"),
    path("exports/<str:task_id>/file/", export_views.list_export_job_file, name="list_export_job_file"),
    path("sites/", include("kaowu.sites.urls")),
    path("plans/", include("kaowu.plans.urls")),
    path("portal/", include("kaowu.portal.urls")),
    path("registration/", include("kaowu.registration.urls")),
    path("arrangement/", include("kaowu.arrangement.urls")),
    path("staffing/", include("kaowu.staffing.urls")),
    path("scores/", include("kaowu.scoring.urls")),
    path("certificates/", include("kaowu.certificates.urls")),
    path("verify/", include("kaowu.certificates.verification.urls")),
    # The admin's own login would bypass the lockout, so it sends people to ours.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler403 = "kaowu.core.errors_views.forbidden"
handler404 = "kaowu.core.errors_views.not_found"
handler500 = "kaowu.core.errors_views.server_error"
