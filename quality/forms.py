"""Forms of the quality pages (issue 18): numbers as typed in German (text inputs with
``inputmode="decimal"``, ``srb_project.numbers``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from srb_project.numbers import GermanDecimalField


class OfficialImportForm(forms.Form):
    file = forms.FileField(
        label=_("Datei (CSV oder XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class CheckForm(forms.Form):
    k = GermanDecimalField(
        label=_("Schwelle in Standardabweichungen"),
        min_value="0.5",
        max_value="10",
        example="2,0",
        required=False,
        help_text=_(
            "Gemeldet wird eine Veränderung, die um mehr als so viele "
            "Standardabweichungen von der mittleren Veränderung aller Kitas abweicht "
            "(leer: 2)."
        ),
    )


class DecisionForm(forms.Form):
    DECISIONS = (("confirm", _("Bestätigen")), ("correct", _("Kita um Korrektur bitten")))

    decision = forms.ChoiceField(label=_("Entscheidung"), choices=DECISIONS)
    note = forms.CharField(
        label=_("Vermerk bzw. Grund für die Kita"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
