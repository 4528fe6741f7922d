from django.urls import path

from indices import views

app_name = "indices"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("kita/<int:kita_id>/", views.kita_detail, name="kita_detail"),
    path("meine-kita/", views.my_kita, name="my_kita"),
    path("meine-kita/<int:kita_id>/", views.my_kita_detail, name="my_kita_detail"),
    path("runde/<int:round_id>/berechnen/", views.run_start, name="run_start"),
    path("runde/<int:round_id>/status/", views.run_status, name="run_status"),
]
