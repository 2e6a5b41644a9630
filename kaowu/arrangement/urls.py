from django.urls import include, path

urlpatterns = [
    path("documents/", include("kaowu.arrangement.urls_documents")),
    path("lottery/", include("kaowu.arrangement.urls_lottery")),
]
