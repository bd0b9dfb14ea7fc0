"""The instrument set compiled for one run: every stage, aspect and indicator with what the
inner loops need worked out once (lookup keys, bounds, option scores, trace templates, which
indicator results the light trace keeps, which aspects may come as sums)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from scoring.rules import (
    CHOICE_KINDS,
    KECAMATAN_ASSESSOR,
    SUMMABLE_KINDS,
    AspectCombine,
    EnteredBy,
    IndicatorKind,
    ValueRange,
    split_year_part,
)
from scoring.structures import (
    AspectSpec,
    IndicatorResult,
    IndicatorSpec,
    InstrumentSpec,
    StageSpec,
)
from scoring.trace import Template

_INFINITY = Decimal("Infinity")
_NEGATIVE_INFINITY = Decimal("-Infinity")
# How the member loop reads an indicator (`CompiledIndicator.mode`).
KECAMATAN, VALUE, CHOICE, OTHER = range(4)

Key = tuple[str, str, str]  # (aspect code, indicator code, part) inside one sheet
Columns = tuple[tuple[int, ...], tuple[Decimal | None, ...]]  # an aspect's sum columns, weights


class CompiledIndicator:
    """An indicator with everything the inner loop needs precomputed."""

    __slots__ = (
        "aspect_code",
        "by_kecamatan",
        "code",
        "hi",
        "high",
        "highest",
        "keep",
        "key",
        "kind",
        "low",
        "missing",
        "mode",
        "name",
        "options",
        "parts",
        "polarity",
        "range",
        "recorded_keys",
        "spec",
        "weight",
        "years",
    )

    def __init__(self, aspect: AspectSpec, spec: IndicatorSpec) -> None:
        self.spec = spec
        self.aspect_code = aspect.code
        self.code = spec.code
        self.name = spec.name
        self.kind = spec.kind
        self.by_kecamatan = spec.entered_by == EnteredBy.KECAMATAN
        self.key: Key = (aspect.code, spec.code, "")
        self.hi = spec.max_value  # the score a count_normalised's highest count receives
        self.weight = spec.weight
        self.polarity = spec.polarity
        self.options = {option.code: option.score for option in spec.options}
        cells = spec.scored_cells  # the one range rule (`ValueRange`) of every value entered
        # A single value's range (None for a choice: an option code).
        self.range: ValueRange | None = cells[0][1] if len(cells) == 1 else None
        # Multi-part kinds: (part, cell key, part weight, range) of each cell; a part entered
        # for several years has `years` consecutive cells ("fisik_1", "fisik_2").
        weights = dict(spec.parts)
        self.years = spec.years if spec.kind == IndicatorKind.PERCENTAGE_PAIR else 1
        self.parts: tuple[tuple[str, Key, Decimal | None, ValueRange], ...] = ()
        if spec.kind in (IndicatorKind.PERCENTAGE_PAIR, IndicatorKind.CAPAIAN):
            self.parts = tuple(
                (
                    name,
                    (aspect.code, spec.code, name),
                    weights.get(split_year_part(name)[0] if self.years > 1 else name),
                    rule,
                )  # type: ignore[misc]
                for name, rule in cells
            )
        # Cells entered and shown beside the score, never scored (count_normalised).
        self.recorded_keys: tuple[Key, ...] = tuple(
            (aspect.code, spec.code, name) for name in spec.recorded
        )
        self.missing = IndicatorResult(spec.code, spec.name, None)
        self.highest: Decimal | None = None  # count_normalised: set per stage run
        self.keep = True  # whether member sheets keep this indicator's result (the trace)
        # The member loop reads the common kinds inline: a value inside the range [low, high]
        # (whole numbers go through `ValueRange.check`), or an option the indicator offers;
        # anything else goes through `sheets.indicator_result`.
        low = self.range.low if self.range is not None else None
        high = self.range.high if self.range is not None else None
        self.low = low if low is not None else _NEGATIVE_INFINITY
        self.high = high if high is not None else _INFINITY
        if self.by_kecamatan:
            self.mode = KECAMATAN
        elif spec.kind in (IndicatorKind.SCORE, IndicatorKind.PERCENTAGE) and not (
            self.range is not None and self.range.integer_only
        ):
            self.mode = VALUE
        elif spec.kind in CHOICE_KINDS:
            self.mode = CHOICE
        else:
            self.mode = OTHER

    def cells(self) -> list[Key]:
        scored = [key for _, key, _, _ in self.parts] if self.parts else [self.key]
        return [*scored, *self.recorded_keys]


class CompiledAspect:
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
        self.indicators = tuple(CompiledIndicator(spec, i) for i in spec.indicators if i.scored)
        self.weights = tuple(i.weight for i in self.indicators)
        self.template = Template(spec.combine, self.weights)
        self.kept = self.indicators
        # Summing (StageSums): the side whose sheets may give this aspect as sums (None: no
        # sums), and how many indicators each weight a column may name has.
        self.size = len(self.indicators)
        sides = {i.spec.entered_by for i in self.indicators}
        linear = all(i.kind in SUMMABLE_KINDS for i in self.indicators)
        self.side = sides.pop() if linear and len(sides) == 1 else None
        weighted = spec.combine == AspectCombine.WEIGHTED_SUM
        self.weight_counts: dict[Decimal | None, int] = {}
        for ind in self.indicators:
            key = ind.weight if weighted else None
            self.weight_counts[key] = self.weight_counts.get(key, 0) + 1


class CompiledStage:
    __slots__ = (
        "answer_keys",
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
        self.aspects = tuple(CompiledAspect(a) for a in spec.aspects)
        self.counting = tuple(a for a in self.aspects if a.counts)
        self.template = Template(
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
        # Cells never scored, dropped wherever they come from: free text, files and the
        # informational figures (`IndicatorSpec.informational`), every part of them.
        self.text_keys = frozenset(
            (a.code, i.code, part)
            for a in spec.aspects
            for i in a.indicators
            if not i.scored
            for part in ("", *(name for name, _ in i.cells))
        )
        # The kecamatan's own answers to team indicators (`answered_by_kecamatan`): a
        # starting point for the team, never a value of the kecamatan's sheet that counts.
        self.answer_keys = frozenset(
            (a.code, i.code, part)
            for a in spec.aspects
            for i in a.indicators
            if i.answered_by_kecamatan and i.scored
            for part, _ in i.cells
        )
        # A stage whose every scored indicator is entered by the kecamatan has one sheet,
        # the kecamatan's own: the pseudo-member "mandiri".
        self.pseudo = len(self.kecamatan_indicators) == len(indicators)
        self.members: tuple[str, ...] = (
            (KECAMATAN_ASSESSOR,) if self.pseudo else tuple(sorted(set(team)))
        )
        self.aspect_by_code = {a.code: a for a in self.aspects}
        # With StageSums: each aspect's columns (None: read from entries), set by the engine.
        self.sum_columns: tuple[Columns | None, ...] | None = None
        self.summed_codes: frozenset[str] = frozenset()


def compile_stages(
    spec: InstrumentSpec, teams: dict[str, tuple[str, ...]], *, trace: bool
) -> tuple[CompiledStage, ...]:
    """Every stage of `spec` with its team; the light trace (`trace=False`) keeps only the
    indicator results a tie-break reads."""
    return tuple(
        CompiledStage(
            stage,
            teams.get(stage.code, ()),
            (
                (rule.aspect_code, rule.indicator_code)
                for rule in spec.tie_breaks
                if rule.stage_code == stage.code
            ),
            trace,
        )
        for stage in spec.stages
    )
