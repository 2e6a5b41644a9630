from django.urls import include, path

urlpatterns = [
    path("entry/", include("kaowu.scoring.entry.urls")),
    path("release/", include("kaowu.scoring.release.urls")),
    path("", include("kaowu.scoring.public.urls")),
]
