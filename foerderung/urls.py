"""/foerderung/: FS2 centres and FS4 requests."""

from django.urls import path

from foerderung import views

app_name = "foerderung"
urlpatterns = [
    path("zentren/", views.centre_list, name="centre_list"),
    path("zentren/neu/<int:sozialraum_pk>/", views.centre_create, name="centre_create"),
    path("zentren/<int:pk>/", views.centre_edit, name="centre_edit"),
    path("zentren/<int:pk>/schliessen/", views.centre_close, name="centre_close"),
    path("fs4/", views.fs4_list, name="fs4_list"),
    path("fs4/neu/", views.fs4_submit, name="fs4_submit"),
    path("fs4/<int:pk>/", views.fs4_detail, name="fs4_detail"),
    path("fs4/<int:pk>/entscheiden/", views.fs4_decide, name="fs4_decide"),
    path("fs4/anlage/<int:pk>/", views.fs4_attachment, name="fs4_attachment"),
]
