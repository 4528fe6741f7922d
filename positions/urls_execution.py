"""/stellen/umsetzung/: budget execution per Sozialraum and year (issue 16, part P3)."""

from django.urls import path

from positions import views_execution

urlpatterns = [
    path("umsetzung/<int:year>/", views_execution.execution, name="execution"),
]
