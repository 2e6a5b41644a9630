from django.urls import path

from kaowu.arrangement.lottery import views

urlpatterns = [
    path("", views.lottery_home, name="lottery_home"),
    path("<int:session_id>/<int:room_id>/", views.lottery_room, name="lottery_room"),
    path("<int:session_id>/<int:room_id>/draw/", views.lottery_draw, name="lottery_draw"),
    path("<int:session_id>/<int:room_id>/photos/<int:application_id>.jpg", views.lottery_photo,
         name="lottery_photo"),
    path("draws/<int:draw_id>/print/", views.lottery_print, name="lottery_print"),
    path("draws/<int:draw_id>/replay/", views.lottery_replay, name="lottery_replay"),
]
