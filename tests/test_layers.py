"""Dependencies run one way: regions ← instruments ← evaluations ← awards, and `scoring`
imports none of them (nor Django). Every import counts, also one inside a function."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["regions", "instruments", "evaluations", "awards"]
APPS = {*LAYERS, "scoring", "config"}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def sources(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_imports_only_the_layers_below_it(app):
    later = set(LAYERS[LAYERS.index(app) + 1 :])
    offending = {
        str(path.relative_to(ROOT)): sorted(imported_apps(path) & later) for path in sources(app)
    }
    assert {path: apps for path, apps in offending.items() if apps} == {}


def test_scoring_is_pure():
    offending = {
        str(path.relative_to(ROOT)): sorted(imported_apps(path) & (APPS - {"scoring"} | {"django"}))
        for path in sources("scoring")
    }
    assert {path: apps for path, apps in offending.items() if apps} == {}


def test_the_check_sees_a_function_level_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from evaluations import models\n")
    assert "evaluations" in imported_apps(module)
