from importlib.util import find_spec

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from sozialraeume import views as sozialraeume_views

urlpatterns = [
    path("", sozialraeume_views.start, name="start"),
    path("healthz/", sozialraeume_views.healthz, name="healthz"),
    path("einladen/", sozialraeume_views.invite_user, name="invite_user"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# Each app contributes its pages once it has a urls module.
for prefix, module in [
    ("erhebung/", "surveys.urls"),
    ("auswertung/", "indices.urls"),
    ("verteilung/", "allocation.urls"),
    ("berichte/", "allocation.report_urls"),
]:
    if find_spec(module) is not None:
        urlpatterns.append(path(prefix, include(module)))
