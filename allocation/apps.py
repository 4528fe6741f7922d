from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationConfig(AppConfig):
    name = "allocation"
    verbose_name = _("Verteilung")

    def ready(self):
        from indices.budget import register_budget_years

        # issue 18: the transition's audit actions; the app's policies (templates find them)
        from . import audit_actions, permissions  # noqa: F401
        from .selectors import budget_years_for_jugendamt

        # /auswertung/ (indices, a layer below) offers the budget years: it asks this provider.
        register_budget_years(budget_years_for_jugendamt)
