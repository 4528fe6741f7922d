"""axe-core (from the npm registry, see package.json) injected into a Playwright page.

BITV 2.0 / WCAG 2.1 AA: a page passes when axe reports no serious or critical violation.
"""

import json
import os
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def assert_accessible(page, *, context: str = ""):
    if not AXE.exists():
        if os.environ.get("SRB_REQUIRE_SERVICES") == "1":
            pytest.fail("axe-core fehlt: npm ci ausführen")
        pytest.skip("axe-core fehlt (npm ci): Barrierefreiheitsprüfung übersprungen")
    # Evaluated through the DevTools protocol: a <script> tag would (rightly) be blocked
    # by the application's Content-Security-Policy.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })"""
    )
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    summary = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:3]],
        }
        for v in bad
    ]
    assert not bad, f"axe violations on {context or page.url}: {json.dumps(summary, indent=1)}"
