from django.urls import path

from surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.kita_overview, name="kita_overview"),
    # Jugendamt pages first: "runden" is never a round code.
    path("runden/", views.round_list, name="round_list"),
    path("runden/<str:code>/", views.round_detail, name="round_detail"),
    path(
        "runden/<str:code>/status/<str:action>/",
        views.round_transition,
        name="round_transition",
    ),
    path("runden/<str:code>/verlauf/", views.round_history, name="round_history"),
    path("runden/<str:code>/erinnern/", views.round_remind, name="round_remind"),
    path("runden/<str:code>/export.<str:fmt>", views.round_export, name="round_export"),
    path("runden/<str:code>/import/", views.round_import, name="round_import"),
    path("runden/<str:code>/partner/", views.round_partners, name="round_partners"),
    path(
        "runden/<str:code>/kitas/<int:kita_id>/",
        views.response_detail,
        name="response_detail",
    ),
    path(
        "runden/<str:code>/kitas/<int:kita_id>/wieder-oeffnen/",
        views.response_reopen,
        name="response_reopen",
    ),
    path("<str:code>/<int:kita_id>/", views.questionnaire, name="form"),
    path(
        "<str:code>/<int:kita_id>/automatisch-speichern/",
        views.questionnaire_autosave,
        name="autosave",
    ),
    path("<str:code>/<int:kita_id>/pruefen/", views.questionnaire_check, name="check"),
]
