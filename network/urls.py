"""/netzwerk/: the network analysis of a round (issue 17)."""

from django.urls import path  # noqa: F401

app_name = "network"
urlpatterns: list = []
