"""/oeffentlich/: the public results page of a Jugendamt (issue 17; no login, opt-in)."""

from django.urls import path

from reports import views_public

app_name = "public"
urlpatterns = [
    path("<slug:slug>/", views_public.public_page, name="page"),
    path("<slug:slug>/<int:year>/", views_public.public_page, name="page_year"),
]
