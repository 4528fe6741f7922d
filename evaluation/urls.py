"""/evaluation/: evaluation instruments, waves, the personal answer links, results (issue 17)."""

from django.urls import path  # noqa: F401

app_name = "evaluation"
urlpatterns: list = []
