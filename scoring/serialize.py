"""A ranking as canonical JSON: the same ranking gives byte-identical text, so that its
SHA-256 (`ranking_sha256`) identifies a frozen result.

Canonical means: keys sorted, no insignificant whitespace, UTF-8 text as is, every decimal
as a string (published scores with their two decimals, exact scores without trailing zeros),
lists in the ranking's own order, warnings and notes as code + parameters + rendered text.

The document keeps the public contract of `manage.py ranking --json` (README): `region`,
`period`, `warnings` (texts), `results` in rank order with `kecamatan`, `rank`, `status`,
`final_score`, `predikat`, `award`, `stages` [`name`, `score`] and `aspects` [`stage`,
`name`, `weight`, `score`]. Everything else is added beside those fields, never inside
`stages` or `aspects`.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Context, Decimal
from typing import Any

from scoring.messages import Message, Param
from scoring.rounding import publish, settle
from scoring.structures import (
    Absence,
    ParticipantResult,
    Ranking,
    TieDecision,
    UndecidedTie,
)

# The version of the rules this engine applies. Bump it whenever the same input could rank,
# score, label or serialise differently, so that a stored hash is read with the engine that
# made it.
ENGINE_VERSION = "2.0"

_CONTEXT = Context(prec=60)  # normalising must never round


def ranking_document(ranking: Ranking, *, region: str, period: str) -> dict[str, Any]:
    """The ranking as plain JSON data (see the module docstring)."""
    return {
        "engine_version": ENGINE_VERSION,
        "region": region,
        "period": period,
        "decision_basis": str(ranking.decision_basis),
        "warnings": [warning.text for warning in ranking.warnings],
        "warning_details": [_message(warning) for warning in ranking.warnings],
        "undecided_ties": [_undecided(tie) for tie in ranking.undecided_ties],
        "tie_decisions": [_decision(decision) for decision in ranking.tie_decisions],
        "lapsed_tie_decisions": [_decision(d) for d in ranking.lapsed_tie_decisions],
        "results": [_result(result) for result in ranking.results],
    }


def canonical_json(ranking: Ranking, *, region: str, period: str) -> str:
    """`ranking_document` as canonical JSON text."""
    return json.dumps(
        ranking_document(ranking, region=region, period=period),
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        allow_nan=False,
    )


def ranking_sha256(ranking: Ranking, *, region: str, period: str) -> str:
    """The SHA-256 (hex) of the canonical JSON's UTF-8 bytes."""
    text = canonical_json(ranking, region=region, period=period)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- pieces


def _result(result: ParticipantResult) -> dict[str, Any]:
    return {
        # the contract
        "kecamatan": result.name,
        "rank": result.rank,
        "status": str(result.status),
        "final_score": _two(result.published_score),
        "predikat": result.predikat,
        "award": result.award,
        "stages": [{"name": stage.name, "score": _two(stage.score)} for stage in result.stages],
        "aspects": [
            {
                "stage": stage.name,
                "name": aspect.name,
                "weight": _plain(aspect.weight),
                "score": _two(aspect.score),
            }
            for stage in result.stages
            for aspect in stage.aspects
        ],
        # added
        "key": result.key,
        "exact_score": _exact(result.final_score),
        "tie_break_values": [_exact(value) for value in result.tie_break_values],
        "notes": [_message(note) for note in result.notes],
        "missing": [{"stage": stage, "assessor": who} for stage, who in result.missing],
        "absences": [_absence(a) for stage in result.stages for a in stage.absences],
        "tie_decision": None if result.tie_decision is None else _decision(result.tie_decision),
    }


def _message(message: Message) -> dict[str, Any]:
    return {
        "code": message.code,
        "params": {name: _param(value) for name, value in message.params},
        "text": message.text,
    }


def _param(value: Param) -> Any:
    if isinstance(value, Decimal):  # as the message prints it: a published 85.50 stays 85.50
        return format(value, "f")
    if isinstance(value, tuple):
        return list(value)
    return value


def _absence(absence: Absence) -> dict[str, Any]:
    return {
        "stage": absence.stage_code,
        "kecamatan": absence.participant_key,
        "assessor": absence.assessor,
        "kind": str(absence.kind),
        "reason": absence.reason,
        "recorded_by": absence.recorded_by,
        "recorded_at": absence.recorded_at.isoformat(),
    }


def _decision(decision: TieDecision) -> dict[str, Any]:
    return {
        "order": list(decision.order),
        "reason": decision.reason,
        "meeting": decision.meeting,
        "scores": {key: _decimal(score) for key, score in decision.scores},
        "recorded_by": decision.recorded_by,
        "recorded_at": None if decision.recorded_at is None else decision.recorded_at.isoformat(),
    }


def _undecided(tie: UndecidedTie) -> dict[str, Any]:
    return {
        "rank": tie.rank,
        "kecamatan": list(tie.keys),
        "score": _decimal(tie.score),
        "tiers": list(tie.tiers),
    }


def _two(value: Decimal | None) -> str | None:
    """A published figure: two decimals, half up (`scoring.rounding.publish`)."""
    return None if value is None else format(publish(value), "f")


def _exact(value: Decimal | None) -> str | None:
    """An exact figure without its division noise (`scoring.rounding.settle`)."""
    return None if value is None else _decimal(settle(value))


def _decimal(value: Decimal) -> str:
    """A decimal as plain text, no exponent and no trailing zeros ("85.5", "100", "0")."""
    if not value:
        return "0"
    return format(value.normalize(_CONTEXT), "f")


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else _decimal(value)
