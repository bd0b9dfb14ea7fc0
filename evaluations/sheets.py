"""Sheets: the one write model for forms, tablets, the API and workbook imports.

A sheet is what one hand enters for one kecamatan in one stage (see `Sheet`). Every value
is written here, whatever the path:

- `sheet_write` changes the cells of one sheet: it takes the version the writer last saw
  (a stale one is a conflict that returns the current values) and an idempotency key (a
  replay returns the first answer and writes nothing), validates each cell with the
  instrument's rule (`score_workbook.entry_rules`, the rule the template and the engine
  read), refuses a sheet that is final or a period that is not open, and appends one
  insert-only `ValueChange` per changed cell. An unchanged cell writes nothing. The same
  write may carry the member's notes on the sheet (`Sheet.notes`: same version, same key,
  same refusals; one insert-only `NoteChange` per change).
- `sheet_cells_apply` is the shared core (also used by the workbook import for many
  sheets at once): update in place, insert, or delete a cleared cell — never delete then
  insert — and raise each touched sheet's version.
- `sheet_submit` / state moves go through `regions.transitions.transition_apply`.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.uploads import EVIDENCE_TYPE_LABELS, evidence_types_allowed
from evaluations.access import (
    PeriodAction,
    assignment_refusal,
    period_refusal,
    recusal_reason,
)
from evaluations.models import (
    Evidence,
    MemberAssignment,
    NoteChange,
    Participation,
    Period,
    RepairRequest,
    ScoreEntry,
    Sheet,
    StageDeadline,
    TeamMember,
    ValueChange,
    WriteReceipt,
)
from evaluations.score_workbook import (
    CellRule,
    SheetCellError,
    cell_value,
    entry_rules,
    part_label,
)
from evaluations.scoring_input import indicator_spec
from instruments.models import Indicator, Option, Stage
from instruments.services import instrument_set_freeze
from regions.formatting import date_time, number
from regions.transitions import StateMachine, transition_apply
from scoring.rules import UNSCORED_KINDS, EnteredBy, IndicatorKind

TEAM_SHEET = StateMachine(
    field="state",
    moves={
        Sheet.State.DRAFT: frozenset({Sheet.State.FINAL}),
        # Tapem reopens a finalised sheet, with a reason (the tablet issue's live board).
        Sheet.State.FINAL: frozenset({Sheet.State.DRAFT}),
    },
    labels=dict(Sheet.State.choices),
    reason_required=frozenset({(Sheet.State.FINAL, Sheet.State.DRAFT)}),
)
KECAMATAN_SHEET = StateMachine(
    field="state",
    moves={
        Sheet.State.DRAFT: frozenset({Sheet.State.SUBMITTED, Sheet.State.DISQUALIFIED}),
        Sheet.State.SUBMITTED: frozenset(
            {Sheet.State.RETURNED, Sheet.State.ACCEPTED, Sheet.State.DISQUALIFIED}
        ),
        Sheet.State.RETURNED: frozenset({Sheet.State.SUBMITTED, Sheet.State.DISQUALIFIED}),
        Sheet.State.ACCEPTED: frozenset(),
        Sheet.State.DISQUALIFIED: frozenset(),
    },
    labels=dict(Sheet.State.choices),
    reason_required=frozenset(
        {
            (Sheet.State.SUBMITTED, Sheet.State.RETURNED),
            *(
                (state, Sheet.State.DISQUALIFIED)
                for state in (Sheet.State.DRAFT, Sheet.State.SUBMITTED, Sheet.State.RETURNED)
            ),
        }
    ),
)
# The states in which a sheet's values can change.
WRITABLE_STATES = frozenset({Sheet.State.DRAFT, Sheet.State.RETURNED})


def sheet_machine(sheet: Sheet) -> StateMachine:
    return KECAMATAN_SHEET if sheet.is_kecamatan_sheet else TEAM_SHEET


# ---------------------------------------------------------------- what a sheet holds


@dataclass(frozen=True)
class SheetCell:
    """One cell a sheet has: an indicator, or one part of a multi-part indicator."""

    indicator_id: int
    code: str  # the indicator code, as the template's `indikator` column (without part)
    part: str
    aspect_code: str
    text: str  # the question
    guidance: str
    kind: str
    rule: CellRule | None  # None: a free-text answer
    evidence_required: bool = False
    evidence_note: str = ""
    # How the API names the indicator: its code, or `<aspect>/<code>` where the stage uses
    # the code in several aspects (Banggai's stage 1 has "uraian" in all ten).
    name: str = ""
    label: str = ""  # the part as people read it, "Realisasi fisik 2025 (%)"; "" for one value
    # In an aspect that only breaks ties (Bekasi's indikator penunjang): scored when the Tim
    # uses it, never needed for the sheet to be complete (the engine's rule too).
    tie_only: bool = False
    # Filled for the sheet to be complete: not informational figures, not a file-only item
    # (its file is counted by `evidence_required`).
    required: bool = True
    informational: bool = False
    # A team indicator the kecamatan answers first (`Indicator.kecamatan_answers`).
    kecamatan_answers: bool = False
    options: tuple[tuple[str, str], ...] = ()  # a choice's (code, label), in order
    evidence_types: tuple[str, ...] = ()  # content types accepted as its evidence
    polarity: str = ""  # a capaian's
    scale: str = ""  # a capaian's scale (`params["scale"]`) as JSON, for the live reading
    group: str = ""
    aspect_name: str = ""

    @property
    def is_text(self) -> bool:
        return self.rule is None and self.kind != IndicatorKind.FILE

    @property
    def is_file(self) -> bool:
        return self.kind == IndicatorKind.FILE

    @property
    def is_capaian(self) -> bool:
        return self.kind == IndicatorKind.CAPAIAN

    @property
    def evidence_types_text(self) -> str:
        """The accepted file types as the form names them: "PDF" or "PDF, JPG, PNG, …"."""
        return ", ".join(EVIDENCE_TYPE_LABELS[t] for t in self.evidence_types)


def sheet_cells(sheet: Sheet) -> list[SheetCell]:
    """The cells of `sheet` in instrument order: the stage's indicators entered by the
    kecamatan (its own sheet) or by the team (a member's sheet). Two queries."""
    if sheet.is_kecamatan_sheet:
        # The kecamatan's own indicators, and the team's it answers first (Pekalongan K1).
        side = Q(entered_by=EnteredBy.KECAMATAN) | Q(kecamatan_answers=True)
    else:
        side = Q(entered_by=EnteredBy.TEAM)
    indicators = (
        Indicator.objects.filter(side, aspect__stage_id=sheet.stage_id)
        .select_related("aspect")
        .prefetch_related("options")
        .order_by("aspect__order", "aspect__pk", "order", "pk")
    )
    cells: list[SheetCell] = []
    year: int | None = None
    for indicator in indicators:
        spec = indicator_spec(indicator)
        common = {
            "indicator_id": indicator.pk,
            "code": indicator.code,
            "aspect_code": indicator.aspect.code,
            "aspect_name": indicator.aspect.name,
            "text": indicator.text,
            "guidance": indicator.guidance,
            "kind": indicator.kind,
            "evidence_required": indicator.evidence_required,
            "evidence_note": indicator.evidence_note,
            "tie_only": not indicator.aspect.counts_toward_total,
            "required": not indicator.informational and spec.kind != IndicatorKind.FILE,
            "informational": indicator.informational,
            "kecamatan_answers": indicator.kecamatan_answers,
            "options": tuple((o.code, o.label) for o in indicator.options.all()),
            "evidence_types": evidence_types_allowed(indicator.evidence_types),
            "polarity": str((indicator.params or {}).get("polarity") or ""),
            "scale": json.dumps((indicator.params or {}).get("scale") or []),
            "group": indicator.group,
        }
        if spec.kind in UNSCORED_KINDS:
            cells.append(SheetCell(part="", rule=None, **common))
        else:
            rules = entry_rules(spec)
            if year is None and any(rule.part for rule in rules):
                year = sheet.period.year_evaluated  # read only when a part needs it
            cells.extend(
                SheetCell(
                    part=rule.part, rule=rule, label=part_label(spec, rule.part, year), **common
                )
                for rule in rules
            )
    indicators_of: dict[str, set[int]] = {}
    for cell in cells:
        indicators_of.setdefault(cell.code, set()).add(cell.indicator_id)
    return [
        replace(
            cell,
            name=f"{cell.aspect_code}/{cell.code}"
            if len(indicators_of[cell.code]) > 1
            else cell.code,
        )
        for cell in cells
    ]


def _entries(sheet: Sheet) -> dict[tuple[int, str], ScoreEntry]:
    return {(entry.indicator_id, entry.part): entry for entry in sheet.entries.all()}


def sheet_as_data(
    sheet: Sheet, *, values: bool = True, cells: Sequence[SheetCell] | None = None
) -> dict[str, Any]:
    """The sheet as the JSON API shows it (also what a write's receipt stores). `cells`:
    the sheet's cells when the caller has read them already (`sheet_cells`)."""
    data: dict[str, Any] = {
        "id": sheet.pk,
        "stage": sheet.stage.code,
        "kecamatan": sheet.kecamatan.name,
        "assessor": sheet.assessor.username if sheet.assessor_id else None,
        "state": sheet.state,
        "version": sheet.version,
        "url": reverse(
            "sheet_edit",
            kwargs={
                "region": sheet.period.region.slug,
                "period": sheet.period.slug,
                "sheet": sheet.pk,
            },
        ),
    }
    if values:
        data["notes"] = sheet.notes
        stored = _entries(sheet)
        data["values"] = [
            _cell_data(cell, stored.get((cell.indicator_id, cell.part)))
            for cell in (sheet_cells(sheet) if cells is None else cells)
        ]
    return data


def _cell_data(cell: SheetCell, entry: ScoreEntry | None) -> dict[str, Any]:
    rule = cell.rule
    choice = bool(rule and rule.choice)
    return {
        "indicator": cell.name,
        "part": cell.part,
        "label": cell.label,
        "value": None
        if entry is None or choice or entry.value is None
        else plain_decimal(entry.value),
        "option": (entry.option_code or None) if entry is not None and choice else None,
        "text": entry.text if entry is not None else "",
        "min": None if rule is None or choice or rule.low is None else plain_decimal(rule.low),
        "max": None if rule is None or choice or rule.high is None else plain_decimal(rule.high),
        "integer_only": bool(rule and rule.integer_only),
        "options": list(rule.options) if choice else [],
    }


def plain_decimal(value: Decimal) -> str:
    """A decimal as the API writes it: "85.5", "100" (exact, no trailing zeros)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# ---------------------------------------------------------------- refusals


@dataclass(frozen=True)
class Refusal:
    code: str  # stable English identifier
    message: str  # Indonesian, for the person


def sheet_write_refusal(*, sheet: Sheet, user: AbstractBaseUser) -> Refusal | None:
    """Why `user` may not change `sheet`'s values now (they may see it), or None."""
    period_reason = period_refusal(period=sheet.period, action=PeriodAction.ENTER_VALUES)
    if period_reason is not None:
        return Refusal("period_not_open", period_reason)
    if sheet.state not in WRITABLE_STATES:
        return Refusal(
            f"sheet_{sheet.state}",
            _("Lembar ini berstatus %(state)s; nilainya tidak dapat diubah.")
            % {"state": sheet.get_state_display()},
        )
    participation = Participation.objects.filter(
        period_id=sheet.period_id, kecamatan_id=sheet.kecamatan_id
    ).first()
    if participation is None or participation.disqualified:
        return Refusal(
            "kecamatan_not_scored",
            _("Kecamatan %(kecamatan)s tidak dinilai; nilainya tidak dapat diubah.")
            % {"kecamatan": sheet.kecamatan},
        )
    if sheet.assessor_id is not None:
        unassigned = assignment_refusal(sheet=sheet)
        if unassigned is not None:
            return Refusal("not_assigned", unassigned)
    if sheet.assessor_id is not None and user.pk == sheet.assessor_id:
        recused = recusal_reason(sheet=sheet)
        if recused is not None:
            return Refusal("recused", recused)
        seated = TeamMember.objects.filter(
            period_id=sheet.period_id, stage_id=sheet.stage_id, user_id=user.pk
        ).exists()
        if not seated:
            return Refusal(
                "not_seated",
                _("Anda tidak lagi duduk di tim tahap ini; nilai tidak dapat diubah."),
            )
    return None


# ---------------------------------------------------------------- errors


class SheetWriteError(Exception):
    """Nothing was written; `status`, `code` and `payload` are what the API answers."""

    status = 400

    def __init__(self, code: str, message: str, **payload: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.payload = payload

    def as_data(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.payload}


class SheetRefused(SheetWriteError):
    status = 403


class SheetVersionConflict(SheetWriteError):
    status = 409


class SheetInvalid(SheetWriteError):
    status = 422


# ---------------------------------------------------------------- writing


@dataclass(frozen=True)
class CellChange:
    """A validated new content for one cell (`cleared`: remove the stored value)."""

    indicator_id: int
    part: str
    value: Decimal | None = None
    option_code: str = ""
    text: str = ""

    @property
    def cleared(self) -> bool:
        return self.value is None and not self.option_code and not self.text


@dataclass
class WriteOutcome:
    status: int
    data: dict[str, Any]
    replayed: bool = False
    changed: int = 0


@dataclass
class ApplyCounts:
    stored: int = 0  # cells created or changed
    cleared: int = 0  # stored values removed
    unchanged: int = 0  # equal to what was stored: nothing written

    @property
    def changed(self) -> int:
        return self.stored + self.cleared


def request_fingerprint(body: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a write's body: a reused key must carry it again."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def sheet_write(
    *,
    sheet: Sheet,
    expected_version: int,
    values: Sequence[Mapping[str, Any]],
    by: AbstractBaseUser,
    via: str,
    key: str = "",
    body_hash: str = "",
    notes: str | None = None,
) -> WriteOutcome:
    """Change the listed cells of `sheet` (only those), as one write. See the module doc.

    `values`: `{"indicator", "part", "value" | "option" | "text"}` each; null clears.
    `notes`: the member's new notes on the sheet (None: unchanged); only the member writes
    them (or Tapem storing the member's downloaded outbox, `via` import).
    Raises SheetRefused (403), SheetVersionConflict (409), SheetInvalid (422).
    """

    with transaction.atomic():
        # OF self: lock the sheet row only. Without it PostgreSQL refuses the outer join to
        # a nullable assessor, and would lock the joined period row too (every writer of the
        # period waiting on one row).
        locked = (
            Sheet.objects.select_for_update(of=("self",))
            .select_related("period__region", "stage", "kecamatan", "assessor")
            .get(pk=sheet.pk)
        )
        if key:
            # Looked up under the lock, so a retry sent while the first request still held
            # it gets the first answer, not a version conflict.
            receipt = WriteReceipt.objects.filter(user=by, key=key).first()
            if receipt is not None:
                return _replay(receipt, sheet, body_hash)
        refusal = sheet_write_refusal(sheet=locked, user=by)
        if refusal is not None:
            raise SheetRefused(refusal.code, refusal.message)
        if expected_version != locked.version:
            raise SheetVersionConflict(
                "version_conflict",
                _(
                    "Lembar ini sudah diubah di tempat lain (versi %(current)s, Anda mengubah "
                    "versi %(yours)s). Periksa nilai terbaru lalu simpan lagi."
                )
                % {"current": locked.version, "yours": expected_version},
                version=locked.version,
                values=sheet_as_data(locked)["values"],
                notes=locked.notes,
            )
        new_notes = _validated_notes(locked, notes, by=by, via=via)
        cells = sheet_cells(locked)
        changes = _validated(cells, values)
        counts = sheet_cells_apply(
            planned={locked.pk: changes}, by=by, via=via, key=key, sheets={locked.pk: locked}
        )
        changed = counts.changed
        if new_notes is not None and new_notes != locked.notes:
            _notes_apply(locked, new_notes, by=by, via=via, key=key, bump=not changed)
            locked.notes = new_notes
            changed += 1
        if changed:  # the row is locked: one more than what was read, as written above
            locked.version += 1
        outcome = WriteOutcome(200, sheet_as_data(locked, cells=cells), changed=changed)
        if key:
            try:
                with transaction.atomic():
                    WriteReceipt.objects.create(
                        user=by,
                        key=key,
                        sheet=locked,
                        request_hash=body_hash,
                        status=outcome.status,
                        response=outcome.data,
                    )
            except IntegrityError:  # the same key raced in: it won, this write must not
                raise SheetInvalid(
                    "idempotency_key_reused",
                    _("Kunci idempotensi ini sedang dipakai oleh permintaan lain."),
                ) from None
    sheet.version, sheet.state = locked.version, locked.state
    return outcome


def _replay(receipt: Any, sheet: Sheet, body_hash: str) -> WriteOutcome:
    if receipt.sheet_id != sheet.pk or (body_hash and receipt.request_hash != body_hash):
        raise SheetInvalid(
            "idempotency_key_reused",
            _(
                "Kunci idempotensi ini sudah dipakai untuk permintaan lain; kirim perubahan "
                "baru dengan kunci baru."
            ),
        )
    return WriteOutcome(receipt.status, receipt.response, replayed=True)


NOTES_MAX_CHARS = 10_000


def _validated_notes(sheet: Sheet, notes: Any, *, by: AbstractBaseUser, via: str) -> str | None:
    """The notes to store (stripped), None when the write leaves them alone; refuses notes
    on a kecamatan's sheet, by anyone but the member, and text that is not text."""
    if notes is None:
        return None
    if sheet.is_kecamatan_sheet:
        raise SheetInvalid(
            "invalid",
            _("Catatan hanya ada pada lembar anggota tim penilai."),
            errors=[
                {
                    "indicator": "",
                    "part": "",
                    "field": "notes",
                    "message": _("Tidak ada catatan pada lembar ini."),
                }
            ],
        )
    if by.pk != sheet.assessor_id and via != ValueChange.Via.IMPORT:
        raise SheetRefused(
            "notes_not_yours", _("Catatan lembar ini hanya dapat diubah oleh penilainya.")
        )
    if not isinstance(notes, str):
        message = _("Catatan harus berupa teks.")
    elif len(notes) > NOTES_MAX_CHARS:
        message = _("Catatan paling panjang %(n)s karakter.") % {"n": number(NOTES_MAX_CHARS)}
    else:
        return notes.strip()
    raise SheetInvalid(
        "invalid",
        _("Ada isian yang tidak dapat disimpan; tidak ada yang diubah."),
        errors=[{"indicator": "", "part": "", "field": "notes", "message": message}],
    )


def _notes_apply(
    sheet: Sheet, notes: str, *, by: AbstractBaseUser, via: str, key: str, bump: bool
) -> None:
    """Store the new notes with their history row; raise the version unless the cells of
    the same write already did."""
    now = timezone.now()
    NoteChange.objects.create(
        sheet=sheet,
        old_text=sheet.notes,
        new_text=notes,
        by=by,
        at=now,
        via=via,
        idempotency_key=key,
    )
    update: dict[str, Any] = {"notes": notes, "updated_at": now}
    if bump:
        update["version"] = F("version") + 1
    Sheet.objects.filter(pk=sheet.pk).update(**update)


def _validated(cells: Sequence[SheetCell], values: Sequence[Mapping[str, Any]]) -> list[CellChange]:
    by_key = {(cell.name, cell.part): cell for cell in cells}
    # `<aspect>/<code>` always names a cell, also where the code alone would do.
    by_key.update({(f"{cell.aspect_code}/{cell.code}", cell.part): cell for cell in cells})
    by_code_folded = {
        (name.casefold(), part.casefold()): cell for (name, part), cell in by_key.items()
    }
    errors: list[dict[str, str]] = []
    changes: dict[tuple[int, str], CellChange] = {}
    for item in values:
        code = str(item.get("indicator") or "").strip()
        part = str(item.get("part") or "").strip()
        cell = by_key.get((code, part)) or by_code_folded.get((code.casefold(), part.casefold()))
        where = {"indicator": code, "part": part}
        if cell is None:
            errors.append(
                {
                    **where,
                    "message": _("Lembar ini tidak memiliki sel %(cell)s.")
                    % {"cell": f"{code}:{part}" if part else code},
                }
            )
            continue
        if (cell.indicator_id, cell.part) in changes:
            errors.append({**where, "message": _("Sel ini disebut dua kali.")})
            continue
        try:
            changes[(cell.indicator_id, cell.part)] = _change(cell, item)
        except SheetCellError as error:
            errors.append({**where, "message": str(error)})
    if errors:
        raise SheetInvalid(
            "invalid",
            _("Ada isian yang tidak dapat disimpan; tidak ada yang diubah."),
            errors=errors,
        )
    return list(changes.values())


def _change(cell: SheetCell, item: Mapping[str, Any]) -> CellChange:
    if cell.is_file:
        if any(item.get(key) not in (None, "") for key in ("text", "value", "option")):
            raise SheetCellError(_("indikator ini hanya menerima berkas data dukung"))
        return CellChange(cell.indicator_id, cell.part)
    if cell.rule is None:
        text = item.get("text")
        if text is not None and not isinstance(text, str):
            raise SheetCellError(_("uraian harus berupa teks"))
        return CellChange(cell.indicator_id, cell.part, text=(text or "").strip())
    if cell.rule.choice:
        raw = item.get("option", item.get("value"))
    else:
        raw = item.get("value")
        if isinstance(raw, bool) or (raw is not None and not isinstance(raw, int | float | str)):
            raise SheetCellError(_("nilai harus berupa angka"))
    value, option = cell_value(raw, cell.rule, cell.code)
    return CellChange(cell.indicator_id, cell.part, value=value, option_code=option)


def sheet_cells_apply(
    *,
    planned: Mapping[int, Sequence[CellChange]],
    by: AbstractBaseUser | None,
    via: str,
    key: str = "",
    sheets: Mapping[int, Sheet],
) -> ApplyCounts:
    """Apply validated changes to sheets the caller has locked; count what happened.

    A changed value is updated in place (its history row keeps the old one), a new one is
    inserted, a cleared one deleted; a cell equal to what is stored writes nothing. Each
    sheet with a change gets version + 1. The first value of a period freezes its set.
    """
    now = timezone.now()
    sheet_ids = list(planned)
    stored: dict[tuple[int, int, str], ScoreEntry] = {}
    for start in range(0, len(sheet_ids), 500):
        for entry in ScoreEntry.objects.filter(sheet_id__in=sheet_ids[start : start + 500]):
            stored[(entry.sheet_id, entry.indicator_id, entry.part)] = entry
    new: list[ScoreEntry] = []
    updated: list[ScoreEntry] = []
    doomed: list[int] = []
    history: list[ValueChange] = []
    touched: set[int] = set()
    counts = ApplyCounts()
    option_scores = _option_scores(planned)
    for sheet_id, changes in planned.items():
        sheet = sheets[sheet_id]
        for change in changes:
            old = stored.get((sheet_id, change.indicator_id, change.part))
            value = (
                option_scores[(change.indicator_id, change.option_code)]
                if change.option_code
                else change.value
            )
            if (old is None and change.cleared) or (
                old is not None
                and (old.value, old.option_code, old.text)
                == (value, change.option_code, change.text)
            ):
                counts.unchanged += 1
                continue
            history.append(
                ValueChange(
                    sheet_id=sheet_id,
                    indicator_id=change.indicator_id,
                    part=change.part,
                    old_value=old.value if old else None,
                    new_value=None if change.cleared else value,
                    old_option=old.option_code if old else "",
                    new_option=change.option_code,
                    old_text=old.text if old else "",
                    new_text=change.text,
                    by=by,
                    at=now,
                    via=via,
                    idempotency_key=key,
                )
            )
            touched.add(sheet_id)
            if change.cleared:
                counts.cleared += 1
                doomed.append(old.pk)
            elif old is not None:
                counts.stored += 1
                old.value, old.option_code, old.text = value, change.option_code, change.text
                old.updated_by, old.updated_at = by, now
                updated.append(old)
            else:
                counts.stored += 1
                new.append(
                    ScoreEntry(
                        sheet_id=sheet_id,
                        period_id=sheet.period_id,
                        kecamatan_id=sheet.kecamatan_id,
                        assessor_id=sheet.assessor_id,
                        indicator_id=change.indicator_id,
                        part=change.part,
                        value=value,
                        option_code=change.option_code,
                        text=change.text,
                        updated_by=by,
                    )
                )
    for start in range(0, len(doomed), 2000):
        ScoreEntry.objects.filter(pk__in=doomed[start : start + 2000]).delete()
    _update_in_place(updated, by=by, at=now)
    ScoreEntry.objects.bulk_create(new, batch_size=2000)
    ValueChange.objects.bulk_create(history, batch_size=2000)
    if touched:
        Sheet.objects.filter(pk__in=touched).update(version=F("version") + 1, updated_at=now)
        _freeze_set_on_first_value(next(iter(sheets.values())).period, by)
    return counts


def _update_in_place(
    entries: Sequence[ScoreEntry], *, by: AbstractBaseUser | None, at: datetime
) -> None:
    """One UPDATE per distinct stored value, not Django's `bulk_update`.

    `bulk_update` writes one `CASE WHEN id = … THEN …` branch per row and field, which Django
    builds and resolves in Python: 6 of 8.5 s of a 4,960-row re-import in a profile. Scores
    take few distinct values (whole numbers, an option's score), so grouping the rows by what
    they become needs a handful of plain `UPDATE … WHERE id IN (…)` statements.
    """
    rows_by_content: dict[tuple[Decimal | None, str, str], list[int]] = defaultdict(list)
    for entry in entries:
        rows_by_content[(entry.value, entry.option_code, entry.text)].append(entry.pk)
    for (value, option_code, text), ids in rows_by_content.items():
        for start in range(0, len(ids), 2000):
            ScoreEntry.objects.filter(pk__in=ids[start : start + 2000]).update(
                value=value, option_code=option_code, text=text, updated_by=by, updated_at=at
            )


def _option_scores(planned: Mapping[int, Sequence[CellChange]]) -> dict[tuple[int, str], Decimal]:
    """A choice is stored as its option code, with the option's score alongside for reports
    and SQL sums (the engine reads the code)."""
    indicator_ids = {
        c.indicator_id for changes in planned.values() for c in changes if c.option_code
    }
    if not indicator_ids:
        return {}
    return {
        (indicator_id, code): score
        for indicator_id, code, score in Option.objects.filter(
            indicator_id__in=indicator_ids
        ).values_list("indicator_id", "code", "score")
    }


def _freeze_set_on_first_value(period: Period, by: AbstractBaseUser | None) -> None:
    instrument_set = period.instrument_set
    if not instrument_set.is_frozen:
        instrument_set_freeze(
            instrument_set=instrument_set,
            by=by,
            reason=_("Periode %(period)s memiliki nilai.") % {"period": period},
        )


# ---------------------------------------------------------------- which sheets exist


def sheets_sync(*, period: Period) -> int:
    """Make sure every sheet the period expects exists: each team seat × participant it is
    assigned (by default all) for the stages the team scores, and the kecamatan's own sheet
    for the stages it fills. Empty draft sheets no longer expected (a member left the team
    or was assigned other kecamatan) go. Returns the number created."""
    stage_entered: dict[int, set[str]] = {}
    for stage_id, entered_by, answered in (
        Indicator.objects.filter(aspect__stage__instrument_set_id=period.instrument_set_id)
        .values_list("aspect__stage_id", "entered_by", "kecamatan_answers")
        .distinct()
    ):
        stage_entered.setdefault(stage_id, set()).add(entered_by)
        if answered:  # the kecamatan answers a team indicator first: it has a sheet
            stage_entered[stage_id].add(EnteredBy.KECAMATAN)
    kecamatan_ids = list(
        Participation.objects.filter(period=period).values_list("kecamatan_id", flat=True)
    )
    seats: dict[int, list[int]] = {}
    for stage_id, user_id in TeamMember.objects.filter(period=period).values_list(
        "stage_id", "user_id"
    ):
        seats.setdefault(stage_id, []).append(user_id)
    assigned: dict[tuple[int, int], set[int]] = {}  # (stage, member) → kecamatan; none: all
    for stage_id, user_id, kecamatan_id in MemberAssignment.objects.filter(
        seat__period=period
    ).values_list("seat__stage_id", "seat__user_id", "kecamatan_id"):
        assigned.setdefault((stage_id, user_id), set()).add(kecamatan_id)
    expected: set[tuple[int, int, int | None]] = set()
    for stage_id, kinds in stage_entered.items():
        for kecamatan_id in kecamatan_ids:
            if EnteredBy.KECAMATAN in kinds:
                expected.add((stage_id, kecamatan_id, None))
            if EnteredBy.TEAM in kinds:
                expected.update(
                    (stage_id, kecamatan_id, user)
                    for user in seats.get(stage_id, ())
                    if kecamatan_id in assigned.get((stage_id, user), (kecamatan_id,))
                )
    existing = {
        (stage_id, kecamatan_id, assessor_id): (pk, version)
        for pk, stage_id, kecamatan_id, assessor_id, version in Sheet.objects.filter(
            period=period
        ).values_list("pk", "stage_id", "kecamatan_id", "assessor_id", "version")
    }
    missing = [key for key in expected if key not in existing]
    Sheet.objects.bulk_create(
        [
            Sheet(period=period, stage_id=stage_id, kecamatan_id=kecamatan_id, assessor_id=user)
            for stage_id, kecamatan_id, user in missing
        ],
        batch_size=2000,
    )
    unused = [pk for key, (pk, version) in existing.items() if key not in expected and version == 0]
    if unused:
        # A sheet holding values or evidence files (both records) stays.
        Sheet.objects.filter(pk__in=unused, version=0, state=Sheet.State.DRAFT).exclude(
            entries__isnull=False
        ).exclude(evidence__isnull=False).delete()
    return len(missing)


def sheet_get_or_create(
    *, period: Period, stage: Stage, kecamatan_id: int, assessor_id: int | None
) -> Sheet:
    sheet, _created = Sheet.objects.get_or_create(
        period=period, stage=stage, kecamatan_id=kecamatan_id, assessor_id=assessor_id
    )
    return sheet


# ---------------------------------------------------------------- state


def sheet_missing_cells(sheet: Sheet) -> list[SheetCell]:
    """The cells of `sheet` still empty (a sheet is complete only when none is). Cells of
    an aspect that only breaks ties may stay empty: the Tim fills them when it uses them."""
    stored = _entries(sheet)
    return [
        cell
        for cell in sheet_cells(sheet)
        if cell.required
        and not cell.tie_only
        and (
            (entry := stored.get((cell.indicator_id, cell.part))) is None
            or (cell.is_text and not entry.text)
        )
    ]


def sheet_missing_evidence(sheet: Sheet) -> list[SheetCell]:
    """The indicators of a kecamatan's sheet that require evidence and have no current file
    (one cell per indicator, its first)."""
    if not sheet.is_kecamatan_sheet:
        return []
    have = set(
        Evidence.objects.current().filter(sheet=sheet).values_list("indicator_id", flat=True)
    )
    seen: set[int] = set()
    missing = []
    for cell in sheet_cells(sheet):
        if cell.evidence_required and cell.indicator_id not in have | seen:
            missing.append(cell)
        seen.add(cell.indicator_id)
    return missing


def sheet_due(sheet: Sheet) -> datetime | None:
    """When the kecamatan must (re)submit: the repair deadline of the latest return while the
    sheet is returned, otherwise the period's submission deadline for the stage."""
    if sheet.state == Sheet.State.RETURNED:
        latest = RepairRequest.objects.filter(sheet=sheet).order_by("-at", "-pk").first()
        if latest is not None:
            return latest.repair_by
    return (
        StageDeadline.objects.filter(period_id=sheet.period_id, stage_id=sheet.stage_id)
        .values_list("submit_by", flat=True)
        .first()
    )


def sheet_submit_late(*, sheet: Sheet) -> str | None:
    """Why a kecamatan's sheet may no longer be submitted (its deadline passed), or None.
    The draft stays as it is; Tapem decides what follows."""
    due = sheet_due(sheet)
    if due is None or timezone.now() <= due:
        return None
    return _(
        "Batas waktu pengajuan sudah lewat (%(due)s); lembar tidak dapat diajukan lagi. Isian "
        "Anda tetap tersimpan; hubungi Admin Tapem."
    ) % {"due": date_time(due)}


def sheet_submit(*, sheet: Sheet, expected_version: int, by: AbstractBaseUser) -> WriteOutcome:
    """Finalise a member's sheet or submit the kecamatan's: every cell filled, the version
    the writer saw. Locks the sheet; raises SheetRefused, SheetVersionConflict or
    SheetInvalid ("incomplete", listing what is missing)."""
    with transaction.atomic():
        locked = (
            Sheet.objects.select_for_update(of=("self",))
            .select_related("period__region", "stage", "kecamatan", "assessor")
            .get(pk=sheet.pk)
        )
        refusal = sheet_write_refusal(sheet=locked, user=by)
        if refusal is not None:
            raise SheetRefused(refusal.code, refusal.message)
        if expected_version != locked.version:
            raise SheetVersionConflict(
                "version_conflict",
                _("Lembar ini sudah diubah di tempat lain; periksa nilai terbaru lebih dulu."),
                version=locked.version,
                values=sheet_as_data(locked)["values"],
                notes=locked.notes,
            )
        if locked.is_kecamatan_sheet:
            late = sheet_submit_late(sheet=locked)
            if late is not None:
                raise SheetRefused("deadline_passed", late)
        errors = [
            {
                "indicator": cell.name,
                "part": cell.part,
                "message": _("%(text)s belum diisi.") % {"text": cell.text or cell.code},
            }
            for cell in sheet_missing_cells(locked)
        ]
        if locked.is_kecamatan_sheet:
            errors += [
                {
                    "indicator": cell.name,
                    "part": "",
                    "message": _("Data dukung %(code)s belum diunggah.") % {"code": cell.name},
                }
                for cell in sheet_missing_evidence(locked)
            ]
        if errors:
            raise SheetInvalid(
                "incomplete",
                _("Lembar belum lengkap: %(n)s isian masih kosong.") % {"n": len(errors)},
                errors=errors,
            )
        target = Sheet.State.SUBMITTED if locked.is_kecamatan_sheet else Sheet.State.FINAL
        transition_apply(
            obj=locked, machine=sheet_machine(locked), to=target, by=by, region=locked.period.region
        )
        Sheet.objects.filter(pk=locked.pk).update(version=F("version") + 1)
        locked.refresh_from_db(fields=["version", "state"])
    sheet.state, sheet.version = locked.state, locked.version
    return WriteOutcome(200, sheet_as_data(locked))
