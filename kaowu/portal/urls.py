from django.urls import include, path

from kaowu.portal import views

urlpatterns = [
    path("", views.announcement_list, name="announcement_list"),
    path("plans/<int:plan_id>/", views.announcement_detail, name="announcement_detail"),
    # Candidate self-service.
    path("", include("kaowu.portal.candidate.urls")),
]
