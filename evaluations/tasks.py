from celery import shared_task

from evaluations.notices import deadline_reminders_send


@shared_task
def deadline_reminders() -> int:
    """Celery beat, hourly: remind operators of forms due within a day."""
    return deadline_reminders_send()
