from django.urls import path

from kaowu.sites import views

urlpatterns = [
    path("", views.site_list, name="site_list"),
    path("new/", views.site_create, name="site_create"),
    path("<int:site_id>/", views.site_detail, name="site_detail"),
    path("<int:site_id>/edit/", views.site_update, name="site_update"),
    path("<int:site_id>/rooms/new/", views.room_create, name="room_create"),
    path("<int:site_id>/equipment/new/", views.equipment_add, name="equipment_add"),
    path("filings/", views.filing_list, name="filing_list"),
    path("filings/new/", views.filing_create, name="filing_create"),
    path("filings/<int:filing_id>/", views.filing_detail, name="filing_detail"),
    path("filings/<int:filing_id>/edit/", views.filing_edit, name="filing_edit"),
    path("filings/<int:filing_id>/attachments/new/", views.filing_attach, name="filing_attach"),
    path("filings/<int:filing_id>/submit/", views.filing_submit, name="filing_submit"),
    path("filings/<int:filing_id>/review/", views.filing_review, name="filing_review"),
    path("attachments/<int:attachment_id>/", views.filing_attachment, name="filing_attachment"),
    path("attachments/<int:attachment_id>/delete/", views.filing_attachment_delete, name="filing_attachment_delete"),
    path("applications/", views.application_list, name="unified_application_list"),
    path("applications/new/", views.application_create, name="unified_application_create"),
    path("applications/<int:application_id>/", views.application_detail, name="unified_application_detail"),
    path("applications/<int:application_id>/submit/", views.application_submit, name="unified_application_submit"),
    path("applications/<int:application_id>/review/", views.application_review, name="unified_application_review"),
]
