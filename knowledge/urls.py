"""/dokumente/: document box, Konzeption versions, children's perspective (issue 17)."""

from django.urls import path  # noqa: F401

app_name = "knowledge"
urlpatterns: list = []
