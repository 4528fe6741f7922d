"""The audit list under /protokoll/ (included by srb_project.urls)."""

from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event_list"),
]
