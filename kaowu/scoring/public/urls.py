from django.urls import path

from kaowu.core.export_views import list_export_view
from kaowu.scoring.public import views

urlpatterns = [
    path("public/", views.public_release_list, name="scores_public_list"),
    path("public/<int:release_id>/", views.public_release_detail, name="scores_public_detail"),
    path("public/<int:release_id>/export/", list_export_view("kaowu.scoring.release.exports.PUBLIC_RESULTS"),
         name="scores_public_export"),
    path("public/plans/<int:plan_id>/", views.public_plan, name="scores_public_plan"),
    path("query/", views.score_query, name="score_query"),
    path("me/", views.my_results, name="my_results"),
    path("me/results/<int:result_id>/notice.pdf", views.my_result_notice, name="my_result_notice"),
    path("me/results/<int:result_id>/recheck/", views.my_recheck, name="my_recheck"),
    path("me/results/<int:result_id>/retake/", views.my_retake, name="my_retake"),
]
