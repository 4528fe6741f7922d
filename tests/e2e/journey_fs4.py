"""Browser step of issue 15, part C: an FS4 request from the Träger to a planned FS4 line.

``play_fs4_request(browser, live_server)`` is a plain function (no test) so the "year in a
Sozialraum" journey can chain it after the other parts' steps.

Preconditions (the demo, ``seed_demo()``): the users ``traeger`` and ``jugendamt``; the
Kita led by ``kita-leitung`` belongs to the demo Träger; its Sozialraum has an editable
plan (Entwurf or In Abstimmung) of a budget year within 2027 (the demo's 2027 plan in
consultation), or a budget year 2027 for which the step creates the draft through the
plan service. The Sozialraum's FS2 centre (``foerderung.demo``) is shown on the centres
page. Returns the accepted request and the new line.

Screenshots: test-artifacts/team-c-fs4-form.png, team-c-fs4-accepted.png,
team-c-plan-fs4-line.png, team-c-centres.png.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.helpers import role_page, shot, visit

NEED = "Browser: Zusatzkraft für die Krippengruppe im Anbau"


def _pdf_file() -> Path:
    from tests.foerderung.factories import minimal_pdf

    path = Path(tempfile.mkdtemp()) / "auflage-betriebserlaubnis.pdf"
    path.write_bytes(minimal_pdf("Auflage der Betriebserlaubnis"))
    return path


def _editable_plan(kita):
    from allocation.models import EDITABLE_STATES, AllocationPlan, BudgetYear
    from allocation.services import plans as plan_services
    from sozialraeume.models import User

    plan = (
        AllocationPlan.objects.filter(
            sozialraum=kita.sozialraum, state__in=EDITABLE_STATES, budget_year__year=2027
        )
        .order_by("pk")
        .first()
    )
    if plan is None:
        by = BudgetYear.objects.get(jugendamt=kita.sozialraum.jugendamt, year=2027)
        staff = User.objects.get(username="jugendamt")
        plan = plan_services.plan_create(
            budget_year=by, sozialraum=kita.sozialraum, acting_user=staff
        )
    return plan


def play_fs4_request(browser, live_server):
    from allocation.models import AllocationLine
    from foerderung.models import Fs4Request
    from sozialraeume.models import User

    base = live_server.url
    kita = User.objects.get(username="kita-leitung").kitas.get()

    # (1) The Träger asks for FS4 staff from the own dashboard, with a PDF.
    with role_page(browser, live_server, "traeger") as page:
        visit(page, f"{base}/verteilung/traeger/")
        page.get_by_test_id("fs4-link").get_by_role("link", name="Antrag stellen").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Zusatzpersonal (FS4)")
        page.get_by_label("Kita").select_option(label=kita.name)
        page.get_by_label("Bedarf").fill(NEED)
        page.get_by_label("Begründung").fill(
            "Die Betriebserlaubnis verlangt eine zusätzliche Fachkraft, bis der Anbau fertig ist."
        )
        page.get_by_label("Stellenanteil (VZÄ)").fill("0,50")
        page.get_by_label("von").fill("2027-01-01")
        page.get_by_label("bis").fill("2027-12-31")
        page.get_by_label("Anlagen (PDF)").set_input_files(str(_pdf_file()))
        shot(page, "team-c-fs4-form")
        page.get_by_role("button", name="Antrag einreichen").click()
        expect(page.get_by_test_id("fs4-state")).to_have_text("eingereicht")
        expect(page.get_by_role("link", name="auflage-betriebserlaubnis.pdf")).to_be_visible()
    request = Fs4Request.objects.get(need=NEED)

    # (2) The Jugendamt accepts it with a reason; the Sozialraum's centre is on its page.
    with role_page(browser, live_server, "jugendamt") as page:
        visit(page, f"{base}/foerderung/zentren/", name="team-c-centres")
        expect(page.get_by_test_id(f"centre-row-{kita.sozialraum_id}")).not_to_contain_text(
            "kein Zentrum"
        )
        visit(page, f"{base}/foerderung/fs4/")
        page.get_by_role("link", name=re.compile(f"Antrag {re.escape(kita.name)}")).first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(kita.name)
        page.get_by_label("Begründung der Entscheidung").fill(
            "Auflage liegt vor; befristet bis zur Fertigstellung des Anbaus."
        )
        page.get_by_role("button", name="Annehmen").click()
        expect(page.get_by_test_id("fs4-state")).to_have_text("angenommen")
        assert_url = page.url
        assert f"/foerderung/fs4/{request.pk}/" in assert_url
        shot(page, "team-c-fs4-accepted")

        # (3) An FS4 line linked to it in the Sozialraum's editable 2027 plan.
        plan = _editable_plan(kita)
        visit(page, f"{base}/verteilung/plan/{plan.pk}/zeile/neu/")
        page.select_option("select[name=kita]", str(kita.pk))
        page.select_option("select[name=strand]", "FS4")
        page.select_option("select[name=fs4_request]", str(request.pk))
        page.fill("input[name=fte]", "0,50")
        page.fill("textarea[name=justification]", "Auflage der Betriebserlaubnis (Anbau)")
        page.fill("textarea[name=reason]", "FS4-Antrag des Trägers angenommen.")
        page.locator("#line-form button[type=submit]").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Verteilungsplan")
        line = AllocationLine.objects.get(plan=plan, fs4_request=request)
        row = page.locator(f"[data-testid=line][data-line='{line.pk}']")
        expect(row.get_by_test_id("line-fs4")).to_contain_text("Antrag vom")
        expect(row).to_contain_text(re.compile(r"Antrag vom \d\d\.\d\d\.\d{4} angenommen am"))
        expect(row).to_contain_text("förderfähig")
        visit(page, page.url)  # axe on the plan with the new line
        row.scroll_into_view_if_needed()
        shot(page, "team-c-plan-fs4-line")
    request.refresh_from_db()
    return request, line
