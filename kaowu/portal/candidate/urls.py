from django.urls import path

from kaowu.portal.candidate import views

urlpatterns = [
    path("signup/", views.candidate_signup, name="candidate_signup"),
    path("me/", views.candidate_home, name="candidate_home"),
    path("plans/<int:plan_id>/apply/", views.candidate_apply, name="candidate_apply"),
    path("me/applications/<int:application_id>/", views.candidate_application, name="candidate_application"),
    path("me/applications/<int:application_id>/photo/", views.candidate_photo, name="candidate_photo"),
    path("me/applications/<int:application_id>/documents/", views.candidate_document, name="candidate_document"),
    path("me/applications/<int:application_id>/submit/", views.candidate_submit, name="candidate_submit"),
    path("me/applications/<int:application_id>/withdraw/", views.candidate_withdraw, name="candidate_withdraw"),
    # The photo is personal data: served only to the candidate and to staff who can see the application.
    path("applications/<int:application_id>/photo.jpg", views.candidate_photo_file, name="candidate_photo_file"),
    path("applications/<int:application_id>/documents/<int:document_id>/", views.application_document_file,
         name="application_document_file"),
]
