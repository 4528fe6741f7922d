"""Celery tasks of the evaluation survey (daily; safe to run twice)."""

from celery import shared_task

from evaluation.services import reminders_send_due, waves_close_expired


@shared_task(name="evaluation.tasks.remind_due_waves")
def remind_due_waves() -> int:
    """Remind once, in the last week of an open wave, everyone who has not answered."""
    return reminders_send_due()


@shared_task(name="evaluation.tasks.close_expired_waves")
def close_expired_waves() -> int:
    """Close the open waves past their last day (their links have stopped working)."""
    return len(waves_close_expired())
