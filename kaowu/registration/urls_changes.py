from django.urls import path

from kaowu.registration import views_changes

urlpatterns = [
    path("", views_changes.change_request_list, name="change_request_list"),
    path("<int:change_request_id>/", views_changes.change_request_detail, name="change_request_detail"),
    path("<int:change_request_id>/decide/", views_changes.change_request_decide, name="change_request_decide"),
    path("application/<int:application_id>/new/", views_changes.change_request_new, name="change_request_new"),
]
