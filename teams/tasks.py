"""Celery tasks of the teams app."""

from celery import shared_task

from teams.services.reviews import reviews_open_due


@shared_task(name="teams.tasks.open_due_reviews")
def open_due_reviews() -> int:
    """Daily: open the reviews that have come due (30 months after the last approval or
    the last decided review). Safe to run twice: a Sozialraum with an open review is
    left alone."""
    return len(reviews_open_due())
