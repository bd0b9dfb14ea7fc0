"""One sheet scored: a member's (or the kecamatan's) indicator scores make aspect scores and
the member's total (`formulas.combine`), in the order the regulations give."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from scoring import formulas
from scoring.compiled import (
    KECAMATAN,
    OTHER,
    VALUE,
    Columns,
    CompiledAspect,
    CompiledIndicator,
    CompiledStage,
)
from scoring.inputs import Inputs, Sheet, SheetKey, Sums
from scoring.rules import AbsenceKind, IndicatorKind, ValueRange, split_year_part
from scoring.structures import (
    Absence,
    AspectResult,
    Entry,
    IndicatorResult,
    MemberResult,
    assemble,
)
from scoring.trace import TIMES, plain

NOT_SCORED = "belum menilai"
NOT_COMPLETE = "penilaian belum lengkap"
WAITING = "menunggu isian mandiri kecamatan"  # the member's own part is complete
ABSENT = {AbsenceKind.ABSENT: "tidak hadir", AbsenceKind.RECUSED: "mengundurkan diri"}

_NO_SHEET: Sheet = {}
_new = object.__new__


# ---------------------------------------------------------------- results, built directly


def aspect_result(
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


def member_result(
    assessor: str,
    total: Decimal | None,
    aspects: tuple[AspectResult, ...],
    excluded_reason: str = "",
    formula: str = "",
    absence: Absence | None = None,
) -> MemberResult:
    """`MemberResult(...)` via `assemble`, as `aspect_result`."""
    return assemble(
        MemberResult,
        assessor=assessor,
        total=total,
        aspects=aspects,
        excluded_reason=excluded_reason,
        formula=formula,
        absence=absence,
    )


def absent_member(assessor: str, absence: Absence) -> MemberResult:
    """A member who takes no part in this kecamatan's stage: no sheet is read."""
    return member_result(assessor, None, (), ABSENT[absence.kind], "", absence)


# ---------------------------------------------------------------- one indicator


def indicator_result(ind: CompiledIndicator, sheet: Sheet | None) -> IndicatorResult:
    """The indicator's score on `sheet` (None while a value is missing), with its entries."""
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
        return IndicatorResult(ind.code, ind.name, check(ind, ind.range, value), (entry,))
    if kind == IndicatorKind.COUNT_NORMALISED:
        return _count(ind, sheet)
    entries = [sheet.get(key) if sheet is not None else None for _, key, _, _ in ind.parts]
    present = tuple(e for e in entries if e is not None)
    values = [e.value if e is not None else None for e in entries]
    if any(v is None for v in values):
        return IndicatorResult(ind.code, ind.name, None, present)
    for (_, _, _, rule), value in zip(ind.parts, values, strict=True):
        check(ind, rule, value)  # type: ignore[arg-type]
    if kind == IndicatorKind.PERCENTAGE_PAIR:
        return _pair(ind, values, present)  # type: ignore[arg-type]
    return _capaian(ind, values, present)  # type: ignore[arg-type]


def check(ind: CompiledIndicator, rule: ValueRange | None, value: Decimal) -> Decimal:
    """`value` as `rule` accepts it; `ValueError` naming the indicator otherwise."""
    if rule is None:
        return value
    try:
        return rule.check(value)
    except ValueError as error:
        raise ValueError(f"Indikator {ind.code}: {error}.") from None


def _pair(
    ind: CompiledIndicator, values: list[Decimal], entries: tuple[Entry, ...]
) -> IndicatorResult:
    """percentage_pair: the parts (each checked against the indicator's range) weighted;
    a part entered for several years is the mean of its years."""
    if ind.years > 1:
        return _pair_over_years(ind, values, entries)
    weights = [w for _, _, w, _ in ind.parts]
    score = formulas.percentage_pair(zip(values, weights, strict=True))  # type: ignore[arg-type]
    formula = " + ".join(
        f"{name} {plain(v)} {TIMES} {plain(w)}%"  # type: ignore[arg-type]
        for (name, _, w, _), v in zip(ind.parts, values, strict=True)
    )
    return IndicatorResult(ind.code, ind.name, score, entries, f"{formula} = {plain(score)}")


def _pair_over_years(
    ind: CompiledIndicator, values: list[Decimal], entries: tuple[Entry, ...]
) -> IndicatorResult:
    """The cells come part by part, `ind.years` consecutive cells each ("fisik_1",
    "fisik_2", "keuangan_1", …): "fisik (80 + 90) / 2 × 50% + keuangan … = 85"."""
    years = ind.years
    groups = []
    terms = []
    for start in range(0, len(values), years):
        name = split_year_part(ind.parts[start][0])[0]
        weight = ind.parts[start][2]
        yearly = values[start : start + years]
        groups.append((yearly, weight))
        joined = " + ".join(plain(v) for v in yearly)
        terms.append(f"{name} ({joined}) / {years} {TIMES} {plain(weight)}%")  # type: ignore[arg-type]
    score = formulas.percentage_pair_over_years(groups)  # type: ignore[arg-type]
    return IndicatorResult(
        ind.code, ind.name, score, entries, f"{' + '.join(terms)} = {plain(score)}"
    )


def _capaian(
    ind: CompiledIndicator, values: list[Decimal], entries: tuple[Entry, ...]
) -> IndicatorResult:
    """capaian: target 0 leaves the indicator unscored (with a note; a negative target or
    realisasi was refused by its range); the capaian is then capped into [min_value,
    max_value] when those are set, so 120% scores 100 on a 0–100 indicator."""
    target, realisasi = values
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
    score = formulas.capped(raw, ind.spec.min_value, ind.spec.max_value)
    if ind.polarity == "lower_is_better":
        formula = f"({plain(target)} - ({plain(realisasi)} - {plain(target)}))"
    else:
        formula = plain(realisasi)
    formula = f"{formula} / {plain(target)} {TIMES} 100 = {plain(raw)}"
    if score != raw:
        formula += f", dibatasi menjadi {plain(score)}"
    return IndicatorResult(ind.code, ind.name, score, entries, formula)


def _count(ind: CompiledIndicator, sheet: Sheet | None) -> IndicatorResult:
    """count_normalised: the count against the highest count; the recorded parts (checked
    like any value, never scored) travel with the result's entries so the trace shows them."""
    entry = sheet.get(ind.key) if sheet is not None else None
    recorded: tuple[Entry, ...] = ()
    if ind.recorded_keys and sheet is not None:
        recorded = tuple(e for e in map(sheet.get, ind.recorded_keys) if e is not None)
        rule = ind.spec.cells[-1][1]
        for each in recorded:
            if each.value is not None:
                check(ind, rule, each.value)
    if entry is None:
        return IndicatorResult(ind.code, ind.name, None, recorded) if recorded else ind.missing
    if entry.value is None or ind.highest is None:
        return IndicatorResult(ind.code, ind.name, None, (entry, *recorded))
    score = formulas.count_normalised(entry.value, ind.highest, ind.hi)  # type: ignore[arg-type]
    formula = (
        f"{plain(entry.value)} / {plain(ind.highest)} {TIMES} {plain(ind.hi)}"  # type: ignore[arg-type]
        f" = {plain(score)}"
    )
    note = "jumlah tertinggi 0: semua peserta bernilai 0" if ind.highest == 0 else ""
    return IndicatorResult(ind.code, ind.name, score, (entry, *recorded), formula, note=note)


# ---------------------------------------------------------------- one sheet


def score_sheet(
    inputs: Inputs,
    stage: CompiledStage,
    assessor: str,
    sheet: Sheet | None,
    kecamatan: dict[CompiledIndicator, IndicatorResult],
    sheet_key: SheetKey,
    trace: bool,
) -> MemberResult:
    """One member's sheet (or the kecamatan's, in a stage it fills alone): each aspect from
    its indicators or its sums, then the member's total; no total while a counted aspect is
    not complete. `kecamatan`: the kecamatan's own indicator results in this stage (a team
    member whose own cells are all in then waits for them: `WAITING`)."""
    aspects: list[AspectResult] = []
    totals: list[Decimal] = []
    weights: list[Decimal | None] = []
    complete = True
    own_complete = True  # every counted cell the member fills is in
    pseudo = stage.pseudo
    get = (_NO_SHEET if sheet is None else sheet).get
    summed = inputs.sums.get(sheet_key)
    plans = stage.sum_columns if summed is not None else None
    for index, aspect in enumerate(stage.aspects):
        plan = plans[index] if plans is not None else None
        if plan is not None and summed is not None:
            # Scored from the sheet's sums: no indicator results to keep. The common case (a
            # sum or mean aspect, or one weight: one column) is read here directly.
            columns, column_weights = plan
            if len(columns) == 1:
                column = columns[0]
                count = summed[0][column]
                known = (
                    formulas.aspect_from_sums(
                        aspect.combine, (summed[1][column],), column_weights, count
                    )
                    if count == aspect.size
                    else None
                )
            else:
                known = _summed_aspect(aspect, plan, summed)
            from_sums = _new(AspectResult)  # `aspect_result`, inline: the hottest loop
            from_sums.__dict__.update(
                code=aspect.code,
                name=aspect.name,
                weight=aspect.weight,
                score=known,
                counts_toward_total=aspect.counts,
                indicators=(),
                formula="",
            )
            aspects.append(from_sums)
            if aspect.counts:
                if known is None:
                    complete = own_complete = False
                else:
                    totals.append(known)
                    weights.append(aspect.weight)
            continue
        results: list[IndicatorResult] = []
        scores: list[Decimal] = []
        whole = own_whole = True
        for ind in aspect.indicators:
            mode = ind.mode
            if mode == KECAMATAN:
                result = kecamatan[ind]
                value = result.score
            elif mode == OTHER:
                result = indicator_result(ind, sheet)
                value = result.score
            else:
                entry = get(ind.key)
                if entry is None:
                    result, value = ind.missing, None
                else:
                    if mode == VALUE:
                        value = entry.value
                        if value is not None and not ind.low <= value <= ind.high:
                            value = None
                    else:
                        value = ind.options.get(entry.option_code)  # type: ignore[arg-type]
                    if value is None:  # missing, or refused with its reason
                        result = indicator_result(ind, sheet)
                        value = result.score
                    elif ind.keep:
                        result = IndicatorResult(ind.code, ind.name, value, (entry,))
            if ind.keep:
                results.append(result)
            if value is None:
                whole = False
                if mode != KECAMATAN or pseudo:
                    own_whole = False
            else:
                scores.append(value)
        score: Decimal | None = None
        formula = ""
        if whole:
            score = formulas.combine(aspect.combine, scores, aspect.weights)
            if trace and len(scores) > 1:
                formula = aspect.template.render(scores, score)
        aspects.append(
            aspect_result(
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
                own_complete = own_complete and own_whole
            else:
                totals.append(score)
                weights.append(aspect.weight)
    if not complete:
        if own_complete:
            why = WAITING
        elif sheet_key in inputs.valued_sums:
            why = NOT_COMPLETE
        else:
            why = _why_not(sheet)
        return member_result(assessor, None, tuple(aspects), why)
    member_total = formulas.combine(stage.spec.aspect_combine, totals, weights)
    formula = stage.template.render(totals, member_total) if trace else ""
    return member_result(assessor, member_total, tuple(aspects), "", formula)


def _summed_aspect(aspect: CompiledAspect, plan: Columns, sums: Sums) -> Decimal | None:
    """An aspect from its columns of a sheet's sums; None until all its cells are in."""
    counts, totals = sums
    columns, weights = plan
    count = sum(counts[c] for c in columns)
    parts: Sequence[Decimal] = [totals[c] for c in columns]
    if count != aspect.size:
        return None
    return formulas.aspect_from_sums(aspect.combine, parts, weights, count)


def _why_not(sheet: Sheet | None) -> str:
    """ "belum menilai" when the member's own sheet holds no value at all (kecamatan
    values do not count as the member's), otherwise "penilaian belum lengkap"."""
    if sheet and any(e.value is not None or e.option_code is not None for e in sheet.values()):
        return NOT_COMPLETE
    return NOT_SCORED
