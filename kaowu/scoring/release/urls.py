from django.urls import path

from kaowu.core.export_views import list_export_view
from kaowu.scoring.release import views

urlpatterns = [
    path("", views.release_list, name="release_list"),
    path("export/", list_export_view("kaowu.scoring.release.exports.RELEASES"), name="release_export"),
    path("plans/<int:plan_id>/", views.release_plan, name="release_plan"),
    path("plans/<int:plan_id>/results/export/", list_export_view("kaowu.scoring.release.exports.RESULTS"),
         name="release_results_export"),
    path("plans/<int:plan_id>/submit/", views.release_submit, name="release_submit"),
    path("<int:release_id>/approve/", views.release_approve, name="release_approve"),
    path("<int:release_id>/return/", views.release_return, name="release_return"),
    path("<int:release_id>/publish/", views.release_publish, name="release_publish"),
    path("<int:release_id>/finalise/", views.release_finalise, name="release_finalise"),
    path("summaries/<int:summary_id>/photo/", views.release_summary_photo, name="release_summary_photo"),
    path("rechecks/", views.recheck_list, name="recheck_list"),
    path("rechecks/export/", list_export_view("kaowu.scoring.release.exports.RECHECKS"), name="recheck_export"),
    path("rechecks/<int:recheck_id>/", views.recheck_detail, name="recheck_detail"),
    path("results/<int:result_id>/recheck/", views.result_recheck_request, name="result_recheck_request"),
]
