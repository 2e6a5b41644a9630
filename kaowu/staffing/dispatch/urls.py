from django.urls import path

from kaowu.core.export_views import list_export_view
from kaowu.staffing.dispatch import views

urlpatterns = [
    path("", views.dispatch_list, name="dispatch_list"),
    path("export/", list_export_view("kaowu.staffing.dispatch.exports.DISPATCH"), name="dispatch_export"),
    path("plans/<int:plan_id>/", views.dispatch_plan, name="dispatch_plan"),
    path("plans/<int:plan_id>/generate/", views.dispatch_generate_view, name="dispatch_generate"),
    path("plans/<int:plan_id>/jobs/<str:task_id>/", views.dispatch_job, name="dispatch_job"),
    path("plans/<int:plan_id>/jobs/<str:task_id>/progress/", views.dispatch_job_progress, name="dispatch_job_progress"),
    path("runs/<int:run_id>/publish/", views.dispatch_publish_view, name="dispatch_publish"),
    path("runs/<int:run_id>/letters/staff/<int:staff_id>/", views.letter_person, name="dispatch_letter_person"),
    path("runs/<int:run_id>/letters/sites/<int:site_id>/", views.letter_site, name="dispatch_letter_site"),
    path("assignments/<int:assignment_id>/replace/", views.assignment_replace_view, name="dispatch_replace"),
    path("mine/", views.my_assignments, name="my_assignments"),
    path("mine/<int:assignment_id>/confirm/", views.my_assignment_confirm, name="my_assignment_confirm"),
    path("mine/<int:assignment_id>/decline/", views.my_assignment_decline, name="my_assignment_decline"),
    path("mine/letters/<int:run_id>/", views.my_letter, name="my_dispatch_letter"),
]
