"""Plausible self-assessments for a demo period, so every state of the form is on view.

In each region a few kecamatan (by name order) filled their own sheet with its files and
Tapem accepted it, one was returned for repair, one waits for verification, and the rest
never filled it in the app (a region that keeps its forms on paper looks like that). Values
the score import already stored (Tegal's keuangan and partner counts) stay as they are, and
nothing here is a value of the ranking: descriptions, informational figures, files and the
kecamatan's own answers to the team's questions. Pekalongan's answers are what most
evaluators chose, except one question where the kecamatan claimed a better option than most
evaluators gave it: their sheets start from the answers, and they changed that one.
The figures are invented; nothing here is a regulation's number.
"""

import random
import uuid
from collections import Counter

from django.contrib.auth.models import AbstractBaseUser

from config.uploads import inspect_evidence
from evaluations.models import ScoreEntry, Sheet, ValueChange
from evaluations.self_assessment import (
    ReviewItem,
    evidence_attach,
    sheet_accept,
    sheet_return,
)
from evaluations.sheets import SheetCell, sheet_cells, sheet_submit, sheet_write
from regions.models import Membership, Role
from scoring.rules import IndicatorKind

ACCEPTED = 3  # the first kecamatan by name; then one returned, one submitted
RETURN_REASON = "Data dukung belum membuktikan isian; lengkapi sebelum batas perbaikan."
RETURN_COMMENT = "Lampirkan dokumen yang memuat angka yang disebut pada isian ini."


def demo_submissions_fill(*, period: object, tapem: AbstractBaseUser) -> int:
    """Fill, submit and verify the demo kecamatan's own sheets of `period` (in its region's
    scope); returns how many sheets were submitted. Same period, same content."""
    rng = random.Random(f"submissions:{period.region.slug}")  # type: ignore[attr-defined]
    sheets = list(
        Sheet.objects.filter(period=period, assessor__isnull=True)
        .select_related("period__region", "stage", "kecamatan")
        .order_by("stage__order", "kecamatan__name")
    )
    by_stage: dict[int, list[Sheet]] = {}
    for sheet in sheets:
        by_stage.setdefault(sheet.stage_id, []).append(sheet)
    operators = {
        m.kecamatan_id: m.user
        for m in Membership.objects.filter(region=period.region, role=Role.OPERATOR)  # type: ignore[attr-defined]
        .select_related("user")
        .order_by("pk")
    }
    submitted = 0
    for stage_sheets in by_stage.values():
        for index, sheet in enumerate(stage_sheets[: ACCEPTED + 2]):
            if sheet.state != Sheet.State.DRAFT:
                continue  # already done on an earlier run
            operator = operators[sheet.kecamatan_id]
            _fill(sheet, operator, rng)
            sheet.refresh_from_db()
            sheet_submit(sheet=sheet, expected_version=sheet.version, by=operator)
            submitted += 1
            if index < ACCEPTED:
                sheet_accept(sheet=sheet, by=tapem)
            elif index == ACCEPTED:
                first = next(c for c in sheet_cells(sheet) if not c.is_file)
                sheet_return(
                    sheet=sheet,
                    reason=RETURN_REASON,
                    items=[ReviewItem(first.name, RETURN_COMMENT)],
                    by=tapem,
                )
    return submitted


def _fill(sheet: Sheet, operator: AbstractBaseUser, rng: random.Random) -> None:
    cells = sheet_cells(sheet)
    stored = {(e.indicator_id, e.part) for e in sheet.entries.all()}
    answers = _team_choices(sheet)
    values = []
    claimed = False
    for cell in cells:
        if cell.is_file or (cell.indicator_id, cell.part) in stored:
            continue
        item = {"indicator": cell.name, "part": cell.part}
        if cell.is_text:
            item["text"] = _description(cell, sheet, rng)
        elif cell.kind == IndicatorKind.CAPAIAN:
            item["value"] = "100" if cell.part == "target" else str(rng.randint(62, 112))
        elif cell.rule is not None and cell.rule.choice:
            option = answers.get(cell.indicator_id) or cell.rule.options[0]
            if not claimed and cell.rule.options.index(option) > 0:
                # Claimed one option better than the evaluators gave: they changed it.
                option = cell.rule.options[cell.rule.options.index(option) - 1]
                claimed = True
            item["option"] = option
        else:
            continue
        values.append(item)
    sheet_write(
        sheet=sheet,
        expected_version=sheet.version,
        values=values,
        by=operator,
        via=ValueChange.Via.FORM,
        key=uuid.uuid4().hex,
    )
    files = {}
    seen: set[int] = set()
    for cell in cells:
        if cell.indicator_id in seen or not cell.evidence_required:
            continue
        seen.add(cell.indicator_id)
        files[cell.indicator_id] = inspect_evidence(
            _pdf(f"{sheet.kecamatan.name} {cell.name}"), name=_file_name(cell, sheet)
        )
    if files:
        evidence_attach(sheet=sheet, files=files, by=operator)


def _team_choices(sheet: Sheet) -> dict[int, str]:
    """{indicator id: the option most members of the stage's team chose} for this
    kecamatan; ties go to the better option (the earlier code)."""
    chosen: dict[int, Counter[str]] = {}
    for indicator_id, code in ScoreEntry.objects.filter(
        period_id=sheet.period_id,
        kecamatan_id=sheet.kecamatan_id,
        assessor__isnull=False,
        indicator__aspect__stage_id=sheet.stage_id,
        indicator__kecamatan_answers=True,
    ).values_list("indicator_id", "option_code"):
        chosen.setdefault(indicator_id, Counter())[code] += 1
    return {
        indicator_id: min(counts, key=lambda code: (-counts[code], code))
        for indicator_id, counts in chosen.items()
    }


_OPENINGS = (
    "Sepanjang tahun {year} Kecamatan {kecamatan}",
    "Pada tahun {year} Kecamatan {kecamatan}",
    "Selama tahun {year} jajaran Kecamatan {kecamatan}",
)
_FINDINGS = (
    "melaksanakan seluruh kegiatan yang direncanakan; rinciannya pada data dukung.",
    "mencapai target yang ditetapkan dalam Perjanjian Kinerja; buktinya terlampir.",
    "menindaklanjuti rekomendasi rapat koordinasi dan mencatat hasilnya setiap triwulan.",
    "melibatkan desa/kelurahan, PKK dan tokoh masyarakat; daftar hadir terlampir.",
)


def _description(cell: SheetCell, sheet: Sheet, rng: random.Random) -> str:
    opening = rng.choice(_OPENINGS).format(
        year=sheet.period.year_evaluated or "lalu", kecamatan=sheet.kecamatan.name
    )
    return f"{opening} {rng.choice(_FINDINGS)}"


def _file_name(cell: SheetCell, sheet: Sheet) -> str:
    if cell.is_file:
        return f"{cell.code.lower()}-{sheet.kecamatan.slug}.pdf"
    return f"data-dukung-{cell.name.replace('/', '-').lower()}-{sheet.kecamatan.slug}.pdf"


def _pdf(text: str) -> bytes:
    """A one-line PDF (the demo's stand-in for a scanned document)."""
    safe = text.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 720 Td (" + safe + b") Tj ET"
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length " + str(len(stream)).encode() + b">>stream\n" + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += str(number).encode() + b" 0 obj" + obj + b"endobj\n"
    xref = len(body)
    body += b"xref\n0 " + str(len(objects) + 1).encode() + b"\n0000000000 65535 f \n"
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer<</Size " + str(len(objects) + 1).encode() + b"/Root 1 0 R>>\n"
    body += b"startxref\n" + str(xref).encode() + b"\n%%EOF\n"
    return body
