from django.urls import path

from kaowu.scoring.entry import views

ROOM = "sessions/<int:session_id>/rooms/<int:room_id>/"

urlpatterns = [
    path("", views.entry_home, name="score_entry_home"),
    path("plans/<int:plan_id>/", views.entry_plan, name="score_entry_plan"),
    path("sessions/<int:session_id>/attendance/", views.attendance, name="score_attendance"),
    path(ROOM, views.room, name="score_room"),
    path(ROOM + "sheet/", views.sheet, name="score_sheet"),
    path(ROOM + "sheet/sign/", views.sheet_sign, name="score_sheet_sign"),
    path(ROOM + "compile/", views.room_compile, name="score_room_compile"),
    path(ROOM + "summary/", views.summary_upload, name="score_summary_upload"),
    path(ROOM + "summary/photo/", views.summary_photo, name="score_summary_photo"),
    path("scores/<int:score_id>/settle/", views.settle, name="score_settle"),
    path("scores/<int:score_id>/resolve/", views.resolve, name="score_resolve"),
    path("sessions/<int:session_id>/check/", views.check, name="score_check"),
    path("sessions/<int:session_id>/import/", views.import_upload, name="score_import_upload"),
    path("sessions/<int:session_id>/import/template/", views.import_template, name="score_import_template"),
    path("import/<str:token>/", views.import_report, name="score_import_report"),
    path("import/<str:token>/confirm/", views.import_confirm, name="score_import_confirm"),
]
