from django.contrib import admin
from django.urls import include, path

from reports import views as report_views
from sozialraeume import views as sozialraeume_views
from sozialraeume.forms import JugendamtPasswordResetForm
from srb_project.throttling import ThrottledPasswordResetView

urlpatterns = [
    path("", report_views.start, name="start"),
    path("healthz/", sozialraeume_views.healthz, name="healthz"),
    path("einladen/", sozialraeume_views.invite_user, name="invite_user"),
    path("personen/", include("sozialraeume.urls")),
    path(
        "accounts/password_reset/",
        ThrottledPasswordResetView.as_view(
            form_class=JugendamtPasswordResetForm,
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("erhebung/", include("surveys.urls")),
    path("auswertung/", include("indices.urls")),
    path("verteilung/", include("allocation.urls")),
    path("foerderung/", include("foerderung.urls")),
    path("sozialraum-teams/", include("teams.urls")),
    path("stellen/", include("positions.urls")),
    path("berichte/", include("reports.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("netzwerk/", include("network.urls")),
    path("qualitaet/", include("quality.urls")),
    path("dokumente/", include("knowledge.urls")),
    path("oeffentlich/", include("reports.urls_public")),
    path("protokoll/", include("audit.urls")),
]
