from django.urls import path

from kaowu.sites import views

urlpatterns = [
    path("", views.site_list, name="site_list"),
]
