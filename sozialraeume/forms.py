from urllib.parse import urlsplit

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from sozialraeume import roles
from sozialraeume.accounts import mail_sender
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


def _role_choices():
    return [(role, roles.ROLE_LABELS[role]) for role in roles.ALL_ROLES]


class RoleGrantForm(forms.Form):
    """Give a person a role; Kitas for a Kita-Leitung, the Träger for a Träger-Vertretung."""

    role = forms.ChoiceField(label=_("Rolle"), choices=_role_choices)
    kitas = forms.ModelMultipleChoiceField(
        label=_("Kita(s)"),
        queryset=Kita.objects.none(),
        required=False,
        help_text=_("Für die Rolle Kita-Leitung: die geleitete(n) Kita(s)."),
    )
    traeger = forms.ModelChoiceField(
        label=_("Träger"),
        queryset=Traeger.objects.none(),
        required=False,
        help_text=_("Für die Rolle Träger-Vertretung."),
    )
    reason = forms.CharField(
        label=_("Begründung"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Jugendamt-Leitung und Administration bestätigt eine zweite Person mit der "
            "Rolle Administration; die Begründung sieht sie dabei."
        ),
    )

    def __init__(self, *args, jugendamt_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kitas"].queryset = Kita.objects.filter(
            sozialraum__jugendamt_id=jugendamt_id
        ).select_related("sozialraum")
        self.fields["traeger"].queryset = Traeger.objects.filter(jugendamt_id=jugendamt_id)


class RoleRevokeForm(forms.Form):
    role = forms.ChoiceField(label=_("Rolle"), choices=_role_choices)
    reason = forms.CharField(label=_("Begründung"), required=False, max_length=1000)


class SetActiveForm(forms.Form):
    active = forms.TypedChoiceField(
        label=_("Konto"),
        choices=[("1", _("reaktivieren")), ("0", _("deaktivieren"))],
        coerce=lambda value: value == "1",
    )


class GrantDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=[("confirm", _("bestätigen")), ("reject", _("ablehnen"))],
    )
    # the request's version when the page was loaded: a decision on a stale page is refused
    version = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Begründung"), required=False, max_length=1000)


class JugendamtPasswordResetForm(PasswordResetForm):
    """Django's reset form, its mail sent like every other mail of a Jugendamt: the
    Jugendamt's name as sender and the link on the configured site (``SRB_SITE_URL``),
    not on whatever host the request came in on."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, *a, **kw):
        site = urlsplit(settings.SRB_SITE_URL)
        context = {**context, "protocol": site.scheme or "https", "domain": site.netloc}
        from_email = mail_sender(getattr(context.get("user"), "jugendamt", None))
        super().send_mail(subject_template_name, email_template_name, context, from_email, *a, **kw)
