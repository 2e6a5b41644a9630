from django.urls import path

from kaowu.core.export_views import list_export_view
from kaowu.registration.changes import views

urlpatterns = [
    path("", views.change_request_list, name="change_request_list"),
    path("export/", list_export_view("kaowu.registration.changes.exports.CHANGES"), name="change_request_export"),
    path("<int:change_request_id>/", views.change_request_detail, name="change_request_detail"),
    path("<int:change_request_id>/decide/", views.change_request_decide, name="change_request_decide"),
    path("application/<int:application_id>/new/", views.change_request_new, name="change_request_new"),
]
