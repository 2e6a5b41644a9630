"""The staff registry (考务人员库), mounted at /staffing/registry/."""

from django.urls import path

from kaowu.core.export_views import list_export_view
from kaowu.staffing.registry import views

urlpatterns = [
    path("", views.staff_list, name="staff_list"),
    path("export/", list_export_view("kaowu.staffing.registry.exports.STAFF"), name="staff_export"),
    path("new/", views.staff_create, name="staff_create"),
    path("import/", views.staff_import_upload, name="staff_import_upload"),
    path("import/template/", views.staff_import_template, name="staff_import_template"),
    path("import/<str:token>/", views.staff_import_report, name="staff_import_report"),
    path("import/<str:token>/confirm/", views.staff_import_confirm, name="staff_import_confirm"),
    path("<int:staff_id>/", views.staff_detail, name="staff_detail"),
    path("<int:staff_id>/edit/", views.staff_update, name="staff_update"),
    path("<int:staff_id>/cards/", views.staff_card_add, name="staff_card_add"),
    path("<int:staff_id>/cards/remove/", views.staff_card_remove, name="staff_card_remove"),
    path("<int:staff_id>/availability/", views.staff_availability_set, name="staff_availability_set"),
    path("<int:staff_id>/training/", views.staff_training_add, name="staff_training_add"),
    path("<int:staff_id>/relations/", views.staff_relation_add, name="staff_relation_add"),
    path("<int:staff_id>/relations/remove/", views.staff_relation_remove, name="staff_relation_remove"),
]
