"""/dokumente/: document box, Konzeption versions, children's perspective (issue 17)."""

from django.urls import path

from knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("neu/", views.document_create_view, name="document_create"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/bearbeiten/", views.document_edit, name="document_edit"),
    path("<int:pk>/versionen/neu/", views.version_add, name="version_add"),
    path("versionen/<int:pk>/", views.version_download, name="version_download"),
    path("oeffentlich/<slug:slug>/<int:doc_id>/", views.public_download, name="public_download"),
    path("kinderperspektive/", views.picture_list, name="picture_list"),
    path("kinderperspektive/neu/", views.picture_create, name="picture_create"),
    path("kinderperspektive/<int:pk>/bild/", views.picture_image, name="picture_image"),
    path("kinderperspektive/<int:pk>/loeschen/", views.picture_delete, name="picture_delete"),
]
