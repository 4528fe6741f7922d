"""The staff map page /berichte/karten/ (issue 18): the three Sozialraum maps of a budget
year with the Kita points, and the uploads of boundaries and Kita locations.

Thin: the rule is ``reports.permissions_maps``, the figures come from the committee
report's rows (``reports.selectors.maps``), the writes are ``reports.services_maps``.
One URL; a POST names its form (``boundaries``, ``locations``, ``location``).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from reports import selectors as rs
from reports import services_maps
from reports.geodata import COORDINATE_PLACES
from reports.permissions_maps import map_policy
from reports.selectors.common import sozialraum_indices
from reports.selectors.maps import boundaries_for, kita_points, map_figures
from sozialraeume.models import Jugendamt, Kita, KitaLocation
from sozialraeume.selectors import jugendamt_id_for_user
from srb_project.numbers import GermanDecimalField
from surveys.exchange import ImportProblem, check_size


class BoundaryUploadForm(forms.Form):
    file = forms.FileField(
        label=_lazy("GeoJSON-Datei mit den Grenzen"),
        help_text=_lazy(
            "Eine FeatureCollection mit einem Polygon oder MultiPolygon je Sozialraum "
            "(Eigenschaft „name“ oder „id“), Koordinaten in WGS 84. Ersetzt alle bisherigen "
            "Grenzen."
        ),
    )


class LocationUploadForm(forms.Form):
    file = forms.FileField(
        label=_lazy("CSV- oder XLSX-Datei mit Kita-Standorten"),
        help_text=_lazy(
            "Spalten Kita, Breite, Länge (Grad, z. B. 49,8412 und 7,8623); bei gleichnamigen "
            "Kitas zusätzlich Sozialraum."
        ),
    )


class CoordinateField(GermanDecimalField):
    places = COORDINATE_PLACES
    example = "49,8412"


class KitaLocationForm(forms.Form):
    kita = forms.ModelChoiceField(label=_lazy("Kita"), queryset=Kita.objects.none())
    latitude = CoordinateField(
        label=_lazy("Breite"), min_value=-90, max_value=90, max_digits=8, example="49,8412"
    )
    longitude = CoordinateField(
        label=_lazy("Länge"), min_value=-180, max_value=180, max_digits=9, example="7,8623"
    )

    def __init__(self, *args, jugendamt, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kita"].queryset = (
            Kita.objects.filter(sozialraum__jugendamt=jugendamt, active=True)
            .select_related("sozialraum__jugendamt")
            .order_by("name")
        )


def _jugendamt(request) -> Jugendamt:
    jugendamt_id = jugendamt_id_for_user(request.user)
    if jugendamt_id is None or not map_policy.user_can(
        request.user, "view_staff_maps", jugendamt_id
    ):
        raise PermissionDenied
    return get_object_or_404(Jugendamt, pk=jugendamt_id)


def _budget_year(request, jugendamt: Jugendamt):
    years = rs.budget_year_list(jugendamt_id=jugendamt.pk)
    wanted = request.GET.get("jahr", "")
    chosen = next((y for y in years if str(y.year) == wanted), years[0] if years else None)
    return years, chosen


def _upload(form_class, request, service, jugendamt, success):
    """Run an upload service; the German problems of a refused file (nothing written)."""
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        return form, []
    upload = form.cleaned_data["file"]
    try:
        check_size(upload.size)
        result = service(
            jugendamt=jugendamt,
            content=upload.read(),
            filename=upload.name or "",
            acting_user=request.user,
        )
    except ImportProblem as problem:
        return form, problem.messages
    messages.success(request, success(result))
    return None, []


@login_required
def maps(request):
    jugendamt = _jugendamt(request)
    may_upload = map_policy.user_can(request.user, "upload_geodata", jugendamt)
    boundary_form = BoundaryUploadForm()
    locations_form = LocationUploadForm()
    location_form = KitaLocationForm(jugendamt=jugendamt)
    problems: list[str] = []
    problems_for = ""
    if request.method == "POST":
        if not may_upload:
            raise PermissionDenied
        which = request.POST.get("form")
        if which == "boundaries":
            form, problems = _upload(
                BoundaryUploadForm,
                request,
                services_maps.map_boundaries_upload,
                jugendamt,
                lambda created: (
                    _("Die Grenzen von %(n)s Sozialräumen sind gespeichert.") % {"n": len(created)}
                ),
            )
            if form is None:
                return redirect("reports:maps")
            boundary_form = form
        elif which == "locations":
            form, problems = _upload(
                LocationUploadForm,
                request,
                services_maps.kita_locations_upload,
                jugendamt,
                lambda n: _("%(n)s Kita-Standorte sind gespeichert.") % {"n": n},
            )
            if form is None:
                return redirect("reports:maps")
            locations_form = form
        elif which == "location":
            location_form = KitaLocationForm(request.POST, jugendamt=jugendamt)
            if location_form.is_valid():
                data = location_form.cleaned_data
                try:
                    services_maps.kita_location_set(
                        kita=data["kita"],
                        latitude=data["latitude"],
                        longitude=data["longitude"],
                        acting_user=request.user,
                    )
                except ValueError as exc:
                    location_form.add_error(None, str(exc))
                else:
                    messages.success(
                        request,
                        _("Der Standort der Kita „%(kita)s“ ist gespeichert.")
                        % {"kita": data["kita"].name},
                    )
                    return redirect("reports:maps")
        else:
            return HttpResponseBadRequest()
        problems_for = which

    years, budget_year = _budget_year(request, jugendamt)
    boundaries = boundaries_for(jugendamt.pk)
    figures = []
    if budget_year is not None and boundaries:
        report = rs.committee_report(budget_year, compare_previous=False)
        figures = map_figures(
            report.rows,
            sozialraum_indices(report.run),
            boundaries,
            chart_prefix="staff-map",
            points=kita_points(jugendamt.pk),
        )
    sozialraum_count = jugendamt.sozialraeume.count()
    return render(
        request,
        "reports/maps.html",
        {
            "jugendamt": jugendamt,
            "years": years,
            "budget_year": budget_year,
            "figures": figures,
            "boundary_count": len(boundaries),
            "sozialraum_count": sozialraum_count,
            "kita_count": Kita.objects.filter(sozialraum__jugendamt=jugendamt, active=True).count(),
            "located_count": KitaLocation.objects.filter(
                kita__sozialraum__jugendamt=jugendamt, kita__active=True
            ).count(),
            "may_upload": may_upload,
            "boundary_form": boundary_form,
            "locations_form": locations_form,
            "location_form": location_form,
            "problems": problems,
            "problems_for": problems_for,
        },
    )
