from django.urls import include, path

urlpatterns = [
    path("registry/", include("kaowu.staffing.urls_registry")),
    path("dispatch/", include("kaowu.staffing.urls_dispatch")),
    path("custody/", include("kaowu.staffing.urls_custody")),
]
