from django.urls import include, path

from kaowu.certificates import views

urlpatterns = [
    path("", views.certificate_home, name="certificate_home"),
    path("plans/<int:plan_id>/", views.certificate_plan, name="certificate_plan"),
    path("plans/<int:plan_id>/issue/", views.certificate_issue, name="certificate_issue"),
    path("<int:certificate_id>/", views.certificate_detail, name="certificate_detail"),
    path("<int:certificate_id>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("me/", views.my_certificates, name="my_certificates"),
    path("", include("kaowu.certificates.printing.urls")),
    path("", include("kaowu.certificates.replacement.urls")),
    path("", include("kaowu.certificates.reports.urls")),
]
