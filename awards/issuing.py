"""Requesting and rendering a snapshot's documents — the only writers of `Document`.

A request creates each planned document once (`document_request`; a second request finds
it) and queues its rendering with `transaction.on_commit`, so a rolled-back request renders
nothing. The task (`awards.tasks.render_document`) takes the id only and calls
`document_render`, which renders a queued document exactly once: a retried or redelivered
task finds it rendered and does nothing. State moves go through `transition_apply`.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from awards.documents import Planned, document_bytes, document_plan
from awards.models import Document, DocumentSettings, ResultSnapshot
from awards.services import current_snapshot
from evaluations.models import Period
from regions.transitions import StateMachine, transition_apply

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from awards.forms import DocumentSettingsForm

DOCUMENT_STATE = StateMachine(
    field="state",
    moves={
        Document.State.QUEUED: frozenset({Document.State.RENDERED, Document.State.FAILED}),
        Document.State.FAILED: frozenset({Document.State.QUEUED}),
    },
    labels=dict(Document.State.choices),
)

# Unambiguous letters and digits for the code printed under the QR code.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


def document_settings(*, region) -> DocumentSettings:  # noqa: ANN001 - a Region
    settings, _created = DocumentSettings.objects.get_or_create(region=region)
    return settings


@transaction.atomic
def document_settings_save(*, form: DocumentSettingsForm) -> DocumentSettings:
    """Store the validated settings form (documents already issued keep their look)."""
    return form.save()


@transaction.atomic
def documents_request(
    *, period: Period, by: AbstractBaseUser | None
) -> tuple[ResultSnapshot, list[Document]]:
    """Every document of the period's standing snapshot, created and queued once each;
    refused (with the reason) for a result that is not frozen."""
    snapshot = current_snapshot(period=period)
    if snapshot is None:
        raise ValidationError(
            _("Dokumen hanya diterbitkan dari hasil yang sudah ditetapkan; tetapkan dahulu.")
        )
    options = document_settings(region=period.region)
    documents = [
        document_request(snapshot=snapshot, planned=planned, by=by)
        for planned in document_plan(snapshot, options)
    ]
    return snapshot, documents


def document_request(
    *, snapshot: ResultSnapshot, planned: Planned, by: AbstractBaseUser | None
) -> Document:
    document, created = Document.objects.get_or_create(
        snapshot=snapshot,
        kind=planned.kind,
        subject=planned.subject,
        file_format=planned.file_format,
        defaults={"code": _new_code(), "requested_by": by},
    )
    if not created and document.state == Document.State.FAILED:
        transition_apply(
            obj=document, machine=DOCUMENT_STATE, to=Document.State.QUEUED,
            by=by, region=snapshot.period.region, reason=_("Diminta lagi setelah gagal."),
        )  # fmt: skip
    if created or document.state == Document.State.QUEUED:
        # Queued again while queued is harmless: the render does nothing twice.
        transaction.on_commit(lambda: document_enqueue(document_id=document.pk))
    return document


def document_enqueue(*, document_id: int) -> bool:
    """Hand the rendering to a Celery worker. A broker that is down never breaks the page:
    the document stays queued (recorded) and `documents_requeue_stale`, run by Celery beat,
    or the next request sends it again once the broker is back."""
    from awards.tasks import render_document  # the task module imports this one

    try:
        render_document.delay(document_id=document_id)
    except Exception:
        logger.warning("Broker unavailable; document %s stays queued", document_id, exc_info=True)
        return False
    return True


def documents_requeue_stale(*, older_than: timedelta = timedelta(minutes=5)) -> int:
    """Send again every document still queued after `older_than` (a broker outage, a worker
    killed before it acknowledged): returns how many were sent."""
    cutoff = timezone.now() - older_than
    with scopes_disabled():
        stale = list(
            Document.objects.filter(
                state=Document.State.QUEUED, requested_at__lt=cutoff
            ).values_list("pk", flat=True)
        )
    return sum(document_enqueue(document_id=pk) for pk in stale)


def document_render(*, document_id: int) -> Document:
    """Render the queued document `document_id` and store it with its SHA-256; nothing
    when it is rendered already or failed (a new request queues a failed one again). A
    rendering error is recorded on the document; a database outage is raised, so the task
    is retried."""
    with scopes_disabled():
        region = (
            Document.objects.select_related("snapshot__period__region")
            .get(pk=document_id)
            .snapshot.period.region
        )
    with scope(region=region), transaction.atomic():
        document = (
            Document.objects.select_for_update(of=("self",))
            .select_related("snapshot__period__region")
            .get(pk=document_id)
        )
        if document.state == Document.State.RENDERED:
            return document
        if document.state == Document.State.FAILED:
            transition_apply(
                obj=document, machine=DOCUMENT_STATE, to=Document.State.QUEUED,
                by=None, region=region, reason=_("Dicoba lagi."),
            )  # fmt: skip
        try:
            content = document_bytes(document, document_settings(region=region))
        except Exception as error:
            failed = str(error)[:2000]
        else:
            failed = ""
        if failed:
            Document.objects.filter(pk=document.pk).update(error=failed)
            transition_apply(
                obj=document, machine=DOCUMENT_STATE, to=Document.State.FAILED,
                by=None, region=region, reason=failed[:500],
            )  # fmt: skip
            return document
        name = f"{region.slug}/{document.code}.{document.file_format}"
        document.file.save(name, ContentFile(content), save=False)
        document.sha256 = hashlib.sha256(content).hexdigest()
        document.size = len(content)
        document.rendered_at = timezone.now()
        document.error = ""
        document.save(update_fields=["file", "sha256", "size", "rendered_at", "error"])
        transition_apply(
            obj=document, machine=DOCUMENT_STATE, to=Document.State.RENDERED,
            by=None, region=region,
        )  # fmt: skip
        return document


def document_for_file(*, content: bytes) -> Document | None:
    """The issued document whose bytes are `content`, in any region (for verification)."""
    digest = hashlib.sha256(content).hexdigest()
    with scopes_disabled():
        return (
            Document.objects.select_related("snapshot__period__region")
            .filter(sha256=digest, state=Document.State.RENDERED)
            .first()
        )
