"""Ranking: competition ranks, the set's tie-breaks, shortlists, predikat bands and awards,
all on the figure the set declares decisive (`DecisionBasis`: the published two-decimal score
unless the set says exact). Where the other figure would order, shortlist or band
differently, the ranking warns and names the kecamatan (digest, "Which figure decides")."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from scoring import rounding
from scoring.compiled import CompiledStage
from scoring.inputs import Track
from scoring.messages import Code, Message, message
from scoring.rules import DecisionBasis
from scoring.stages import FinalScore
from scoring.structures import (
    InstrumentSpec,
    ParticipantResult,
    Ranking,
    ResultStatus,
    TieBreakSpec,
    TieDecision,
    UndecidedTie,
)
from scoring.trace import kecamatan_name

_ZERO = Decimal(0)
_Order = tuple[Decimal, tuple[tuple[int, Decimal], ...]]  # (-score, tie-break parts)
# What the ranking warns when the other figure would decide otherwise, by the set's basis.
_BASIS_ORDER = {
    DecisionBasis.PUBLISHED: Code.EXACT_ORDER_DIFFERS,
    DecisionBasis.EXACT: Code.PUBLISHED_ORDER_DIFFERS,
}
_BASIS_BAND = {
    DecisionBasis.PUBLISHED: Code.EXACT_BAND_DIFFERS,
    DecisionBasis.EXACT: Code.PUBLISHED_BAND_DIFFERS,
}
_BASIS_SHORTLIST = {
    DecisionBasis.PUBLISHED: Code.EXACT_SHORTLIST_DIFFERS,
    DecisionBasis.EXACT: Code.PUBLISHED_SHORTLIST_DIFFERS,
}


def _checked_decisions(
    decisions: Sequence[TieDecision], tracks: dict[str, Track]
) -> tuple[TieDecision, ...]:
    """The decisions in a stable order; `ValueError` for one that cannot name a tie: fewer
    than two kecamatan, one twice, one that is not a participant, or scores for others than
    those it orders."""
    for decision in decisions:
        keys = decision.order
        if len(keys) < 2 or len(set(keys)) != len(keys):
            raise ValueError(f"Keputusan Tim atas seri harus mengurutkan ≥ 2 kecamatan: {keys}.")
        unknown = [key for key in keys if key not in tracks]
        if unknown:
            raise ValueError(f"Keputusan Tim atas seri untuk kecamatan tidak dikenal: {unknown}.")
        if sorted(key for key, _ in decision.scores) != sorted(keys):
            raise ValueError(
                f"Keputusan Tim atas seri {keys}: nilai harus dicatat untuk tiap kecamatannya."
            )
    return tuple(sorted(set(decisions), key=lambda d: (d.order, d.meeting, d.reason, repr(d))))


class Ranker:
    """Orders participants and labels the ranked ones, for one run."""

    def __init__(
        self,
        spec: InstrumentSpec,
        stages: tuple[CompiledStage, ...],
        tracks: dict[str, Track],
        warnings: list[Message],
        decisions: Sequence[TieDecision] = (),
    ) -> None:
        self.spec = spec
        self.stages = stages
        self.tracks = tracks
        self.warnings = warnings
        self.final = FinalScore(spec, stages)
        self.basis = spec.decision_basis
        published = self.basis == DecisionBasis.PUBLISHED
        self.other = DecisionBasis.EXACT if published else DecisionBasis.PUBLISHED
        self.decisions = _checked_decisions(decisions, tracks)
        self.applied: set[TieDecision] = set()
        self.undecided: list[UndecidedTie] = []
        self.edges = rounding.BandEdges(spec.predicate_rounding, spec.bands)
        self.published_bands: dict[Decimal, str] = {}  # predikat by published score

    # ------------------------------------------------------------ tie-breaks

    def _rules_upto(self, upto: str | None) -> list[TieBreakSpec]:
        """The tie-break rules that read a stage up to `upto` (all rules when None)."""
        if upto is None:
            return list(self.spec.tie_breaks)
        order = [stage.code for stage in self.stages]
        last = order.index(upto)
        return [rule for rule in self.spec.tie_breaks if order.index(rule.stage_code) <= last]

    def tie_values(self, track: Track, upto: str | None = None) -> list[Decimal | None]:
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
        self,
        scored: list[tuple[Track, Decimal, list[Decimal | None]]],
        basis: DecisionBasis,
    ) -> list[tuple[Track, int, _Order]]:
        """Competition ranking (1, 2, 2, 4) on the score (exact, with the tie-break values,
        as `scored` gives them) as `basis` reads it, then the tie-breaks in order (each
        read the same way; a missing value loses), then the name for a stable listing of
        equal ranks."""
        rules = self.spec.tie_breaks
        decide = rounding.publish if basis == DecisionBasis.PUBLISHED else rounding.settle

        def key(score: Decimal, values: list[Decimal | None]) -> _Order:
            parts: list[tuple[int, Decimal]] = []
            for rule, value in zip(rules, values, strict=True):
                if value is None:
                    parts.append((1, _ZERO))
                else:
                    shown = decide(value)
                    parts.append((0, -shown if rule.higher_wins else shown))
            return (-decide(score), tuple(parts))

        keyed = sorted(
            ((key(score, values), track) for track, score, values in scored),
            key=lambda pair: (pair[0], pair[1].participant.name, pair[1].participant.key),
        )
        ordered: list[tuple[Track, int, _Order]] = []
        for position, (k, track) in enumerate(keyed, start=1):
            rank = ordered[-1][1] if ordered and ordered[-1][2] == k else position
            ordered.append((track, rank, k))
        return ordered

    def _basis_order(
        self,
        scored: list[tuple[Track, Decimal, list[Decimal | None]]],
        ordered: list[tuple[Track, int, _Order]],
    ) -> list[Track]:
        """The participants `ordered` ranks otherwise than the other figure would (the
        exact score for a set deciding on the published one, and the reverse), so that the
        Tim decides knowingly (digest, "Which figure decides").

        Publishing never reverses an order (a higher published score is a higher exact
        score), so the two orders can differ only among participants of equal published
        score, who hold the same places in both: only those blocks are ordered again.
        """
        published = self.basis == DecisionBasis.PUBLISHED
        items = {track.participant.key: (track, score, values) for track, score, values in scored}
        differ: list[Track] = []
        start = 0
        while start < len(ordered):
            track, _, k = ordered[start]
            shown = -k[0] if published else rounding.publish(items[track.participant.key][1])
            end = start + 1
            while end < len(ordered):
                after = ordered[end]
                score = (
                    -after[2][0]
                    if published
                    else rounding.publish(items[after[0].participant.key][1])
                )
                if score != shown:
                    break
                end += 1
            if end - start > 1:
                block = ordered[start:end]
                other = self._order([items[t.participant.key] for t, _, _ in block], self.other)
                ranks = {t.participant.key: start + rank for t, rank, _ in other}
                differ += [t for t, rank, _ in block if ranks[t.participant.key] != rank]
            start = end
        order = {track.participant.key: index for index, (track, _, _) in enumerate(ordered)}
        return sorted(differ, key=lambda t: order[t.participant.key])

    def _tie_warnings(
        self, ordered: list[tuple[Track, int, _Order]], stage: CompiledStage | None = None
    ) -> dict[int, list[Track]]:
        """Warn about equal ranks; note on each participant which rule decided a tie."""
        groups: dict[int, list[Track]] = {}
        for track, rank, _ in ordered:
            groups.setdefault(rank, []).append(track)
        by_score: dict[Decimal, list[tuple[Track, int]]] = {}
        for track, rank, k in ordered:
            by_score.setdefault(-k[0], []).append((track, rank))
        for decisive, pairs in by_score.items():
            published = rounding.publish(decisive)
            tracks = [track for track, _ in pairs]
            if len({rank for _, rank in pairs}) > 1:
                labels = tuple(
                    rule.label or rule.indicator_code or rule.aspect_code
                    for rule in self._rules_upto(None if stage is None else stage.code)
                )
                for track in tracks:
                    others = tuple(kecamatan_name(t.participant) for t in tracks if t is not track)
                    if stage is None:
                        note = message(
                            Code.TIE_BROKEN_FINAL, others=others, score=published, rules=labels
                        )
                    else:
                        note = message(
                            Code.TIE_BROKEN_STAGE,
                            stage=stage.name,
                            others=others,
                            score=published,
                            rules=labels,
                        )
                    track.notes.append(note)
        return {rank: tracks for rank, tracks in groups.items() if len(tracks) > 1}

    # ------------------------------------------------------------ shortlist

    def shortlist(self, stage: CompiledStage, active: list[Track]) -> None:
        """Only the top N of the stage's score (as the set's basis reads it) go on; ties at
        the cut that the tie-breaks (up to this stage) do not decide all go on, with a
        warning. A participant without a stage score is incomplete, not ranked out."""
        size = stage.spec.shortlist_size
        assert size is not None
        scored: list[tuple[Track, Decimal, list[Decimal | None]]] = []
        for track in active:
            result = track.stages[-1]
            if result.score is None:
                track.active = False
                track.cut_reason = f"nilai tahap {stage.name} belum lengkap"
                name = kecamatan_name(track.participant)
                if result.missing:
                    warning = message(
                        Code.SHORTLIST_INCOMPLETE,
                        kecamatan=name,
                        key=track.participant.key,
                        stage=stage.name,
                        missing=result.missing,
                        size=size,
                    )
                else:
                    warning = message(
                        Code.SHORTLIST_NOT_SCORABLE,
                        kecamatan=name,
                        key=track.participant.key,
                        stage=stage.name,
                        size=size,
                    )
                self.warnings.append(warning)
            else:
                scored.append((track, result.score, self.tie_values(track, stage.code)))
        ordered = self._order(scored, self.basis)
        ties = self._tie_warnings(ordered, stage)
        passed = [track for track, rank, _ in ordered if rank <= size]
        if len(passed) > size:
            tied = ties.get(max(rank for _, rank, _ in ordered if rank <= size), [])
            self.warnings.append(
                message(
                    Code.SHORTLIST_TIE_UNBROKEN,
                    size=size,
                    stage=stage.name,
                    kecamatan=tuple(kecamatan_name(t.participant) for t in tied),
                    keys=tuple(t.participant.key for t in tied),
                    passed=len(passed),
                )
            )
        other = {
            t.participant.key for t, rank, _ in self._order(scored, self.other) if rank <= size
        }
        differ = [t for t, _, _ in ordered if (t in passed) != (t.participant.key in other)]
        if differ:
            self.warnings.append(
                message(
                    _BASIS_SHORTLIST[self.basis],
                    size=size,
                    stage=stage.name,
                    kecamatan=tuple(kecamatan_name(t.participant) for t in differ),
                    keys=tuple(t.participant.key for t in differ),
                )
            )
        for track, rank, _ in ordered:
            if rank > size:
                track.active = False
                track.status = ResultStatus.NOT_SHORTLISTED
                track.cut_reason = f"tidak masuk {size} besar tahap {stage.name}"
                track.notes.append(
                    message(
                        Code.NOT_SHORTLISTED,
                        size=size,
                        stage=stage.name,
                        score=rounding.publish(track.stages[-1].score),  # type: ignore[arg-type]
                        rank=rank,
                    )
                )

    # ------------------------------------------------------------ the final ranking

    def rank(self) -> Ranking:
        """The final ranking: ranked first (rank order), then the unranked."""
        finals: dict[str, tuple[Decimal | None, str]] = {}
        scored: list[tuple[Track, Decimal, list[Decimal | None]]] = []
        values: dict[str, list[Decimal | None]] = {}
        for track in self.tracks.values():
            if track.participant.disqualified or track.status is not None or not track.active:
                continue
            final, formula = self.final.of(track.stages)
            finals[track.participant.key] = (final, formula)
            if final is None:
                track.status = ResultStatus.INCOMPLETE
                missing = tuple(f"{who} ({s.name})" for s in track.stages for who in s.missing)
                name = kecamatan_name(track.participant)
                if missing:
                    warning = message(
                        Code.INCOMPLETE, kecamatan=name, key=track.participant.key, missing=missing
                    )
                else:
                    warning = message(Code.NOT_SCORABLE, kecamatan=name, key=track.participant.key)
                self.warnings.append(warning)
            else:
                track.status = ResultStatus.RANKED
                values[track.participant.key] = self.tie_values(track)
                scored.append((track, final, values[track.participant.key]))
        ordered = self._order(scored, self.basis)
        self._tie_warnings(ordered)
        differ = self._basis_order(scored, ordered)
        if differ:
            self.warnings.append(
                message(
                    _BASIS_ORDER[self.basis],
                    kecamatan=tuple(kecamatan_name(t.participant) for t in differ),
                    keys=tuple(t.participant.key for t in differ),
                )
            )
        decisive = {track.participant.key: -k[0] for track, _, k in ordered}
        places = self._places([(track, rank) for track, rank, _ in ordered], decisive)
        results = [
            self._ranked(track, rank, award, decision, finals[track.participant.key], values)
            for track, rank, award, decision in places
        ]
        results += self._unranked()
        return Ranking(
            tuple(results),
            tuple(self.warnings),
            undecided_ties=tuple(self.undecided),
            tie_decisions=tuple(d for d in self.decisions if d in self.applied),
            lapsed_tie_decisions=tuple(d for d in self.decisions if d not in self.applied),
            decision_basis=self.basis,
        )

    # ------------------------------------------------------------ awards and undecided ties

    def _places(
        self, ordered: list[tuple[Track, int]], decisive: dict[str, Decimal]
    ) -> list[tuple[Track, int, str, TieDecision | None]]:
        """Each ranked participant's rank, award and the Tim's decision that placed it.

        A tie the tie-breaks leave shares its rank. When the places it shares carry
        different awards (two Terbaik I and no Terbaik II; Peringkat III beside Harapan I;
        Terbaik IV beside a Piagam), those awards are withheld: "seri — diputuskan Tim"
        (digest, "Ties at an award"), until a valid `TieDecision` orders the tie; the awards
        then follow the decided order.
        """
        awards = {award.rank: award.label for award in self.spec.awards}
        others = self.spec.award_for_others
        places: list[tuple[Track, int, str, TieDecision | None]] = []
        start = 0
        while start < len(ordered):
            rank = ordered[start][1]
            end = start + 1
            while end < len(ordered) and ordered[end][1] == rank:
                end += 1
            group = [track for track, _ in ordered[start:end]]
            positions = range(start + 1, end + 1)
            start = end
            if len(group) == 1:
                places.append((group[0], rank, awards.get(rank, others), None))
                continue
            decision = self._decision_for(group, decisive)
            if decision is not None:
                by_key = {track.participant.key: track for track in group}
                for position, key in zip(positions, decision.order, strict=True):
                    places.append((by_key[key], position, awards.get(position, others), decision))
                self._decided_notes(group, decision)
                continue
            tiers = [awards.get(position, others) for position in positions]
            names = tuple(kecamatan_name(t.participant) for t in group)
            keys = tuple(t.participant.key for t in group)
            score = decisive[keys[0]]
            if len(set(tiers)) == 1:
                self.warnings.append(
                    message(
                        Code.TIE_UNBROKEN,
                        kecamatan=names,
                        keys=keys,
                        score=rounding.publish(score),
                        rank=rank,
                    )
                )
                places.extend((track, rank, tiers[0], None) for track in group)
                continue
            withheld = tuple(dict.fromkeys(tier for tier in tiers if tier))
            self.undecided.append(UndecidedTie(rank, keys, score, withheld))
            self.warnings.append(
                message(
                    Code.TIE_UNDECIDED,
                    kecamatan=names,
                    keys=keys,
                    score=rounding.publish(score),
                    rank=rank,
                    tiers=withheld,
                )
            )
            for track in group:
                track.notes.append(
                    message(
                        Code.AWARD_WITHHELD,
                        others=tuple(
                            n for t, n in zip(group, names, strict=True) if t is not track
                        ),
                        tiers=withheld,
                    )
                )
                places.append((track, rank, "", None))
        for decision in self.decisions:
            if decision not in self.applied:
                self.warnings.append(
                    message(
                        Code.TIE_DECISION_LAPSED,
                        kecamatan=tuple(
                            kecamatan_name(self.tracks[key].participant) for key in decision.order
                        ),
                        keys=decision.order,
                        meeting=decision.meeting,
                    )
                )
        return places

    def _decision_for(self, group: list[Track], decisive: dict[str, Decimal]) -> TieDecision | None:
        """The Tim's decision on exactly this tie, taken on the scores the tied kecamatan
        still have; None when there is none (a decision on other scores has lapsed)."""
        keys = {track.participant.key for track in group}
        scores = {key: decisive[key] for key in keys}
        valid = [
            decision
            for decision in self.decisions
            if set(decision.order) == keys and dict(decision.scores) == scores
        ]
        if len(valid) > 1:
            raise ValueError(
                f"Dua keputusan Tim yang berlaku untuk seri {', '.join(sorted(keys))}."
            )
        if not valid:
            return None
        self.applied.add(valid[0])
        return valid[0]

    def _decided_notes(self, group: list[Track], decision: TieDecision) -> None:
        order = tuple(kecamatan_name(self.tracks[key].participant) for key in decision.order)
        for track in group:
            track.notes.append(
                message(
                    Code.TIE_DECIDED,
                    others=tuple(kecamatan_name(t.participant) for t in group if t is not track),
                    meeting=decision.meeting,
                    order=order,
                    reason=decision.reason,
                )
            )

    def _ranked(
        self,
        track: Track,
        rank: int,
        award: str,
        decision: TieDecision | None,
        final: tuple[Decimal | None, str],
        values: dict[str, list[Decimal | None]],
    ) -> ParticipantResult:
        score, formula = final
        assert score is not None
        published = rounding.publish(score)
        spec = self.spec
        rule, bands = spec.predicate_rounding, spec.bands
        if self.basis == DecisionBasis.PUBLISHED:
            predikat = self.published_bands.get(published)
            if predikat is None:
                predikat = self.published_bands[published] = rounding.predicate_for(
                    published, rule, bands
                )
        else:
            predikat = rounding.predicate_for(score, rule, bands, self.basis)
        other = predikat
        if self.edges.near(published):
            other = rounding.predicate_for(score, rule, bands, self.other)
        if other != predikat:
            self.warnings.append(
                message(
                    _BASIS_BAND[self.basis],
                    kecamatan=kecamatan_name(track.participant),
                    key=track.participant.key,
                    score=published,
                    exact=rounding.shown_exact(score),
                    predikat=predikat or "-",
                    other=other or "-",
                )
            )
        return ParticipantResult(
            key=track.participant.key,
            name=track.participant.name,
            status=ResultStatus.RANKED,
            rank=rank,
            final_score=score,
            published_score=published,
            predikat=predikat,
            award=award,
            stages=tuple(track.stages),
            tie_break_values=tuple(values[track.participant.key]),
            notes=tuple(track.notes),
            formula=formula,
            tie_decision=decision,
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
                    notes=(
                        message(Code.DISQUALIFIED_REASON, reason=reason)
                        if reason
                        else message(Code.DISQUALIFIED),
                    ),
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
                tie_break_values=tuple(self.tie_values(track)),
                notes=tuple(track.notes),
            )
            if status == ResultStatus.NOT_SHORTLISTED:
                last = next(s.score for s in reversed(track.stages) if s.score is not None)
                cut.append((-rounding.publish(last), result))
            else:
                incomplete.append(result)
        cut.sort(key=lambda pair: pair[0])  # stable: equal scores keep name order
        return incomplete + [result for _, result in cut] + disqualified
