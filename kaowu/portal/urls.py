from django.urls import path

from kaowu.portal import views, views_candidate

urlpatterns = [
    path("", views.announcement_list, name="announcement_list"),
    path("plans/<int:plan_id>/", views.announcement_detail, name="announcement_detail"),
    # Candidate self-service.
    path("signup/", views_candidate.candidate_signup, name="candidate_signup"),
    path("me/", views_candidate.candidate_home, name="candidate_home"),
    path("plans/<int:plan_id>/apply/", views_candidate.candidate_apply, name="candidate_apply"),
    path("me/applications/<int:application_id>/", views_candidate.candidate_application,
         name="candidate_application"),
    path("me/applications/<int:application_id>/photo/", views_candidate.candidate_photo, name="candidate_photo"),
    path("me/applications/<int:application_id>/documents/", views_candidate.candidate_document,
         name="candidate_document"),
    path("me/applications/<int:application_id>/submit/", views_candidate.candidate_submit, name="candidate_submit"),
    path("me/applications/<int:application_id>/withdraw/", views_candidate.candidate_withdraw,
         name="candidate_withdraw"),
    # The photo is personal data: served only to the candidate and to staff who can see the application.
    path("applications/<int:application_id>/photo.jpg", views_candidate.candidate_photo_file,
         name="candidate_photo_file"),
    path("applications/<int:application_id>/documents/<int:document_id>/", views_candidate.application_document_file,
         name="application_document_file"),
]
