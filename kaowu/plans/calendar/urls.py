from django.urls import path

from kaowu.plans.calendar import views

# Included under /plans/calendar/ by kaowu.plans.urls.
urlpatterns = [
    path("", views.calendar_month, name="calendar_month"),
    path("<int:year>/<int:month>/", views.calendar_month, name="calendar_month_of"),
]
