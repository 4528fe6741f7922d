from django.urls import path

from allocation import views, views_transition

app_name = "allocation"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("traeger/", views.traeger_dashboard, name="traeger_dashboard"),
    path("jahr/<int:pk>/anteile/", views.budget_year_shares, name="budget_year_shares"),
    path("jahr/<int:pk>/plaene/", views.budget_year_plans, name="budget_year_plans"),
    # issue 18: the phased transition's cap
    path(
        "jahr/<int:pk>/uebergang/",
        views_transition.budget_year_transition,
        name="budget_year_transition",
    ),
    path("jahr/<int:pk>/umverteilung/", views.reallocation_create, name="reallocation_create"),
    path(
        "umverteilung/<int:pk>/genehmigen/",
        views.reallocation_approve,
        name="reallocation_approve",
    ),
    path("umverteilung/<int:pk>/ablehnen/", views.reallocation_reject, name="reallocation_reject"),
    path("plan/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plan/<int:pk>/vorschlag/", views.plan_propose, name="plan_propose"),
    path("plan/<int:pk>/status/<slug:action>/", views.plan_transition, name="plan_transition"),
    path("plan/<int:pk>/kommentar/", views.plan_comment, name="plan_comment"),
    path(
        "plan/<int:pk>/abstimmung-verkuerzen/",
        views.plan_consultation_shorten,
        name="plan_consultation_shorten",
    ),
    path("plan/<int:pk>/zeile/neu/", views.line_add, name="line_add"),
    path("plan/<int:pk>/verlauf/", views.plan_history, name="plan_history"),
    path("zeile/<int:pk>/", views.line_edit, name="line_edit"),
    path("zeile/<int:pk>/loeschen/", views.line_delete, name="line_delete"),
    path("kita/<int:pk>/verlauf/", views.kita_history, name="kita_history"),
    # issue 15 (part D): the Kita leader in the consultation, answers, FS3 exceptions
    path("plan/<int:pk>/kita/<int:kita_id>/", views.kita_consultation, name="kita_consultation"),
    path("plan/<int:pk>/kita/<int:kita_id>/kommentar/", views.kita_comment, name="kita_comment"),
    path("kommentar/<int:pk>/antworten/", views.comment_answer, name="comment_answer"),
    path(
        "zeile/<int:pk>/ausnahme-anerkennen/",
        views.line_exception_accept,
        name="line_exception_accept",
    ),
]
