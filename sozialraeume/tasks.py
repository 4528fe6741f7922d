from celery import shared_task

from sozialraeume.retention import retention_apply


@shared_task(name="sozialraeume.tasks.apply_retention")
def apply_retention():
    """Daily: apply the retention rules (docs/datenschutz.md). Safe to run twice."""
    retention_apply()
