"""/stellen/: positions, actual costs, budget execution (issue 16)."""

from positions import urls_costs, urls_execution, urls_positions

app_name = "positions"
urlpatterns = [*urls_positions.urlpatterns, *urls_costs.urlpatterns, *urls_execution.urlpatterns]
