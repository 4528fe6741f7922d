"""The page "Personen": the people of the own Jugendamt and their roles."""

from django.urls import path

from sozialraeume import views

app_name = "sozialraeume"

urlpatterns = [
    path("", views.people_list, name="people_list"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/einladung/", views.person_resend_invitation, name="person_resend_invitation"),
    path("<int:pk>/passwort-link/", views.person_send_reset_link, name="person_send_reset_link"),
    path("<int:pk>/aktiv/", views.person_set_active, name="person_set_active"),
    path("<int:pk>/rolle-vergeben/", views.person_role_grant, name="person_role_grant"),
    path("<int:pk>/rolle-entziehen/", views.person_role_revoke, name="person_role_revoke"),
    path("anfragen/<int:pk>/", views.role_grant_decide, name="role_grant_decide"),
]
