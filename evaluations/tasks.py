from celery import shared_task

from evaluations.notices import deadline_reminders_send
from evaluations.self_assessment import disqualification_proposals_record


@shared_task
def deadline_reminders() -> int:
    """Celery beat, hourly: remind operators of forms due within a day, and propose for
    "tidak dinilai" the returned forms still incomplete after their repair deadline."""
    reminded = deadline_reminders_send()
    return reminded + disqualification_proposals_record()
