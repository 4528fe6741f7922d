"""/evaluation/: evaluation instruments, waves, the personal answer links, results (issue 17)."""

from django.urls import path

from evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.instrument_list, name="instrument_list"),
    path("neu/", views.instrument_create, name="instrument_create"),
    path("<int:pk>/", views.instrument_detail, name="instrument_detail"),
    path("<int:pk>/neue-version/", views.instrument_new_version, name="instrument_new_version"),
    path("<int:pk>/vergleich/", views.instrument_comparison, name="instrument_comparison"),
    path("<int:pk>/export.xlsx", views.instrument_export, name="instrument_export"),
    path("block/<int:block_pk>/frage-neu/", views.item_create, name="item_create"),
    path("frage/<int:pk>/", views.item_edit, name="item_edit"),
    path("frage/<int:pk>/loeschen/", views.item_delete, name="item_delete"),
    path("welle/<int:pk>/", views.wave_detail, name="wave_detail"),
    path("welle/<int:pk>/daten/", views.wave_dates, name="wave_dates"),
    path("welle/<int:pk>/oeffnen/", views.wave_open, name="wave_open"),
    path("welle/<int:pk>/schliessen/", views.wave_close, name="wave_close"),
    path("welle/<int:pk>/einladen/", views.wave_invite, name="wave_invite"),
    path("welle/<int:pk>/erinnern/", views.wave_remind, name="wave_remind"),
    path("welle/<int:pk>/ergebnisse/", views.wave_results, name="wave_results"),
    path("antwort/danke/", views.answer_done, name="answer_done"),
    path("antwort/<str:token>/", views.answer, name="answer"),
]
