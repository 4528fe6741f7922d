"""Demo data (issue 15): the FS2 centre of the demo Kita leader's Sozialraum and FS4 requests.

Runs after ``indices.demo`` and before ``allocation.demo``, through the services (so the
audit trail shows who did what):

- the Sozialraum of the Kita ``kita-leitung`` leads gets its Kommunikations- und
  Nachbarschaftszentrum, hosted by that Kita (location and cross-provider offers confirmed);
- that Kita's leader asked for FS4 staff (0,50 VZÄ, August 2026 to July 2027) and
  ``jugendamt`` accepted it; the Träger ``traeger`` asked for more (1,00 VZÄ) and waits
  for the decision (the browser journey and the permission matrix use both);
- ``accepted_request_in`` gives ``allocation.demo`` the accepted request its FS4 line links
  to, in the Sozialraum where that line is planned.

Idempotent: what exists (by its demo text) is left as it is.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from foerderung import services
from foerderung.models import Centre, Fs4Request, Fs4RequestState, Premises
from sozialraeume.master_data import BAD_KREUZNACH
from sozialraeume.models import Jugendamt, Kita
from srb_project import roles

ACCEPTED_NEED = "Demo: Zusatzkraft für die Aufsicht im Außengelände (zweites Gebäude)."
SUBMITTED_NEED = "Demo: Zusatzkraft für die neue Krippengruppe im Anbau."
LINE_NEED = "Demo: Zusatzpersonal wegen eingeschränkter Räume."


def seed(stdout=None):
    def say(text):
        if stdout:
            stdout.write(text)

    jugendamt = Jugendamt.objects.filter(slug=BAD_KREUZNACH["slug"]).first()
    User = get_user_model()
    leader = User.objects.filter(username="kita-leitung").first()
    if jugendamt is None or leader is None or not leader.kitas.exists():
        say("Zentren und Anträge: keine Demo-Kita gefunden")
        return
    staff = User.objects.get(username="jugendamt")
    traeger = User.objects.filter(username="traeger").first()
    kita = leader.kitas.order_by("pk").first()

    if not Centre.objects.filter(sozialraum=kita.sozialraum, active=True).exists():
        services.centre_create(
            sozialraum=kita.sozialraum,
            name=f"Familien- und Nachbarschaftszentrum {kita.sozialraum.name}",
            premises=Premises.KITA,
            host_kita=kita,
            address="Musterstraße 1 (Demo-Anschrift)",
            opened_on=datetime.date(2024, 9, 1),
            central_location=True,
            cross_provider=True,
            offers="Elterncafé (dienstags), Sprechstunde Erziehungsberatung, "
            "Sprachkurs für Eltern, Kleiderbörse mit dem Stadtteilbüro.",
            acting_user=staff,
        )
    if not Fs4Request.objects.filter(kita=kita, need=ACCEPTED_NEED).exists():
        request = services.fs4_request_submit(
            kita=kita,
            need=ACCEPTED_NEED,
            justification="Auflage der Betriebserlaubnis: Das Außengelände ist nur über den "
            "Hof des Nachbargebäudes erreichbar; eine zweite Aufsicht ist vorgeschrieben.",
            fte=Decimal("1.00"),
            period_start=datetime.date(2026, 8, 1),
            period_end=datetime.date(2027, 7, 31),
            acting_user=leader,
        )
        services.fs4_request_accept(
            request_id=request.pk,
            reason="Auflage liegt vor; befristet bis zum Umbau des Zugangs.",
            acting_user=staff,
        )
    if traeger and not Fs4Request.objects.filter(kita=kita, need=SUBMITTED_NEED).exists():
        services.fs4_request_submit(
            kita=kita,
            need=SUBMITTED_NEED,
            justification="Die Betriebserlaubnis für die neue Krippengruppe verlangt eine "
            "zusätzliche Fachkraft, bis die Räume umgebaut sind.",
            fte=Decimal("1.00"),
            period_start=datetime.date(2027, 1, 1),
            period_end=datetime.date(2027, 12, 31),
            acting_user=traeger,
        )
    say(
        f"Zentren und Anträge: {Centre.objects.filter(active=True).count()} Zentrum, "
        f"{Fs4Request.objects.count()} FS4-Anträge"
    )


def _submitter_for(kita: Kita):
    """A demo person who may ask for the Kita: its Träger's representative or its leader."""
    User = get_user_model()
    people = User.objects.filter(is_active=True).order_by("pk")
    return (
        people.filter(groups__name=roles.TRAEGER, traeger_id=kita.traeger_id).first()
        or people.filter(groups__name=roles.KITA_LEITUNG, kitas=kita).first()
    )


def accepted_request_in(sozialraum, *, year: int) -> Fs4Request | None:
    """An accepted FS4 request of a Kita of ``sozialraum`` valid in ``year`` (created and
    accepted for the demo if none exists), for the first Kita a demo person may ask for;
    None where nobody may."""
    existing = (
        Fs4Request.objects.filter(
            kita__sozialraum=sozialraum,
            state=Fs4RequestState.ACCEPTED,
            period_start__year__lte=year,
            period_end__year__gte=year,
        )
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    for kita in sozialraum.kitas.order_by("name"):
        submitter = _submitter_for(kita)
        if submitter is None:
            continue
        request = services.fs4_request_submit(
            kita=kita,
            need=LINE_NEED,
            justification="Betriebserlaubnis: eingeschränkte Räume, zusätzliche Aufsicht nötig.",
            fte=Decimal("0.25"),
            period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year, 12, 31),
            acting_user=submitter,
        )
        staff = get_user_model().objects.get(username="jugendamt")
        return services.fs4_request_accept(
            request_id=request.pk,
            reason="Auflage der Betriebserlaubnis liegt vor.",
            acting_user=staff,
        )
    return None
