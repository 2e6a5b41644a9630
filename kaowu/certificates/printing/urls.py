from django.urls import path

from kaowu.certificates.printing import views

urlpatterns = [
    path("plans/<int:plan_id>/print/", views.certificate_plan_print, name="certificate_plan_print"),
    path("<int:certificate_id>/print/", views.certificate_print, name="certificate_print"),
    path("batches/<str:task_id>/", views.certificate_batch, name="certificate_batch"),
    path("batches/<str:task_id>/progress/", views.certificate_batch_progress, name="certificate_batch_progress"),
    path("batches/<str:task_id>/file/", views.certificate_batch_file, name="certificate_batch_file"),
    path("calibrations/", views.calibration_list, name="calibration_list"),
    path("calibrations/<int:calibration_id>/", views.calibration_update, name="calibration_update"),
    path("calibrations/test.pdf", views.calibration_test_page, name="calibration_test_blank"),
    path("calibrations/<int:calibration_id>/test.pdf", views.calibration_test_page, name="calibration_test_page"),
    path("me/<int:certificate_id>.pdf", views.my_certificate_pdf, name="my_certificate_pdf"),
]
