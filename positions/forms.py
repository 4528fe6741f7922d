"""Forms of the position pages (issue 16, part P1); the services check the rules again."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from allocation.models import BudgetYear
from positions.models import Position, Qualification
from sozialraeume.models import Kita, Sozialraum, Traeger
from srb_project.numbers import GermanDecimalField, IntegerTextInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH_NAMES = (
    _("Januar"),
    _("Februar"),
    _("März"),
    _("April"),
    _("Mai"),
    _("Juni"),
    _("Juli"),
    _("August"),
    _("September"),
    _("Oktober"),
    _("November"),
    _("Dezember"),
)


class PercentField(GermanDecimalField):
    """A share in percent with two decimals: "60", "33,33"."""

    places = 2
    example = "33,33"
    unit = "%"
    units = ("%",)


def _qualifications(jugendamt_id: int, current: Qualification | None = None):
    qs = Qualification.objects.filter(jugendamt_id=jugendamt_id, active=True)
    if current is not None:
        qs = qs | Qualification.objects.filter(pk=current.pk)
    return qs.order_by("position", "name")


class CreateFromLineForm(forms.Form):
    """How many positions a line becomes, from when, with which qualification."""

    count = forms.IntegerField(
        label=_("Anzahl Stellen"),
        min_value=1,
        max_value=10,
        initial=1,
        widget=IntegerTextInput(),
        help_text=_("Der Stellenanteil der Zeile wird gleichmäßig aufgeteilt."),
    )
    starts_on = forms.DateField(label=_("Beginn"), widget=DATE)
    qualification = forms.ModelChoiceField(
        label=_("Qualifikation"), queryset=Qualification.objects.none(), required=False
    )

    def __init__(self, *args, budget_year: BudgetYear, **kwargs):
        kwargs.setdefault("initial", {"starts_on": datetime.date(budget_year.year, 1, 1)})
        super().__init__(*args, **kwargs)
        self.fields["qualification"].queryset = _qualifications(budget_year.jugendamt_id)


class PositionForm(forms.Form):
    """The period, the employing Träger and the qualification of a position."""

    starts_on = forms.DateField(label=_("Beginn"), widget=DATE)
    ends_on = forms.DateField(
        label=_("Ende"),
        widget=DATE,
        required=False,
        help_text=_("Leer: die Stelle läuft weiter (auch im nächsten Haushaltsjahr)."),
    )
    employer = forms.ModelChoiceField(label=_("Anstellungsträger"), queryset=Traeger.objects.none())
    qualification = forms.ModelChoiceField(
        label=_("Qualifikation"),
        queryset=Qualification.objects.none(),
        required=False,
        help_text=_("Eine geänderte Qualifikation braucht eine neue Prüfung des Nachweises."),
    )

    def __init__(self, *args, position: Position, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "starts_on": position.starts_on,
                "ends_on": position.ends_on,
                "employer": position.employer_id,
                "qualification": position.qualification_id,
            },
        )
        super().__init__(*args, **kwargs)
        jugendamt_id = position.budget_year.jugendamt_id
        self.fields["employer"].queryset = Traeger.objects.filter(jugendamt_id=jugendamt_id)
        self.fields["qualification"].queryset = _qualifications(
            jugendamt_id, position.qualification
        )


class MonthsForm(forms.Form):
    """One checkbox per month of the position's period: checked = filled."""

    def __init__(self, *args, position: Position, **kwargs):
        super().__init__(*args, **kwargs)
        self.months = list(position.months.all())
        for m in self.months:
            self.fields[f"m{m.month.month}"] = forms.BooleanField(
                label=f"{MONTH_NAMES[m.month.month - 1]} {m.month.year}",
                required=False,
                initial=m.filled,
            )

    def filled_months(self) -> list[int]:
        return [m.month.month for m in self.months if self.cleaned_data.get(f"m{m.month.month}")]


class SharesForm(forms.Form):
    """Per Kita of the Sozialraum: the share of the position's work there (percent) and
    what it does there. All empty: 100 % in the home Kita."""

    def __init__(self, *args, position: Position, **kwargs):
        super().__init__(*args, **kwargs)
        current = {s.kita_id: s for s in position.shares.all()}
        self.kitas = list(
            Kita.objects.filter(sozialraum_id=position.kita.sozialraum_id).order_by("name")
        )
        for kita in self.kitas:
            share = current.get(kita.pk)
            self.fields[f"p{kita.pk}"] = PercentField(
                label=_("Anteil in %(kita)s (%%)") % {"kita": kita.name},
                required=False,
                min_value=Decimal("0.01"),
                max_value=Decimal("100"),
                initial=share.percent if share else None,
            )
            self.fields[f"n{kita.pk}"] = forms.CharField(
                label=_("Tätigkeit in %(kita)s") % {"kita": kita.name},
                required=False,
                max_length=300,
                initial=share.note if share else "",
            )

    def rows(self):
        """(Kita, percent field, note field) for the template."""
        return [(k, self[f"p{k.pk}"], self[f"n{k.pk}"]) for k in self.kitas]

    def shares(self) -> list[tuple[Kita, Decimal, str]]:
        return [
            (k, self.cleaned_data[f"p{k.pk}"], self.cleaned_data.get(f"n{k.pk}", ""))
            for k in self.kitas
            if self.cleaned_data.get(f"p{k.pk}") is not None
        ]


class QualificationCheckForm(forms.Form):
    checked_on = forms.DateField(label=_("Nachweis geprüft am"), widget=DATE)


class QualificationForm(forms.Form):
    code = forms.CharField(label=_("Kürzel"), max_length=20)
    name = forms.CharField(label=_("Bezeichnung"), max_length=200)
    legal_basis = forms.CharField(
        label=_("Grundlage (Fachkräfteverordnung)"),
        max_length=200,
        required=False,
        initial="§ 3 Fachkräfteverordnung (KiTaG RLP)",
    )


class NextYearForm(forms.Form):
    """The budget year and the Sozialraum of the plan made from the continuing positions."""

    budget_year = forms.ModelChoiceField(
        label=_("Haushaltsjahr"), queryset=BudgetYear.objects.none()
    )
    sozialraum = forms.ModelChoiceField(label=_("Sozialraum"), queryset=Sozialraum.objects.none())

    def __init__(self, *args, budget_years, sozialraeume, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_year"].queryset = budget_years
        self.fields["sozialraum"].queryset = sozialraeume
