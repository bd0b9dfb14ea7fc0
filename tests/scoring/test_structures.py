"""`assemble` builds the same frozen objects as their constructors, for every class the
hot paths build this way, and its callers name every field."""

import ast
import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from scoring import structures
from scoring.structures import (
    AspectResult,
    Entry,
    MemberResult,
    SheetSums,
    assemble,
)

ROOT = Path(__file__).resolve().parents[2]
CALLERS = [
    ROOT / "scoring" / "sheets.py",
    ROOT / "evaluations" / "scoring_input.py",
    ROOT / "evaluations" / "ranking_sums.py",
]


def test_assembled_equals_constructed():
    values = {
        "stage_code": "T1",
        "participant_key": "bunta",
        "aspect_code": "A",
        "indicator_code": "A1",
        "assessor": "ani",
        "part": "",
        "value": Decimal("7.5"),
        "option_code": None,
    }
    assert assemble(Entry, **values) == Entry(**values)
    with pytest.raises(dataclasses.FrozenInstanceError):
        assemble(Entry, **values).value = Decimal(0)  # type: ignore[misc]


@pytest.mark.parametrize("path", CALLERS, ids=lambda p: p.name)
def test_every_assemble_call_names_exactly_the_fields(path):
    calls = [
        node
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "assemble"
    ]
    assert calls, f"{path.name} no longer uses assemble: drop it from this test"
    for call in calls:
        cls = getattr(structures, call.args[0].id)
        assert cls in (Entry, SheetSums, AspectResult, MemberResult)
        expected = {f.name for f in dataclasses.fields(cls)}
        assert {k.arg for k in call.keywords} == expected, f"{path.name}:{call.lineno}"
