"""A city with a finished index run, a budget year, plans, lines and a reallocation.

Kita names and per-Kita values are chosen so that a test can find any leak:
names start with "Geheimkita", per-Kita index values lie in 90..99 while the
Sozialraum values lie in 20..60.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from allocation import distribution as d
from allocation.models import (
    AllocationLine,
    AllocationPlan,
    BudgetYear,
    PlanComment,
    PlanState,
    Reallocation,
    ReallocationState,
    SozialraumShare,
)
from indices.models import IndexRun, KitaIndex, SozialraumIndex
from sozialraeume import roles
from sozialraeume.models import Kita, Sozialraum, Traeger
from surveys.models import Response
from tests.factories import JugendamtFactory, make_user
from tests.surveys.factories import SurveyRoundFactory

SR_NAMES = [
    "Pariser Viertel",
    "Ost",
    "Nord",
    "Winzenheim",
    "Süd-West",
    "Planig / Ippesheim / Bosenheim",
    "BME",
    "Innenstadt",
]
# The concept paper's points (chapter 3.4).
SR_POINTS = [53.0, 43.2, 39.8, 37.5, 36.6, 33.5, 31.0, 30.6]
SMALL_SR = "BME"  # gets 2 Kitas: small-cell rule
STATE_BUDGET = Decimal("1002240.00")
# The reallocation's text for the committee (its internal reason names a Kita).
PUBLIC_REASON = "Mehrbedarf für Sprachförderung im Sozialraum"
COST = Decimal("70000.00")


@dataclass
class City:
    jugendamt: object
    sozialraeume: list
    kitas: list
    survey_round: object
    run: object
    budget_year: object
    users: dict
    kita_values: dict  # kita_id -> KitaIndex


def kita_value(i: int) -> float:
    """Distinct per-Kita values in 90..99 (never a Sozialraum value)."""
    return round(90.05 + (i * 0.37) % 9.9, 2)


def build_city(n_kitas: int, *, with_reason_leak: bool = True) -> City:
    ja = JugendamtFactory(name="Stadt Testhausen", slug=f"testhausen-{n_kitas}")
    traeger = [Traeger.objects.create(jugendamt=ja, name=f"Träger {i}") for i in range(3)]
    srs = [
        Sozialraum.objects.create(jugendamt=ja, name=name, position=i)
        for i, name in enumerate(SR_NAMES)
    ]
    # Two Kitas for the small Sozialraum, the rest spread over the others.
    others = [sr for sr in srs if sr.name != SMALL_SR]
    small = next(sr for sr in srs if sr.name == SMALL_SR)
    kitas = [
        Kita(sozialraum=small, traeger=traeger[i % 3], name=f"Geheimkita Klein {i}")
        for i in range(2)
    ]
    kitas += [
        Kita(
            sozialraum=others[i % len(others)],
            traeger=traeger[i % 3],
            name=f"Geheimkita {i:04d}",
        )
        for i in range(n_kitas - 2)
    ]
    Kita.objects.bulk_create(kitas)
    kitas = list(Kita.objects.filter(sozialraum__jugendamt=ja).order_by("pk"))

    survey_round = SurveyRoundFactory(jugendamt=ja, code="2027", state="geschlossen")
    Response.objects.bulk_create(
        Response(
            round=survey_round,
            kita=k,
            status=Response.Status.SUBMITTED if i % 4 else Response.Status.DRAFT,
            answers={},
        )
        for i, k in enumerate(kitas[: n_kitas - 3])
    )
    run = IndexRun.objects.create(
        round=survey_round,
        status=IndexRun.Status.FINISHED,
        finished_at=timezone.now(),
        method_version="test",
        instrument_code="SRB-2021",
        input_checksum="0" * 64,
        kita_count=n_kitas,
        norms={"kita": {}, "sozialraum": {}},
    )
    KitaIndex.objects.bulk_create(
        KitaIndex(
            run=run,
            kita=k,
            ab=kita_value(i),
            sl=kita_value(i + 1),
            fm=kita_value(i + 2),
            infra=kita_value(i + 3),
            gesamt=kita_value(i + 4),
            complete=True,
            classes={"GESAMT": "oberhalb"},
        )
        for i, k in enumerate(kitas)
    )
    percents = d.sozialraum_percents(dict(zip(SR_NAMES, SR_POINTS, strict=True)))
    amounts = d.sozialraum_amounts(dict(zip(SR_NAMES, SR_POINTS, strict=True)), STATE_BUDGET)
    SozialraumIndex.objects.bulk_create(
        SozialraumIndex(
            run=run,
            sozialraum=sr,
            ab=20.0 + i,
            sl=30.0 + i,
            fm=40.0 + i,
            infra=50.0 + i,
            gesamt=SR_POINTS[i],
            percent=percents[sr.name],
            kita_count=3,
        )
        for i, sr in enumerate(srs)
    )
    staff = make_user(roles.JUGENDAMT, jugendamt=ja, username=f"staff-{n_kitas}")
    users = {
        "jugendamt": staff,
        "leitung": make_user(roles.JUGENDAMT_LEITUNG, jugendamt=ja, username=f"jl-{n_kitas}"),
        "ausschuss": make_user(roles.AUSSCHUSS, jugendamt=ja, username=f"aus-{n_kitas}"),
        "kita": make_user(
            roles.KITA_LEITUNG, jugendamt=ja, kitas=[kitas[5]], username=f"kl-{n_kitas}"
        ),
        "traeger": make_user(
            roles.TRAEGER, jugendamt=ja, traeger=traeger[0], username=f"tr-{n_kitas}"
        ),
    }
    by = BudgetYear.objects.create(
        jugendamt=ja, year=2027, state_budget=STATE_BUDGET, own_figure=True, round=survey_round
    )
    SozialraumShare.objects.bulk_create(
        SozialraumShare(
            budget_year=by,
            sozialraum=sr,
            gesamt=SR_POINTS[i],
            percent=percents[sr.name],
            state_amount=amounts[sr.name],
            index_run=run,
        )
        for i, sr in enumerate(srs)
    )
    states = [PlanState.APPROVED, PlanState.CONSULTATION, PlanState.DRAFT, PlanState.PROPOSAL]
    plans = {}
    for i, sr in enumerate(srs):
        state = states[i % len(states)]
        plans[sr.pk] = AllocationPlan.objects.create(
            budget_year=by,
            sozialraum=sr,
            state=state,
            approved_at=timezone.now() if state == PlanState.APPROVED else None,
            review_due=datetime.date(2029, 6, 30) if state == PlanState.APPROVED else None,
        )
    strands = ["FS1", "FS1", "FS3", "FS4", "FS2"]
    AllocationLine.objects.bulk_create(
        AllocationLine(
            plan=plans[k.sozialraum_id],
            kita=k,
            strand=strands[i % len(strands)],
            fte=Decimal("0.50") + Decimal(i % 3) * Decimal("0.25"),
            annual_cost=(COST * (Decimal("0.50") + Decimal(i % 3) * Decimal("0.25"))).quantize(
                Decimal("0.01")
            ),
            state_part=d.state_part(COST * (Decimal("0.50") + Decimal(i % 3) * Decimal("0.25"))),
            qualification="Sozialpädagogin (B. A.)" if i % 2 else "Erzieher",
            justification=f"Bedarf laut Gespräch mit {k.name}",
        )
        for i, k in enumerate(kitas)
    )
    PlanComment.objects.create(plan=plans[srs[1].pk], author=users["traeger"], text="Passt.")
    Reallocation.objects.create(
        budget_year=by,
        from_sozialraum=srs[0],
        to_sozialraum=srs[1],
        to_kita=kitas[3] if with_reason_leak else None,
        amount=Decimal("5000.00"),
        reason=(f"Mehrbedarf in {kitas[3].name}" if with_reason_leak else "Mehrbedarf"),
        public_reason=PUBLIC_REASON,
        state=ReallocationState.APPROVED,
        decided_by=users["leitung"],
        decided_at=timezone.now(),
        created_by=staff,
    )
    return City(
        jugendamt=ja,
        sozialraeume=srs,
        kitas=kitas,
        survey_round=survey_round,
        run=run,
        budget_year=by,
        users=users,
        kita_values={v.kita_id: v for v in KitaIndex.objects.filter(run=run)},
    )


@pytest.fixture
def city(db):
    return build_city(32)


def pdf_text(data: bytes, tmp_path, *, layout: bool = True) -> str:
    """The text of a PDF as ``pdftotext`` (poppler-utils) reads it."""
    import subprocess

    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, check=True, text=True).stdout
