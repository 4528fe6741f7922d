"""Forms of the team pages; the rules are the services'."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from srb_project import uploads
from srb_project.numbers import GermanDecimalField, IntegerTextInput
from teams.models import TeamMember
from teams.services.teams import EXTERNAL_KINDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class TeamCreateForm(forms.Form):
    sozialraum = forms.ModelChoiceField(label=_("Sozialraum"), queryset=None)
    contact_person = PersonChoiceField(
        label=_("Ansprechperson des Jugendamts"), queryset=None, required=False
    )
    founded_on = forms.DateField(label=_("gegründet am"), required=False, widget=DateInput())

    def __init__(self, *args, sozialraeume, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sozialraum"].queryset = sozialraeume
        self.fields["contact_person"].queryset = staff


class ContactForm(forms.Form):
    contact_person = PersonChoiceField(
        label=_("Ansprechperson des Jugendamts"), queryset=None, required=False
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_person"].queryset = staff


class AccountMemberForm(forms.Form):
    """A member with an account: what they speak for follows from who they are."""

    user = PersonChoiceField(label=_("Person"), queryset=None)
    joined_on = forms.DateField(label=_("dabei seit"), required=False, widget=DateInput())

    def __init__(self, *args, candidates, **kwargs):
        kwargs.setdefault("prefix", "konto")
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates


class ExternalMemberForm(forms.Form):
    """A member without an account: only name, organisation, function and e-mail."""

    kind = forms.ChoiceField(
        label=_("Funktion im Team"),
        choices=[(k.value, k.label) for k in EXTERNAL_KINDS],
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    function = forms.CharField(label=_("Funktion"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("E-Mail"),
        required=False,
        help_text=_("Nur für Einladungen; wird nach dem Ausscheiden gelöscht."),
    )
    joined_on = forms.DateField(label=_("dabei seit"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "extern")
        super().__init__(*args, **kwargs)


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("ausgeschieden am"), required=False, widget=DateInput())


class PlanYearForm(forms.Form):
    year = forms.IntegerField(
        label=_("Jahr"), min_value=2000, max_value=2100, widget=IntegerTextInput()
    )


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    date = forms.DateField(label=_("Datum"), widget=DateInput())
    start_time = forms.TimeField(label=_("Beginn"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ende"), widget=TimeInput())
    location = forms.CharField(label=_("Ort"), max_length=300, required=False)
    agenda = forms.CharField(
        label=_("Tagesordnung"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    minute_taker = PersonChoiceField(
        label=_("Protokoll führt"),
        queryset=None,
        required=False,
        help_text=_("Ohne Angabe schreibt die Ansprechperson des Jugendamts das Protokoll."),
    )

    def __init__(self, *args, minute_takers, meeting=None, **kwargs):
        if meeting is not None and "initial" not in kwargs:
            start = timezone.localtime(meeting.starts_at)
            kwargs["initial"] = {
                "title": meeting.title,
                "date": start.date(),
                "start_time": start.time(),
                "end_time": timezone.localtime(meeting.ends_at).time(),
                "location": meeting.location,
                "agenda": meeting.agenda,
                "minute_taker": meeting.minute_taker_id,
            }
        super().__init__(*args, **kwargs)
        self.fields["minute_taker"].queryset = minute_takers

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            tz = timezone.get_current_timezone()
            data["starts_at"] = datetime.datetime.combine(day, start, tzinfo=tz)
            data["ends_at"] = datetime.datetime.combine(day, end, tzinfo=tz)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end_time", _("Das Ende muss nach dem Beginn liegen."))
        return data


class HoursField(GermanDecimalField):
    """Release hours: "2", "2,5", "1,75"."""

    places = 2
    example = "2,5"
    unit = _("Std.")
    units = ("Std.", "Std", "h")


class AttendanceForm(forms.Form):
    """One checkbox and one hours field per member; hours in German notation."""

    def __init__(self, *args, members: list[TeamMember], defaults: dict, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        for m in members:
            present, hours = current.get(m.pk, (True, defaults[m.pk]))
            self.fields[f"present_{m.pk}"] = forms.BooleanField(
                label=_("anwesend"), required=False, initial=present
            )
            self.fields[f"hours_{m.pk}"] = HoursField(
                label=_("Freistellung (Stunden) für %(name)s") % {"name": m.display_name},
                required=False,
                min_value=Decimal("0"),
                max_value=Decimal("24"),
                max_digits=5,
                initial=hours,
            )

    def rows(self):
        for m in self.members:
            yield m, self[f"present_{m.pk}"], self[f"hours_{m.pk}"]

    def entries(self):
        return [
            (m, self.cleaned_data[f"present_{m.pk}"], self.cleaned_data[f"hours_{m.pk}"])
            for m in self.members
        ]


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Protokoll"), widget=forms.Textarea(attrs={"rows": 10}))
    decisions = forms.CharField(
        label=_("Beschlüsse"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class MinutesCorrectionForm(MinutesForm):
    note = forms.CharField(
        label=_("Korrekturvermerk"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Wird unter dem Protokoll angezeigt: was wurde warum korrigiert?"),
    )


class TaskForm(forms.Form):
    text = forms.CharField(label=_("Aufgabe"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(label=_("zuständig"), queryset=None, required=False)
    due_on = forms.DateField(label=_("fällig am"), required=False, widget=DateInput())

    def __init__(self, *args, team, **kwargs):
        kwargs.setdefault("prefix", "aufgabe")
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = TeamMember.objects.filter(
            team=team, left_on__isnull=True
        ).select_related("user")
        self.fields["owner"].label_from_instance = lambda m: m.display_name


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("PDF-Datei"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        uploads.check_pdf(uploaded)
        return uploaded
