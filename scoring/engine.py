"""`compute_ranking`: the whole scoring of one period, from entries to a ranked decree.

The order of work follows the regulations: each member's indicator scores make aspect
scores and a total (`formulas.combine`); the members make the stage score
(`formulas.mean_of_member_totals` or `formulas.sum_of_aspect_means`); a stage with a
shortlist sends only its top N on; the stages make the final score (`formulas.final_score`);
the published two-decimal score ranks, with the set's tie-breaks, then gets its predikat
and award. Decisions where the regulations are silent are stated in the docstrings below.

Entries are grouped in one pass into sheets keyed by (stage, kecamatan, assessor); every
sheet is then read by key, so the work is linear in the number of entries. Everything runs
in `formulas.CONTEXT` (a local decimal context; the global one is never touched).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, localcontext
from operator import add

from scoring import formulas, rounding
from scoring.memory import collector_paused
from scoring.rules import (
    CAPAIAN_PARTS,
    KECAMATAN_ASSESSOR,
    AspectCombine,
    EnteredBy,
    FinalCombine,
    IndicatorKind,
    MemberCombine,
)
from scoring.structures import (
    AspectResult,
    AspectSpec,
    Entry,
    IndicatorResult,
    IndicatorSpec,
    InstrumentSpec,
    MemberResult,
    Participant,
    ParticipantResult,
    Ranking,
    ResultStatus,
    ScoringInput,
    StageResult,
    StageSpec,
    StageSums,
    SumColumn,
    TieBreakSpec,
    assemble,
)
from scoring.validation import instrument_errors

NOT_SCORED = "belum menilai"
NOT_COMPLETE = "penilaian belum lengkap"

_TIMES = "\u00d7"  # multiplication sign, as the regulations print it
_FOUR = Decimal("0.0001")

_INFINITY = Decimal("Infinity")
_NEGATIVE_INFINITY = Decimal("-Infinity")
_KECAMATAN, _VALUE, _CHOICE, _OTHER = range(4)  # how the member loop reads an indicator
_NO_SHEET: dict[tuple[str, str, str], Entry] = {}
# The kinds whose score is the value itself (a choice's value being its option's score), so
# that an aspect of them can be scored from the sum of its values.
_LINEAR = frozenset(
    {IndicatorKind.SCORE, IndicatorKind.PERCENTAGE, IndicatorKind.CHOICE, IndicatorKind.YES_NO}
)

_Key = tuple[str, str, str]  # (aspect code, indicator code, part) inside one sheet
_Order = tuple[Decimal, tuple[tuple[int, Decimal], ...]]  # (-published, tie-break parts)
_Sheet = dict[_Key, Entry]
_SheetKey = tuple[str, str, str | None]  # (stage, kecamatan, assessor; None: the kecamatan)
_Sums = tuple[tuple[int, ...], tuple[Decimal, ...]]  # a sheet's (counts, totals) by column
_Columns = tuple[tuple[int, ...], tuple[Decimal | None, ...]]  # an aspect's columns, weights


# ---------------------------------------------------------------- public


def compute_ranking(data: ScoringInput, *, trace: bool = True) -> Ranking:
    """Score, rank and label every participant of `data`.

    `trace=False` gives the same ranks, scores, predikat, awards, notes and warnings with a
    lighter trace, for national-scale runs: each member's aspect scores and totals are
    kept, but not their indicator results nor the member-level formulas, and the
    kecamatan-level indicator means are kept only for the indicators a tie-break reads.
    Only such a run accepts `data.sums` (`StageSums`): aspects whose values were added up
    beforehand (by the database), scored by `formulas.aspect_from_sums`, which gives what
    `formulas.combine` gives on the same values one by one.

    Raises `ValueError` when the instrument cannot be scored (`validation.instrument_errors`)
    or when entries contradict it: an unknown stage, kecamatan, aspect, indicator, part or
    option; an assessor who is not on the stage's team; a kecamatan value for an indicator
    the team enters (or the reverse); two values for the same cell; a value outside the
    indicator's range. The import refuses all of these, so they signal a bug, not data to
    be silently repaired. The same holds for sums: an unknown stage, kecamatan, aspect or
    weight, an assessor not on the team, an aspect that cannot be summed (see `StageSums`),
    more values than a column has indicators, and a cell given both summed and as an entry.

    The result is independent of the order of participants, teams, team members and
    entries.
    """
    with collector_paused(), localcontext(formulas.CONTEXT):
        return _Engine(data, trace=trace).run()


# ---------------------------------------------------------------- results, built directly


def _aspect_result(
    code: str,
    name: str,
    weight: Decimal | None,
    score: Decimal | None,
    counts: bool,
    indicators: tuple[IndicatorResult, ...] = (),
    formula: str = "",
) -> AspectResult:
    """`AspectResult(...)` via `assemble`: a national ranking makes a quarter of a million
    of these (one per member and aspect)."""
    return assemble(
        AspectResult,
        code=code,
        name=name,
        weight=weight,
        score=score,
        counts_toward_total=counts,
        indicators=indicators,
        formula=formula,
    )


def _member_result(
    assessor: str,
    total: Decimal | None,
    aspects: tuple[AspectResult, ...],
    excluded_reason: str = "",
    formula: str = "",
) -> MemberResult:
    """`MemberResult(...)` via `assemble`, as `_aspect_result`."""
    return assemble(
        MemberResult,
        assessor=assessor,
        total=total,
        aspects=aspects,
        excluded_reason=excluded_reason,
        formula=formula,
    )


# ---------------------------------------------------------------- formatting for traces


def _plain(value: Decimal) -> str:
    """A number for a trace: no exponent, no trailing zeros, at most 4 decimals ("…" when
    more were cut). Traces write hundreds of thousands: the common shapes are read off
    `str(value)` directly."""
    text = str(value)
    dot = text.find(".")
    if "E" not in text:
        if dot < 0:
            return text
        if len(text) - dot <= 5:
            return text.rstrip("0").rstrip(".")
    shown = value.quantize(_FOUR)
    return _trim(format(shown, "f")) + ("" if shown == value else "…")


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def _kecamatan(participant: Participant) -> str:
    name = participant.name
    return name if name.lower().startswith("kecamatan") else f"Kecamatan {name}"


def _id_number(value: Decimal) -> str:
    """A published score the Indonesian way, for warnings: 85,50."""
    return format(value, "f").replace(".", ",")


class _Template:
    """The worked arithmetic of one way of combining scores, e.g. "80 × 35% + 70 × 30% = 49"
    or "(A1 80 + A2 70) / 2 = 75", with its constant pieces (labels, weights) rendered once."""

    __slots__ = ("after", "before", "close", "open")

    def __init__(
        self, method: AspectCombine, weights: Sequence[Decimal | None], labels: Sequence[str] = ()
    ) -> None:
        self.before = tuple(f"{label} " for label in labels)
        self.after = tuple(
            f" {_TIMES} {_plain(w)}%" if method == AspectCombine.WEIGHTED_SUM else ""  # type: ignore[arg-type]
            for w in weights
        )
        mean = method == AspectCombine.MEAN
        self.open = "(" if mean else ""
        self.close = f") / {len(weights)}" if mean else ""

    def render(self, scores: Iterable[Decimal], result: Decimal) -> str:
        terms = map(add, map(_plain, scores), self.after)
        if self.before:
            terms = map(add, self.before, terms)
        return f"{self.open}{' + '.join(terms)}{self.close} = {_plain(result)}"


def _mean_formula(values: Sequence[Decimal], result: Decimal) -> str:
    if len(values) == 1:
        return _plain(result)
    return f"({' + '.join(map(_plain, values))}) / {len(values)} = {_plain(result)}"


# ---------------------------------------------------------------- the instrument, compiled


class _Indicator:
    """An indicator with everything the inner loop needs precomputed."""

    __slots__ = (
        "aspect_code",
        "by_kecamatan",
        "code",
        "hi",
        "high",
        "highest",
        "integer_only",
        "keep",
        "key",
        "kind",
        "lo",
        "low",
        "missing",
        "mode",
        "name",
        "options",
        "parts",
        "polarity",
        "spec",
        "weight",
    )

    def __init__(self, aspect: AspectSpec, spec: IndicatorSpec) -> None:
        self.spec = spec
        self.aspect_code = aspect.code
        self.code = spec.code
        self.name = spec.name
        self.kind = spec.kind
        self.by_kecamatan = spec.entered_by == EnteredBy.KECAMATAN
        self.key: _Key = (aspect.code, spec.code, "")
        self.lo = spec.min_value
        self.hi = spec.max_value
        self.integer_only = spec.integer_only
        self.weight = spec.weight
        self.polarity = spec.polarity
        self.options = {option.code: option.score for option in spec.options}
        if spec.kind == IndicatorKind.PERCENTAGE_PAIR:
            names: Iterable[tuple[str, Decimal | None]] = spec.parts
        elif spec.kind == IndicatorKind.CAPAIAN:
            names = ((part, None) for part in CAPAIAN_PARTS)
        else:
            names = ()
        self.parts = tuple((name, (aspect.code, spec.code, name), w) for name, w in names)
        self.missing = IndicatorResult(spec.code, spec.name, None)
        self.highest: Decimal | None = None  # count_normalised: set per stage run
        self.keep = True  # whether member sheets keep this indicator's result (the trace)
        # The member loop reads the common kinds inline: a value inside [low, high], or an
        # option the indicator offers; anything else goes through `_Engine._indicator`.
        self.low = spec.min_value if spec.min_value is not None else _NEGATIVE_INFINITY
        self.high = spec.max_value if spec.max_value is not None else _INFINITY
        if self.by_kecamatan:
            self.mode = _KECAMATAN
        elif spec.kind in (IndicatorKind.SCORE, IndicatorKind.PERCENTAGE) and not self.integer_only:
            self.mode = _VALUE
        elif spec.kind in (IndicatorKind.CHOICE, IndicatorKind.YES_NO):
            self.mode = _CHOICE
        else:
            self.mode = _OTHER

    def cells(self) -> list[_Key]:
        return [key for _, key, _ in self.parts] if self.parts else [self.key]


class _Aspect:
    __slots__ = (
        "code",
        "combine",
        "counts",
        "indicators",
        "kept",
        "name",
        "side",
        "size",
        "spec",
        "template",
        "weight",
        "weight_counts",
        "weights",
    )

    def __init__(self, spec: AspectSpec) -> None:
        self.spec = spec
        self.code = spec.code
        self.name = spec.name
        self.weight = spec.weight
        self.combine = spec.combine
        self.counts = spec.counts_toward_total
        self.indicators = tuple(_Indicator(spec, i) for i in spec.indicators if i.scored)
        self.weights = tuple(i.weight for i in self.indicators)
        self.template = _Template(spec.combine, self.weights)
        self.kept = self.indicators
        # Summing (StageSums): the side whose sheets may give this aspect as sums (None: no
        # sums), and how many indicators each weight a column may name has.
        self.size = len(self.indicators)
        sides = {i.spec.entered_by for i in self.indicators}
        linear = all(i.kind in _LINEAR for i in self.indicators)
        self.side = sides.pop() if linear and len(sides) == 1 else None
        weighted = spec.combine == AspectCombine.WEIGHTED_SUM
        self.weight_counts: dict[Decimal | None, int] = {}
        for ind in self.indicators:
            key = ind.weight if weighted else None
            self.weight_counts[key] = self.weight_counts.get(key, 0) + 1


class _Stage:
    __slots__ = (
        "aspect_by_code",
        "aspects",
        "code",
        "counting",
        "counts",
        "kecamatan_indicators",
        "kecamatan_keys",
        "members",
        "name",
        "pseudo",
        "spec",
        "sum_columns",
        "summed_codes",
        "team_keys",
        "template",
        "text_keys",
        "traced",
    )

    def __init__(
        self,
        spec: StageSpec,
        team: Sequence[str],
        traced: Iterable[tuple[str, str | None]],
        trace: bool,
    ) -> None:
        self.spec = spec
        self.code = spec.code
        self.name = spec.name
        self.aspects = tuple(_Aspect(a) for a in spec.aspects)
        self.counting = tuple(a for a in self.aspects if a.counts)
        self.template = _Template(
            spec.aspect_combine, [a.weight for a in self.counting], [a.code for a in self.counting]
        )
        self.traced = frozenset((aspect, indicator) for aspect, indicator in traced)
        for each in self.aspects:
            for ind in each.indicators:
                ind.keep = trace or (each.code, ind.code) in self.traced
            each.kept = tuple(ind for ind in each.indicators if ind.keep)
        indicators = [i for a in self.aspects for i in a.indicators]
        self.kecamatan_indicators = tuple(i for i in indicators if i.by_kecamatan)
        self.counts = tuple(i for i in indicators if i.kind == IndicatorKind.COUNT_NORMALISED)
        self.team_keys = frozenset(k for i in indicators if not i.by_kecamatan for k in i.cells())
        self.kecamatan_keys = frozenset(k for i in self.kecamatan_indicators for k in i.cells())
        self.text_keys = frozenset(
            (a.code, i.code, "") for a in spec.aspects for i in a.indicators if not i.scored
        )
        # A stage whose every scored indicator is entered by the kecamatan has one sheet,
        # the kecamatan's own: the pseudo-member "mandiri".
        self.pseudo = len(self.kecamatan_indicators) == len(indicators)
        self.members: tuple[str, ...] = (
            (KECAMATAN_ASSESSOR,) if self.pseudo else tuple(sorted(set(team)))
        )
        self.aspect_by_code = {a.code: a for a in self.aspects}
        # With StageSums: each aspect's columns (None: read from entries), set by the engine.
        self.sum_columns: tuple[_Columns | None, ...] | None = None
        self.summed_codes: frozenset[str] = frozenset()


# ---------------------------------------------------------------- per-participant state


class _Track:
    """What the engine knows about one participant while it walks the stages."""

    __slots__ = ("active", "cut_reason", "notes", "participant", "stages", "status")

    def __init__(self, participant: Participant) -> None:
        self.participant = participant
        self.stages: list[StageResult] = []
        self.notes: list[str] = []
        self.active = not participant.disqualified
        self.status: ResultStatus | None = None  # decided by a shortlist cut
        self.cut_reason = ""

    def stage(self, code: str) -> StageResult | None:
        return next((s for s in self.stages if s.code == code), None)


# ---------------------------------------------------------------- the engine


class _Engine:
    def __init__(self, data: ScoringInput, *, trace: bool = True) -> None:
        self.spec: InstrumentSpec = data.instrument
        self.trace = trace
        errors = instrument_errors(self.spec)
        if errors:
            raise ValueError("Set instrumen tidak dapat dinilai: " + " ".join(errors))
        self.warnings: list[str] = list(self.spec.warnings)
        self.tracks = self._tracks(data.participants)
        teams = self._teams(data.teams)
        self.stages = tuple(
            _Stage(
                s,
                teams.get(s.code, ()),
                (
                    (t.aspect_code, t.indicator_code)
                    for t in self.spec.tie_breaks
                    if t.stage_code == s.code
                ),
                trace,
            )
            for s in self.spec.stages
        )
        self.sheets = self._group(data.entries, teams)
        self.valued_sums: set[_SheetKey] = set()  # sheets with a summed value
        self.sums = self._group_sums(data.sums, teams)
        self.final_template = _Template(
            AspectCombine.MEAN
            if self.spec.final_combine == FinalCombine.MEAN_OF_STAGES
            else AspectCombine.WEIGHTED_SUM,
            [stage.weight for stage in self.spec.stages],
            [stage.code for stage in self.spec.stages],
        )
        self.entered = {(stage, participant) for stage, participant, _ in self.sheets}
        self.entered.update((stage, participant) for stage, participant, _ in self.sums)

    # ------------------------------------------------------------ input checks, grouping

    def _tracks(self, participants: Sequence[Participant]) -> dict[str, _Track]:
        tracks: dict[str, _Track] = {}
        for participant in sorted(participants, key=lambda p: (p.name, p.key)):
            if participant.key in tracks:
                raise ValueError(f"Kecamatan {participant.key!r} tercantum dua kali.")
            tracks[participant.key] = _Track(participant)
        return tracks

    def _teams(self, teams: Sequence[tuple[str, Sequence[str]]]) -> dict[str, tuple[str, ...]]:
        known = {stage.code for stage in self.spec.stages}
        result: dict[str, tuple[str, ...]] = {}
        for stage_code, members in teams:
            if stage_code not in known:
                raise ValueError(f"Tim untuk tahap {stage_code!r} yang tidak dikenal.")
            if stage_code in result:
                raise ValueError(f"Tim tahap {stage_code!r} tercantum dua kali.")
            result[stage_code] = tuple(members)
        return result

    def _group(
        self, entries: Iterable[Entry], teams: dict[str, tuple[str, ...]]
    ) -> dict[tuple[str, str, str | None], _Sheet]:
        """One pass: entries into sheets keyed (stage, kecamatan, assessor), then each sheet
        checked once against the stage, the team and the indicators."""
        sheets: dict[tuple[str, str, str | None], _Sheet] = {}
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
                self._reject_cells(stage, assessor, sheet, allowed)
        return sheets

    @staticmethod
    def _reject_cells(
        stage: _Stage, assessor: str | None, sheet: _Sheet, allowed: frozenset[_Key]
    ) -> None:
        """Drop text cells (never scored) from `sheet`; raise for any other stray cell."""
        for cell in sorted(sheet.keys() - allowed):
            if cell in stage.text_keys:
                del sheet[cell]
                continue
            other = stage.team_keys if assessor is None else stage.kecamatan_keys
            if cell in other:
                who = "tim" if assessor is None else "kecamatan"
                raise ValueError(
                    f"Indikator {cell[0]}/{cell[1]} tahap {stage.code} diisi oleh {who}, "
                    f"bukan oleh {assessor or 'kecamatan'}."
                )
            raise ValueError(
                f"Sel {cell} tidak dikenal pada tahap {stage.code} (penilai {assessor})."
            )

    def _group_sums(
        self, sums: Sequence[StageSums], teams: dict[str, tuple[str, ...]]
    ) -> dict[_SheetKey, _Sums]:
        """Each stage's columns checked against its aspects, then each sheet's sums checked
        against the stage and the team, keyed like the sheets of entries."""
        if not sums:
            return {}
        if self.trace:
            raise ValueError(
                "Nilai yang sudah dijumlahkan per aspek hanya dapat dipakai tanpa rincian per "
                "indikator (trace=False)."
            )
        stages = {stage.code: stage for stage in self.stages}
        result: dict[_SheetKey, _Sums] = {}
        for stage_sums in sums:
            stage = stages.get(stage_sums.stage_code)
            if stage is None:
                raise ValueError(
                    f"Jumlah nilai untuk tahap {stage_sums.stage_code!r} yang tidak dikenal."
                )
            if stage.sum_columns is not None:
                raise ValueError(f"Jumlah nilai tahap {stage.code} tercantum dua kali.")
            limits = self._sum_columns(stage, stage_sums.columns)
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

    @staticmethod
    def _sum_columns(stage: _Stage, columns: Sequence[SumColumn]) -> tuple[int, ...]:
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

    def _check_summed_cells(self, sheet_key: _SheetKey, stage: _Stage) -> None:
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

    # ------------------------------------------------------------ the walk

    def run(self) -> Ranking:
        for stage in self.stages:
            active = [t for t in self.tracks.values() if t.active]
            self._set_highest(stage, active)
            for track in self.tracks.values():
                if track.participant.disqualified:
                    continue
                if track.active:
                    track.stages.append(self._score_stage(stage, track))
                else:
                    self._skip_stage(stage, track)
            if stage.spec.shortlist_size is not None:
                self._shortlist(stage, active)
        return self._rank()

    def _skip_stage(self, stage: _Stage, track: _Track) -> None:
        track.stages.append(
            StageResult(stage.code, stage.name, None, skipped_reason=track.cut_reason)
        )
        if (stage.code, track.participant.key) in self.entered:
            track.notes.append(
                f"Nilai yang dimasukkan pada tahap {stage.name} diabaikan: {track.cut_reason}."
            )

    def _set_highest(self, stage: _Stage, active: list[_Track]) -> None:
        """count_normalised: the highest value entered for each such indicator by the
        participants still in the stage (disqualified and cut participants excluded), over
        every sheet (the kecamatan's, or every member's when the team enters the count)."""
        for indicator in stage.counts:
            highest: Decimal | None = None
            assessors = (None,) if indicator.by_kecamatan else stage.members
            for track in active:
                for assessor in assessors:
                    sheet = self.sheets.get((stage.code, track.participant.key, assessor))
                    entry = sheet.get(indicator.key) if sheet else None
                    if entry is not None and entry.value is not None:
                        if entry.value < 0:
                            raise ValueError(f"Jumlah negatif pada indikator {indicator.code}.")
                        if highest is None or entry.value > highest:
                            highest = entry.value
            indicator.highest = highest
            if highest is not None and highest == 0:
                self.warnings.append(
                    f"Indikator {indicator.code} tahap {stage.name}: jumlah tertinggi di antara "
                    f"peserta 0; semua peserta mendapat nilai 0."
                )

    # ------------------------------------------------------------ one indicator

    def _indicator(self, ind: _Indicator, sheet: _Sheet | None) -> IndicatorResult:
        kind = ind.kind
        if not ind.parts and kind != IndicatorKind.COUNT_NORMALISED:
            entry = sheet.get(ind.key) if sheet is not None else None
            if entry is None:
                return ind.missing
            if kind == IndicatorKind.CHOICE or kind == IndicatorKind.YES_NO:
                code = entry.option_code
                if code is None:
                    if entry.value is not None:
                        raise ValueError(f"Indikator pilihan {ind.code} diisi angka.")
                    return IndicatorResult(ind.code, ind.name, None, (entry,))
                try:
                    score = formulas.option_score(ind.options, code)
                except ValueError as error:
                    raise ValueError(f"Indikator {ind.code}: {error}.") from None
                return IndicatorResult(ind.code, ind.name, score, (entry,))
            value = entry.value
            if value is None:
                if entry.option_code is not None:
                    raise ValueError(f"Indikator angka {ind.code} diisi pilihan.")
                return IndicatorResult(ind.code, ind.name, None, (entry,))
            try:
                score = formulas.ranged_value(value, ind.lo, ind.hi, ind.integer_only)
            except ValueError as error:
                raise ValueError(f"Indikator {ind.code}: {error}.") from None
            return IndicatorResult(ind.code, ind.name, score, (entry,))
        if kind == IndicatorKind.COUNT_NORMALISED:
            return self._count(ind, sheet)
        entries = [sheet.get(key) if sheet is not None else None for _, key, _ in ind.parts]
        present = tuple(e for e in entries if e is not None)
        values = [e.value if e is not None else None for e in entries]
        if any(v is None for v in values):
            return IndicatorResult(ind.code, ind.name, None, present)
        if kind == IndicatorKind.PERCENTAGE_PAIR:
            return self._pair(ind, values, present)  # type: ignore[arg-type]
        return self._capaian(ind, values, present)  # type: ignore[arg-type]

    @staticmethod
    def _pair(
        ind: _Indicator, values: list[Decimal], entries: tuple[Entry, ...]
    ) -> IndicatorResult:
        """percentage_pair: each part is a percentage checked against the indicator's range
        (the parts and the score share one scale, since the part weights sum to 100)."""
        for value in values:
            try:
                formulas.ranged_value(value, ind.lo, ind.hi, ind.integer_only)
            except ValueError as error:
                raise ValueError(f"Indikator {ind.code}: {error}.") from None
        weights = [w for _, _, w in ind.parts]
        score = formulas.percentage_pair(zip(values, weights, strict=True))  # type: ignore[arg-type]
        formula = " + ".join(
            f"{name} {_plain(v)} {_TIMES} {_plain(w)}%"  # type: ignore[arg-type]
            for (name, _, w), v in zip(ind.parts, values, strict=True)
        )
        return IndicatorResult(ind.code, ind.name, score, entries, f"{formula} = {_plain(score)}")

    @staticmethod
    def _capaian(
        ind: _Indicator, values: list[Decimal], entries: tuple[Entry, ...]
    ) -> IndicatorResult:
        """capaian: target 0 leaves the indicator unscored (with a note); a negative target
        or realisasi is refused; the capaian is then capped into [min_value, max_value] when
        those are set, so 120% scores 100 on a 0–100 indicator."""
        target, realisasi = values
        if target < 0 or realisasi < 0:
            raise ValueError(f"Indikator {ind.code}: target atau realisasi negatif.")
        if target == 0:
            return IndicatorResult(
                ind.code,
                ind.name,
                None,
                entries,
                "target 0",
                note=f"Target indikator {ind.code} bernilai 0; capaian tidak dapat dihitung.",
            )
        raw = formulas.capaian(target, realisasi, ind.polarity)  # type: ignore[arg-type]
        score = formulas.capped(raw, ind.lo, ind.hi)
        if ind.polarity == "lower_is_better":
            formula = f"({_plain(target)} - ({_plain(realisasi)} - {_plain(target)}))"
        else:
            formula = _plain(realisasi)
        formula = f"{formula} / {_plain(target)} {_TIMES} 100 = {_plain(raw)}"
        if score != raw:
            formula += f", dibatasi menjadi {_plain(score)}"
        return IndicatorResult(ind.code, ind.name, score, entries, formula)

    @staticmethod
    def _count(ind: _Indicator, sheet: _Sheet | None) -> IndicatorResult:
        entry = sheet.get(ind.key) if sheet is not None else None
        if entry is None:
            return ind.missing
        if entry.value is None or ind.highest is None:
            return IndicatorResult(ind.code, ind.name, None, (entry,))
        score = formulas.count_normalised(entry.value, ind.highest, ind.hi)  # type: ignore[arg-type]
        formula = (
            f"{_plain(entry.value)} / {_plain(ind.highest)} {_TIMES} {_plain(ind.hi)}"  # type: ignore[arg-type]
            f" = {_plain(score)}"
        )
        note = "jumlah tertinggi 0: semua peserta bernilai 0" if ind.highest == 0 else ""
        return IndicatorResult(ind.code, ind.name, score, (entry,), formula, note=note)

    # ------------------------------------------------------------ one stage, one kecamatan

    def _member(
        self,
        stage: _Stage,
        assessor: str,
        sheet: _Sheet | None,
        kecamatan: dict[_Indicator, IndicatorResult],
        sheet_key: _SheetKey,
    ) -> MemberResult:
        aspects: list[AspectResult] = []
        totals: list[Decimal] = []
        weights: list[Decimal | None] = []
        complete = True
        trace = self.trace
        get = (_NO_SHEET if sheet is None else sheet).get
        summed = self.sums.get(sheet_key)
        plans = stage.sum_columns if summed is not None else None
        for index, aspect in enumerate(stage.aspects):
            plan = plans[index] if plans is not None else None
            if plan is not None and summed is not None:
                # Scored from the sheet's sums: no indicator results to keep.
                known = self._summed_aspect(aspect, plan, summed)
                aspects.append(
                    _aspect_result(aspect.code, aspect.name, aspect.weight, known, aspect.counts)
                )
                if aspect.counts:
                    if known is None:
                        complete = False
                    else:
                        totals.append(known)
                        weights.append(aspect.weight)
                continue
            results: list[IndicatorResult] = []
            scores: list[Decimal] = []
            whole = True
            for ind in aspect.indicators:
                mode = ind.mode
                if mode == _KECAMATAN:
                    result = kecamatan[ind]
                    value = result.score
                elif mode == _OTHER:
                    result = self._indicator(ind, sheet)
                    value = result.score
                else:
                    entry = get(ind.key)
                    if entry is None:
                        result, value = ind.missing, None
                    else:
                        if mode == _VALUE:
                            value = entry.value
                            if value is not None and not ind.low <= value <= ind.high:
                                value = None
                        else:
                            value = ind.options.get(entry.option_code)  # type: ignore[arg-type]
                        if value is None:  # missing, or refused with its reason
                            result = self._indicator(ind, sheet)
                            value = result.score
                        elif ind.keep:
                            result = IndicatorResult(ind.code, ind.name, value, (entry,))
                if ind.keep:
                    results.append(result)
                if value is None:
                    whole = False
                else:
                    scores.append(value)
            score: Decimal | None = None
            formula = ""
            if whole:
                score = formulas.combine(aspect.combine, scores, aspect.weights)
                if trace and len(scores) > 1:
                    formula = aspect.template.render(scores, score)
            aspects.append(
                _aspect_result(
                    aspect.code,
                    aspect.name,
                    aspect.weight,
                    score,
                    aspect.counts,
                    tuple(results),
                    formula,
                )
            )
            if aspect.counts:
                if score is None:
                    complete = False
                else:
                    totals.append(score)
                    weights.append(aspect.weight)
        if not complete:
            why = NOT_COMPLETE if sheet_key in self.valued_sums else self._why_not(sheet)
            return _member_result(assessor, None, tuple(aspects), why)
        combine = stage.spec.aspect_combine
        member_total = formulas.combine(combine, totals, weights)
        formula = stage.template.render(totals, member_total) if trace else ""
        return _member_result(assessor, member_total, tuple(aspects), "", formula)

    @staticmethod
    def _summed_aspect(aspect: _Aspect, plan: _Columns, sums: _Sums) -> Decimal | None:
        """An aspect from its columns of a sheet's sums; None until all its cells are in."""
        counts, totals = sums
        columns, weights = plan
        if len(columns) == 1:  # the common case: a sum or mean aspect, or one weight
            count = counts[columns[0]]
            parts: Sequence[Decimal] = (totals[columns[0]],)
        else:
            count = sum(counts[c] for c in columns)
            parts = [totals[c] for c in columns]
        if count != aspect.size:
            return None
        return formulas.aspect_from_sums(aspect.combine, parts, weights, count)

    @staticmethod
    def _why_not(sheet: _Sheet | None) -> str:
        """ "belum menilai" when the member's own sheet holds no value at all (kecamatan
        values do not count as the member's), otherwise "penilaian belum lengkap"."""
        if sheet and any(e.value is not None or e.option_code is not None for e in sheet.values()):
            return NOT_COMPLETE
        return NOT_SCORED

    def _score_stage(self, stage: _Stage, track: _Track) -> StageResult:
        participant = track.participant
        key = participant.key
        kecamatan_sheet = self.sheets.get((stage.code, key, None))
        # Summed aspects read no entries (a kecamatan's sums come only in a stage it scores
        # alone).
        summed = stage.summed_codes if (stage.code, key, None) in self.sums else ()
        kecamatan = {
            ind: self._indicator(ind, kecamatan_sheet)
            for ind in stage.kecamatan_indicators
            if ind.aspect_code not in summed
        }
        for result in kecamatan.values():
            if result.note:
                track.notes.append(f"Tahap {stage.name}: {result.note}")
        if not stage.members:
            track.notes.append(f"Tahap {stage.name} belum memiliki tim penilai.")
        if stage.pseudo:
            members = [
                self._member(stage, assessor, kecamatan_sheet, kecamatan, (stage.code, key, None))
                for assessor in stage.members
            ]
        else:
            members = [
                self._member(
                    stage,
                    assessor,
                    self.sheets.get((stage.code, key, assessor)),
                    kecamatan,
                    (stage.code, key, assessor),
                )
                for assessor in stage.members
            ]
        self._member_warnings(stage, track, members, kecamatan)
        aspects = [
            self._aspect_mean(stage, i, aspect, members, trace=self.trace)
            for i, aspect in enumerate(stage.aspects)
        ]
        score, formula = self._stage_score(stage, members, aspects, trace=self.trace)
        if score is None:
            track.notes.append(f"Nilai tahap {stage.name} belum dapat dihitung.")
        return StageResult(
            stage.code, stage.name, score, tuple(aspects), tuple(members), formula=formula
        )

    def _member_warnings(
        self,
        stage: _Stage,
        track: _Track,
        members: list[MemberResult],
        kecamatan: dict[_Indicator, IndicatorResult],
    ) -> None:
        name = _kecamatan(track.participant)
        missing_kecamatan = [
            ind.code
            for ind, result in kecamatan.items()
            if result.score is None and any(a.code == ind.aspect_code for a in stage.counting)
        ]
        if missing_kecamatan and not stage.pseudo:
            self.warnings.append(
                f"Isian mandiri {name} pada tahap {stage.name} belum lengkap "
                f"({', '.join(missing_kecamatan)}); nilai tahap belum dapat dihitung."
            )
        partly = stage.spec.member_combine == MemberCombine.SUM_OF_ASPECT_MEANS
        tail = (
            "dihitung hanya pada aspek yang dinilai lengkap."
            if partly
            else "tidak dihitung dalam rata-rata."
        )
        for member in members:
            if member.total is not None:
                continue
            if stage.pseudo:
                what = "belum mengisi" if member.excluded_reason == NOT_SCORED else "belum lengkap"
                self.warnings.append(
                    f"{name} {what} penilaian mandiri tahap {stage.name}; nilai tahap belum "
                    f"dapat dihitung."
                )
            elif member.excluded_reason == NOT_SCORED:
                self.warnings.append(
                    f"Penilai {member.assessor} belum menilai {name} pada tahap {stage.name}; "
                    f"tidak dihitung dalam rata-rata."
                )
            elif not missing_kecamatan:
                open_aspects = ", ".join(
                    a.code for a in member.aspects if a.counts_toward_total and a.score is None
                )
                self.warnings.append(
                    f"Penilaian {member.assessor} untuk {name} pada tahap {stage.name} belum "
                    f"lengkap ({open_aspects}); {tail}"
                )

    @staticmethod
    def _aspect_mean(
        stage: _Stage, index: int, aspect: _Aspect, members: list[MemberResult], *, trace: bool
    ) -> AspectResult:
        """The kecamatan-level aspect: the mean over the members who scored it completely,
        with each kept indicator's mean over the members who scored that indicator (every
        indicator with the full trace, else those a tie-break reads; the arithmetic is
        written out for the latter)."""
        member_aspects = [m.aspects[index] for m in members]
        indicators = []
        columns: list[tuple[IndicatorResult, ...]] = []
        if aspect.kept:
            columns = list(zip(*(a.indicators for a in member_aspects), strict=True))
            columns = columns or [()] * len(aspect.kept)
        for ind, column in zip(aspect.kept, columns, strict=True):
            values = [r.score for r in column if r.score is not None]
            if not values:
                indicators.append(ind.missing)
                continue
            value = formulas.mean(values)
            formula = (
                _mean_formula(values, value) if (aspect.code, ind.code) in stage.traced else ""
            )
            indicators.append(IndicatorResult(ind.code, ind.name, value, formula=formula))
        scores = [a.score for a in member_aspects if a.score is not None]
        score = formulas.mean(scores) if scores else None
        formula = _mean_formula(scores, score) if trace and score is not None else ""
        indicators_kept = tuple(indicators)
        return _aspect_result(
            aspect.code, aspect.name, aspect.weight, score, aspect.counts, indicators_kept, formula
        )

    @staticmethod
    def _stage_score(
        stage: _Stage, members: list[MemberResult], aspects: list[AspectResult], *, trace: bool
    ) -> tuple[Decimal | None, str]:
        combine = stage.spec.aspect_combine
        if stage.spec.member_combine == MemberCombine.SUM_OF_ASPECT_MEANS:
            counting = [a for a in aspects if a.counts_toward_total]
            if any(a.score is None for a in counting):
                return None, ""
            means = [a.score for a in counting]
            weights = [a.weight for a in counting]
            score = formulas.sum_of_aspect_means(combine, means, weights)  # type: ignore[arg-type]
            formula = stage.template.render(means, score) if trace else ""  # type: ignore[arg-type]
            return score, formula
        totals = [m.total for m in members if m.total is not None]
        if not totals:
            return None, ""
        score = formulas.mean_of_member_totals(totals)
        return score, _mean_formula(totals, score) if trace else ""

    # ------------------------------------------------------------ shortlist and ranking

    def _rules_upto(self, upto: str | None) -> list[TieBreakSpec]:
        """The tie-break rules that read a stage up to `upto` (all rules when None)."""
        if upto is None:
            return list(self.spec.tie_breaks)
        order = [stage.code for stage in self.stages]
        last = order.index(upto)
        return [rule for rule in self.spec.tie_breaks if order.index(rule.stage_code) <= last]

    def _tie_values(self, track: _Track, upto: str | None = None) -> list[Decimal | None]:
        """Each tie-break's value for `track`: the kecamatan-level mean of the aspect or
        indicator named by the rule; None when that stage was not (or not yet) scored, and
        for rules reading a stage after `upto`."""
        values: list[Decimal | None] = []
        usable = self._rules_upto(upto)
        for rule in self.spec.tie_breaks:
            stage = track.stage(rule.stage_code) if rule in usable else None
            aspect = None
            if stage is not None:
                aspect = next((a for a in stage.aspects if a.code == rule.aspect_code), None)
            value = None
            if aspect is not None:
                if rule.indicator_code is None:
                    value = aspect.score
                else:
                    value = next(
                        (i.score for i in aspect.indicators if i.code == rule.indicator_code),
                        None,
                    )
            values.append(value)
        return values

    def _order(
        self, scored: list[tuple[_Track, Decimal]], upto: str | None = None
    ) -> list[tuple[_Track, int, _Order]]:
        """Competition ranking (1, 2, 2, 4) on the published score, then the tie-breaks in
        order (each compared on its published two decimals; a missing value loses), then
        the name for a stable listing of equal ranks."""
        rules = self.spec.tie_breaks

        def key(item: tuple[_Track, Decimal]) -> _Order:
            track, published = item
            parts: list[tuple[int, Decimal]] = []
            for rule, value in zip(rules, self._tie_values(track, upto), strict=True):
                if value is None:
                    parts.append((1, Decimal(0)))
                else:
                    shown = rounding.publish(value)
                    parts.append((0, -shown if rule.higher_wins else shown))
            return (-published, tuple(parts))

        keyed = sorted(
            ((key(item), item[0]) for item in scored),
            key=lambda pair: (pair[0], pair[1].participant.name, pair[1].participant.key),
        )
        ordered: list[tuple[_Track, int, _Order]] = []
        for position, (k, track) in enumerate(keyed, start=1):
            rank = ordered[-1][1] if ordered and ordered[-1][2] == k else position
            ordered.append((track, rank, k))
        return ordered

    def _tie_warnings(
        self, ordered: list[tuple[_Track, int, _Order]], what: str, upto: str | None = None
    ) -> dict[int, list[_Track]]:
        """Warn about equal ranks; note on each participant which rule decided a tie."""
        groups: dict[int, list[_Track]] = {}
        for track, rank, _ in ordered:
            groups.setdefault(rank, []).append(track)
        by_score: dict[Decimal, list[tuple[_Track, int]]] = {}
        for track, rank, k in ordered:
            by_score.setdefault(-k[0], []).append((track, rank))
        for published, pairs in by_score.items():
            tracks = [track for track, _ in pairs]
            if len({rank for _, rank in pairs}) > 1:
                labels = ", ".join(
                    rule.label or rule.indicator_code or rule.aspect_code
                    for rule in self._rules_upto(upto)
                )
                for track in tracks:
                    others = ", ".join(_kecamatan(t.participant) for t in tracks if t is not track)
                    track.notes.append(
                        f"{what} sama dengan {others} ({_id_number(published)}); urutan "
                        f"ditentukan oleh aturan nilai seri ({labels})."
                    )
        return {rank: tracks for rank, tracks in groups.items() if len(tracks) > 1}

    def _shortlist(self, stage: _Stage, active: list[_Track]) -> None:
        """Only the top N of the stage's published score go on; ties at the cut that the
        tie-breaks (up to this stage) do not decide all go on, with a warning. A participant
        without a stage score is incomplete, not ranked out."""
        size = stage.spec.shortlist_size
        assert size is not None
        scored: list[tuple[_Track, Decimal]] = []
        for track in active:
            result = track.stages[-1]
            if result.score is None:
                track.active = False
                track.cut_reason = f"nilai tahap {stage.name} belum lengkap"
                self.warnings.append(
                    f"{_kecamatan(track.participant)} belum lengkap dinilai pada tahap "
                    f"{stage.name}, sehingga tidak ikut penentuan {size} besar."
                )
            else:
                scored.append((track, rounding.publish(result.score)))
        ordered = self._order(scored, upto=stage.code)
        ties = self._tie_warnings(ordered, f"Nilai tahap {stage.name}", stage.code)
        passed = [track for track, rank, _ in ordered if rank <= size]
        if len(passed) > size:
            tied = ties.get(max(rank for _, rank, _ in ordered if rank <= size), [])
            self.warnings.append(
                f"Nilai seri pada batas {size} besar tahap {stage.name} yang tidak terpecahkan "
                f"aturan nilai seri: {', '.join(_kecamatan(t.participant) for t in tied)}; "
                f"semuanya lolos ({len(passed)} peserta)."
            )
        for track, rank, _ in ordered:
            if rank > size:
                track.active = False
                track.status = ResultStatus.NOT_SHORTLISTED
                track.cut_reason = f"tidak masuk {size} besar tahap {stage.name}"
                track.notes.append(
                    f"Tidak masuk {size} besar tahap {stage.name} (nilai "
                    f"{_id_number(rounding.publish(track.stages[-1].score))}, urutan {rank})."  # type: ignore[arg-type]
                )

    def _final(self, track: _Track) -> tuple[Decimal | None, str]:
        scores = [s.score for s in track.stages]
        if any(score is None for score in scores):
            return None, ""
        method = self.spec.final_combine
        weights = [stage.spec.weight for stage in self.stages]
        final = formulas.final_score(method, scores, weights)  # type: ignore[arg-type]
        if method == FinalCombine.SINGLE_STAGE:
            return final, f"{self.stages[-1].code} {_plain(final)}"
        return final, self.final_template.render(scores, final)  # type: ignore[arg-type]

    def _rank(self) -> Ranking:
        finals: dict[str, tuple[Decimal | None, str]] = {}
        scored: list[tuple[_Track, Decimal]] = []
        for track in self.tracks.values():
            if track.participant.disqualified or track.status is not None or not track.active:
                continue
            final, formula = self._final(track)
            finals[track.participant.key] = (final, formula)
            if final is None:
                track.status = ResultStatus.INCOMPLETE
                self.warnings.append(
                    f"{_kecamatan(track.participant)} belum lengkap dinilai; tidak diperingkat."
                )
            else:
                track.status = ResultStatus.RANKED
                scored.append((track, rounding.publish(final)))
        ordered = self._order(scored)
        ties = self._tie_warnings(ordered, "Nilai akhir")
        for rank, tracks in sorted(ties.items()):
            names = ", ".join(_kecamatan(t.participant) for t in tracks)
            published = rounding.publish(finals[tracks[0].participant.key][0])  # type: ignore[arg-type]
            self.warnings.append(
                f"{names} memiliki nilai akhir sama ({_id_number(published)}) yang tidak "
                f"terpecahkan aturan nilai seri; semuanya berperingkat {rank}."
            )
        awards = {award.rank: award.label for award in self.spec.awards}
        results = [
            self._ranked(track, rank, finals[track.participant.key], awards)
            for track, rank, _ in ordered
        ]
        results += self._unranked()
        return Ranking(tuple(results), tuple(self.warnings))

    def _ranked(
        self,
        track: _Track,
        rank: int,
        final: tuple[Decimal | None, str],
        awards: dict[int, str],
    ) -> ParticipantResult:
        score, formula = final
        assert score is not None
        published = rounding.publish(score)
        return ParticipantResult(
            key=track.participant.key,
            name=track.participant.name,
            status=ResultStatus.RANKED,
            rank=rank,
            final_score=score,
            published_score=published,
            predikat=rounding.predicate_for(
                published, self.spec.predicate_rounding, self.spec.bands
            ),
            award=awards.get(rank, self.spec.award_for_others),
            stages=tuple(track.stages),
            tie_break_values=tuple(self._tie_values(track)),
            notes=tuple(track.notes),
            formula=formula,
        )

    def _unranked(self) -> list[ParticipantResult]:
        """Incomplete (by name), then not shortlisted (by their last stage's published score,
        highest first), then disqualified (by name); no predikat and no award for any."""
        incomplete, cut, disqualified = [], [], []
        for track in self.tracks.values():  # already in name order
            participant = track.participant
            if participant.disqualified:
                reason = participant.disqualification_reason
                result = ParticipantResult(
                    participant.key,
                    participant.name,
                    ResultStatus.DISQUALIFIED,
                    None,
                    None,
                    None,
                    notes=(f"Didiskualifikasi: {reason}" if reason else "Didiskualifikasi.",),
                )
                disqualified.append(result)
                continue
            if track.status == ResultStatus.RANKED:
                continue
            status = track.status or ResultStatus.INCOMPLETE
            result = ParticipantResult(
                participant.key,
                participant.name,
                status,
                None,
                None,
                None,
                stages=tuple(track.stages),
                tie_break_values=tuple(self._tie_values(track)),
                notes=tuple(track.notes),
            )
            if status == ResultStatus.NOT_SHORTLISTED:
                last = next(s.score for s in reversed(track.stages) if s.score is not None)
                cut.append((-rounding.publish(last), result))
            else:
                incomplete.append(result)
        cut.sort(key=lambda pair: pair[0])  # stable: equal scores keep name order
        return incomplete + [result for _, result in cut] + disqualified
