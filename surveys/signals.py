"""Signals other apps listen to.

``round_answers_changed`` is sent with ``sender=SurveyRound, round_id=<int>`` from
``transaction.on_commit`` after a questionnaire is submitted or reopened, a round
is closed, or an import is committed. The indices app recomputes on it.
"""

from django.dispatch import Signal

from surveys.models import SurveyRound

round_answers_changed = Signal()


def send_round_answers_changed(round_id: int) -> None:
    """Send the signal (call it inside ``transaction.on_commit``)."""
    round_answers_changed.send(sender=SurveyRound, round_id=round_id)
