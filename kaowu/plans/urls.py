from django.urls import include, path

from kaowu.core.export_views import list_export_view
from kaowu.plans import views

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("export/", list_export_view("kaowu.plans.exports.PLANS"), name="plan_export"),
    path("new/", views.plan_create, name="plan_create"),
    path("<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("<int:plan_id>/sessions/new/", views.session_add_view, name="session_add"),
    path("<int:plan_id>/file/", views.plan_file_view, name="plan_file"),
    path("<int:plan_id>/review/", views.plan_review, name="plan_review"),
    path("<int:plan_id>/open/", views.plan_open_view, name="plan_open_registration"),
    path("<int:plan_id>/close/", views.plan_close_view, name="plan_close_registration"),
    path("<int:plan_id>/changes/new/", views.plan_change_create, name="plan_change_request"),
    path("<int:plan_id>/changes/<int:change_id>/review/", views.plan_change_review, name="plan_change_review"),
    path("calendar/", include("kaowu.plans.calendar.urls")),
]
