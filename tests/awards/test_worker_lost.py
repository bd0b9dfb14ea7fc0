"""A worker killed mid-render (issue 13 item 8): the render's transaction never commits, so
the document stays queued with no file; the task is acknowledged only after it ran
(`acks_late`) and rejected back to the queue when its worker dies (`reject_on_worker_lost`),
so the broker delivers it again and the document is produced exactly once."""

import pytest
from django_scopes import scope

from awards import issuing
from awards.issuing import document_render, documents_request
from awards.models import Document
from awards.tasks import render_document
from tests.awards.test_documents import frozen

pytestmark = pytest.mark.django_db(transaction=True)


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs, nothing commits."""


def test_a_render_killed_midway_leaves_the_document_queued_and_the_redelivery_makes_it_once(
    scored, monkeypatch
):
    assert render_document.acks_late and render_document.reject_on_worker_lost
    frozen(scored.period)
    # The request only queues; the "worker" below picks the message up.
    monkeypatch.setattr(issuing, "document_enqueue", lambda *, document_id: True)
    with scope(region=scored.region):
        _snapshot, documents = documents_request(period=scored.period, by=None)
    document = documents[0]
    real = issuing.document_bytes

    def killed(*args, **kwargs):
        real(*args, **kwargs)  # the PDF is made, then the worker dies before storing it
        raise WorkerKilled

    monkeypatch.setattr(issuing, "document_bytes", killed)
    with pytest.raises(WorkerKilled):
        document_render(document_id=document.pk)
    with scope(region=scored.region):
        again = Document.objects.get(pk=document.pk)
    assert (again.state, again.sha256, again.file.name) == ("queued", "", "")

    monkeypatch.setattr(issuing, "document_bytes", real)
    render_document.apply(kwargs={"document_id": document.pk})  # the redelivered message
    render_document.apply(kwargs={"document_id": document.pk})  # and a duplicate delivery
    with scope(region=scored.region):
        done = Document.objects.get(pk=document.pk)
        assert done.state == "rendered" and len(done.sha256) == 64
        assert Document.objects.filter(snapshot=document.snapshot, kind=document.kind).count() == 1
