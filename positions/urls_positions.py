"""/stellen/: positions from approved lines, months, shares, qualifications, the next
year's plan (issue 16, part P1)."""

from django.urls import path

from positions import views

urlpatterns = [
    path("", views.position_list, name="position_list"),
    path("<int:pk>/", views.position_detail, name="position_detail"),
    path("<int:pk>/bearbeiten/", views.position_edit, name="position_edit"),
    path("<int:pk>/monate/", views.position_months, name="position_months"),
    path("<int:pk>/anteile/", views.position_shares, name="position_shares"),
    path("<int:pk>/nachweis/", views.position_check, name="position_check"),
    path("aus-plan/<int:plan_pk>/", views.plan_positions, name="plan_positions"),
    path("folgejahr/", views.plan_from_positions, name="plan_from_positions"),
    path("qualifikationen/", views.qualification_list, name="qualification_list"),
    path(
        "qualifikationen/<int:pk>/aktiv/", views.qualification_toggle, name="qualification_toggle"
    ),
]
