"""/qualitaet/: official statistics beside the self-reports, plausibility checks (issue 18)."""

from django.urls import path  # noqa: F401

app_name = "quality"
urlpatterns: list = []
