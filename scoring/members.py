"""The members of a stage's team combined into the kecamatan's stage score: the mean of the
members' totals (`formulas.mean_of_member_totals`), or each aspect's mean over the members,
then combined (`formulas.sum_of_aspect_means`, Banggai's ΣKo + ΣIk).

The whole team scores (digest, "Rules for every region"; Perbup Banggai 49/2022 divides by
JA, the Jumlah Anggota, and holds every weighting meeting "dihadiri oleh semua anggota",
Pasal 10(3), 12(4), 14(7)): a kecamatan's stage score exists only once every seated member
has completed their sheet for it, or Tapem has recorded the member absent or recused for it
(`Absence`). Until then the stage names who is missing and has no score. The means divide
by the members who took part; every mean is over the same members, so Banggai's ΣKo and
ΣIk are never taken over different members. A sheet is complete or it is not: never half
counted.
"""

from __future__ import annotations

from decimal import Decimal

from scoring import formulas
from scoring.compiled import CompiledAspect, CompiledIndicator, CompiledStage
from scoring.inputs import Inputs, SheetKey, Track
from scoring.messages import Code, Message, message
from scoring.rules import KECAMATAN_ASSESSOR, AbsenceKind, MemberCombine
from scoring.sheets import (
    NOT_SCORED,
    WAITING,
    absent_member,
    aspect_result,
    check,
    indicator_result,
    score_sheet,
)
from scoring.structures import Absence, AspectResult, IndicatorResult, MemberResult, StageResult
from scoring.trace import kecamatan_name, mean_formula


def set_highest(
    inputs: Inputs, stage: CompiledStage, active: list[Track], warnings: list[Message]
) -> None:
    """count_normalised: the highest value entered for each such indicator by the
    participants still in the stage (disqualified and cut participants excluded), over
    every sheet (the kecamatan's, or every member's when the team enters the count) but
    those of members who take no part in that kecamatan's stage."""
    for indicator in stage.counts:
        highest: Decimal | None = None
        for track in active:
            assessors = (
                (None,) if indicator.by_kecamatan else inputs.members(stage, track.participant.key)
            )
            for assessor in assessors:
                if (stage.code, track.participant.key, assessor) in inputs.absences:
                    continue
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
    stage score, over the members who took part; no score (and no aspect means) while a
    seated member who is not recorded absent has not completed their sheet."""
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
    members: list[MemberResult] = []
    absences = inputs.absences
    expected = inputs.members(stage, key)
    if expected is not stage.members:
        _unassigned(inputs, stage, track, expected, warnings)
    if stage.pseudo:
        sheet_key: SheetKey = (stage.code, key, None)
        for assessor in stage.members:
            members.append(
                score_sheet(inputs, stage, assessor, kecamatan_sheet, kecamatan, sheet_key, trace)
            )
    else:
        sheets = inputs.sheets
        for assessor in expected:
            sheet_key = (stage.code, key, assessor)
            absence = absences.get(sheet_key) if absences else None
            if absence is None:
                sheet = sheets.get(sheet_key)
                members.append(
                    score_sheet(inputs, stage, assessor, sheet, kecamatan, sheet_key, trace)
                )
            else:
                members.append(absent_member(assessor, absence))
                _absent(inputs, stage, track, absence, warnings)
    took_part = [m for m in members if m.total is not None]
    if len(took_part) == len(members) and all(r.score is not None for r in kecamatan.values()):
        missing: tuple[str, ...] = ()  # the common case: everyone's sheet is complete
    else:
        missing = _missing(stage, track, members, kecamatan, warnings)
    if not missing and not took_part and stage.members:
        warnings.append(
            message(
                Code.NOBODY_TOOK_PART,
                kecamatan=kecamatan_name(track.participant),
                key=key,
                stage=stage.name,
            )
        )
    if missing or not took_part:
        aspects = [_no_mean(aspect) for aspect in stage.aspects]
        score: Decimal | None = None
        formula = ""
        track.notes.append(message(Code.STAGE_NOT_COMPUTED, stage=stage.name))
    else:
        aspects = [
            _aspect_mean(stage, i, aspect, took_part, trace=trace)
            for i, aspect in enumerate(stage.aspects)
        ]
        score, formula = _stage_score(stage, took_part, aspects, trace=trace)
    return StageResult(
        stage.code,
        stage.name,
        score,
        tuple(aspects),
        tuple(members),
        formula=formula,
        missing=missing,
        absences=tuple(m.absence for m in members if m.absence is not None) if absences else (),
    )


def _unassigned(
    inputs: Inputs,
    stage: CompiledStage,
    track: Track,
    expected: tuple[str, ...],
    warnings: list[Message],
) -> None:
    """Warn about values of members not assigned to this kecamatan: they are ignored (every
    write path refuses them, so they are there only if written around it)."""
    for assessor in stage.members:
        if assessor in expected:
            continue
        if inputs.has_values((stage.code, track.participant.key, assessor)):
            warnings.append(
                message(
                    Code.UNASSIGNED_VALUES_IGNORED,
                    assessor=assessor,
                    kecamatan=kecamatan_name(track.participant),
                    key=track.participant.key,
                    stage=stage.name,
                )
            )


def _absent(
    inputs: Inputs,
    stage: CompiledStage,
    track: Track,
    absence: Absence,
    warnings: list[Message],
) -> None:
    """Note a member who takes no part (who, why, recorded by whom and when); warn when the
    member's values are there anyway: they are ignored."""
    code = Code.MEMBER_RECUSED if absence.kind == AbsenceKind.RECUSED else Code.MEMBER_ABSENT
    track.notes.append(
        message(
            code,
            stage=stage.name,
            assessor=absence.assessor,
            reason=absence.reason,
            recorded_by=absence.recorded_by,
            recorded_at=absence.recorded_at.isoformat(),
        )
    )
    if inputs.has_values((stage.code, track.participant.key, absence.assessor)):
        warnings.append(
            message(
                Code.ABSENT_VALUES_IGNORED,
                assessor=absence.assessor,
                kecamatan=kecamatan_name(track.participant),
                key=track.participant.key,
                stage=stage.name,
            )
        )


def _missing(
    stage: CompiledStage,
    track: Track,
    members: list[MemberResult],
    kecamatan: dict[CompiledIndicator, IndicatorResult],
    warnings: list[Message],
) -> tuple[str, ...]:
    """Who must still complete a sheet ("mandiri": the kecamatan's own values), each
    warned about once."""
    name = kecamatan_name(track.participant)
    key = track.participant.key
    missing: list[str] = []
    missing_kecamatan = tuple(
        ind.code
        for ind, result in kecamatan.items()
        if result.score is None and any(a.code == ind.aspect_code for a in stage.counting)
    )
    if missing_kecamatan and not stage.pseudo:
        missing.append(KECAMATAN_ASSESSOR)
        warnings.append(
            message(
                Code.SELF_ASSESSMENT_INCOMPLETE,
                kecamatan=name,
                key=key,
                stage=stage.name,
                indicators=missing_kecamatan,
            )
        )
    for member in members:
        if member.total is not None or member.absence is not None:
            continue
        reason = member.excluded_reason
        if reason == WAITING:  # the member's own part is in: only the kecamatan's is not
            continue
        missing.append(member.assessor)
        if stage.pseudo:
            code = (
                Code.SELF_ASSESSMENT_EMPTY if reason == NOT_SCORED else Code.SELF_ASSESSMENT_PARTIAL
            )
            warnings.append(message(code, kecamatan=name, key=key, stage=stage.name))
        elif reason == NOT_SCORED:
            warnings.append(
                message(
                    Code.MEMBER_NOT_SCORED,
                    assessor=member.assessor,
                    kecamatan=name,
                    key=key,
                    stage=stage.name,
                )
            )
        else:
            open_aspects = tuple(
                a.code for a in member.aspects if a.counts_toward_total and a.score is None
            )
            warnings.append(
                message(
                    Code.MEMBER_INCOMPLETE,
                    assessor=member.assessor,
                    kecamatan=name,
                    key=key,
                    stage=stage.name,
                    aspects=open_aspects,
                )
            )
    return tuple(missing)


def _no_mean(aspect: CompiledAspect) -> AspectResult:
    """A kecamatan-level aspect of a stage that has no score yet: no mean is published over
    part of the team."""
    indicators = tuple(ind.missing for ind in aspect.kept)
    return aspect_result(aspect.code, aspect.name, aspect.weight, None, aspect.counts, indicators)


def _aspect_mean(
    stage: CompiledStage,
    index: int,
    aspect: CompiledAspect,
    members: list[MemberResult],
    *,
    trace: bool,
) -> AspectResult:
    """The kecamatan-level aspect: the mean over the members who took part (every counted
    aspect of theirs is complete; an aspect that only breaks ties is the mean over those who
    scored it), with each kept indicator's mean likewise (every indicator with the full
    trace, else those a tie-break reads; the arithmetic is written out for the latter)."""
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
    took_part: list[MemberResult],
    aspects: list[AspectResult],
    *,
    trace: bool,
) -> tuple[Decimal, str]:
    """The stage score from the complete sheets of the members who took part."""
    if stage.spec.member_combine == MemberCombine.SUM_OF_ASPECT_MEANS:
        counting = [a for a in aspects if a.counts_toward_total]
        means = [a.score for a in counting]
        weights = [a.weight for a in counting]
        combine = stage.spec.aspect_combine
        score = formulas.sum_of_aspect_means(combine, means, weights)  # type: ignore[arg-type]
        formula = stage.template.render(means, score) if trace else ""  # type: ignore[arg-type]
        return score, formula
    totals = [m.total for m in took_part]
    score = formulas.mean_of_member_totals(totals)  # type: ignore[arg-type]
    return score, mean_formula(totals, score) if trace else ""  # type: ignore[arg-type]
