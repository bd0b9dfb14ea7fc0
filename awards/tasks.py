from celery import shared_task
from django.db import OperationalError

from awards.issuing import document_render, documents_requeue_stale


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, autoretry_for=(OperationalError,),
    retry_backoff=True, max_retries=5,
)  # fmt: skip
def render_document(self, *, document_id: int) -> None:  # noqa: ANN001 - Celery's task
    """Render one document (ids only; the service decides, and does nothing twice)."""
    document_render(document_id=document_id)


@shared_task
def requeue_stale_documents() -> int:
    """Celery beat, every few minutes: documents queued while the broker was down, or whose
    worker died before acknowledging, are sent again (rendering them is idempotent)."""
    return documents_requeue_stale()
