from django.urls import include, path

urlpatterns = [
    path("registry/", include("kaowu.staffing.registry.urls")),
    path("dispatch/", include("kaowu.staffing.dispatch.urls")),
    path("custody/", include("kaowu.staffing.custody.urls")),
]
