"""The budget year's transition rule (issue 18): the cap in percent, typed in German."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from srb_project.numbers import GermanDecimalField


class PercentField(GermanDecimalField):
    """A percentage with up to two decimals: "10", "7,5", "7,50 %"."""

    places = 2
    example = "10"
    unit = "%"
    units = ("%",)


class TransitionForm(forms.Form):
    """Empty cap: the rule is off; the service checks the range again."""

    transition_cap = PercentField(
        label=_("Höchste Änderung je Jahr (%)"),
        required=False,
        max_digits=5,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        help_text=_(
            "z. B. 10: Der Landesanteil eines Sozialraums ändert sich gegenüber dem Vorjahr "
            "um höchstens ±10 %. Leer lassen, um die Übergangsregel auszuschalten."
        ),
    )
    reason = forms.CharField(
        label=_("Begründung der Übergangsregel (wird protokolliert)"), required=False
    )

    def __init__(self, *args, **kwargs):
        # The box sits on the plan list beside the reallocation form, which has a "reason"
        # field too: ids of its own, so every label finds its field (names unchanged).
        kwargs.setdefault("auto_id", "transition_%s")
        super().__init__(*args, **kwargs)
