"""German by default, English through Django's i18n: the switch, the pages, the catalogue."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.allocation.factories import make_world

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%%|%[sd]|\{\w*\}")


@pytest.fixture(autouse=True)
def _german_after_each_test():
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _text(response):
    return response.content.decode()


def _switch_to(client, language, next_url="/"):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


# --- The pages ---------------------------------------------------------------------------


def test_login_page_is_german_by_default(client):
    html = _text(client.get(reverse("login")))
    assert '<html lang="de">' in html
    assert "Anmelden" in html and "Passwort vergessen?" in html
    assert "Log in" not in html


def test_footer_offers_an_accessible_language_switch(client):
    html = _text(client.get(reverse("login")))
    form = re.search(r'<form method="post" action="/i18n/setlang/".*?</form>', html, re.S)
    assert form, "language form in the footer"
    form = form.group(0)
    assert 'name="csrfmiddlewaretoken"' in form
    assert 'name="next" value="/accounts/login/"' in form
    assert '<label for="language-select">Sprache</label>' in form
    assert re.search(r'<select id="language-select" name="language"', form)
    assert re.search(r'<option value="de" lang="de" selected>Deutsch</option>', form)
    assert re.search(r'<option value="en" lang="en">English</option>', form)
    assert "Sprache wechseln" in form


def test_switching_to_english_returns_to_the_page_in_english(client):
    response = _switch_to(client, "en", reverse("login"))
    assert response.status_code == 302 and response["Location"] == reverse("login")

    html = _text(client.get(reverse("login")))
    assert '<html lang="en">' in html
    assert "Log in" in html and "Forgot your password?" in html
    assert "Anmelden" not in html and "Passwort vergessen?" not in html
    # The switch now shows English as chosen and speaks English itself.
    assert '<option value="en" lang="en" selected>English</option>' in html
    assert "Change language" in html


def test_switching_back_to_german(client):
    _switch_to(client, "en")
    _switch_to(client, "de")
    html = _text(client.get(reverse("login")))
    assert "Anmelden" in html and "Log in" not in html


def test_browser_asking_for_english_gets_english(client):
    html = _text(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"))
    assert '<html lang="en">' in html and "Log in" in html


def test_unsupported_browser_language_falls_back_to_german(client):
    html = _text(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9"))
    assert '<html lang="de">' in html and "Anmelden" in html


def test_switch_does_not_redirect_to_another_site(client):
    response = _switch_to(client, "en", "https://evil.example/")
    assert response.status_code == 302 and response["Location"] == "/"


def test_logged_in_page_in_english_with_english_numbers(client):
    world = make_world(state_budget="1234567.50")
    client.force_login(world.staff)
    url = reverse("indices:overview")

    german = _text(client.get(url))
    assert "Abmelden" in german
    assert "Beträge für eine Landeszuweisung von 1.234.567,50 €" in german

    _switch_to(client, "en", url)
    english = _text(client.get(url))
    assert "Log out" in english and "Abmelden" not in english
    assert "Indices and shares per Sozialraum" in english
    assert "Amounts for a state allocation of 1,234,567.50 €" in english
    assert "1.234.567,50" not in english


def test_allocation_overview_in_english(client):
    world = make_world()
    client.force_login(world.staff)
    _switch_to(client, "en")
    html = _text(client.get(reverse("allocation:plan_list"), {"jahr": 2026}))
    assert "Allocation of the Sozialraumbudget" in html
    assert "Next survey round" in html and "Nächste Erhebungsrunde" not in html


# --- The catalogue -----------------------------------------------------------------------


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(chunks):
    return re.sub(r"\\(.)", lambda m: ESCAPES[m.group(1)], "".join(chunks))


def _entries():
    """Every entry of the English catalogue as {field: text, "flags": {...}}."""
    entries = []
    for block in CATALOGUE.read_text(encoding="utf-8").split("\n\n"):
        entry, key, flags = {}, None, set()
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                flags.update(f.strip() for f in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key].append(line[1:-1])
            else:
                key, _, rest = line.partition(" ")
                entry[key] = [rest[1:-1]]
        if "msgid" not in entry:
            continue
        parsed = {k: _unquote(v) for k, v in entry.items()}
        parsed["flags"] = flags
        entries.append(parsed)
    return entries


def test_catalogue_has_no_fuzzy_or_obsolete_entries():
    text = CATALOGUE.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text and ", fuzzy" not in text
    assert "\n#~ " not in text
    assert all("fuzzy" not in e["flags"] for e in _entries())


def test_every_message_has_an_english_translation():
    entries = [e for e in _entries() if e["msgid"]]
    assert len(entries) > 500
    missing = [
        e["msgid"]
        for e in entries
        if not all(v.strip() for k, v in e.items() if k.startswith("msgstr"))
        or not any(k.startswith("msgstr") for k in e)
    ]
    assert missing == []


def test_placeholders_survive_translation():
    wrong = []
    for e in _entries():
        if not e["msgid"]:
            continue
        if "msgid_plural" in e:
            pairs = [(e["msgid"], e["msgstr[0]"]), (e["msgid_plural"], e["msgstr[1]"])]
        else:
            pairs = [(e["msgid"], e["msgstr"])]
        for source, target in pairs:
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(target)):
                wrong.append((source, target))
    assert wrong == []


def test_compiled_catalogue_matches_the_source():
    """The committed .mo is what Django loads: it must hold every translation of the .po."""
    mo = CATALOGUE.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_size > 0
    entries = [e for e in _entries() if e["msgid"] and "msgid_plural" not in e]
    with translation.override("en"):
        stale = [
            e["msgid"]
            for e in entries
            if (
                translation.pgettext(e["msgctxt"], e["msgid"])
                if "msgctxt" in e
                else translation.gettext(e["msgid"])
            )
            != e["msgstr"]
        ]
    assert stale == []


def test_german_stays_the_source_text():
    with translation.override("de"):
        assert translation.gettext("Anmelden") == "Anmelden"
    with translation.override("en"):
        assert translation.gettext("Anmelden") == "Log in"
        assert (
            translation.ngettext("%(n)s Kita mit Antworten.", "%(n)s Kitas mit Antworten.", 2)
            % {"n": 2}
            == "2 Kitas with answers."
        )


# --- In the browser ----------------------------------------------------------------------


@pytest.mark.browser
def test_person_switches_to_english_with_the_keyboard(page, live_server):
    from playwright.sync_api import expect  # noqa: PLC0415 - only where the browser runs

    page.goto(f"{live_server.url}{reverse('login')}")
    assert page.get_by_role("heading", name="Anmelden").is_visible()

    page.get_by_label("Sprache").select_option("en")
    page.get_by_role("button", name="Sprache wechseln").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert page.url == f"{live_server.url}{reverse('login')}"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("Language")).to_have_value("en")
