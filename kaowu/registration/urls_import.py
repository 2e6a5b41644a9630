from django.urls import path

from kaowu.registration import views_import

urlpatterns = [
    path("", views_import.import_upload, name="import_upload"),
    path("template/", views_import.import_template, name="import_template"),
    path("<str:token>/", views_import.import_report, name="import_report"),
    path("<str:token>/confirm/", views_import.import_confirm, name="import_confirm"),
]
