"""Celery tasks of the questionnaire app."""

from celery import shared_task


@shared_task
def send_round_reminders(round_id: int) -> int:
    """Remind the leaders of every Kita without a submitted questionnaire (German e-mail)."""
    from surveys.reminders import round_reminders_deliver

    return round_reminders_deliver(round_id=round_id)
