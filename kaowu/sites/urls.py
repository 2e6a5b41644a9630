from django.urls import include, path

from kaowu.core.export_views import list_export_view
from kaowu.sites import views

urlpatterns = [
    path("", views.site_list, name="site_list"),
    path("export/", list_export_view("kaowu.sites.exports.SITES"), name="site_export"),
    path("new/", views.site_create, name="site_create"),
    path("<int:site_id>/", views.site_detail, name="site_detail"),
    path("<int:site_id>/edit/", views.site_update, name="site_update"),
    path("<int:site_id>/rooms/new/", views.room_create, name="room_create"),
    path("<int:site_id>/equipment/new/", views.equipment_add, name="equipment_add"),
    # The sub-areas name their own paths (filings/…, attachments/…, applications/…) under /sites/.
    path("", include("kaowu.sites.filings.urls")),
    path("", include("kaowu.sites.unified.urls")),
]
