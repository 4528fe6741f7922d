"""Demo data for the evaluation: compute the demo round once, synchronously.

Runs after ``surveys.demo`` (which seeds round 2020 with 32 answered questionnaires).
Idempotent: a round that already has a finished run is left alone.
"""

from indices.models import IndexRun
from indices.selectors import current_run
from indices.services import index_run_compute
from sozialraeume.master_data import BAD_KREUZNACH
from surveys.models import SurveyRound

DEMO_ROUND_CODE = "2020"


def seed(stdout=None):
    """Compute the demo round 2020 of Bad Kreuznach unless it already has a result."""
    survey_round = SurveyRound.objects.filter(
        jugendamt__slug=BAD_KREUZNACH["slug"], code=DEMO_ROUND_CODE
    ).first()
    if survey_round is None:
        if stdout:
            stdout.write("Auswertung: keine Demo-Erhebung 2020 gefunden, nichts berechnet")
        return None
    run = current_run(round_id=survey_round.pk)
    if run is None:
        run = index_run_compute(round_id=survey_round.pk, trigger=IndexRun.Trigger.DEMO, force=True)
    if stdout:
        stdout.write(
            f"Auswertung: {survey_round} berechnet ({run.get_status_display()}, "
            f"{run.kita_count} Fragebögen)"
        )
    return run
