"""Documents of a frozen result (issue 13 items 3, 4 and 7): rendered once by the task,
read back with pdftotext, verifiable, never for an unfrozen result."""

import hashlib
import io
import json
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_scopes import scope

from awards.documents import ProjectFilesOnly, pdf_bytes
from awards.issuing import document_render, documents_request
from awards.models import Document, DocumentSettings
from tests.awards.test_freeze_and_publish import run

pytestmark = pytest.mark.django_db

needs_pdftotext = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="apt-get install poppler-utils"
)


def pdf_text(content: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return done.stdout.decode()


def frozen(period):
    with scope(region=period.region):
        DocumentSettings.objects.update_or_create(
            region=period.region,
            defaults={"place": "Bekasi", "head_name": "Dr. Tri Adhianto", "kop_lines": "SETDA"},
        )
    run("freeze_ranking", period, "--date", "2026-12-01", "--place", "Aula Nonon Sonthanie")


def test_no_document_for_an_unfrozen_result(scored, tmp_path):
    with pytest.raises(CommandError, match="sudah ditetapkan"):
        run("render_documents", scored.period, str(tmp_path))
    with scope(region=scored.region), pytest.raises(ValidationError):
        documents_request(period=scored.period, by=None)


@needs_pdftotext
def test_render_documents_prints_each_file_and_its_text_holds_the_result(scored, tmp_path):
    """Jatiasih 81,00 Terbaik I; Bantargebang 75,00 Terbaik II (hand-computed in `scored`)."""
    frozen(scored.period)
    lines = run("render_documents", scored.period, str(tmp_path)).splitlines()
    kinds = [line.split()[0] for line in lines]
    assert kinds == [
        "berita_acara_penetapan", "sk_draft", "sk_draft", "piagam", "piagam", "rekap",
    ]  # fmt: skip
    files = {}
    for line in lines:
        kind, path, digest = line.split()
        content = open(path, "rb").read()  # noqa: SIM115
        assert hashlib.sha256(content).hexdigest() == digest
        files.setdefault(kind, []).append((path, content))

    berita = pdf_text(files["berita_acara_penetapan"][0][1])
    assert "BERITA ACARA" in berita
    # The date in words, as Berita Acara write it: 1 December 2026 is a Tuesday.
    assert "Selasa tanggal satu bulan Desember tahun dua ribu dua puluh enam" in " ".join(
        berita.split()
    )
    assert "Aula Nonon Sonthanie" in berita
    assert "Jatiasih" in berita and "81,00" in berita and "Terbaik I" in berita

    sk = next(content for path, content in files["sk_draft"] if path.endswith(".pdf"))
    sk_text = " ".join(pdf_text(sk).split())
    assert "KEPUTUSAN WALI KOTA BEKASI" in sk_text and "MEMUTUSKAN" in sk_text
    assert "Dr. Tri Adhianto" in sk_text and "LAMPIRAN" in sk_text
    assert "Nomor 1 Tahun 2026" in sk_text  # the regulation it rests on, in Mengingat

    piagam = " ".join(pdf_text(files["piagam"][0][1]).split())
    assert "PIAGAM PENGHARGAAN" in piagam and "Kecamatan Jatiasih" in piagam
    assert "sebagai Terbaik I" in piagam

    docx = next(content for path, content in files["sk_draft"] if path.endswith(".docx"))
    assert docx[:2] == b"PK"

    # Each is what the product issued; the verification names the standing snapshot.
    out = io.StringIO()
    call_command("verify_document", files["piagam"][0][0], stdout=out)
    verdict = json.loads(out.getvalue())
    assert verdict["status"] == "current" and verdict["document"] == "piagam"


@needs_pdftotext
def test_a_superseded_documents_verification_says_so(scored, tmp_path, client):
    frozen(scored.period)
    lines = run("render_documents", scored.period, str(tmp_path)).splitlines()
    path = lines[0].split()[1]
    run("reopen_ranking", scored.period, "--reason", "Keberatan")
    out = io.StringIO()
    call_command("verify_document", path, stdout=out)
    assert json.loads(out.getvalue())["status"] == "superseded"
    with scope(region=scored.region):
        code = Document.objects.get(kind="berita_acara_penetapan").code
    page = client.get(reverse("document_verify", kwargs={"code": code})).content.decode()
    assert "sudah digantikan" in page

    stranger = tmp_path / "lain.pdf"
    stranger.write_bytes(b"%PDF-1.7 not ours")
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_document", str(stranger), stdout=io.StringIO(), stderr=io.StringIO())
    assert exit_info.value.code == 1


def test_a_request_twice_and_a_task_run_twice_give_one_document(scored):
    frozen(scored.period)
    with scope(region=scored.region):
        _snapshot, first = documents_request(period=scored.period, by=None)
        _snapshot, second = documents_request(period=scored.period, by=None)
        assert [d.pk for d in first] == [d.pk for d in second]
        document = first[0]
        rendered = document_render(document_id=document.pk)
        digest, name = rendered.sha256, rendered.file.name
        again = document_render(document_id=document.pk)  # a retried or redelivered task
        assert (again.sha256, again.file.name) == (digest, name)
        assert Document.objects.count() == len(first)


def test_the_pdf_renderer_reads_no_file_outside_static_and_no_network(tmp_path):
    secret = tmp_path / "rahasia.txt"
    secret.write_text("rahasia")
    fetcher = ProjectFilesOnly()
    with pytest.raises(ValueError, match="di luar"):
        fetcher.fetch(secret.as_uri())
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("http://127.0.0.1:9/x.png")
    # A hostile <img> is simply not loaded: the PDF still renders.
    content = pdf_bytes(f'<p>Hai</p><img src="{secret.as_uri()}"><img src="http://127.0.0.1:9/">')
    assert content.startswith(b"%PDF")


@needs_pdftotext
def test_text_with_html_reaches_the_pdf_escaped(scored, tmp_path):
    with scope(region=scored.region):
        DocumentSettings.objects.update_or_create(
            region=scored.region, defaults={"head_name": "<b>Kepala</b> =1+1"}
        )
    run("freeze_ranking", scored.period)
    lines = run("render_documents", scored.period, str(tmp_path)).splitlines()
    sk = next(
        line.split()[1]
        for line in lines
        if line.endswith(".pdf") is False and "sk_draft" in line and ".pdf" in line
    )
    text = pdf_text(open(sk, "rb").read())  # noqa: SIM115
    assert "<b>Kepala</b> =1+1" in text
