"""The stages combined into the final score (`formulas.final_score`)."""

from __future__ import annotations

from decimal import Decimal

from scoring import formulas
from scoring.compiled import CompiledStage
from scoring.rules import AspectCombine, FinalCombine
from scoring.structures import InstrumentSpec, StageResult
from scoring.trace import Template, plain


class FinalScore:
    """The final score of a participant from its stage results, with its worked arithmetic."""

    __slots__ = ("last", "method", "template", "weights")

    def __init__(self, spec: InstrumentSpec, stages: tuple[CompiledStage, ...]) -> None:
        self.method = spec.final_combine
        self.weights = [stage.spec.weight for stage in stages]
        self.last = stages[-1].code
        self.template = Template(
            AspectCombine.MEAN
            if self.method == FinalCombine.MEAN_OF_STAGES
            else AspectCombine.WEIGHTED_SUM,
            self.weights,
            [stage.code for stage in stages],
        )

    def of(self, stages: list[StageResult]) -> tuple[Decimal | None, str]:
        """(final score, formula); (None, "") while a stage has no score."""
        scores = [s.score for s in stages]
        if any(score is None for score in scores):
            return None, ""
        final = formulas.final_score(self.method, scores, self.weights)  # type: ignore[arg-type]
        if self.method == FinalCombine.SINGLE_STAGE:
            return final, f"{self.last} {plain(final)}"
        return final, self.template.render(scores, final)  # type: ignore[arg-type]
