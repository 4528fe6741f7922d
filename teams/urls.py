"""/sozialraum-teams/: teams, meetings and minutes (``urls_team``), release time and
reviews (``urls_review``)."""

from teams import urls_review, urls_team

app_name = "teams"
urlpatterns = [*urls_team.urlpatterns, *urls_review.urlpatterns]
