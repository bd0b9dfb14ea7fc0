"""The documents a frozen result issues, rendered from its snapshot (never from live values).

Which documents a snapshot has (`document_plan`), the data each template receives
(`document_context`), and the renderers: PDF through WeasyPrint with a URL fetcher that
reads only the project's own static files, the SK draft also as .docx (python-docx) for the
legal bureau, and the recap as xlsx (openpyxl, write-only, formula-like text escaped).
Every PDF carries a QR code and a short code that lead to the public verification page.
"""

import base64
import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from awards.models import Document, DocumentSettings, ResultSnapshot
from config.exports import formula_safe
from evaluations.models import MemberAbsence, TeamMember
from regions import formatting
from regions.models import Region

STATIC_DIR = Path(settings.BASE_DIR) / "static"
PAPER_CSS = {"A4": "210mm 297mm", "F4": "215mm 330mm"}


class ProjectFilesOnly(URLFetcher):
    """WeasyPrint may read the project's static files (fonts, stylesheet) and inline data:
    URIs (lambang, QR code); no other file, no network, no redirect."""

    def __init__(self) -> None:
        super().__init__(timeout=5, allowed_protocols=("file", "data"), allow_redirects=False)

    def fetch(self, url: str, headers: dict | None = None) -> Any:
        if url.lower().startswith("file:"):
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if not path.is_relative_to(STATIC_DIR.resolve()):
                raise ValueError(f"Berkas di luar berkas statis proyek ditolak: {url}")
        return super().fetch(url, headers)


def pdf_bytes(html: str) -> bytes:
    """`html` as PDF, its relative URLs read from static/ through `ProjectFilesOnly`."""
    return HTML(
        string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=ProjectFilesOnly()
    ).write_pdf()


@dataclass(frozen=True)
class Planned:
    kind: str
    subject: str = ""
    file_format: str = "pdf"


def document_plan(snapshot: ResultSnapshot, options: DocumentSettings) -> list[Planned]:
    """Every document the snapshot issues, in the order the page lists them."""
    data = snapshot.data
    stages = {stage["stage"] for stage in data["team"]}
    plan = []
    if options.penyerahan_stage:
        plan.append(Planned(Document.Kind.BERITA_ACARA_PENYERAHAN, options.penyerahan_stage))
    plan += [
        Planned(Document.Kind.BERITA_ACARA_PEMBOBOTAN, code)
        for code in options.pembobotan_stage_codes
        if code in stages
    ]
    plan += [
        Planned(Document.Kind.BERITA_ACARA_PENETAPAN),
        Planned(Document.Kind.SK_DRAFT),
        Planned(Document.Kind.SK_DRAFT, file_format="docx"),
    ]
    plan += [
        Planned(Document.Kind.PIAGAM, result["key"])
        for result in data["ranking"]["results"]
        if result["award"]
    ]
    plan.append(Planned(Document.Kind.REKAP, file_format="xlsx"))
    return plan


# ---------------------------------------------------------------- the data of a document


def _score(value: str | None) -> str:
    return formatting.score(Decimal(value)) if value is not None else formatting.EMPTY


def _qr_data_uri(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(scale=3, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def verification_url(document: Document) -> str:
    path = reverse("document_verify", kwargs={"code": document.code})
    return settings.KINERJA_PUBLIC_URL.rstrip("/") + path


def not_scored(results: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(kecamatan, why) of every kecamatan of a snapshot's ranking that is not scored, the
    reason as the ranking recorded it (e.g. Banggai Pasal 8(5))."""
    return [
        (r["kecamatan"], "; ".join(note["text"] for note in r["notes"]))
        for r in results
        if r["status"] == "disqualified"
    ]


def document_context(document: Document, options: DocumentSettings) -> dict[str, Any]:
    snapshot = document.snapshot
    data = snapshot.data
    region = snapshot.period.region
    meeting_date = snapshot.meeting_date
    results = [
        {**result, "score_text": _score(result["final_score"])}
        for result in data["ranking"]["results"]
    ]
    team: dict[str, list[dict[str, Any]]] = {}
    for seat in data["team"]:
        team.setdefault(seat["stage"], []).append(_seat_labels(seat))
    stage_names = {stage["code"]: stage["name"] for stage in data["instrument_set"]["stages"]}
    appointments = {
        row["stage"]: {**row, "text": appointment_text(row)} for row in data.get("appointments", [])
    }
    teams = [
        {
            "code": stage["code"],
            "name": stage["name"],
            "members": team[stage["code"]],
            "appointment": appointments.get(stage["code"]),
        }
        for stage in data["instrument_set"]["stages"]
        if stage["code"] in team
    ]
    last_stage = data["team"][-1]["stage"] if data["team"] else ""
    has_bands = any(result["predikat"] for result in results)
    lampiran = results if has_bands else [r for r in results if r["award"]]
    subject = next((r for r in results if r["key"] == document.subject), None)
    absences = [a for result in results for a in result["absences"]]
    names = {seat["username"]: seat["name"] for seat in data["team"]}
    absence_kinds = dict(MemberAbsence.Kind.choices)
    kecamatan_names = {result["key"]: result["kecamatan"] for result in results}
    return {
        "document": document,
        "data": data,
        "region": region,
        "head_title": head_title(region),
        "options": options,
        "paper": _paper(options.paper, landscape=document.kind == Document.Kind.PIAGAM),
        "landscape": document.kind == Document.Kind.PIAGAM,
        "kop_lines": [line for line in options.kop_lines.splitlines() if line.strip()],
        "lambang": _lambang_uri(options),
        "qr": _qr_data_uri(verification_url(document)),
        "verify_url": verification_url(document),
        "meeting_date": formatting.date(meeting_date),
        "meeting_words": formatting.date_in_words(meeting_date),
        "place": snapshot.meeting_place or options.place,
        "results": results,
        "lampiran": lampiran,
        "has_bands": has_bands,
        "subject": subject,
        "teams": teams,
        "stage_appointment": appointments.get(document.subject),
        "appointments": [t["appointment"] for t in teams if t["appointment"]],
        "stage_team": team.get(document.subject, []),
        "stage_name": stage_names.get(document.subject, ""),
        "final_team": team.get(last_stage, []),
        "attendees": [
            _seat_labels(seat)
            for seat in data["meeting"].get("attendees") or team.get(last_stage, [])
        ],
        "absences": [
            {
                **a,
                "name": names.get(a["assessor"], a["assessor"]),
                "kecamatan_name": kecamatan_names.get(a["kecamatan"], a["kecamatan"]),
                "stage_name": stage_names.get(a["stage"], a["stage"]),
                "kind_label": str(absence_kinds.get(a["kind"], a["kind"])),
            }
            for a in absences
        ],
        "decisions": data["ranking"]["tie_decisions"],
        "not_scored": not_scored(results),
        "stage_rows": _stage_rows(results, document.subject, data),
        "handovers": [
            {**h, "at_text": formatting.date_time(datetime.fromisoformat(h["at"]))}
            for h in data.get("handovers", [])
            if h["stage"] == document.subject
        ],
    }


def _seat_labels(seat: dict[str, Any]) -> dict[str, Any]:
    """A snapshot seat with its position and origin as the documents print them."""
    positions = dict(TeamMember.Position.choices)
    origins = dict(TeamMember.Origin.choices)
    return {
        **seat,
        "position_label": str(positions.get(seat["position"], seat["position"])),
        "origin_label": str(origins.get(seat.get("origin") or "", "")),
    }


def appointment_text(row: dict[str, Any]) -> str:
    """ "Keputusan Bupati Banggai Nomor 100.3.3.2/3/Tapem/2026 tanggal 2 Maret 2026 tentang …"
    for a snapshot's SK of appointment."""
    text = _("Keputusan %(issuer)s Nomor %(number)s tanggal %(date)s") % {
        "issuer": row["issuer"],
        "number": row["number"],
        "date": formatting.date(datetime.fromisoformat(row["date"]).date()),
    }
    if row.get("title"):
        text += " " + _("tentang %(title)s") % {"title": row["title"]}
    return text


def _paper(paper: str, *, landscape: bool) -> str:
    """The CSS page size: "215mm 330mm", turned for a landscape Piagam."""
    size = PAPER_CSS.get(paper, PAPER_CSS["F4"])
    if landscape:
        width, height = size.split()
        return f"{height} {width}"
    return size


def _stage_rows(results: list[dict], stage_code: str, data: dict) -> list[dict[str, Any]]:
    """(kecamatan, the stage's score) for a Berita Acara of one stage, in rank order."""
    if not stage_code:
        return []
    codes = [stage["code"] for stage in data["instrument_set"]["stages"]]
    rows = []
    for result in results:
        stages = result["stages"]
        index = codes.index(stage_code) if stage_code in codes else -1
        if 0 <= index < len(stages):
            rows.append({"kecamatan": result["kecamatan"], "score": _score(stages[index]["score"])})
    return rows


def _lambang_uri(options: DocumentSettings) -> str:
    if not options.lambang:
        return ""
    encoded = base64.b64encode(bytes(options.lambang)).decode()
    return f"data:{options.lambang_type or 'image/png'};base64,{encoded}"


def head_title(region: Region) -> str:
    """Bupati Banggai, Wali Kota Bekasi: the head's title with the region's proper name."""
    name = region.name.removeprefix("Kabupaten ").removeprefix("Kota ")
    return f"{region.head_title} {name}"


# ---------------------------------------------------------------- renderers

TEMPLATES = {
    Document.Kind.BERITA_ACARA_PENYERAHAN: "awards/documents/berita_acara_penyerahan.html",
    Document.Kind.BERITA_ACARA_PEMBOBOTAN: "awards/documents/berita_acara_pembobotan.html",
    Document.Kind.BERITA_ACARA_PENETAPAN: "awards/documents/berita_acara_penetapan.html",
    Document.Kind.SK_DRAFT: "awards/documents/sk_draft.html",
    Document.Kind.PIAGAM: "awards/documents/piagam.html",
}


def document_bytes(document: Document, options: DocumentSettings) -> bytes:
    """The rendered file of `document`."""
    context = document_context(document, options)
    if document.kind == Document.Kind.REKAP:
        return recap_xlsx(context)
    if document.file_format == "docx":
        return sk_docx(context)
    return pdf_bytes(render_to_string(TEMPLATES[document.kind], context))


def recap_xlsx(context: dict[str, Any]) -> bytes:
    """The ranking and each stage's scores, write-only; text that looks like a formula is
    escaped so a spreadsheet never evaluates it."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ranking = book.create_sheet("peringkat")
    ranking.append(
        ["peringkat", "kecamatan", "nilai_akhir", "predikat", "penghargaan", "status", "keterangan"]
    )
    why = dict(context["not_scored"])
    for result in context["results"]:
        ranking.append(
            [
                result["rank"],
                formula_safe(result["kecamatan"]),
                Decimal(result["final_score"]) if result["final_score"] else None,
                formula_safe(result["predikat"]),
                formula_safe(result["award"]),
                result["status"],
                formula_safe(why.get(result["kecamatan"], "")),
            ]
        )
    stages = book.create_sheet("tahap")
    stages.append(["kecamatan", "tahap", "nilai", "aspek", "bobot", "nilai_aspek"])
    for result in context["results"]:
        for stage in result["stages"]:
            stages.append(
                [
                    formula_safe(result["kecamatan"]),
                    formula_safe(stage["name"]),
                    Decimal(stage["score"]) if stage["score"] else None,
                    None,
                    None,
                    None,
                ]
            )
        for aspect in result["aspects"]:
            stages.append(
                [
                    formula_safe(result["kecamatan"]),
                    formula_safe(aspect["stage"]),
                    None,
                    formula_safe(aspect["name"]),
                    Decimal(aspect["weight"]) if aspect["weight"] else None,
                    Decimal(aspect["score"]) if aspect["score"] else None,
                ]
            )
    names = {seat["username"]: seat["name"] for seat in context["data"]["team"]}
    kecamatan = {result["key"]: result["kecamatan"] for result in context["results"]}
    members = book.create_sheet("penilai")
    members.append(["kecamatan", "tahap", "penilai", "nilai_total", "keterangan"])
    for row in context["data"].get("members", []):
        members.append(
            [
                formula_safe(kecamatan.get(row["kecamatan"], row["kecamatan"])),
                formula_safe(row["stage"]),
                formula_safe(names.get(row["assessor"], row["assessor"])),
                Decimal(row["total"]) if row["total"] else None,
                "tidak ikut menilai" if row["absent"] else "",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sk_docx(context: dict[str, Any]) -> bytes:
    """The SK draft as an editable Word document, with the same text as its PDF."""
    from docx import Document as WordDocument
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    text = sk_text(context)
    word = WordDocument()
    section = word.sections[0]
    width, height = PAPER_CSS.get(context["options"].paper, PAPER_CSS["F4"]).split()
    section.page_width, section.page_height = Mm(int(width[:-2])), Mm(int(height[:-2]))
    for kind, line in text:
        paragraph = word.add_paragraph(line)
        if kind == "center":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    table = word.add_table(rows=1, cols=5)
    for cell, title in zip(
        table.rows[0].cells,
        ("No", "Kecamatan", "Skor Nilai", "Predikat", "Penghargaan"),
        strict=True,
    ):
        cell.text = title
    for number, row in enumerate(context["lampiran"], start=1):
        cells = table.add_row().cells
        values = (str(number), row["kecamatan"], row["score_text"], row["predikat"], row["award"])
        for cell, value in zip(cells, values, strict=True):
            cell.text = value or "—"
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def sk_text(context: dict[str, Any]) -> list[tuple[str, str]]:
    """The SK draft's paragraphs (alignment, text): one source for the .docx."""
    data = context["data"]
    head = context["head_title"].upper()
    title = f"PENETAPAN HASIL EVALUASI KINERJA KECAMATAN TAHUN {data['period']['year']}"
    legal = data["instrument_set"]
    return [
        ("center", head),
        ("center", f"KEPUTUSAN {head}"),
        ("center", "NOMOR : ……………………"),
        ("center", "TENTANG"),
        ("center", title),
        ("center", f"{head},"),
        (
            "left",
            "Menimbang : a. bahwa dalam rangka meningkatkan kinerja penyelenggaraan "
            "pemerintahan kecamatan telah dilaksanakan evaluasi kinerja kecamatan; "
            f"b. bahwa berdasarkan hasil rapat penetapan tanggal {context['meeting_date']} "
            f"perlu menetapkan Keputusan {context['head_title']} tentang {title.title()};",
        ),
        ("left", f"Mengingat : 1. {legal['legal_number']};"),
        ("center", "MEMUTUSKAN:"),
        ("left", f"Menetapkan : KEPUTUSAN {head} TENTANG {title}."),
        (
            "left",
            "KESATU : Menetapkan hasil evaluasi kinerja kecamatan sebagaimana tercantum "
            "dalam Lampiran yang merupakan bagian tidak terpisahkan dari Keputusan ini.",
        ),
        ("left", "KEDUA : Keputusan ini mulai berlaku pada tanggal ditetapkan."),
        ("left", f"Ditetapkan di {context['place'] or '……'}"),
        ("left", "pada tanggal ……………………"),
        ("left", f"{head},"),
        ("left", context["options"].head_name or "……………………"),
        ("left", f"LAMPIRAN : KEPUTUSAN {head} NOMOR : …… TANGGAL : …… TENTANG : {title}"),
    ]
