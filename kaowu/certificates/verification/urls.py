from django.urls import path

from kaowu.certificates.verification import views

urlpatterns = [
    path("", views.verify, name="certificate_verify"),
    path("public-key.pem", views.public_key, name="certificate_public_key"),
    path("<str:number>", views.verify_scanned, name="certificate_verify_scanned"),
]
