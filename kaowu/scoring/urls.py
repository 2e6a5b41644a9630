from django.urls import include, path

urlpatterns = [
    path("entry/", include("kaowu.scoring.urls_entry")),
    path("release/", include("kaowu.scoring.urls_release")),
    path("", include("kaowu.scoring.urls_public")),
]
