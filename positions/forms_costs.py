"""Forms of the actual-cost pages (issue 16, part P2): thin, the rules are the service's."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from positions.services.costs import month_end, position_months_in_year
from srb_project.numbers import EuroField


class CostPeriodForm(forms.Form):
    """A month or a quarter of the position and the amount in euros (German entry)."""

    period_start = forms.TypedChoiceField(
        label=_("von (Monat)"), coerce=datetime.date.fromisoformat
    )
    period_end = forms.TypedChoiceField(label=_("bis (Monat)"), coerce=datetime.date.fromisoformat)
    amount = EuroField(label=_("Ist-Personalkosten (€)"), min_value=Decimal("0"))

    def __init__(self, *args, position, **kwargs):
        super().__init__(*args, **kwargs)
        months = position_months_in_year(position)
        self.fields["period_start"].choices = [(m.isoformat(), f"{m:%m/%Y}") for m in months]
        self.fields["period_end"].choices = [
            (month_end(m).isoformat(), f"{m:%m/%Y}") for m in months
        ]


class CostCorrectForm(forms.Form):
    amount = EuroField(label=_("korrigierte Ist-Personalkosten (€)"), min_value=Decimal("0"))
    reason = forms.CharField(
        label=_("Grund der Korrektur"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CostImportForm(forms.Form):
    file = forms.FileField(
        label=_("Datei (XLSX oder CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
