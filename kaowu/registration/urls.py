from django.urls import include, path

urlpatterns = [
    path("import/", include("kaowu.registration.urls_import")),
]
