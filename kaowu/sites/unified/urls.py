from django.urls import path

from kaowu.sites.unified import views

# Included under /sites/ by kaowu.sites.urls.
urlpatterns = [
    path("applications/", views.application_list, name="unified_application_list"),
    path("applications/new/", views.application_create, name="unified_application_create"),
    path("applications/<int:application_id>/", views.application_detail, name="unified_application_detail"),
    path("applications/<int:application_id>/submit/", views.application_submit, name="unified_application_submit"),
    path("applications/<int:application_id>/review/", views.application_review, name="unified_application_review"),
]
