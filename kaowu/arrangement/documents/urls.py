"""Routes of the arrangement documents, under /arrangement/documents/."""

from django.urls import path

from kaowu.arrangement.documents import views

ROOM_SESSION = "plans/<int:plan_id>/sessions/<int:session_id>/rooms/<int:room_id>/"

urlpatterns = [
    path("applications/<int:application_id>/ticket/", views.ticket_download, name="arrangement_ticket_pdf"),
    path("plans/<int:plan_id>/", views.documents_plan, name="arrangement_documents_plan"),
    path("plans/<int:plan_id>/tickets/", views.plan_tickets_pdf, name="arrangement_plan_tickets_pdf"),
    path("plans/<int:plan_id>/tickets/batch/", views.plan_tickets_batch, name="arrangement_plan_tickets_batch"),
    path("plans/<int:plan_id>/rooms/<int:room_id>/tickets/", views.room_tickets_pdf,
         name="arrangement_room_tickets_pdf"),
    path("plans/<int:plan_id>/preparation-notice/", views.preparation_notice, name="arrangement_preparation_notice"),
    path("plans/<int:plan_id>/roster.xlsx", views.plan_roster_xlsx, name="arrangement_plan_roster_xlsx"),
    path(ROOM_SESSION + "door-list/", views.door_list, name="arrangement_door_list"),
    path(ROOM_SESSION + "sign-in-sheet/", views.signin_sheet, name="arrangement_signin_sheet"),
    path(ROOM_SESSION + "seat-labels/", views.seat_labels, name="arrangement_seat_labels"),
    path(ROOM_SESSION + "list.xlsx", views.room_list_xlsx, name="arrangement_room_list_xlsx"),
    path("batches/<str:task_id>/", views.batch_page, name="arrangement_documents_batch"),
    path("batches/<str:task_id>/progress/", views.batch_progress, name="arrangement_documents_batch_progress"),
    path("batches/<str:task_id>/file/", views.batch_file, name="arrangement_documents_batch_file"),
]
