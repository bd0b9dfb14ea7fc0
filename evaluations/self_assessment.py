"""The kecamatan's own sheet (penilaian mandiri): evidence files, Tapem's verification,
return for repair, acceptance and "tidak dinilai".

Values are written by `evaluations.sheets` like every other sheet's; this module adds what
only a kecamatan's sheet has. Every state move goes through `transition_apply` with
`KECAMATAN_SHEET` (who, when, why); evidence, repair requests and per-indicator reviews are
insert-only records. Callers have already fetched the sheet through the access functions.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from config.uploads import (
    EvidenceRejected,
    InspectedFile,
    evidence_type_refusal,
    inspect_evidence,
)
from evaluations.access import PeriodAction, period_refusal
from evaluations.models import (
    Evidence,
    HandOver,
    IndicatorReview,
    Participation,
    Period,
    RepairRequest,
    Sheet,
    StageDeadline,
    TeamMember,
)
from evaluations.notices import notify_accepted, notify_returned
from evaluations.sheets import (
    KECAMATAN_SHEET,
    SheetCell,
    SheetRefused,
    sheet_cells,
    sheet_write_refusal,
)
from instruments.models import Stage
from regions import formatting
from regions.people import person_name
from regions.transitions import TransitionRefused, transition_apply
from regions.workdays import deadline_after
from scoring import formulas
from scoring.rounding import in_band
from scoring.rules import CAPAIAN_PARTS, IndicatorKind, Polarity
from scoring.structures import BandSpec

# Pasal 8(5) Perbup Banggai 49/2022: what the results print for a kecamatan whose form is
# still incomplete after repair.
DISQUALIFICATION_REASON = "tidak dilakukan penilaian dan tidak mendapatkan bobot nilai"


class NotAKecamatanSheet(Exception):
    """The sheet is a team member's: it has no evidence, review or repair."""


def _locked(sheet: Sheet) -> Sheet:
    return (
        Sheet.objects.select_for_update(of=("self",))
        .select_related("period__region", "stage", "kecamatan")
        .get(pk=sheet.pk)
    )


def _ensure_period_open(sheet: Sheet) -> None:
    refusal = period_refusal(period=sheet.period, action=PeriodAction.ENTER_VALUES)
    if refusal is not None:
        raise ReviewRefused(409, "period_not_open", refusal)


# ---------------------------------------------------------------- evidence


def evidence_current(*, sheet: Sheet) -> dict[int, Evidence]:
    """{indicator id: the current evidence file} of a kecamatan's sheet (one query)."""
    return {
        evidence.indicator_id: evidence
        for evidence in Evidence.objects.filter(sheet=sheet, replaced_by__isnull=True)
    }


def evidence_history(*, sheet: Sheet) -> QuerySet[Evidence]:
    """Every file ever uploaded to the sheet, oldest first, with who uploaded it."""
    return Evidence.objects.filter(sheet=sheet).select_related("uploaded_by", "indicator")


def _cell_for(cells: Sequence[SheetCell], code: str) -> SheetCell:
    """The first cell of the indicator `code` names: its code as the sheet API writes it, or
    `<aspect>/<code>` where a stage repeats a code in several aspects (Banggai's ten
    "uraian"); an ambiguous bare code is refused rather than guessed."""
    code = (code or "").strip()
    aspect, slash, bare = code.rpartition("/")

    def matches(cell: SheetCell, folded: bool) -> bool:
        same = (lambda a, b: a.casefold() == b.casefold()) if folded else (lambda a, b: a == b)
        if slash:
            return same(cell.aspect_code, aspect) and same(cell.code, bare)
        return same(cell.code, code)

    for folded in (False, True):
        found: dict[int, SheetCell] = {}
        for cell in cells:
            if matches(cell, folded):
                found.setdefault(cell.indicator_id, cell)  # an indicator's first cell
        if len(found) > 1:
            first = next(iter(found.values()))
            raise EvidenceRejected(
                _(
                    "Kode indikator %(code)s dipakai di beberapa aspek; sebut dengan aspeknya, "
                    "misalnya %(example)s."
                )
                % {"code": code, "example": f"{first.aspect_code}/{first.code}"}
            )
        if found:
            return next(iter(found.values()))
    raise EvidenceRejected(
        _("Lembar ini tidak memiliki indikator %(code)s.") % {"code": code or "—"}
    )


def indicator_name(cells: Sequence[SheetCell], indicator_id: int) -> str:
    """How the API names an indicator of these cells (`SheetCell.name`)."""
    return next(c.name for c in cells if c.indicator_id == indicator_id)


def evidence_upload(
    *, sheet: Sheet, indicator_code: str, upload: object, name: str = "", by: AbstractBaseUser
) -> Evidence:
    """Store `upload` as the current evidence of one indicator of a kecamatan's sheet.

    Raises EvidenceRejected (422; EvidenceTooLarge 413) for a refused file or an unknown
    indicator, SheetRefused (403) when the sheet may not be changed now (submitted,
    accepted, the period not open). Uploading the very file that is current again stores
    nothing and returns the current record, so a retry is harmless.
    """
    if not sheet.is_kecamatan_sheet:
        raise NotAKecamatanSheet
    inspected = inspect_evidence(upload, name=name)  # before any lock: it reads the bytes
    cell = _cell_for(sheet_cells(sheet), indicator_code)
    return evidence_attach(sheet=sheet, files={cell.indicator_id: inspected}, by=by)[0]


def evidence_attach(
    *, sheet: Sheet, files: Mapping[int, InspectedFile], by: AbstractBaseUser
) -> list[Evidence]:
    """Store checked files ({indicator id: file}, see `config.uploads.inspect_evidence`) as
    the current evidence of their indicators, all or none. Raises SheetRefused (403) when
    the sheet may not be changed now, EvidenceRejected for an indicator not on the sheet."""
    if not sheet.is_kecamatan_sheet:
        raise NotAKecamatanSheet
    with transaction.atomic():
        locked = _locked(sheet)
        refusal = sheet_write_refusal(sheet=locked, user=by)
        if refusal is not None:
            raise SheetRefused(refusal.code, refusal.message)
        on_sheet = {cell.indicator_id: cell for cell in sheet_cells(locked)}
        if set(files) - set(on_sheet):
            raise EvidenceRejected(_("Lembar ini tidak memiliki indikator tersebut."))
        for indicator_id, file in files.items():
            refused = evidence_type_refusal(file, on_sheet[indicator_id].evidence_types)
            if refused is not None:  # the set allows fewer types here (a proposal: PDF)
                raise EvidenceRejected(refused)
        return [
            _evidence_store(sheet=locked, indicator_id=indicator_id, file=file, by=by)
            for indicator_id, file in files.items()
        ]


def _evidence_store(
    *, sheet: Sheet, indicator_id: int, file: InspectedFile, by: AbstractBaseUser
) -> Evidence:
    digest = hashlib.sha256(file.data).hexdigest()
    current = Evidence.objects.filter(
        sheet=sheet, indicator_id=indicator_id, replaced_by__isnull=True
    ).first()
    if current is not None and current.sha256 == digest:
        return current
    # The stored name says nothing of the uploaded one: region, sheet, random, type.
    stored_name = f"evidence/{sheet.period.region.slug}/{sheet.pk}/{uuid.uuid4().hex}"
    stored_name += file.extension
    stored_name = storages["private"].save(stored_name, ContentFile(file.data))
    return Evidence.objects.create(
        sheet=sheet,
        indicator_id=indicator_id,
        original_name=file.display_name,
        stored_name=stored_name,
        size=len(file.data),
        sha256=digest,
        content_type=file.content_type,
        replaces=current,
        uploaded_by=by,
        uploaded_at=timezone.now(),
    )


# ---------------------------------------------------------------- verification


@dataclass(frozen=True)
class ReviewItem:
    indicator: str  # the indicator code, as the sheet API names it
    comment: str


class ReviewRefused(Exception):
    """Nothing changed; `status` (409 a state that refuses, 422 bad input) and `code` are
    what the API answers, `message` says why in Indonesian."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _refuse_move(error: TransitionRefused) -> ReviewRefused:
    messages = getattr(error, "message_dict", None)
    text = "; ".join(m for ms in messages.values() for m in ms) if messages else error.messages[0]
    return ReviewRefused(409, "state_conflict", text)


def repair_deadline(*, sheet: Sheet, start: datetime) -> datetime | None:
    """The end of the last repair day (Asia/Jakarta) counted from the day after `start`:
    the period's repair days for the stage, else the set's (Banggai Pasal 8(2): 2 days, in
    working days by Pasal 1 angka 9); None when neither gives any."""
    deadline = StageDeadline.objects.filter(period_id=sheet.period_id, stage_id=sheet.stage_id)
    days = deadline.values_list("repair_days", flat=True).first()
    stage = Stage.objects.select_related("instrument_set").get(pk=sheet.stage_id)
    if days is None:
        days = stage.repair_days
    if days is None:
        return None
    return deadline_after(start, days, working=stage.instrument_set.working_days)


def indicator_review(
    *, sheet: Sheet, indicator_code: str, verdict: str, comment: str, by: AbstractBaseUser
) -> IndicatorReview:
    """Record Tapem's verdict on one indicator of a submitted sheet (a comment is needed
    for "needs repair")."""
    if not sheet.is_kecamatan_sheet:
        raise NotAKecamatanSheet
    comment = comment.strip()
    if verdict not in IndicatorReview.Verdict.values:
        raise ReviewRefused(422, "invalid", _("Pilih Sesuai atau Perlu perbaikan."))
    if verdict == IndicatorReview.Verdict.NEEDS_REPAIR and not comment:
        raise ReviewRefused(
            422, "invalid", _("Tuliskan apa yang harus diperbaiki pada indikator ini.")
        )
    with transaction.atomic():
        locked = _locked(sheet)
        _ensure_period_open(locked)
        if locked.state != Sheet.State.SUBMITTED:
            raise ReviewRefused(
                409,
                "state_conflict",
                _("Lembar berstatus %(state)s; hanya lembar yang diajukan dapat diverifikasi.")
                % {"state": locked.get_state_display()},
            )
        try:
            cell = _cell_for(sheet_cells(locked), indicator_code)
        except EvidenceRejected as error:
            raise ReviewRefused(422, "invalid", error.message) from None
        return IndicatorReview.objects.create(
            sheet=locked,
            indicator_id=cell.indicator_id,
            verdict=verdict,
            comment=comment,
            by=by,
            at=timezone.now(),
        )


def sheet_return(
    *, sheet: Sheet, reason: str, items: Sequence[ReviewItem], by: AbstractBaseUser
) -> RepairRequest:
    """Send a submitted sheet back for repair: the reason, one "needs repair" comment per
    listed indicator, and the repair deadline from the stage's repair days."""
    if not sheet.is_kecamatan_sheet:
        raise NotAKecamatanSheet
    reason = reason.strip()
    if not reason:
        raise ReviewRefused(
            422, "invalid", _("Tuliskan alasan pengembalian; operator kecamatan membacanya.")
        )
    with transaction.atomic():
        locked = _locked(sheet)
        _ensure_period_open(locked)
        cells = sheet_cells(locked)
        try:
            listed = [(_cell_for(cells, item.indicator), item.comment.strip()) for item in items]
        except EvidenceRejected as error:
            raise ReviewRefused(422, "invalid", error.message) from None
        try:
            transition_apply(
                obj=locked,
                machine=KECAMATAN_SHEET,
                to=Sheet.State.RETURNED,
                by=by,
                region=locked.period.region,
                reason=reason,
            )
        except TransitionRefused as error:
            raise _refuse_move(error) from None
        now = timezone.now()
        request = RepairRequest.objects.create(
            sheet=locked,
            reason=reason,
            repair_by=repair_deadline(sheet=locked, start=now),
            by=by,
            at=now,
        )
        IndicatorReview.objects.bulk_create(
            IndicatorReview(
                sheet=locked,
                indicator_id=cell.indicator_id,
                verdict=IndicatorReview.Verdict.NEEDS_REPAIR,
                comment=comment or reason,
                repair_request=request,
                by=by,
                at=now,
            )
            for cell, comment in listed
        )
        Sheet.objects.filter(pk=locked.pk).update(version=F("version") + 1)
        notify_returned(sheet=locked, request=request)
    sheet.state = Sheet.State.RETURNED
    sheet.refresh_from_db(fields=["version"])
    return request


def sheet_accept(*, sheet: Sheet, by: AbstractBaseUser) -> Sheet:
    """Accept a submitted sheet: complete, on to the Penilai Kinerja Mandiri."""
    with transaction.atomic():
        moved = _move(sheet=sheet, to=Sheet.State.ACCEPTED, by=by)
        notify_accepted(sheet=moved)
    return moved


def sheet_disqualify(*, sheet: Sheet, reason: str, by: AbstractBaseUser) -> Sheet:
    """Tapem confirms the form stayed incomplete (Banggai Pasal 8(5)): the sheet becomes
    "tidak dinilai" and so does the kecamatan's participation in the period, with the
    reason the results print. The engine leaves it out of the ranking; values stay."""
    reason = reason.strip() or DISQUALIFICATION_REASON
    with transaction.atomic():
        moved = _move(sheet=sheet, to=Sheet.State.DISQUALIFIED, by=by, reason=reason)
        Participation.objects.filter(
            period_id=sheet.period_id, kecamatan_id=sheet.kecamatan_id
        ).update(disqualified=True, disqualification_reason=reason)
    return moved


def _move(*, sheet: Sheet, to: str, by: AbstractBaseUser, reason: str = "") -> Sheet:
    if not sheet.is_kecamatan_sheet:
        raise NotAKecamatanSheet
    with transaction.atomic():
        locked = _locked(sheet)
        _ensure_period_open(locked)
        try:
            transition_apply(
                obj=locked,
                machine=KECAMATAN_SHEET,
                to=to,
                by=by,
                region=locked.period.region,
                reason=reason,
            )
        except TransitionRefused as error:
            raise _refuse_move(error) from None
        Sheet.objects.filter(pk=locked.pk).update(version=F("version") + 1)
    sheet.state = to
    sheet.refresh_from_db(fields=["version"])
    return sheet


# ---------------------------------------------------------------- what the operator reads


@dataclass(frozen=True)
class OpenRepair:
    """The latest return of a sheet still being repaired: why, by when, what per indicator."""

    request: RepairRequest
    comments: dict[int, str]  # indicator id → what to fix


def sheet_open_repair(*, sheet: Sheet) -> OpenRepair | None:
    """The repair request the operator is working on (the sheet is returned), or None."""
    if sheet.state != Sheet.State.RETURNED:
        return None
    request = (
        RepairRequest.objects.filter(sheet=sheet).select_related("by").order_by("-at", "-pk")
    ).first()
    if request is None:
        return None
    comments = {item.indicator_id: item.comment for item in request.items.all()}
    return OpenRepair(request, comments)


def sheet_reviews_latest(*, sheet: Sheet) -> dict[int, IndicatorReview]:
    """{indicator id: Tapem's latest verdict} (one query)."""
    latest: dict[int, IndicatorReview] = {}
    for review in IndicatorReview.objects.filter(sheet=sheet).order_by("at", "pk"):
        latest[review.indicator_id] = review
    return latest


def sheet_verify(
    *,
    sheet: Sheet,
    verdicts: Mapping[int, tuple[str, str]],
    decision: str = "",
    reason: str = "",
    by: AbstractBaseUser,
) -> Sheet:
    """Tapem's verification page in one step: record the verdicts ({indicator id: (verdict,
    comment)}; unchanged ones are not recorded again), then, when `decision` is "return",
    send the sheet back with every "needs repair" indicator and its comment, or when it is
    "accept", accept it. All or nothing; raises ReviewRefused."""
    if decision not in ("", "return", "accept"):
        raise ReviewRefused(422, "invalid", _("Keputusan tidak dikenal."))
    with transaction.atomic():
        locked = _locked(sheet)
        _ensure_period_open(locked)
        if locked.state != Sheet.State.SUBMITTED:
            raise ReviewRefused(
                409,
                "state_conflict",
                _("Lembar berstatus %(state)s; hanya lembar yang diajukan dapat diverifikasi.")
                % {"state": locked.get_state_display()},
            )
        latest = sheet_reviews_latest(sheet=sheet)
        cells = sheet_cells(sheet)
        on_sheet = {cell.indicator_id for cell in cells}
        repair_items = []
        for indicator_id, (verdict, comment) in verdicts.items():
            if not verdict or indicator_id not in on_sheet:
                continue
            name = indicator_name(cells, indicator_id)
            if decision == "return" and verdict == IndicatorReview.Verdict.NEEDS_REPAIR:
                if not comment.strip():
                    raise ReviewRefused(
                        422,
                        "invalid",
                        _("Tuliskan apa yang harus diperbaiki pada indikator %(code)s.")
                        % {"code": name},
                    )
                repair_items.append(ReviewItem(name, comment))  # recorded with the return
                continue
            before = latest.get(indicator_id)
            if before is not None and (before.verdict, before.comment) == (
                verdict,
                comment.strip(),
            ):
                continue
            indicator_review(
                sheet=sheet, indicator_code=name, verdict=verdict, comment=comment, by=by
            )
        if decision == "return":
            if not repair_items and not reason.strip():
                raise ReviewRefused(
                    422,
                    "invalid",
                    _("Tandai indikator yang perlu diperbaiki atau tuliskan alasannya."),
                )
            sheet_return(
                sheet=sheet,
                reason=reason.strip() or _("Ada indikator yang perlu diperbaiki."),
                items=repair_items,
                by=by,
            )
        elif decision == "accept":
            sheet_accept(sheet=sheet, by=by)
    return sheet


# ---------------------------------------------------------------- hand-over (Banggai Pasal 8)


def handover_record(
    *, period: Period, stage: Stage, to: AbstractBaseUser, by: AbstractBaseUser | None
) -> HandOver:
    """Hand every accepted self-assessment of `stage` not handed over yet to `to`, a member
    of the stage's team (the Penilai Kinerja Mandiri). Refused when none is waiting."""
    with transaction.atomic():
        period = Period.objects.select_for_update().get(pk=period.pk)
        if not TeamMember.objects.filter(period=period, stage=stage, user=to).exists():
            raise ValidationError(
                _("%(person)s tidak duduk di tim tahap %(stage)s.")
                % {"person": person_name(to), "stage": stage.name}
            )
        handed = {
            entry["id"]
            for handover in HandOver.objects.filter(period=period, stage=stage)
            for entry in handover.kecamatan
        }
        accepted = (
            Sheet.objects.filter(
                period=period, stage=stage, assessor__isnull=True, state=Sheet.State.ACCEPTED
            )
            .exclude(kecamatan_id__in=handed)
            .select_related("kecamatan")
            .order_by("kecamatan__name")
        )
        kecamatan = [{"id": s.kecamatan_id, "name": s.kecamatan.name} for s in accepted]
        if not kecamatan:
            raise ValidationError(
                _("Tidak ada isian diterima yang belum diserahkan pada tahap %(stage)s.")
                % {"stage": stage.name}
            )
        return HandOver.objects.create(
            period=period, stage=stage, kecamatan=kecamatan, to=to, by=by, at=timezone.now()
        )


# ---------------------------------------------------------------- what the next stage reads


@dataclass(frozen=True)
class CapaianReading:
    """A capaian as the form and the assessors read it: the percentage and its band."""

    value: Decimal | None  # None: target 0 or a figure missing
    label: str  # the band of the set's scale ("Baik"), "" without a scale or a value

    @property
    def shown(self) -> str:
        return "" if self.value is None else formatting.percent(self.value, 2)


def capaian_reading(
    *, target: Decimal | None, realisasi: Decimal | None, polarity: str, scale: object
) -> CapaianReading:
    """Capaian = realisasi / target × 100, or (target − (realisasi − target)) / target × 100
    when lower is better (LKjIP 004), read on the set's scale (`params["scale"]`, bounds
    inclusive unless said otherwise). static/js/capaian.js computes the same in the form."""
    if target is None or realisasi is None or target == 0:
        return CapaianReading(None, "")
    value = formulas.capaian(target, realisasi, Polarity(polarity or Polarity.HIGHER_IS_BETTER))
    label = ""
    for band in scale if isinstance(scale, list) else ():
        spec = BandSpec(
            label=str(band.get("label", "")),
            lower=None if band.get("lower") is None else Decimal(str(band["lower"])),
            lower_inclusive=bool(band.get("lower_inclusive", True)),
            upper=None if band.get("upper") is None else Decimal(str(band["upper"])),
            upper_inclusive=bool(band.get("upper_inclusive", True)),
        )
        if in_band(value, spec):
            label = spec.label
            break
    return CapaianReading(value, label)


@dataclass
class SubmittedItem:
    """One indicator of an accepted self-assessment, as the team reads it."""

    indicator_id: int
    name: str  # as the sheet API names it ("a/uraian")
    text: str
    group: str
    kind: str
    parts: list[tuple[str, str]]  # (label, the answer as typed); one ("", …) for one value
    files: list[Evidence]
    informational: bool = False
    capaian: CapaianReading | None = None


@dataclass(frozen=True)
class SubmittedAspect:
    code: str
    name: str
    items: list[SubmittedItem]


@dataclass(frozen=True)
class Submission:
    """A kecamatan's own sheet of one stage, as the assessors of that stage and the later
    ones see it beside their own sheet: its items only once Tapem has accepted it."""

    sheet: Sheet
    shown: bool  # accepted: the items are there
    filled: bool  # the kecamatan entered anything at all in the app
    aspects: list[SubmittedAspect]
    answers: dict[int, str]  # team indicator id → the kecamatan's option (prefill)


def submission_for(*, sheet: Sheet) -> list[Submission]:
    """The kecamatan's own sheets of the period for `sheet`'s kecamatan, of its stage and
    the stages before it, in stage order. Only an accepted sheet shows its answers,
    figures and files; a region that keeps its forms on paper has none filled, which the
    page says. The caller has checked that the user may see `sheet` (an assessor seated
    for it, or Tapem); its files are served by the access-checked evidence view."""
    own_sheets = (
        Sheet.objects.filter(
            period_id=sheet.period_id,
            kecamatan_id=sheet.kecamatan_id,
            assessor__isnull=True,
            stage__order__lte=sheet.stage.order,
        )
        .select_related("period", "stage", "kecamatan")
        .order_by("stage__order")
    )
    return [_submission(own) for own in own_sheets]


def _submitted_files(sheet: Sheet) -> dict[int, list[Evidence]]:
    """{indicator id: its current files}: the one place the panel reads evidence."""
    return {indicator_id: [file] for indicator_id, file in evidence_current(sheet=sheet).items()}


def _submission(sheet: Sheet) -> Submission:
    entries = {(e.indicator_id, e.part): e for e in sheet.entries.all()}
    accepted = sheet.state == Sheet.State.ACCEPTED
    files = _submitted_files(sheet) if accepted else {}
    filled = bool(entries) or bool(files) or sheet.state != Sheet.State.DRAFT
    if not accepted:
        return Submission(sheet, False, filled, [], {})
    cells = sheet_cells(sheet)
    names = {cell.aspect_code: cell.aspect_name for cell in cells}
    aspects: dict[str, SubmittedAspect] = {}
    items: dict[int, SubmittedItem] = {}
    answers: dict[int, str] = {}
    for cell in cells:
        entry = entries.get((cell.indicator_id, cell.part))
        item = items.get(cell.indicator_id)
        if item is None:
            item = items[cell.indicator_id] = SubmittedItem(
                indicator_id=cell.indicator_id,
                name=cell.name,
                text=cell.text,
                group=cell.group,
                kind=cell.kind,
                parts=[],
                files=files.get(cell.indicator_id, []),
                informational=cell.informational,
            )
            aspect = aspects.setdefault(
                cell.aspect_code, SubmittedAspect(cell.aspect_code, names[cell.aspect_code], [])
            )
            aspect.items.append(item)
        if cell.is_file:
            continue
        shown = _answer_shown(cell, entry)
        item.parts.append((cell.label, shown))
        if cell.kecamatan_answers and entry is not None and entry.option_code:
            answers[cell.indicator_id] = entry.option_code
    for item in items.values():
        if item.kind == IndicatorKind.CAPAIAN:
            cell = next(c for c in cells if c.indicator_id == item.indicator_id)
            figures = {
                part: entries[(item.indicator_id, part)].value
                for part in CAPAIAN_PARTS
                if (item.indicator_id, part) in entries
            }
            reading = capaian_reading(
                target=figures.get("target"),
                realisasi=figures.get("realisasi"),
                polarity=cell.polarity,
                scale=json.loads(cell.scale or "[]"),
            )
            item.capaian = reading
    return Submission(sheet, True, True, list(aspects.values()), answers)


def _answer_shown(cell: SheetCell, entry: Any) -> str:
    if entry is None:
        return ""
    if cell.is_text:
        return entry.text
    if entry.option_code:
        label = dict(cell.options).get(entry.option_code, "")
        return f"{entry.option_code}) {label}" if label else entry.option_code
    return formatting.number(entry.value) if entry.value is not None else ""
