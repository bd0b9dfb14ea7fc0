"""The input of one run read and checked: participants, teams, entries grouped into sheets
keyed (stage, kecamatan, assessor), and the sums given instead of entries.

Entries are grouped in one pass; every sheet is then read by key, so the work stays linear in
the number of entries. Anything that contradicts the instrument raises `ValueError`: the
import refuses all of it, so it signals a bug, not data to be repaired silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from scoring.compiled import CompiledStage, Key
from scoring.messages import Message
from scoring.rules import AbsenceKind, EnteredBy
from scoring.structures import (
    Absence,
    Entry,
    ExpectedMembers,
    InstrumentSpec,
    Participant,
    ResultStatus,
    ScoringInput,
    StageResult,
    StageSums,
    SumColumn,
)

Sheet = dict[Key, Entry]
SheetKey = tuple[str, str, str | None]  # (stage, kecamatan, assessor; None: the kecamatan)
Sums = tuple[tuple[int, ...], tuple[Decimal, ...]]  # a sheet's (counts, totals) by column


class Track:
    """What the engine knows about one participant while it walks the stages."""

    __slots__ = ("active", "cut_reason", "notes", "participant", "stages", "status")

    def __init__(self, participant: Participant) -> None:
        self.participant = participant
        self.stages: list[StageResult] = []
        self.notes: list[Message] = []
        self.active = not participant.disqualified
        self.status: ResultStatus | None = None  # decided by a shortlist cut
        self.cut_reason = ""

    def stage(self, code: str) -> StageResult | None:
        return next((s for s in self.stages if s.code == code), None)


def read_tracks(participants: Sequence[Participant]) -> dict[str, Track]:
    """One track per participant, in name order (the order of every listing)."""
    tracks: dict[str, Track] = {}
    for participant in sorted(participants, key=lambda p: (p.name, p.key)):
        if participant.key in tracks:
            raise ValueError(f"Kecamatan {participant.key!r} tercantum dua kali.")
        tracks[participant.key] = Track(participant)
    return tracks


def read_teams(
    spec: InstrumentSpec, teams: Sequence[tuple[str, Sequence[str]]]
) -> dict[str, tuple[str, ...]]:
    known = {stage.code for stage in spec.stages}
    result: dict[str, tuple[str, ...]] = {}
    for stage_code, members in teams:
        if stage_code not in known:
            raise ValueError(f"Tim untuk tahap {stage_code!r} yang tidak dikenal.")
        if stage_code in result:
            raise ValueError(f"Tim tahap {stage_code!r} tercantum dua kali.")
        result[stage_code] = tuple(members)
    return result


class Inputs:
    """The entries as sheets and the sums by sheet, checked against the compiled stages."""

    __slots__ = (
        "absences", "entered", "expected", "sheets", "stages", "sums", "tracks", "valued_sums",
    )  # fmt: skip

    def __init__(
        self,
        data: ScoringInput,
        stages: tuple[CompiledStage, ...],
        teams: dict[str, tuple[str, ...]],
        tracks: dict[str, Track],
        *,
        trace: bool,
    ) -> None:
        self.stages = stages
        self.tracks = tracks
        self.sheets = self._group(data.entries, teams)
        self.valued_sums: set[SheetKey] = set()  # sheets with a summed value
        self.sums = self._group_sums(data.sums, teams, trace)
        self.entered = {(stage, participant) for stage, participant, _ in self.sheets}
        self.entered.update((stage, participant) for stage, participant, _ in self.sums)
        self.absences = self._group_absences(data.absences, teams)
        self.expected = self._group_expected(data.expected, teams)

    def members(self, stage: CompiledStage, participant_key: str) -> tuple[str, ...]:
        """The members expected to score `participant_key` in `stage`: the whole team
        unless Tapem assigned part of it (in team order either way)."""
        expected = self.expected
        if not expected:
            return stage.members
        return expected.get((stage.code, participant_key), stage.members)

    def _group_expected(
        self, expected: Sequence[ExpectedMembers], teams: dict[str, tuple[str, ...]]
    ) -> dict[tuple[str, str], tuple[str, ...]]:
        """Each kecamatan's expected members, keyed (stage, kecamatan), in team order; only
        members seated on the stage's team, once per kecamatan and stage."""
        stages = {stage.code: stage for stage in self.stages}
        result: dict[tuple[str, str], tuple[str, ...]] = {}
        for item in expected:
            where = f"tahap {item.stage_code!r}, kecamatan {item.participant_key!r}"
            stage = stages.get(item.stage_code)
            if stage is None or item.participant_key not in self.tracks or stage.pseudo:
                raise ValueError(f"Penugasan penilai untuk {where} yang tidak dikenal.")
            team = teams.get(stage.code, ())
            strangers = set(item.assessors) - set(team)
            if strangers:
                raise ValueError(
                    f"Penugasan penilai untuk {where}: {sorted(strangers)} tidak termasuk tim."
                )
            key = (item.stage_code, item.participant_key)
            if key in result:
                raise ValueError(f"Dua penugasan penilai untuk {where}.")
            chosen = set(item.assessors)
            result[key] = tuple(member for member in stage.members if member in chosen)
        return result

    def _group_absences(
        self, absences: Sequence[Absence], teams: dict[str, tuple[str, ...]]
    ) -> dict[SheetKey, Absence]:
        """Each absence keyed like the sheet it stands for; one per member, kecamatan and
        stage, for a member seated on a team (never the kecamatan's own sheet)."""
        stages = {stage.code: stage for stage in self.stages}
        result: dict[SheetKey, Absence] = {}
        for absence in absences:
            key = (absence.stage_code, absence.participant_key, absence.assessor)
            stage = stages.get(absence.stage_code)
            where = (
                f"tahap {absence.stage_code!r}, kecamatan {absence.participant_key!r}, "
                f"penilai {absence.assessor!r}"
            )
            if stage is None or absence.participant_key not in self.tracks:
                raise ValueError(f"Catatan ketidakhadiran untuk {where} yang tidak dikenal.")
            if stage.pseudo or absence.assessor not in teams.get(stage.code, ()):
                raise ValueError(
                    f"Catatan ketidakhadiran untuk {where}: penilai tidak termasuk tim tahap ini."
                )
            if absence.kind not in set(AbsenceKind):
                raise ValueError(f"Catatan ketidakhadiran untuk {where}: jenis tidak dikenal.")
            if result.setdefault(key, absence) is not absence:
                raise ValueError(f"Dua catatan ketidakhadiran untuk {where}.")
        return result

    def has_values(self, key: SheetKey) -> bool:
        """Whether the sheet `key` holds any value (entered or summed)."""
        sheet = self.sheets.get(key)
        if sheet and any(e.value is not None or e.option_code is not None for e in sheet.values()):
            return True
        return key in self.valued_sums

    def _group(
        self, entries: Iterable[Entry], teams: dict[str, tuple[str, ...]]
    ) -> dict[SheetKey, Sheet]:
        """One pass: entries into sheets keyed (stage, kecamatan, assessor), then each sheet
        checked once against the stage, the team and the indicators."""
        sheets: dict[SheetKey, Sheet] = {}
        get = sheets.get
        for entry in entries:
            sheet_key = (entry.stage_code, entry.participant_key, entry.assessor)
            sheet = get(sheet_key)
            if sheet is None:
                sheet = sheets[sheet_key] = {}
            cell = (entry.aspect_code, entry.indicator_code, entry.part)
            if sheet.setdefault(cell, entry) is not entry:
                raise ValueError(
                    f"Dua nilai untuk {cell} pada tahap {entry.stage_code}, "
                    f"kecamatan {entry.participant_key}, penilai {entry.assessor}."
                )
        stages = {stage.code: stage for stage in self.stages}
        team_sets = {code: frozenset(members) for code, members in teams.items()}
        for (stage_code, participant_key, assessor), sheet in sheets.items():
            stage = stages.get(stage_code)
            if stage is None:
                raise ValueError(f"Nilai untuk tahap {stage_code!r} yang tidak dikenal.")
            if participant_key not in self.tracks:
                raise ValueError(f"Nilai untuk kecamatan {participant_key!r} yang tidak dikenal.")
            if assessor is None:
                allowed = stage.kecamatan_keys
            elif assessor in team_sets.get(stage_code, ()):
                allowed = stage.team_keys
            else:
                raise ValueError(
                    f"Penilai {assessor!r} tidak termasuk tim tahap {stage_code!r} "
                    f"(kecamatan {participant_key!r})."
                )
            if not sheet.keys() <= allowed:
                _reject_cells(stage, assessor, sheet, allowed)
        return sheets

    def _group_sums(
        self, sums: Sequence[StageSums], teams: dict[str, tuple[str, ...]], trace: bool
    ) -> dict[SheetKey, Sums]:
        """Each stage's columns checked against its aspects, then each sheet's sums checked
        against the stage and the team, keyed like the sheets of entries."""
        if not sums:
            return {}
        if trace:
            raise ValueError(
                "Nilai yang sudah dijumlahkan per aspek hanya dapat dipakai tanpa rincian per "
                "indikator (trace=False)."
            )
        stages = {stage.code: stage for stage in self.stages}
        result: dict[SheetKey, Sums] = {}
        for stage_sums in sums:
            stage = stages.get(stage_sums.stage_code)
            if stage is None:
                raise ValueError(
                    f"Jumlah nilai untuk tahap {stage_sums.stage_code!r} yang tidak dikenal."
                )
            if stage.sum_columns is not None:
                raise ValueError(f"Jumlah nilai tahap {stage.code} tercantum dua kali.")
            limits = _sum_columns(stage, stage_sums.columns)
            team = frozenset(teams.get(stage.code, ()))
            width = len(limits)
            tracks = self.tracks
            valued = self.valued_sums
            for sheet in stage_sums.sheets:
                key = (stage.code, sheet.participant_key, sheet.assessor)
                counts, totals = sheet.counts, sheet.totals
                if sheet.participant_key not in tracks:
                    raise ValueError(
                        f"Jumlah nilai untuk kecamatan {sheet.participant_key!r} yang tidak "
                        f"dikenal."
                    )
                if sheet.assessor is None:
                    if not stage.pseudo:
                        raise ValueError(
                            f"Jumlah nilai kecamatan hanya untuk tahap yang dinilai kecamatan "
                            f"sendiri, bukan tahap {stage.code}."
                        )
                elif stage.pseudo or sheet.assessor not in team:
                    raise ValueError(
                        f"Penilai {sheet.assessor!r} tidak termasuk tim tahap {stage.code!r} "
                        f"(kecamatan {sheet.participant_key!r})."
                    )
                if key in result:
                    raise ValueError(
                        f"Dua jumlah nilai untuk tahap {stage.code}, kecamatan "
                        f"{sheet.participant_key}, penilai {sheet.assessor}."
                    )
                full = counts == limits  # every cell counted: the common case, checked fast
                if len(totals) != width or not (
                    full
                    or (
                        len(counts) == width
                        and all(0 <= n <= limit for n, limit in zip(counts, limits, strict=True))
                    )
                ):
                    raise ValueError(
                        f"Jumlah nilai tahap {stage.code} (kecamatan {sheet.participant_key}, "
                        f"penilai {sheet.assessor}) tidak sesuai kolomnya: {counts}."
                    )
                result[key] = (counts, totals)
                if any(counts):
                    valued.add(key)
        for key in result.keys() & self.sheets.keys():
            self._check_summed_cells(key, stages[key[0]])
        return result

    def _check_summed_cells(self, sheet_key: SheetKey, stage: CompiledStage) -> None:
        """A summed aspect's cells may also come as entries only without a value (such an
        entry scores nothing, as in an unsummed aspect); a value there would count twice."""
        summed = stage.summed_codes
        for (aspect_code, indicator_code, _), entry in self.sheets[sheet_key].items():
            if aspect_code in summed and (entry.value is not None or entry.option_code is not None):
                raise ValueError(
                    f"Nilai {aspect_code}/{indicator_code} tahap {sheet_key[0]}, kecamatan "
                    f"{sheet_key[1]}, penilai {sheet_key[2]} diberikan dua kali: dijumlahkan "
                    f"dan sebagai isian."
                )


def _reject_cells(
    stage: CompiledStage, assessor: str | None, sheet: Sheet, allowed: frozenset[Key]
) -> None:
    """Drop text cells (never scored) from `sheet`; raise for any other stray cell."""
    for cell in sorted(sheet.keys() - allowed):
        if cell in stage.text_keys or (assessor is None and cell in stage.answer_keys):
            del sheet[cell]
            continue
        other = stage.team_keys if assessor is None else stage.kecamatan_keys
        if cell in other:
            who = "tim" if assessor is None else "kecamatan"
            raise ValueError(
                f"Indikator {cell[0]}/{cell[1]} tahap {stage.code} diisi oleh {who}, "
                f"bukan oleh {assessor or 'kecamatan'}."
            )
        raise ValueError(f"Sel {cell} tidak dikenal pada tahap {stage.code} (penilai {assessor}).")


def _sum_columns(stage: CompiledStage, columns: Sequence[SumColumn]) -> tuple[int, ...]:
    """Record which columns make each aspect of `stage`; return how many indicators each
    column stands for (the most values it can count)."""
    side = EnteredBy.KECAMATAN if stage.pseudo else EnteredBy.TEAM
    by_aspect: dict[str, list[int]] = {}
    limits: list[int] = []
    for index, column in enumerate(columns):
        aspect = stage.aspect_by_code.get(column.aspect_code)
        if aspect is None or aspect.side != side or aspect.kept:
            raise ValueError(
                f"Aspek {column.aspect_code} tahap {stage.code} tidak dapat dinilai dari "
                f"jumlah nilai."
            )
        limit = aspect.weight_counts.get(column.weight)
        taken = by_aspect.setdefault(aspect.code, [])
        if limit is None or any(columns[i].weight == column.weight for i in taken):
            raise ValueError(
                f"Kolom jumlah nilai berbobot {column.weight} tidak ada atau berulang pada "
                f"aspek {aspect.code} tahap {stage.code}."
            )
        taken.append(index)
        limits.append(limit)
    for code, taken in by_aspect.items():
        if len(taken) != len(stage.aspect_by_code[code].weight_counts):
            raise ValueError(
                f"Kolom jumlah nilai aspek {code} tahap {stage.code} tidak mencakup semua "
                f"indikatornya."
            )
    stage.sum_columns = tuple(
        (tuple(by_aspect[a.code]), tuple(columns[i].weight for i in by_aspect[a.code]))
        if a.code in by_aspect
        else None
        for a in stage.aspects
    )
    stage.summed_codes = frozenset(by_aspect)
    return tuple(limits)
