from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PositionsConfig(AppConfig):
    name = "positions"
    verbose_name = _("Stellen und Ist-Kosten")

    def ready(self):
        from allocation.services import reallocations

        from . import (  # noqa: F401 - register the app's policies (templates find them)
            permissions,
            permissions_costs,
        )
        from .selectors_execution import freed_state_amount

        # issue 16 (P3), inversion: allocation checks a reallocation of money the positions
        # do not spend against the budget execution computed here.
        reallocations.register_freed_amount(freed_state_amount)
