"""The members of a stage's team combined into the kecamatan's stage score: the mean of the
members' totals (`formulas.mean_of_member_totals`), or each aspect's mean over the members,
then combined (`formulas.sum_of_aspect_means`, Banggai's ΣKo + ΣIk)."""

from __future__ import annotations

from decimal import Decimal

from scoring import formulas
from scoring.compiled import CompiledAspect, CompiledIndicator, CompiledStage
from scoring.inputs import Inputs, Track
from scoring.messages import Code, Message, message
from scoring.rules import MemberCombine
from scoring.sheets import NOT_SCORED, aspect_result, check, indicator_result, score_sheet
from scoring.structures import AspectResult, IndicatorResult, MemberResult, StageResult
from scoring.trace import kecamatan_name, mean_formula


def set_highest(
    inputs: Inputs, stage: CompiledStage, active: list[Track], warnings: list[Message]
) -> None:
    """count_normalised: the highest value entered for each such indicator by the
    participants still in the stage (disqualified and cut participants excluded), over
    every sheet (the kecamatan's, or every member's when the team enters the count)."""
    for indicator in stage.counts:
        highest: Decimal | None = None
        assessors = (None,) if indicator.by_kecamatan else stage.members
        for track in active:
            for assessor in assessors:
                sheet = inputs.sheets.get((stage.code, track.participant.key, assessor))
                entry = sheet.get(indicator.key) if sheet else None
                if entry is not None and entry.value is not None:
                    check(indicator, indicator.range, entry.value)
                    if highest is None or entry.value > highest:
                        highest = entry.value
        indicator.highest = highest
        if highest is not None and highest == 0:
            warnings.append(
                message(Code.COUNT_HIGHEST_ZERO, indicator=indicator.code, stage=stage.name)
            )


def skip_stage(inputs: Inputs, stage: CompiledStage, track: Track) -> None:
    """A stage the participant does not reach (cut at a shortlist): no score, and a note
    when values were entered for it anyway."""
    track.stages.append(StageResult(stage.code, stage.name, None, skipped_reason=track.cut_reason))
    if (stage.code, track.participant.key) in inputs.entered:
        track.notes.append(message(Code.VALUES_IGNORED, stage=stage.name, reason=track.cut_reason))


def score_stage(
    inputs: Inputs, stage: CompiledStage, track: Track, warnings: list[Message], *, trace: bool
) -> StageResult:
    """One kecamatan's stage: every member's sheet, the kecamatan-level aspect means and the
    stage score (None until it can be computed)."""
    key = track.participant.key
    kecamatan_sheet = inputs.sheets.get((stage.code, key, None))
    # Summed aspects read no entries (a kecamatan's sums come only in a stage it scores
    # alone).
    summed = stage.summed_codes if (stage.code, key, None) in inputs.sums else ()
    kecamatan = {
        ind: indicator_result(ind, kecamatan_sheet)
        for ind in stage.kecamatan_indicators
        if ind.aspect_code not in summed
    }
    for result in kecamatan.values():
        if result.note:  # a capaian with target 0
            track.notes.append(
                message(Code.CAPAIAN_TARGET_ZERO, stage=stage.name, indicator=result.code)
            )
    if not stage.members:
        track.notes.append(message(Code.NO_TEAM, stage=stage.name))
    if stage.pseudo:
        members = [
            score_sheet(
                inputs, stage, assessor, kecamatan_sheet, kecamatan, (stage.code, key, None), trace
            )
            for assessor in stage.members
        ]
    else:
        members = [
            score_sheet(
                inputs,
                stage,
                assessor,
                inputs.sheets.get((stage.code, key, assessor)),
                kecamatan,
                (stage.code, key, assessor),
                trace,
            )
            for assessor in stage.members
        ]
    _member_warnings(stage, track, members, kecamatan, warnings)
    aspects = [
        _aspect_mean(stage, i, aspect, members, trace=trace)
        for i, aspect in enumerate(stage.aspects)
    ]
    score, formula = _stage_score(stage, members, aspects, trace=trace)
    if score is None:
        track.notes.append(message(Code.STAGE_NOT_COMPUTED, stage=stage.name))
    return StageResult(
        stage.code, stage.name, score, tuple(aspects), tuple(members), formula=formula
    )


def _member_warnings(
    stage: CompiledStage,
    track: Track,
    members: list[MemberResult],
    kecamatan: dict[CompiledIndicator, IndicatorResult],
    warnings: list[Message],
) -> None:
    name = kecamatan_name(track.participant)
    missing_kecamatan = [
        ind.code
        for ind, result in kecamatan.items()
        if result.score is None and any(a.code == ind.aspect_code for a in stage.counting)
    ]
    key = track.participant.key
    if missing_kecamatan and not stage.pseudo:
        warnings.append(
            message(
                Code.SELF_ASSESSMENT_INCOMPLETE,
                kecamatan=name,
                key=key,
                stage=stage.name,
                indicators=tuple(missing_kecamatan),
            )
        )
    partly = stage.spec.member_combine == MemberCombine.SUM_OF_ASPECT_MEANS
    for member in members:
        if member.total is not None:
            continue
        if stage.pseudo:
            empty = member.excluded_reason == NOT_SCORED
            code = Code.SELF_ASSESSMENT_EMPTY if empty else Code.SELF_ASSESSMENT_PARTIAL
            warnings.append(message(code, kecamatan=name, key=key, stage=stage.name))
        elif member.excluded_reason == NOT_SCORED:
            warnings.append(
                message(
                    Code.MEMBER_NOT_SCORED,
                    assessor=member.assessor,
                    kecamatan=name,
                    key=key,
                    stage=stage.name,
                )
            )
        elif not missing_kecamatan:
            open_aspects = tuple(
                a.code for a in member.aspects if a.counts_toward_total and a.score is None
            )
            warnings.append(
                message(
                    Code.MEMBER_INCOMPLETE_PARTLY if partly else Code.MEMBER_INCOMPLETE,
                    assessor=member.assessor,
                    kecamatan=name,
                    key=key,
                    stage=stage.name,
                    aspects=open_aspects,
                )
            )


def _aspect_mean(
    stage: CompiledStage,
    index: int,
    aspect: CompiledAspect,
    members: list[MemberResult],
    *,
    trace: bool,
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
        formula = mean_formula(values, value) if (aspect.code, ind.code) in stage.traced else ""
        indicators.append(IndicatorResult(ind.code, ind.name, value, formula=formula))
    scores = [a.score for a in member_aspects if a.score is not None]
    score = formulas.mean(scores) if scores else None
    formula = mean_formula(scores, score) if trace and score is not None else ""
    return aspect_result(
        aspect.code, aspect.name, aspect.weight, score, aspect.counts, tuple(indicators), formula
    )


def _stage_score(
    stage: CompiledStage,
    members: list[MemberResult],
    aspects: list[AspectResult],
    *,
    trace: bool,
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
    return score, mean_formula(totals, score) if trace else ""
