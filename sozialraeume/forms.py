from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from sozialraeume import roles
from sozialraeume.models import Kita, Traeger


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-Mail-Adresse"))
    first_name = forms.CharField(label=_("Vorname"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nachname"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("Rolle"),
        choices=[
            (roles.KITA_LEITUNG, roles.ROLE_LABELS[roles.KITA_LEITUNG]),
            (roles.TRAEGER, roles.ROLE_LABELS[roles.TRAEGER]),
        ],
    )
    kitas = forms.ModelMultipleChoiceField(
        label=_("Kita(s)"),
        queryset=Kita.objects.none(),
        required=False,
        help_text=_("Für Kita-Leitungen: die geleitete(n) Kita(s)."),
    )
    traeger = forms.ModelChoiceField(
        label=_("Träger"),
        queryset=Traeger.objects.none(),
        required=False,
        help_text=_("Für Träger-Vertretungen."),
    )

    def __init__(self, *args, jugendamt_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kitas"].queryset = Kita.objects.filter(
            sozialraum__jugendamt_id=jugendamt_id
        ).select_related("sozialraum")
        self.fields["traeger"].queryset = Traeger.objects.filter(jugendamt_id=jugendamt_id)
        self.helper = FormHelper()
        self.helper.add_input(Submit("invite", _("Einladung senden")))
