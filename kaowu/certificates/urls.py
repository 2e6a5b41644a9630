from django.urls import include, path

from kaowu.certificates import views

urlpatterns = [
    path("", views.certificate_home, name="certificate_home"),
    path("plans/<int:plan_id>/", views.certificate_plan, name="certificate_plan"),
    path("plans/<int:plan_id>/issue/", views.certificate_issue, name="certificate_issue"),
    path("plans/<int:plan_id>/print/", views.certificate_plan_print, name="certificate_plan_print"),
    path("<int:certificate_id>/", views.certificate_detail, name="certificate_detail"),
    path("<int:certificate_id>/print/", views.certificate_print, name="certificate_print"),
    path("<int:certificate_id>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("<int:certificate_id>/replacement/", views.replacement_apply, name="replacement_apply"),
    path("replacements/", views.replacement_list, name="replacement_list"),
    path("replacements/<int:request_id>/", views.replacement_detail, name="replacement_detail"),
    path("replacements/<int:request_id>/decide/", views.replacement_decide, name="replacement_decide"),
    path("replacements/<int:request_id>/<str:which>/", views.replacement_file, name="replacement_file"),
    path("calibrations/", views.calibration_list, name="calibration_list"),
    path("calibrations/<int:calibration_id>/", views.calibration_update, name="calibration_update"),
    path("calibrations/test.pdf", views.calibration_test_page, name="calibration_test_blank"),
    path("calibrations/<int:calibration_id>/test.pdf", views.calibration_test_page, name="calibration_test_page"),
    path("me/", views.my_certificates, name="my_certificates"),
    path("me/<int:certificate_id>.pdf", views.my_certificate_pdf, name="my_certificate_pdf"),
    path("", include("kaowu.certificates.urls_reports")),
]
