from celery import shared_task
from django.db import OperationalError

from awards.issuing import document_render


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True,
    max_retries=5,
)  # fmt: skip
def render_document(self, *, document_id: int) -> None:  # noqa: ANN001 - Celery's task
    """Render one document (ids only; the service decides, and does nothing twice)."""
    document_render(document_id=document_id)
