"""Release time (Freistellung) and reviews of the distribution."""

from django.urls import path

from teams import views_review as views

urlpatterns = [
    path("freistellungen/", views.release_list, name="release_list"),
    path("freistellungen/neu/", views.release_new, name="release_new"),
    path("freistellungen/<int:pk>/", views.release_detail, name="release_detail"),
    path("freistellungen/<int:pk>/entscheiden/", views.release_decide, name="release_decide"),
    path("freistellungen/jahresuebersicht/", views.release_summary_page, name="release_summary"),
    path(
        "freistellungen/jahresuebersicht.xlsx",
        views.release_summary_xlsx,
        name="release_summary_xlsx",
    ),
    path("ueberpruefungen/", views.review_list, name="review_list"),
    path("ueberpruefungen/eroeffnen/", views.review_open, name="review_open"),
    path("ueberpruefungen/<int:pk>/", views.review_detail, name="review_detail"),
    path("ueberpruefungen/<int:pk>/beraten/", views.review_hold, name="review_hold"),
    path("ueberpruefungen/<int:pk>/entscheiden/", views.review_decide, name="review_decide"),
]
