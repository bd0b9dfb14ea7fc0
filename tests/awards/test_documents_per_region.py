"""Each shipped region's Berita Acara Penetapan and SK draft hold its own result: the first
kecamatan with its score (and predikat where the set has bands), and a signatory by name."""

import io
import json
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from awards.issuing import document_render, documents_request
from awards.models import Document, ResultSnapshot
from evaluations.models import Period
from regions import formatting

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="apt-get install poppler-utils"),
]


def words(content: bytes) -> str:
    done = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


def test_every_region_gets_its_own_documents(tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    with scopes_disabled():
        periods = list(Period.objects.select_related("region"))
    assert len(periods) == 4
    for period in periods:
        out = io.StringIO()
        call_command(
            "freeze_ranking", "--region", period.region.slug, "--period", period.slug,
            "--date", "2026-12-01", stdout=out,
        )  # fmt: skip
        with scope(region=period.region):
            snapshot = ResultSnapshot.objects.get(pk=json.loads(out.getvalue())["snapshot"])
            _, documents = documents_request(period=period, by=None)
            wanted = {Document.Kind.BERITA_ACARA_PENETAPAN, Document.Kind.SK_DRAFT}
            texts = {}
            for document in documents:
                if document.kind in wanted and document.file_format == "pdf":
                    rendered = document_render(document_id=document.pk)
                    with rendered.file.open("rb") as handle:
                        texts[document.kind] = words(handle.read())
        first = snapshot.data["ranking"]["results"][0]
        score = formatting.score(first["final_score"])
        signer = snapshot.data["meeting"]["attendees"][0]["name"]
        berita, sk = texts[Document.Kind.BERITA_ACARA_PENETAPAN], texts[Document.Kind.SK_DRAFT]
        region = period.region.name
        assert first["kecamatan"] in berita and score in berita, region
        assert signer in berita, region
        assert "Selasa tanggal satu bulan Desember tahun dua ribu dua puluh enam" in berita
        assert first["kecamatan"] in sk and "LAMPIRAN" in sk, region
        assert f"KEPUTUSAN {period.region.head_title.upper()}" in sk, region
        if first["predikat"]:  # Banggai and Tegal print predikat / status
            assert first["predikat"] in berita and first["predikat"] in sk, region
        # Each stage's team with position, origin and jabatan, and the SK appointing it.
        unbroken = [text.replace("/ ", "/") for text in (berita, sk)]  # a line broke at "/"
        for row in snapshot.data["appointments"]:
            cited = f"Keputusan {row['issuer']} Nomor {row['number']} tanggal 2 Maret 2026"
            assert all(cited in text for text in unbroken), region
        assert "Kedudukan dalam Tim" in berita and "Perangkat daerah" in berita, region
        if period.region.slug == "banggai":  # Pasal 14(2): Bupati Ketua, Wakil Bupati …
            assert "Ketua Bupati Banggai" not in berita  # position and jabatan in own columns
            for words_ in ("Wakil Ketua", "Kepala daerah", "Wakil Bupati Banggai", "Akademisi"):
                assert words_ in berita and words_ in sk, words_
            assert "Nomor 100.3.3.2/3/Tapem/2026" in unbroken[0]
