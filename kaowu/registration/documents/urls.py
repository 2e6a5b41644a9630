from django.urls import path

from kaowu.registration.documents import views

urlpatterns = [
    path("applications/<int:application_id>/receipt/", views.application_receipt, name="application_receipt"),
    path("applications/<int:application_id>/refund-receipt/", views.application_refund_receipt,
         name="application_refund_receipt"),
    path("plans/<int:plan_id>/commitment/", views.plan_commitment, name="plan_commitment"),
    path("plans/<int:plan_id>/commitment/pdf/", views.plan_commitment_pdf, name="plan_commitment_pdf"),
    path("plans/<int:plan_id>/commitment/upload/", views.plan_commitment_upload, name="plan_commitment_upload"),
    path("plans/<int:plan_id>/commitment/file/", views.plan_commitment_file, name="plan_commitment_file"),
]
