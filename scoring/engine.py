"""`compute_ranking`: the whole scoring of one period, from entries to a ranked decree.

The order of work follows the regulations, one module per step:

- `scoring.compiled` — the instrument set compiled for the run;
- `scoring.inputs` — entries grouped into sheets (stage, kecamatan, assessor), sums, checks;
- `scoring.sheets` — one sheet: indicator scores → aspect scores → the member's total;
- `scoring.members` — the members → the stage score;
- `scoring.ranking` — shortlists, stages → final score (`scoring.stages`), ranks with the
  set's tie-breaks, predikat and awards;
- `scoring.trace` — the worked arithmetic every result carries.

The formulas themselves, each citing its regulation, are in `scoring.formulas`; rounding is
in `scoring.rounding`. Everything runs in `formulas.CONTEXT` (a local decimal context; the
global one is never touched).
"""

from __future__ import annotations

from decimal import localcontext

from scoring import formulas
from scoring.compiled import compile_stages
from scoring.inputs import Inputs, read_teams, read_tracks
from scoring.members import score_stage, set_highest, skip_stage
from scoring.memory import collector_paused
from scoring.messages import Message, instrument_note
from scoring.ranking import Ranker
from scoring.structures import Ranking, ScoringInput
from scoring.validation import instrument_errors


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
        return _run(data, trace=trace)


def _run(data: ScoringInput, *, trace: bool) -> Ranking:
    spec = data.instrument
    errors = instrument_errors(spec)
    if errors:
        raise ValueError("Set instrumen tidak dapat dinilai: " + " ".join(errors))
    warnings: list[Message] = [instrument_note(text) for text in spec.warnings]
    warnings += data.warnings
    tracks = read_tracks(data.participants)
    teams = read_teams(spec, data.teams)
    stages = compile_stages(spec, teams, trace=trace)
    inputs = Inputs(data, stages, teams, tracks, trace=trace)
    ranker = Ranker(spec, stages, tracks, warnings, data.tie_decisions)
    for stage in stages:
        active = [t for t in tracks.values() if t.active]
        set_highest(inputs, stage, active, warnings)
        for track in tracks.values():
            if track.participant.disqualified:
                continue
            if track.active:
                track.stages.append(score_stage(inputs, stage, track, warnings, trace=trace))
            else:
                skip_stage(inputs, stage, track)
        if stage.spec.shortlist_size is not None:
            ranker.shortlist(stage, active)
    return ranker.rank()
