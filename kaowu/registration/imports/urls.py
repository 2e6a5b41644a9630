from django.urls import path

from kaowu.registration.imports import views

urlpatterns = [
    path("", views.import_upload, name="import_upload"),
    path("template/", views.import_template, name="import_template"),
    path("<str:token>/", views.import_report, name="import_report"),
    path("<str:token>/confirm/", views.import_confirm, name="import_confirm"),
]
