"""The public results page of a Jugendamt (issue 17): /oeffentlich/<slug>/, no login.

404 (the same page as for an unknown slug) until the Jugendamt-Leitung switches it on;
then the published shares per Sozialraum, the FTE of decided plans only, the method and
the goals, never a Kita name; switched off again it is 404 at once, although the page is
cached. The city of ``tests.reports.conftest``: eight Sozialräume, Kitas named
"Geheimkita …", approved plans in Pariser Viertel and Süd-West only, BME with two Kitas.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.test import Client

from allocation.models import AllocationLine, AllocationPlan, BudgetYear, PlanState, SozialraumShare
from audit.models import AuditEvent
from reports import services_public
from sozialraeume import roles
from sozialraeume.models import Jugendamt, Kita
from tests.factories import make_user

pytestmark = pytest.mark.django_db

GOALS = "Jedes Kind im Quartier erreicht ein Angebot.\nFamilien finden kurze Wege."
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
SWITCH_ON = {"form": "public_page", "public_page_enabled": "on"}
SWITCH_OFF = {"form": "public_page"}
DUMP = None


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The page is cached in the (process-wide) cache: every test starts without it."""
    cache.clear()
    yield
    cache.clear()


def url(city, year: int | None = None) -> str:
    slug = city.jugendamt.slug
    return f"/oeffentlich/{slug}/{year}/" if year else f"/oeffentlich/{slug}/"


def html_of(response) -> str:
    return response.content.decode()


def de(value: Decimal) -> str:
    """German number text with two places, as the page writes it (1.234,56)."""
    text = f"{value:,.2f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def section(html: str, section_id: str) -> str:
    return html.split(f'id="{section_id}"', 1)[1].split("</section>", 1)[0]


def row(html: str, name: str) -> str:
    return html.split(f'<th scope="row">{name}</th>', 1)[1].split("</tr>", 1)[0]


def switch(client: Client, user, data) -> int:
    client.force_login(user)
    response = client.post("/berichte/ziele/", data)
    client.logout()
    return response.status_code


def enabled(city) -> bool:
    return Jugendamt.objects.get(pk=city.jugendamt.pk).public_page_enabled


def _not_found_body(response, path: str) -> str:
    """The 404 page without what differs by request: the path (language switch) and the
    random CSRF token."""
    return CSRF.sub("", html_of(response)).replace(path, "PATH")


# --- switched off: nothing to see -----------------------------------------------------


def test_page_is_404_until_switched_on_like_an_unknown_slug(city, client):
    own, unknown = url(city), "/oeffentlich/gibt-es-nicht/"
    first = client.get(own)
    second = client.get(unknown)
    assert first.status_code == second.status_code == 404
    assert _not_found_body(first, own) == _not_found_body(second, unknown)
    assert "Seite nicht gefunden" in html_of(first)
    for name in ("Pariser Viertel", "Stadt Testhausen", "Geheimkita"):
        assert name not in html_of(first)
    assert client.get(url(city, 2027)).status_code == 404
    # a staff member's login changes nothing: the page is public or it is not there
    client.force_login(city.users["leitung"])
    assert client.get(own).status_code == 404


def test_a_fachkraft_or_the_committee_may_not_switch_it_on(city, client):
    before = AuditEvent.objects.count()
    assert switch(client, city.users["jugendamt"], SWITCH_ON) == 403
    assert switch(client, city.users["ausschuss"], SWITCH_ON) == 403
    with pytest.raises(PermissionDenied):
        services_public.jugendamt_public_page_set(
            jugendamt=city.jugendamt, enabled=True, acting_user=city.users["jugendamt"]
        )
    assert not enabled(city)
    assert AuditEvent.objects.count() == before
    assert client.get(url(city)).status_code == 404


def test_the_administration_reads_the_setting_but_only_the_leitung_switches(city, client):
    administration = make_user(roles.ADMINISTRATION, jugendamt=city.jugendamt, username="adm")
    client.force_login(administration)
    page = html_of(client.get("/berichte/ziele/"))
    assert "Die Seite ist ausgeschaltet" in page
    assert 'id="public-page-form"' not in page
    assert "Nur die Jugendamt-Leitung" in page
    assert client.post("/berichte/ziele/", SWITCH_ON).status_code == 403
    assert not enabled(city)
    client.force_login(city.users["leitung"])
    page = html_of(client.get("/berichte/ziele/"))
    assert 'id="public-page-form"' in page and 'name="public_page_enabled"' in page


def test_the_leitung_of_another_jugendamt_cannot_switch_this_one(city):
    other = make_user(roles.JUGENDAMT_LEITUNG, username="jl-fremd")
    with pytest.raises(PermissionDenied):
        services_public.jugendamt_public_page_set(
            jugendamt=city.jugendamt, enabled=True, acting_user=other
        )
    assert not enabled(city)


# --- switched on: the published figures ---------------------------------------------


def test_the_leitung_switches_it_on_with_an_audit_event(city, client):
    response = client.post("/berichte/ziele/", SWITCH_ON)
    assert response.status_code == 302 and "/login/" in response["Location"]  # anonymous
    assert switch(client, city.users["leitung"], SWITCH_ON) == 302
    assert enabled(city)
    event = AuditEvent.objects.filter(action="jugendamt.public_page_change").get()
    assert event.old == {"public_page_enabled": False}
    assert event.new == {"public_page_enabled": True}
    assert event.actor_id == city.users["leitung"].pk
    assert event.jugendamt_id == city.jugendamt.pk
    # saving the same setting again writes nothing
    assert switch(client, city.users["leitung"], SWITCH_ON) == 302
    assert AuditEvent.objects.filter(action="jugendamt.public_page_change").count() == 1
    client.force_login(city.users["leitung"])
    assert "Die Seite ist eingeschaltet" in html_of(client.get("/berichte/ziele/"))


def test_the_page_shows_shares_and_decided_fte_and_no_kita_name(city, client):
    Jugendamt.objects.filter(pk=city.jugendamt.pk).update(goals_text=GOALS)
    assert switch(client, city.users["leitung"], SWITCH_ON) == 302
    response = client.get(url(city))  # anonymous
    assert response.status_code == 200
    html = html_of(response)
    if DUMP:
        DUMP.write_text(html)

    # the shares: every Sozialraum with its stored share
    shares = section(html, "public-shares")
    for share in SozialraumShare.objects.filter(budget_year=city.budget_year):
        assert f"{de(share.percent)} %" in row(shares, share.sozialraum.name)
    assert 'id="chart-public-shares"' in shares

    # decided plans: their FTE per Sozialraum; the others: no figure at all
    staff = section(html, "public-staff")
    plans = AllocationPlan.objects.filter(budget_year=city.budget_year).select_related("sozialraum")
    decided = [p for p in plans if p.state == PlanState.APPROVED]
    assert {p.sozialraum.name for p in decided} == {"Pariser Viertel", "Süd-West"}
    for plan in plans:
        cells = row(staff, plan.sozialraum.name)
        if plan.state == PlanState.APPROVED:
            fte = sum(line.fte for line in AllocationLine.objects.filter(plan=plan))
            assert f"{de(fte)} VZÄ" in cells, plan.sozialraum.name
        else:
            assert "noch nicht beschlossen" in cells, plan.sozialraum.name
            assert not re.search(r"\d", re.sub(r"<[^>]+>", "", cells)), cells
    decided_fte = sum(line.fte for line in AllocationLine.objects.filter(plan__in=decided))
    undecided_fte = sum(
        line.fte
        for line in AllocationLine.objects.exclude(plan__in=decided).filter(
            plan__budget_year=city.budget_year
        )
    )
    assert f"{de(decided_fte)} VZÄ" in staff.split("<tfoot>", 1)[1]
    assert f"{de(decided_fte + undecided_fte)} VZÄ" not in html

    # never a Kita name, no line justification, no reallocation reason
    for name in Kita.objects.filter(sozialraum__jugendamt=city.jugendamt).values_list(
        "name", flat=True
    ):
        assert name not in html, name
    assert "Geheimkita" not in html
    assert "Bedarf laut Gespräch" not in html and "Mehrbedarf" not in html

    # the method in plain German and the Jugendamt's goals
    assert "So wird gerechnet" in section(html, "public-method")
    goals = section(html, "public-goals")
    assert "Jedes Kind im Quartier erreicht ein Angebot." in goals
    assert "Familien finden kurze Wege." in goals


def test_the_page_has_no_form_but_the_language_switch(city, client):
    assert switch(client, city.users["leitung"], SWITCH_ON) == 302
    html = html_of(client.get(url(city)))
    forms = re.findall(r"<form[^>]*>", html)
    assert len(forms) == 1 and 'action="/i18n/setlang/"' in forms[0], forms


def test_the_default_goals_show_when_the_jugendamt_wrote_none(city, client):
    Jugendamt.objects.filter(pk=city.jugendamt.pk).update(goals_text="")
    assert switch(client, city.users["leitung"], SWITCH_ON) == 302
    html = html_of(client.get(url(city)))
    assert "Alle Kinder bis einschließlich sechs Jahren" in section(html, "public-goals")


def test_a_small_sozialraum_shows_no_strand_breakdown(city, client):
    small = next(sr for sr in city.sozialraeume if sr.name == "BME")
    AllocationPlan.objects.filter(budget_year=city.budget_year, sozialraum=small).update(
        state=PlanState.APPROVED
    )
    assert switch(client, city.users["leitung"], SWITCH_ON) == 302
    cells = row(section(html_of(client.get(url(city))), "public-staff"), "BME")
    assert "zusammengefasst (weniger als 3 Kitas)" in cells
    # one cell for all strands, then the Sozialraum's FTE and costs (decided, as a total)
    assert cells.count("<td") == 3, cells
    assert "VZÄ" in cells


def test_shares_that_are_not_stored_are_not_published(city, client):
    """Without stored shares the committee report shows provisional ones from the run;
    the public page shows none."""
    SozialraumShare.objects.filter(budget_year=city.budget_year).delete()
    assert switch(client, city.users["leitung"], SWITCH_ON) == 302
    html = html_of(client.get(url(city)))
    shares = section(html, "public-shares")
    assert "noch nicht festgeschrieben" in shares
    assert "%" not in shares and 'id="public-shares-table"' not in shares


def test_the_default_year_is_the_latest_with_a_decided_plan(city, client):
    newer = BudgetYear.objects.create(
        jugendamt=city.jugendamt, year=2028, state_budget=Decimal("1000.00")
    )
    assert switch(client, city.users["leitung"], SWITCH_ON) == 302
    html = html_of(client.get(url(city)))
    assert "Haushaltsjahr 2027" in html
    assert client.get(url(city, 2027)).status_code == 200
    # a year without shares and without a decided plan publishes nothing
    assert client.get(url(city, 2028)).status_code == 404
    assert client.get(url(city, 2031)).status_code == 404
    # once a plan of 2028 is decided, it is the default year
    AllocationPlan.objects.create(
        budget_year=newer, sozialraum=city.sozialraeume[0], state=PlanState.APPROVED
    )
    cache.clear()
    html = html_of(client.get(url(city)))
    assert "Haushaltsjahr 2028" in html
    assert f'href="{url(city, 2027)}"' in html


# --- the cache ------------------------------------------------------------------------


def test_switching_off_gives_404_at_once_although_the_page_is_cached(city, client):
    assert switch(client, city.users["leitung"], SWITCH_ON) == 302
    assert client.get(url(city)).status_code == 200
    # the figures are cached: a change in the database does not show yet
    share = SozialraumShare.objects.filter(budget_year=city.budget_year).first()
    SozialraumShare.objects.filter(pk=share.pk).update(percent=Decimal("99.99"))
    assert "99,99 %" not in html_of(client.get(url(city)))

    assert switch(client, city.users["leitung"], SWITCH_OFF) == 302
    assert not enabled(city)
    assert client.get(url(city)).status_code == 404
    assert client.get(url(city, 2027)).status_code == 404
    events = AuditEvent.objects.filter(action="jugendamt.public_page_change").order_by("pk")
    assert [e.new["public_page_enabled"] for e in events] == [True, False]

    # switched on again, the page is built afresh (a new cache generation)
    assert switch(client, city.users["leitung"], SWITCH_ON) == 302
    assert "99,99 %" in html_of(client.get(url(city)))


def test_a_page_switched_off_elsewhere_is_404_at_once(city, client):
    """The flag is read before the cache: also a change in the admin takes effect."""
    assert switch(client, city.users["leitung"], SWITCH_ON) == 302
    assert client.get(url(city)).status_code == 200
    Jugendamt.objects.filter(pk=city.jugendamt.pk).update(public_page_enabled=False)
    assert client.get(url(city)).status_code == 404


def test_new_goals_show_at_once(city, client):
    assert switch(client, city.users["leitung"], SWITCH_ON) == 302
    assert "Neues Ziel" not in html_of(client.get(url(city)))
    client.force_login(city.users["leitung"])
    assert client.post("/berichte/ziele/", {"goals_text": "Neues Ziel"}).status_code == 302
    client.logout()
    assert "Neues Ziel" in html_of(client.get(url(city)))


def test_the_browser_keeps_no_copy(city, client):
    assert switch(client, city.users["leitung"], SWITCH_ON) == 302
    response = client.get(url(city))
    assert "no-store" in response["Cache-Control"]


# --- the public documents (knowledge, issue 17) ----------------------------------------


def test_public_documents_are_listed_and_others_are_not(city, client, settings, tmp_path):
    import datetime

    from knowledge import services as knowledge_services
    from knowledge.models import DocumentKind, Visibility
    from tests.knowledge.factories import pdf_upload

    settings.MEDIA_ROOT = str(tmp_path / "media")
    staff = city.users["jugendamt"]
    for title, visibility in (
        ("Sozialraumanalyse für alle", Visibility.PUBLIC),
        ("Interne Notiz zur Verteilung", Visibility.STAFF),
        ("Vorlage für den Ausschuss", Visibility.COMMITTEE),
    ):
        knowledge_services.document_create(
            jugendamt=city.jugendamt,
            title=title,
            kind=DocumentKind.SOZIALRAUMANALYSE,
            date=datetime.date(2027, 3, 1),
            visibility=visibility,
            uploaded=pdf_upload(),
            acting_user=staff,
        )
    assert switch(client, city.users["leitung"], SWITCH_ON) == 302
    documents = section(html_of(client.get(url(city))), "public-documents")
    assert "Sozialraumanalyse für alle" in documents
    assert "Interne Notiz" not in documents and "Vorlage für den Ausschuss" not in documents
    link = re.search(r'<a href="([^"]+)">Sozialraumanalyse für alle</a>', documents).group(1)
    download = client.get(link)
    assert download.status_code == 200
    assert (
        b"".join(download.streaming_content if download.streaming else [download.content])[:5]
        == b"%PDF-"
    )
    # switched off, the link is 404 too
    assert switch(client, city.users["leitung"], SWITCH_OFF) == 302
    assert client.get(link).status_code == 404
