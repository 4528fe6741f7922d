"""Team pages, members, meetings, minutes, tasks, documents."""

from django.urls import path

from teams import views

urlpatterns = [
    path("", views.team_list, name="team_list"),
    path("neu/", views.team_create, name="team_create"),
    path("<int:pk>/", views.team_detail, name="team_detail"),
    path("<int:pk>/ansprechperson/", views.team_contact, name="team_contact"),
    path("<int:pk>/mitglieder/neu/", views.member_add, name="member_add"),
    path("mitglieder/<int:pk>/ausscheiden/", views.member_leave, name="member_leave"),
    path("<int:pk>/jahresplan/", views.meeting_plan_year, name="meeting_plan_year"),
    path("<int:pk>/sitzungen/neu/", views.meeting_create, name="meeting_create"),
    path("sitzungen/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("sitzungen/<int:pk>/bearbeiten/", views.meeting_edit, name="meeting_edit"),
    path("sitzungen/<int:pk>/einladen/", views.meeting_invite, name="meeting_invite"),
    path("sitzungen/<int:pk>/absagen/", views.meeting_cancel, name="meeting_cancel"),
    path("sitzungen/<int:pk>/anwesenheit/", views.meeting_attendance, name="meeting_attendance"),
    path("sitzungen/<int:pk>/protokoll/", views.meeting_minutes, name="meeting_minutes"),
    path("sitzungen/<int:pk>/aufgaben/neu/", views.task_add, name="task_add"),
    path("aufgaben/<int:pk>/erledigt/", views.task_done, name="task_done"),
    path("sitzungen/<int:pk>/unterlagen/neu/", views.document_add, name="document_add"),
    path("unterlagen/<int:pk>/", views.document_download, name="document_download"),
]
