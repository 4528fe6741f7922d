"""Browser step of issue 16, part P4: the proof of use for the Land, as the Jugendamt-Leitung
reads it and tries to sign it off.

``play_proof(browser, live_server)`` is a plain function (no test) so a year journey can
chain it after the budget execution's step.

Preconditions (the demo, ``seed_demo()``): ``jugendamt-leitung``; the budget year 2026 with
positions and actual costs (``positions.demo_costs``: January-June confirmed, July-October
reported and not yet confirmed). Nothing is created through the ORM. The step:

1. from the budget execution page /stellen/umsetzung/2026/ the link "Verwendungsnachweis für
   das Land" leads to /berichte/verwendungsnachweis/2026/ (axe-core);
2. the page says "Vorläufig" (forecast figures), names the unconfirmed cost rows and shows
   the overview, the Sozialräume, strands, qualifications and reallocations;
3. "Vorläufigen Verwendungsnachweis bestätigen" is refused with the German reason (the
   reported rows would count nowhere) and nothing is signed;
4. the PDF behind "PDF herunterladen" holds the page's actual cost and unspent amount to the
   cent. Its first page is rendered to test-artifacts/pos-p4-proof-pdf-1.png (pdftoppm).

Returns the page's overview figures (data-testid -> text). Screenshots:
test-artifacts/pos-p4-*.png.
"""

from __future__ import annotations

import shutil
import subprocess

from playwright.sync_api import expect

from tests.conftest import ARTIFACTS
from tests.e2e.a11y import assert_accessible
from tests.e2e.helpers import role_page, shot, visit

YEAR = 2026
NBSP = "\u00a0"
FIGURES = (
    "proof-state-budget",
    "proof-actual-cost",
    "proof-actual-state",
    "proof-forecast-cost",
    "proof-actual-unspent",
    "proof-projected-unspent",
    "proof-filled-fte",
)


def _pdf_text(content: bytes) -> str:
    result = subprocess.run(  # noqa: S603 - fixed binary, our own PDF on stdin
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode().replace(NBSP, " ")


def _first_page_png(content: bytes, name: str) -> None:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / f"{name}.pdf"
    pdf.write_bytes(content)
    subprocess.run(  # noqa: S603 - fixed binary, our own file
        [
            pdftoppm,
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(ARTIFACTS / name),
        ],
        check=True,
    )


def play_proof(browser, live_server) -> dict[str, str]:
    from positions.models import ProofSignOff

    with role_page(browser, live_server, "jugendamt-leitung") as page:
        visit(page, f"{live_server.url}/stellen/umsetzung/{YEAR}/")
        page.get_by_role("link", name="Verwendungsnachweis für das Land").click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/berichte/verwendungsnachweis/{YEAR}/"), page.url
        assert_accessible(page, context="proof of use")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Verwendungsnachweis Sozialraumbudget {YEAR}"
        )
        expect(page.get_by_test_id("proof-provisional")).to_be_visible()
        expect(page.get_by_text("noch nicht bestätigt und zählen noch nicht")).to_be_visible()
        for table in ("proof-sozialraeume", "proof-strands", "proof-qualifications"):
            expect(page.get_by_test_id(table)).to_be_visible()
        # a reallocation of actually unspent money (the execution step) is listed with its source
        reallocations = page.get_by_test_id("proof-reallocations")
        if reallocations.count():
            expect(reallocations).to_contain_text("tatsächlich nicht verausgabt")
        figures = {k: page.get_by_test_id(k).inner_text().strip() for k in FIGURES}
        assert all(figures.values()), figures
        shot(page, "pos-p4-proof")

        page.get_by_test_id("proof-sign").click()
        page.wait_for_load_state()
        expect(page.get_by_text("noch nicht bestätigt; bitte erst bestätigen")).to_be_visible()
        expect(page.get_by_test_id("proof-unsigned")).to_be_visible()
        shot(page, "pos-p4-sign-refused")
        assert not ProofSignOff.objects.exists()

        href = page.get_by_role("link", name="PDF herunterladen").get_attribute("href")
        response = page.request.get(f"{live_server.url}{href}")
        assert response.status == 200 and response.body().startswith(b"%PDF")
        text = _pdf_text(response.body())
        for key in ("proof-actual-cost", "proof-actual-unspent", "proof-projected-unspent"):
            assert figures[key].replace(NBSP, " ") in text, (key, figures[key])
        assert "Vorläufig" in text and "Noch nicht von der Jugendamt-Leitung bestätigt" in text
        _first_page_png(response.body(), "pos-p4-proof-pdf-1")
    return figures
