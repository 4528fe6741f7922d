"""/oeffentlich/: the public results page of a Jugendamt (issue 17; no login, opt-in)."""

from django.urls import path  # noqa: F401

app_name = "public"
urlpatterns: list = []
