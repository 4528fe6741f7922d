"""/netzwerk/: the network analysis of a round (issue 17)."""

from django.urls import path

from network import views

app_name = "network"
urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("<int:round_id>/", views.round_overview, name="round"),
    path("<int:round_id>/<int:sozialraum_id>/", views.sozialraum_detail, name="sozialraum"),
]
