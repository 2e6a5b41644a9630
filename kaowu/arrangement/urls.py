from django.urls import include, path

from kaowu.arrangement import views

urlpatterns = [
    path("plans/<int:plan_id>/", views.arrangement_plan, name="arrangement_plan"),
    path("plans/<int:plan_id>/run/", views.arrangement_run_view, name="arrangement_run"),
    path("plans/<int:plan_id>/publish/", views.tickets_publish_view, name="tickets_publish"),
    path("plans/<int:plan_id>/seats/", views.seat_list_view, name="seat_list"),
    path("plans/<int:plan_id>/seats/export/", views.seat_export_view, name="seat_export"),
    path("plans/<int:plan_id>/jobs/<str:task_id>/", views.arrangement_job, name="arrangement_job"),
    path("plans/<int:plan_id>/jobs/<str:task_id>/progress/", views.arrangement_job_progress,
         name="arrangement_job_progress"),
    path("documents/check-in/", include("kaowu.arrangement.checkin.urls")),
    path("documents/", include("kaowu.arrangement.documents.urls")),
    path("lottery/", include("kaowu.arrangement.lottery.urls")),
]
