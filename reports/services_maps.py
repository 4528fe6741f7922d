"""The writes of the maps (issue 18): Sozialraum boundaries and Kita locations.

The models sit in ``sozialraeume`` (master data); the rule is the report's
(``reports.permissions_maps``), so the services sit here, above the models they write (as
``reports.services.jugendamt_goals_update``). Each is one transaction with its audit event;
a file that fails any check (``reports.geodata``) writes nothing.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from audit import events as audit_events
from reports import geodata
from reports.permissions_maps import map_policy
from sozialraeume.models import Jugendamt, Kita, KitaLocation, Sozialraum, SozialraumBoundary


def _require(user, jugendamt: Jugendamt) -> None:
    if not map_policy.user_can(user, "upload_geodata", jugendamt):
        raise PermissionDenied


@transaction.atomic
def map_boundaries_upload(
    *, jugendamt: Jugendamt, content: bytes, filename: str, acting_user
) -> list[SozialraumBoundary]:
    """Replace all Sozialraum boundaries of ``jugendamt`` by the checked GeoJSON file
    (``geodata.parse_boundaries``; ImportProblem: nothing written)."""
    _require(acting_user, jugendamt)
    geometries = geodata.parse_boundaries(content, jugendamt=jugendamt)
    SozialraumBoundary.objects.filter(sozialraum__jugendamt=jugendamt).delete()
    now = timezone.now()
    names = dict(Sozialraum.objects.filter(pk__in=list(geometries)).values_list("pk", "name"))
    created = SozialraumBoundary.objects.bulk_create(
        [
            SozialraumBoundary(
                sozialraum_id=pk, geojson=geometry, uploaded_by=acting_user, uploaded_at=now
            )
            for pk, geometry in geometries.items()
        ]
    )
    audit_events.record(
        actor=acting_user,
        action="map_boundaries.upload",
        jugendamt_id=jugendamt.pk,
        object_type="sozialraeume.sozialraumboundary",
        object_repr=f"Sozialraum-Grenzen · {jugendamt.name}",
        new={
            "sozialraeume": sorted(names.values()),
            "count": len(created),
            "filename": filename[:200],
        },
    )
    return created


def _set_locations(rows, *, jugendamt: Jugendamt, acting_user, source: str) -> int:
    now = timezone.now()
    for row in rows:
        KitaLocation.objects.update_or_create(
            kita=row.kita,
            defaults={
                "latitude": row.latitude,
                "longitude": row.longitude,
                "updated_by": acting_user,
                "updated_at": now,
            },
        )
    audit_events.record(
        actor=acting_user,
        action="kita_location.set",
        jugendamt_id=jugendamt.pk,
        object_type="sozialraeume.kitalocation",
        object_repr=f"Kita-Standorte · {jugendamt.name}",
        new={
            "kitas": sorted(r.kita.name for r in rows),
            "count": len(rows),
            "source": source,
        },
    )
    return len(rows)


@transaction.atomic
def kita_locations_upload(
    *, jugendamt: Jugendamt, content: bytes, filename: str, acting_user
) -> int:
    """Set the locations of the Kitas in a CSV/XLSX file (all rows or none)."""
    _require(acting_user, jugendamt)
    rows = geodata.parse_locations(content, filename, jugendamt=jugendamt)
    return _set_locations(rows, jugendamt=jugendamt, acting_user=acting_user, source=filename[:200])


@transaction.atomic
def kita_location_set(
    *, kita: Kita, latitude: Decimal, longitude: Decimal, acting_user
) -> KitaLocation:
    """Set one Kita's location from the form (checked against its Sozialraum's boundary:
    ValueError with the German message)."""
    jugendamt = kita.sozialraum.jugendamt
    _require(acting_user, jugendamt)
    problem = geodata.location_problem(
        kita, latitude, longitude, geodata.boundaries_by_sozialraum(jugendamt)
    )
    if problem:
        raise ValueError(problem)
    row = geodata.LocationRow(kita=kita, latitude=latitude, longitude=longitude)
    _set_locations([row], jugendamt=jugendamt, acting_user=acting_user, source="Formular")
    return KitaLocation.objects.get(kita=kita)
