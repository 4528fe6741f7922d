"""Every main page of every role once, checked with axe-core (WCAG 2.1 AA).

One browser context per role (one login each); the error pages 403 and 404 are
visited as the roles that meet them.
"""

import pytest

from tests.e2e.helpers import role_page, seed_demo, visit


def _pages():
    """(role, path, expected status) on the demo data; ids looked up, never guessed."""
    from allocation.models import AllocationLine, AllocationPlan
    from allocation.permissions import plan_policy
    from sozialraeume.models import Kita, User
    from surveys.models import SurveyRound

    users = {u.username: u for u in User.objects.all()}
    leader_kita = users["kita-leitung"].kitas.get()
    traeger_plan = plan_policy.instances_for(users["traeger"], "view").first()
    traeger_kita = Kita.objects.filter(traeger=users["traeger"].traeger).first()
    plan = AllocationPlan.objects.order_by("pk").first()
    line = AllocationLine.objects.filter(plan=plan).first()
    r2020 = SurveyRound.objects.get(code="2020")
    other_kita = Kita.objects.exclude(pk=leader_kita.pk).first()
    from knowledge.models import Document

    document = Document.objects.order_by("pk").first()
    return {
        None: [
            ("/accounts/login/", 200),
            ("/accounts/password_reset/", 200),
            ("/gibt-es-nicht/", 404),
        ],
        "kita-leitung": [
            ("/", 200),
            ("/erhebung/", 200),
            (f"/erhebung/2027/{leader_kita.pk}/", 200),
            (f"/erhebung/2027/{other_kita.pk}/", 404),
            (f"/auswertung/meine-kita/{leader_kita.pk}/", 200),
            ("/berichte/kita/", 200),
            ("/accounts/password_change/", 200),
            ("/verteilung/", 403),
            # issue 17: the children's perspective of the own Kita
            ("/dokumente/kinderperspektive/", 200),
            ("/dokumente/kinderperspektive/neu/", 200),
        ],
        "traeger": [
            ("/", 200),
            ("/verteilung/traeger/", 200),
            (f"/verteilung/plan/{traeger_plan.pk}/", 200),
            (f"/verteilung/kita/{traeger_kita.pk}/verlauf/", 200),
            ("/berichte/traeger/", 200),
        ],
        "jugendamt": [
            ("/", 200),
            ("/berichte/start/", 200),
            ("/erhebung/runden/", 200),
            ("/erhebung/runden/2027/", 200),
            (f"/erhebung/runden/2020/kitas/{other_kita.pk}/", 200),
            ("/erhebung/runden/2020/import/", 200),
            (f"/auswertung/?round={r2020.pk}", 200),
            (f"/auswertung/kita/{other_kita.pk}/?round={r2020.pk}", 200),
            ("/verteilung/?jahr=2026", 200),
            (f"/verteilung/plan/{plan.pk}/", 200),
            (f"/verteilung/plan/{plan.pk}/verlauf/", 200),
            (f"/verteilung/plan/{plan.pk}/zeile/neu/", 200),
            (f"/verteilung/zeile/{line.pk}/", 200),
            (f"/verteilung/kita/{other_kita.pk}/verlauf/", 200),
            ("/berichte/entwicklung/", 200),
            ("/berichte/export/", 200),
            ("/einladen/", 200),
            ("/personen/", 200),
            ("/admin/", 200),
            ("/admin/surveys/response/", 200),
            # issue 17: the document box and the children's perspective
            ("/dokumente/", 200),
            ("/dokumente/neu/", 200),
            (f"/dokumente/{document.pk}/", 200),
            ("/dokumente/kinderperspektive/", 200),
        ],
        "jugendamt-leitung": [
            ("/", 200),
            (f"/verteilung/plan/{plan.pk}/", 200),
        ],
        "ausschuss": [
            ("/", 200),
            ("/berichte/", 200),
            ("/berichte/entwicklung/", 200),
            (f"/auswertung/kita/{other_kita.pk}/?round={r2020.pk}", 403),
        ],
        "admin": [
            ("/", 200),
            ("/admin/", 200),
            ("/admin/sozialraeume/kita/", 200),
            (f"/admin/sozialraeume/kita/{other_kita.pk}/change/", 200),
        ],
    }


@pytest.mark.browser
# The instrument comes from a data migration: restore it for every transactional test.
@pytest.mark.django_db(transaction=True)
def test_every_main_page_of_every_role_passes_axe(browser, live_server):
    seed_demo()
    visited = 0
    for role, pages in _pages().items():
        with role_page(browser, live_server, role) as page:
            for path, status in pages:
                visit(page, f"{live_server.url}{path}", status=status)
                visited += 1
    assert visited >= 40
