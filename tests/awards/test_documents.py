"""Documents of a frozen result (issue 13 items 3, 4 and 7): rendered once by the task,
read back with pdftotext, verifiable, never for an unfrozen result."""

import hashlib
import io
import json
import shutil
import subprocess

import openpyxl
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


def test_a_broker_that_is_down_leaves_the_request_recorded_and_beat_sends_it_later(
    scored, django_capture_on_commit_callbacks
):
    """Redis stopped while Tapem requests the documents: the page does not fail, every
    document is recorded as queued, and once the broker is back the beat task renders them
    (each once)."""
    from datetime import timedelta

    from awards.issuing import documents_requeue_stale
    from config.celery import app

    frozen(scored.period)
    saved = {
        key: app.conf[key] for key in ("task_always_eager", "broker_url", "task_publish_retry")
    }
    app.conf.update(
        task_always_eager=False, broker_url="redis://127.0.0.1:1/0", task_publish_retry=False
    )
    try:
        with scope(region=scored.region), django_capture_on_commit_callbacks(execute=True):
            _snapshot, documents = documents_request(period=scored.period, by=None)
    finally:
        app.conf.update(saved)
    with scope(region=scored.region):
        states = set(Document.objects.values_list("state", flat=True))
    assert states == {Document.State.QUEUED} and len(documents) == 6

    sent = documents_requeue_stale(older_than=timedelta(0))  # the broker is back (eager)
    assert sent == 6
    with scope(region=scored.region):
        assert set(Document.objects.values_list("state", flat=True)) == {"rendered"}
        assert Document.objects.count() == 6


def test_tapem_sets_the_lambang_and_a_file_that_is_not_an_image_is_refused(client, tenancy):
    import struct
    import zlib

    def png(width: int, height: int) -> bytes:
        raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))

        def chunk(kind: bytes, data: bytes) -> bytes:
            body = kind + data
            return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

        header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b"")
        )

    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(tenancy.users["tapem_bekasi"])
    url = reverse("document_settings", kwargs={"region": "bekasi"})
    fake = SimpleUploadedFile("lambang.png", b"MZ\x90\x00 not an image", "image/png")
    refused = client.post(
        url,
        {"paper": "F4", "tapem_head_title": "Kabag", "followup_months": 3, "lambang_file": fake},
    )
    assert refused.status_code == 422
    assert "bukan gambar PNG atau JPEG" in refused.content.decode()
    with scope(region=tenancy.bekasi):
        assert not DocumentSettings.objects.filter(lambang__isnull=False).exists()

    good = SimpleUploadedFile("lambang.png", png(4, 4), "image/png")
    done = client.post(
        url,
        {
            "paper": "A4",
            "head_name": "Dr. Tri",
            "tapem_head_title": "Kepala Bagian Tata Pemerintahan",
            "followup_months": 3,
            "lambang_file": good,
        },
    )
    assert done.status_code == 302
    with scope(region=tenancy.bekasi):
        options = DocumentSettings.objects.get(region=tenancy.bekasi)
    assert (options.paper, options.lambang_type, bytes(options.lambang)[:4]) == (
        "A4", "image/png", b"\x89PNG",
    )  # fmt: skip


def test_the_recap_has_the_ranking_each_stage_and_each_assessor(scored, tmp_path):
    import openpyxl

    frozen(scored.period)
    lines = run("render_documents", scored.period, str(tmp_path)).splitlines()
    path = next(line.split()[1] for line in lines if line.startswith("rekap "))
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["peringkat", "tahap", "penilai"]
    ranking = list(book["peringkat"].iter_rows(values_only=True))
    assert ranking[1][:3] == (1, "Jatiasih", 81)
    members = list(book["penilai"].iter_rows(values_only=True))
    # Jatiasih: 90×60% + 70×40% = 82 and 80×60% + 80×40% = 80 (see the fixture).
    jatiasih = sorted(row[3] for row in members[1:] if row[0] == "Jatiasih")
    assert jatiasih == [80, 82]


@needs_pdftotext
def test_a_kecamatan_not_scored_is_named_with_its_reason_on_the_page_and_the_berita_acara(
    make_period, client, tmp_path
):
    from evaluations.services import participation_set_scored
    from tests.evaluations.test_absences_and_ties import awards_set, enter

    setup = make_period(awards_set(), kecamatan=("Bantargebang", "Jatiasih", "Mustikajaya"))
    enter(
        setup.period,
        {
            ("Jatiasih", "penilai_bekasi"): (90, 70),
            ("Jatiasih", "penilai_lintas"): (80, 80),
            ("Bantargebang", "penilai_bekasi"): (80, 90),
            ("Bantargebang", "penilai_lintas"): (70, 60),
        },
    )
    reason = "tidak dilakukan penilaian dan tidak mendapatkan bobot nilai (Pasal 8 ayat (5))"
    with scope(region=setup.region):
        kecamatan = setup.period.participants.get(name="Mustikajaya")
        participation_set_scored(
            period=setup.period, kecamatan=kecamatan, scored=False, reason=reason
        )
    frozen(setup.period)
    lines = run("render_documents", setup.period, str(tmp_path)).splitlines()
    berita = next(line.split()[1] for line in lines if line.startswith("berita_acara_penetapan"))
    text = " ".join(pdf_text(open(berita, "rb").read()).split())  # noqa: SIM115
    assert "Kecamatan yang tidak dinilai:" in text
    assert "Mustikajaya — Didiskualifikasi: tidak dilakukan penilaian" in text
    sk = next(line.split()[1] for line in lines if line.startswith("sk_draft"))
    sk_text = " ".join(pdf_text(open(sk, "rb").read()).split())  # noqa: SIM115
    assert "Mustikajaya — Didiskualifikasi: tidak dilakukan penilaian" in sk_text
    recap = next(line.split()[1] for line in lines if line.startswith("rekap"))
    book = openpyxl.load_workbook(recap, read_only=True)
    rows = {row[1]: row for row in book["peringkat"].iter_rows(values_only=True)}
    assert rows["kecamatan"][6] == "keterangan"
    assert rows["Mustikajaya"][5:] == ("disqualified", f"Didiskualifikasi: {reason}")
    run("publish_ranking", setup.period)
    page = client.get(f"/publik/bekasi/{setup.period.slug}/").content.decode()
    assert f"Tidak dinilai — Didiskualifikasi: {reason}" in page
