from django.urls import path

from kaowu.certificates import views_public

urlpatterns = [
    path("", views_public.verify, name="certificate_verify"),
    path("public-key.pem", views_public.public_key, name="certificate_public_key"),
    path("<str:number>", views_public.verify_scanned, name="certificate_verify_scanned"),
]
