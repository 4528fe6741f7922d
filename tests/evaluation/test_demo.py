"""The demo's evaluation (issue 17): T0 and T1 answered by invented respondents through
the answer service and closed, T2 open with a few invitations; idempotent."""

import pytest

from evaluation import selectors
from evaluation.models import EvaluationInstrument, Invitation, Submission, WaveState

pytestmark = pytest.mark.django_db


def test_the_demo_has_two_answered_waves_and_an_open_one():
    from evaluation import demo
    from sozialraeume.management.commands.seed_demo import seed_all

    seed_all()
    assert demo.seed() == 0  # idempotent
    instrument = EvaluationInstrument.objects.get(jugendamt__slug="bad-kreuznach")
    waves = {w.code: w for w in instrument.waves.all()}
    assert waves["T0"].state == waves["T1"].state == WaveState.CLOSED
    assert waves["T2"].state == WaveState.OPEN and waves["T2"].accepts_answers()
    for code in ("T0", "T1"):
        assert Submission.objects.filter(wave=waves[code]).count() >= 5
        assert selectors.wave_results(waves[code], with_texts=False).shown
    assert Invitation.objects.filter(wave=waves["T2"], answered=False).count() == 4
    assert all(
        e.endswith("@example.invalid") for e in Invitation.objects.values_list("email", flat=True)
    )
    (summary,) = selectors.committee_summary(instrument.jugendamt_id)
    assert summary.wave_codes == ["T0", "T1"]
    assert all(m is not None for b in summary.blocks for m in b.means)
