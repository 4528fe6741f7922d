"""Celery tasks of the questionnaire app."""

from celery import shared_task

from surveys.reminders import round_reminders_deliver
from surveys.retention import retention_apply


@shared_task
def send_round_reminders(round_id: int) -> int:
    """Remind the leaders of every Kita without a submitted questionnaire (German e-mail,
    through the outbox). The page composes its reminders itself (``round_send_reminders``);
    this task stays for runs queued before, and for an operator's ``delay``."""
    return round_reminders_deliver(round_id=round_id)


@shared_task(name="surveys.tasks.apply_retention")
def apply_retention() -> None:
    """Daily: apply the retention rules (docs/datenschutz.md). Safe to run twice."""
    retention_apply()
