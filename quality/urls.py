"""/qualitaet/: official statistics beside the self-reports, plausibility checks (issue 18)."""

from django.urls import path

from quality import views

app_name = "quality"
urlpatterns = [
    path("amtliche-daten/", views.official_list, name="official"),
    path("amtliche-daten/import/", views.official_import, name="official_import"),
    path("amtliche-daten/<int:round_id>/", views.official_round, name="official_round"),
    path("plausibilitaet/<int:round_id>/", views.plausibility, name="plausibility"),
    path(
        "plausibilitaet/<int:round_id>/pruefen/",
        views.plausibility_check,
        name="plausibility_check",
    ),
    path("befund/<int:pk>/", views.finding_decide, name="finding_decide"),
    path("rueckfragen/", views.corrections, name="corrections"),
]
