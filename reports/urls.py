"""Report pages under /berichte/ (included by srb_project.urls)."""

from django.urls import path

from reports import views, views_maps, views_proof

app_name = "reports"

urlpatterns = [
    path("", views.committee_latest, name="committee_latest"),
    path("ausschuss/<int:year>/", views.committee, name="committee"),
    path("entwicklung/", views.trends, name="trends"),
    path("ziele/", views.goals, name="goals"),
    path("start/", views.dashboard, name="dashboard"),
    path("traeger/", views.traeger, name="traeger"),
    path("kita/", views.kita, name="kita"),
    path("export/", views.exports, name="exports"),
    path(
        "export/indizes-kitas/<int:round_id>.xlsx",
        views.export_kita_indices,
        name="export_kita_indices",
    ),
    path(
        "export/indizes-sozialraeume/<int:round_id>.xlsx",
        views.export_sozialraum_indices,
        name="export_sozialraum_indices",
    ),
    path("export/verteilung/<int:year>.xlsx", views.export_lines, name="export_lines"),
    path(
        "export/verwendungsnachweis/<int:year>.<str:fmt>",
        views_proof.export_proof_of_use,
        name="export_proof_of_use",
    ),
    path("verwendungsnachweis/<int:year>/", views_proof.proof_page, name="proof_of_use"),
    path(
        "verwendungsnachweis/<int:year>/bestaetigen/",
        views_proof.proof_sign,
        name="proof_sign",
    ),
    # issue 18: the staff map page with the uploads of boundaries and Kita locations
    path("karten/", views_maps.maps, name="maps"),
]
