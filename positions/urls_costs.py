"""/stellen/kosten/: actual personnel costs (issue 16, part P2)."""

from django.urls import path

from positions import views_costs as v

urlpatterns = [
    path("kosten/", v.cost_years, name="cost_years"),
    path("kosten/<int:year_pk>/", v.cost_list, name="cost_list"),
    path("kosten/<int:year_pk>/import/", v.cost_import, name="cost_import"),
    path("kosten/<int:year_pk>/vorlage.xlsx", v.cost_template, name="cost_template"),
    path("kosten/stelle/<int:position_pk>/melden/", v.cost_report, name="cost_report"),
    path("kosten/eintrag/<int:pk>/aendern/", v.cost_change, name="cost_change"),
    path("kosten/eintrag/<int:pk>/korrigieren/", v.cost_correct, name="cost_correct"),
    path("kosten/eintrag/<int:pk>/bestaetigen/", v.cost_confirm, name="cost_confirm"),
]
