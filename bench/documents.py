"""(e) Documents: the app's overhead over WeasyPrint rendering the same HTML, and the recap.

A 40-kecamatan result is built as a snapshot in memory (no database), so the figures are
the rendering path alone: `document_bytes` (context, template, the restricted fetcher,
WeasyPrint) against `HTML(string=…).write_pdf()` on the HTML the app produced, in the same
run; the recap xlsx against openpyxl write-only writing the same cells.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from decimal import Decimal


def _snapshot_payload(kecamatan: int) -> dict:
    results = []
    for n in range(kecamatan):
        score = Decimal("95.00") - Decimal(n) * Decimal("0.83")
        results.append(
            {
                "kecamatan": f"Kecamatan {n + 1:02d}", "key": f"k{n:02d}", "rank": n + 1,
                "status": "ranked", "final_score": f"{score:.2f}",
                "predikat": "Baik" if score > 75 else "Cukup",
                "award": f"Terbaik {n + 1}" if n < 4 else "Piagam Penghargaan",
                "stages": [{"name": "Tahap 1", "score": f"{score:.2f}"}],
                "aspects": [
                    {"stage": "Tahap 1", "name": f"Aspek {a}", "weight": "20", "score": "80.00"}
                    for a in range(5)
                ],
                "absences": [],
            }
        )  # fmt: skip
    team = [
        {"stage": "T1", "username": f"p{m}", "name": f"Penilai {m}, S.E.",
         "position": "ketua" if m == 0 else "anggota", "nip": "198609262015051001", "jabatan": ""}
        for m in range(9)
    ]  # fmt: skip
    return {
        "instrument_set": {
            "code": "b", "version": 1, "name": "Set", "legal_number": "Perbup 1",
            "legal_title": "Evaluasi", "stages": [{"code": "T1", "name": "Tahap 1"}],
        },
        "period": {"slug": "2026", "name": "Evaluasi 2026", "year": 2025},
        "region": {"slug": "bench", "name": "Kabupaten Bench"},
        "meeting": {"date": "2026-12-01", "place": "Aula"},
        "team": team,
        "ranking": {"results": results, "tie_decisions": [], "engine_version": "2.0"},
    }  # fmt: skip


def _best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def documents_bench(*, quick: bool) -> list[tuple[str, str]]:
    import datetime

    from django.template.loader import render_to_string
    from openpyxl import Workbook
    from weasyprint import HTML

    from awards.documents import (
        STATIC_DIR,
        TEMPLATES,
        ProjectFilesOnly,
        document_bytes,
        document_context,
        recap_xlsx,
    )
    from awards.models import Document, DocumentSettings, ResultSnapshot
    from evaluations.models import Period
    from regions.models import Region

    region = Region(slug="bench", name="Kabupaten Bench", kind="kabupaten", head_title="Bupati")
    period = Period(region=region, slug="2026", name="Evaluasi 2026", year_evaluated=2025)
    snapshot = ResultSnapshot(
        period=period, number=1, payload=json.dumps(_snapshot_payload(40)), sha256="0" * 64,
        meeting_date=datetime.date(2026, 12, 1), meeting_place="Aula",
    )  # fmt: skip
    options = DocumentSettings(region=region, place="Luwuk", paper="F4")
    repeat = 2 if quick else 3
    rows = []
    for kind in (Document.Kind.BERITA_ACARA_PENETAPAN, Document.Kind.SK_DRAFT):
        document = Document(snapshot=snapshot, kind=kind, code="BENCH00001")
        html = render_to_string(TEMPLATES[kind], document_context(document, options))

        def direct(html: str = html) -> bytes:
            fetcher = ProjectFilesOnly()
            return HTML(
                string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher
            ).write_pdf()

        app = _best(lambda document=document: document_bytes(document, options), repeat)
        reference = _best(direct, repeat)
        pages = len(HTML(string=html, base_url=STATIC_DIR.as_uri() + "/").render().pages)
        rows.append(
            (
                f"document {kind} (40 kecamatan, {pages} pages)",
                f"app {app * 1000:.0f} ms vs WeasyPrint alone {reference * 1000:.0f} ms: "
                f"overhead {(app / reference - 1) * 100:+.0f}% (goal ≤ 20%)",
            )
        )
    recap_document = Document(snapshot=snapshot, kind=Document.Kind.REKAP, code="BENCH00002")
    context = document_context(recap_document, options)
    recap = _best(lambda: recap_xlsx(context), repeat + 2)

    def plain() -> bytes:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("peringkat")
        for result in context["results"]:
            sheet.append([result["rank"], result["kecamatan"], Decimal(result["final_score"]),
                          result["predikat"], result["award"], result["status"]])  # fmt: skip
        stages = book.create_sheet("tahap")
        for result in context["results"]:
            for stage in result["stages"]:
                stages.append([result["kecamatan"], stage["name"], Decimal(stage["score"])])
            for aspect in result["aspects"]:
                stages.append([result["kecamatan"], aspect["stage"], None, aspect["name"],
                               Decimal(aspect["weight"]), Decimal(aspect["score"])])  # fmt: skip
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    reference = _best(plain, repeat + 2)
    rows.append(
        (
            "recap xlsx (40 kecamatan)",
            f"{recap * 1000:.0f} ms (goal < 1 s) vs openpyxl alone {reference * 1000:.0f} ms: "
            f"{recap / reference:.2f}× (goal ≤ 1.2×)",
        )
    )
    for label, figure in rows:
        print(f"  {label}: {figure}", flush=True)
    return rows
