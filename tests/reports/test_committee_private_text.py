"""Nothing written for the Jugendamt reaches the committee (issue 12, finding 7): the
internal reason of a reallocation, plan comments and line justifications never appear in
the committee report; approved reallocations show their text for publication."""

import shutil
from decimal import Decimal

import pytest

from allocation.models import AllocationLine, AllocationPlan, BudgetYear, Reallocation
from allocation.services import plans as plan_services
from allocation.services import reallocations as reallocation_services
from indices.models import KitaIndex
from indices.selectors import current_run
from sozialraeume.models import Kita, Sozialraum
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db

PUBLIC = "Mehrbedarf an Sprachförderung im Sozialraum Ost."
COMMENT = "Interner Vermerk: Leitungswechsel in der Kita steht an."
JUSTIFICATION = "Vertraulich: Kinderschutzfall in der Gruppe."


def _committee(client, user, year, tmp_path=None):
    client.force_login(user)
    html = client.get(f"/berichte/ausschuss/{year}/").content.decode()
    text = ""
    if tmp_path is not None and shutil.which("pdftotext"):
        data = client.get(f"/berichte/ausschuss/{year}/", {"format": "pdf"}).content
        text = " ".join(pdf_text(data, tmp_path, layout=False).split())
    return html, text


@pytest.fixture
def reallocation(demo, role_users):
    """2027: the Fachkraft moves 5.000 € from Pariser Viertel to Ost; the internal reason
    names a Kita and its Gesamtindex. The Leitung approves it (four eyes)."""
    by = BudgetYear.objects.get(jugendamt=demo, year=2027)
    srs = {sr.name: sr for sr in Sozialraum.objects.filter(jugendamt=demo)}
    kita = Kita.objects.filter(sozialraum=srs["Ost"]).order_by("name").first()
    value = KitaIndex.objects.get(run=current_run(round_id=by.round_id), kita=kita)
    gesamt = f"{Decimal(repr(value.gesamt)).quantize(Decimal('0.1'))}".replace(".", ",")
    internal = f"{kita.name} (Gesamtindex {gesamt}) braucht dringend eine Fachkraft."
    r = reallocation_services.reallocation_create(
        budget_year=by,
        from_sozialraum=srs["Pariser Viertel"],
        to_sozialraum=srs["Ost"],
        to_kita=kita,
        amount=Decimal("5000.00"),
        reason=internal,
        public_reason=PUBLIC,
        acting_user=role_users["jugendamt"],
    )
    reallocation_services.reallocation_approve(
        reallocation=r, acting_user=role_users["jugendamt-leitung"], reason="Einverstanden"
    )
    return kita, gesamt, internal


@pytest.mark.parametrize("role", ["ausschuss", "jugendamt", "jugendamt-leitung"])
def test_the_committee_sees_the_public_reason_never_the_internal_one(
    client, role_users, reallocation, role, tmp_path
):
    kita, gesamt, internal = reallocation
    html, text = _committee(client, role_users[role], 2027, tmp_path)
    for shown in (html, text) if text else (html,):
        assert f"Gesamtindex {gesamt}" not in shown
        assert "braucht dringend" not in shown
        assert kita.name not in shown
        assert PUBLIC in shown
        assert "5.000,00 €" in shown


def test_a_reallocation_not_yet_approved_is_not_in_the_committee_report(client, demo, role_users):
    by = BudgetYear.objects.get(jugendamt=demo, year=2027)
    srs = {sr.name: sr for sr in Sozialraum.objects.filter(jugendamt=demo)}
    reallocation_services.reallocation_create(
        budget_year=by,
        from_sozialraum=srs["Nord"],
        to_sozialraum=srs["Süd-West"],
        amount=Decimal("7777.00"),
        reason="Noch offen",
        public_reason="Vorschlag für den Sozialraum Süd-West.",
        acting_user=role_users["jugendamt"],
    )
    html, _text = _committee(client, role_users["ausschuss"], 2027)
    assert "7.777,00 €" not in html
    assert "Vorschlag für den Sozialraum Süd-West." not in html
    assert "keine Mittel umverteilt" in html


def test_a_stored_public_reason_naming_a_kita_is_not_shown(client, demo, role_users, reallocation):
    kita, _gesamt, _internal = reallocation
    # An old row (before the check on saving) whose public text names a Kita.
    Reallocation.objects.update(public_reason=f"Für {kita.name}")
    html, _text = _committee(client, role_users["ausschuss"], 2027)
    assert kita.name not in html
    assert "5.000,00 €" in html


def test_plan_comments_and_line_justifications_never_reach_the_committee(
    client, demo, role_users, tmp_path
):
    plan = AllocationPlan.objects.filter(budget_year__year=2026).order_by("pk").first()
    plan_services.plan_comment_add(plan=plan, text=COMMENT, acting_user=role_users["jugendamt"])
    AllocationLine.objects.filter(plan=plan).update(justification=JUSTIFICATION)
    html, text = _committee(client, role_users["ausschuss"], 2026, tmp_path)
    for shown in (html, text) if text else (html,):
        assert COMMENT not in shown and JUSTIFICATION not in shown
        for name in Kita.objects.filter(sozialraum__jugendamt=demo).values_list("name", flat=True):
            assert name not in shown


def test_a_shortened_consultation_shows_its_published_reason_never_the_internal_one(
    client, demo, role_users, tmp_path
):
    """The demo's Leitung shortened every 2026 consultation with two reasons."""
    shortened = AllocationPlan.objects.filter(
        budget_year__jugendamt=demo, budget_year__year=2026, consultation_shortened_at__isnull=False
    )
    assert shortened.count() == 8
    internal = shortened[0].consultation_shortened_reason
    public = shortened[0].consultation_shortened_public_reason
    html, text = _committee(client, role_users["ausschuss"], 2026, tmp_path)
    assert "Verkürzte Abstimmung mit den Trägern" in html
    assert html.count(public) == 8
    assert internal not in html
    if text:
        assert public in text and internal not in text
