from django.urls import path

from kaowu.certificates.replacement import views
from kaowu.core.export_views import list_export_view

urlpatterns = [
    path("<int:certificate_id>/replacement/", views.replacement_apply, name="replacement_apply"),
    path("replacements/", views.replacement_list, name="replacement_list"),
    path("replacements/export/", list_export_view("kaowu.certificates.replacement.exports.REPLACEMENTS"),
         name="replacement_export"),
    path("replacements/<int:request_id>/", views.replacement_detail, name="replacement_detail"),
    path("replacements/<int:request_id>/decide/", views.replacement_decide, name="replacement_decide"),
    path("replacements/<int:request_id>/<str:which>/", views.replacement_file, name="replacement_file"),
]
