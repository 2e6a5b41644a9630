from django.urls import path

from kaowu.certificates import views_reports

urlpatterns = [
    path("plans/<int:plan_id>/roster.xlsx", views_reports.roster_xlsx, name="certificates_roster_xlsx"),
    path("plans/<int:plan_id>/roster.pdf", views_reports.roster_pdf, name="certificates_roster_pdf"),
    path("export/", views_reports.export, name="certificates_export"),
]
