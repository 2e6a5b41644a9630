from django.urls import path

from kaowu.core.export_views import list_export_view
from kaowu.sites.filings import views

# Included under /sites/ by kaowu.sites.urls.
urlpatterns = [
    path("filings/", views.filing_list, name="filing_list"),
    path("filings/export/", list_export_view("kaowu.sites.filings.exports.FILINGS"), name="filing_export"),
    path("filings/new/", views.filing_create, name="filing_create"),
    path("filings/<int:filing_id>/", views.filing_detail, name="filing_detail"),
    path("filings/<int:filing_id>/edit/", views.filing_edit, name="filing_edit"),
    path("filings/<int:filing_id>/attachments/new/", views.filing_attach, name="filing_attach"),
    path("filings/<int:filing_id>/submit/", views.filing_submit, name="filing_submit"),
    path("filings/<int:filing_id>/review/", views.filing_review, name="filing_review"),
    path("attachments/<int:attachment_id>/", views.filing_attachment, name="filing_attachment"),
    path("attachments/<int:attachment_id>/delete/", views.filing_attachment_delete, name="filing_attachment_delete"),
]
