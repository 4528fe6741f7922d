"""Forms of issue 15 (part D): the Kita leader's comment and the Jugendamt's answer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from allocation.models import AllocationLine


class KitaCommentForm(forms.Form):
    """A Kita leader's comment on the plan as a whole or on one of their Kita's lines."""

    line = forms.ModelChoiceField(
        label=_("zu Zeile (optional)"),
        queryset=AllocationLine.objects.none(),
        required=False,
        empty_label=_("zum ganzen Plan"),
    )
    text = forms.CharField(label=_("Kommentar"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines if lines is not None else AllocationLine.objects.none()
        self.fields["line"].label_from_instance = lambda line: line.get_strand_display()


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Antwort"), widget=forms.Textarea(attrs={"rows": 2}))
