from django.urls import path

from kaowu.certificates.reports import views

urlpatterns = [
    path("plans/<int:plan_id>/roster.xlsx", views.roster_xlsx, name="certificates_roster_xlsx"),
    path("plans/<int:plan_id>/roster.pdf", views.roster_pdf, name="certificates_roster_pdf"),
    path("export/", views.export, name="certificates_export"),
]
