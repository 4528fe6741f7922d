"""The allocation app's audit actions beyond ``audit.events`` (issue 18), registered on
import (``AllocationConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from audit.events import F, K, register

# The phased transition (``allocation.transition``): the cap of a budget year, set on the
# budget year page by the Jugendamt's planners.
BUDGET_YEAR_TRANSITION_SET = register(
    "budget_year.transition_set",
    _("Übergangsregel geändert"),
    (F("transition_cap", _("höchste Änderung je Jahr"), K.PERCENT),),
)
# Step 1 with the transition rule on: per Sozialraum the share, its target amount and the
# transitional state amount that plans, execution and proof of use use. (Without the rule
# the shares stay ``budget_year.shares``.)
BUDGET_YEAR_SHARES_PHASED = register(
    "budget_year.shares_phased",
    _("Anteile der Sozialräume mit Übergangsregel festgelegt"),
    (
        F("percent", _("Anteil"), K.PERCENT),
        F("target_amount", _("Zielbetrag"), K.EUR),
        F("state_amount", _("Landesanteil im Übergang"), K.EUR),
        F(
            "carried_forward",
            _("Gesamtindex übernommen"),
            parts=(F("gesamt", _("Gesamtindex"), K.INDEX), F("from", _("aus"))),
        ),
    ),
    keyed_by=_("Sozialraum"),
)
