"""Pure checks of an `InstrumentSpec`.

`instrument_errors` lists what makes a set unscorable (the engine refuses it with
`ValueError`); `instrument_warnings` lists what a set may legitimately contain but Tapem must
see, such as weights that do not sum to 100 (Perbup Tegal 30/2016 prints 25/35/45 in
Lampiran II). The instruments app shows the warnings and stores them in
`InstrumentSpec.warnings`, which every ranking carries; the engine does not add them again.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from scoring.rules import AspectCombine, FinalCombine, IndicatorKind
from scoring.structures import AspectSpec, IndicatorSpec, InstrumentSpec, StageSpec

HUNDRED = Decimal(100)
YES_NO_CODES = frozenset({"ya", "tidak"})


def _duplicates(codes: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for code in codes:
        if code in seen and code not in repeated:
            repeated.append(code)
        seen.add(code)
    return repeated


def _indicator_errors(where: str, indicator: IndicatorSpec, combine: AspectCombine) -> list[str]:
    errors: list[str] = []
    kind = indicator.kind
    if not indicator.scored:
        return errors
    if combine == AspectCombine.WEIGHTED_SUM and indicator.weight is None:
        errors.append(f"{where}: bobot indikator wajib diisi (aspek dijumlah berbobot).")
    if (
        indicator.min_value is not None
        and indicator.max_value is not None
        and indicator.min_value > indicator.max_value
    ):
        errors.append(f"{where}: nilai minimal lebih besar dari nilai maksimal.")
    if kind in (IndicatorKind.CHOICE, IndicatorKind.YES_NO):
        codes = [option.code for option in indicator.options]
        if not codes:
            errors.append(f"{where}: indikator pilihan tanpa pilihan jawaban.")
        for code in _duplicates(codes):
            errors.append(f"{where}: kode pilihan {code} berulang.")
        if kind == IndicatorKind.YES_NO and set(codes) != YES_NO_CODES:
            errors.append(f"{where}: indikator ya/tidak harus berpilihan tepat 'ya' dan 'tidak'.")
    elif kind == IndicatorKind.PERCENTAGE_PAIR:
        if not indicator.parts:
            errors.append(f"{where}: persentase ganda tanpa bagian.")
        for name in _duplicates(name for name, _ in indicator.parts):
            errors.append(f"{where}: bagian {name} berulang.")
        if "" in (name for name, _ in indicator.parts):
            errors.append(f"{where}: nama bagian tidak boleh kosong.")
        if indicator.years < 1:
            errors.append(f"{where}: jumlah tahun bagian harus minimal 1.")
    elif kind == IndicatorKind.CAPAIAN:
        if indicator.polarity is None:
            errors.append(f"{where}: capaian tanpa polaritas.")
    elif kind == IndicatorKind.COUNT_NORMALISED and indicator.max_value is None:
        errors.append(f"{where}: jumlah yang dibandingkan wajib memiliki nilai maksimal.")
    if kind != IndicatorKind.PERCENTAGE_PAIR and indicator.years != 1:
        errors.append(f"{where}: isian per tahun hanya untuk persentase ganda.")
    if indicator.recorded:
        if kind != IndicatorKind.COUNT_NORMALISED:
            errors.append(
                f"{where}: bagian yang hanya dicatat hanya untuk jumlah yang dibandingkan."
            )
        for name in _duplicates(indicator.recorded):
            errors.append(f"{where}: bagian {name} berulang.")
        if "" in indicator.recorded:
            errors.append(f"{where}: nama bagian tidak boleh kosong.")
    return errors


def _aspect_errors(stage: StageSpec, aspect: AspectSpec) -> list[str]:
    where = f"Tahap {stage.code} aspek {aspect.code}"
    errors: list[str] = []
    for code in _duplicates(indicator.code for indicator in aspect.indicators):
        errors.append(f"{where}: kode indikator {code} berulang.")
    scored = [indicator for indicator in aspect.indicators if indicator.scored]
    if aspect.counts_toward_total and not scored:
        errors.append(f"{where}: aspek yang dihitung tidak memiliki indikator yang dinilai.")
    if (
        aspect.counts_toward_total
        and stage.aspect_combine == AspectCombine.WEIGHTED_SUM
        and aspect.weight is None
    ):
        errors.append(f"{where}: bobot aspek wajib diisi (tahap dijumlah berbobot).")
    for indicator in aspect.indicators:
        errors += _indicator_errors(
            f"{where} indikator {indicator.code}", indicator, aspect.combine
        )
    return errors


def instrument_errors(spec: InstrumentSpec) -> list[str]:
    """What makes `spec` unscorable, as Indonesian sentences; empty when it can be scored."""
    errors: list[str] = []
    if not spec.stages:
        errors.append("Set instrumen tidak memiliki tahap.")
    for code in _duplicates(stage.code for stage in spec.stages):
        errors.append(f"Kode tahap {code} berulang.")
    for stage in spec.stages:
        for code in _duplicates(aspect.code for aspect in stage.aspects):
            errors.append(f"Tahap {stage.code}: kode aspek {code} berulang.")
        if not any(aspect.counts_toward_total for aspect in stage.aspects):
            errors.append(f"Tahap {stage.code}: tidak ada aspek yang dihitung dalam nilai.")
        if stage.shortlist_size is not None and stage.shortlist_size < 1:
            errors.append(f"Tahap {stage.code}: jumlah lolos harus minimal 1.")
        if spec.final_combine == FinalCombine.WEIGHTED_STAGES and stage.weight is None:
            errors.append(f"Tahap {stage.code}: bobot tahap wajib diisi (nilai akhir berbobot).")
        for each in stage.aspects:
            errors += _aspect_errors(stage, each)
    stages = {stage.code: stage for stage in spec.stages}
    for number, tie_break in enumerate(spec.tie_breaks, start=1):
        read = stages.get(tie_break.stage_code)
        aspect = None
        if read is not None:
            aspect = next((a for a in read.aspects if a.code == tie_break.aspect_code), None)
        if aspect is None:
            errors.append(f"Aturan nilai seri {number}: tahap atau aspek tidak dikenal.")
        elif tie_break.indicator_code is not None and not any(
            i.code == tie_break.indicator_code and i.scored for i in aspect.indicators
        ):
            errors.append(
                f"Aturan nilai seri {number}: indikator tidak dikenal atau tidak dinilai."
            )
    for band in spec.bands:
        if band.lower is not None and band.upper is not None and band.lower > band.upper:
            errors.append(f"Rentang predikat {band.label}: batas bawah di atas batas atas.")
    for rank in _duplicates(str(award.rank) for award in spec.awards):
        errors.append(f"Penghargaan peringkat {rank} berulang.")
    return errors


def instrument_warnings(spec: InstrumentSpec) -> list[str]:
    """What Tapem must see but may keep, such as weights that do not sum to 100."""
    warnings: list[str] = []

    def weights_sum(label: str, weights: list[Decimal | None]) -> None:
        given = [w for w in weights if w is not None]
        if given and len(given) == len(weights):
            summed = sum(given, Decimal(0))
            if summed != HUNDRED:
                warnings.append(f"Bobot {label} berjumlah {summed}%, bukan 100%.")

    if spec.final_combine == FinalCombine.WEIGHTED_STAGES:
        weights_sum("tahap", [stage.weight for stage in spec.stages])
    for stage in spec.stages:
        counting = [aspect for aspect in stage.aspects if aspect.counts_toward_total]
        if stage.aspect_combine == AspectCombine.WEIGHTED_SUM:
            weights_sum(f"aspek tahap {stage.code}", [a.weight for a in counting])
        for aspect in stage.aspects:
            scored = [i for i in aspect.indicators if i.scored]
            if aspect.combine == AspectCombine.WEIGHTED_SUM:
                weights_sum(
                    f"indikator aspek {aspect.code} tahap {stage.code}", [i.weight for i in scored]
                )
            for indicator in scored:
                if indicator.kind == IndicatorKind.PERCENTAGE_PAIR:
                    weights_sum(
                        f"bagian indikator {indicator.code} tahap {stage.code}",
                        [weight for _, weight in indicator.parts],
                    )
    return warnings
