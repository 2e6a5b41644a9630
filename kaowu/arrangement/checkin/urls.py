"""Route of the check-in page, under /arrangement/documents/check-in/ (the address printed in every ticket's
QR code: it must not change)."""

from django.urls import path

from kaowu.arrangement.checkin import views

urlpatterns = [
    path("", views.checkin, name="arrangement_checkin"),
]
