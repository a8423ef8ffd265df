"""Every ``by=`` names who acts with a type mypy checks: ``Actor``, or ``Actor | None`` where
the server itself may act. ``Any`` (or no annotation) lets a request's anonymous user, an id or
a string through to the audit log unnoticed."""

from __future__ import annotations

import ast
from pathlib import Path

import zhucan

ROOT = Path(zhucan.__file__).parent
ALLOWED = {"Actor", "Actor | None"}


def _sources() -> list[Path]:
    return [
        path
        for path in sorted(ROOT.rglob("*.py"))
        if "tests" not in path.relative_to(ROOT).parts
        and "migrations" not in path.relative_to(ROOT).parts
    ]


def loose_by_parameters(source: str, name: str) -> list[str]:
    """``name:line`` for each parameter called ``by`` that is not typed as an ``Actor``."""
    found = []
    for node in ast.walk(ast.parse(source, filename=name)):
        # A lambda cannot be annotated: it takes its types from the ``Callable`` it is passed as.
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        arguments = node.args
        for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
            if arg.arg != "by":
                continue
            annotation = ast.unparse(arg.annotation) if arg.annotation is not None else None
            if annotation not in ALLOWED:
                found.append(f"{name}:{arg.lineno} by: {annotation or '(none)'}")
    return found


def test_the_check_finds_an_untyped_or_any_by() -> None:
    source = (
        "def a(*, by: Any) -> None: ...\n"
        "def b(by, x: int) -> None: ...\n"
        "async def c(*, by: object) -> None: ...\n"
        "def d(*, by: Actor) -> None: ...\n"
        "def e(*, by: Actor | None = None) -> None: ...\n"
    )
    assert loose_by_parameters(source, "x.py") == [
        "x.py:1 by: Any",
        "x.py:2 by: (none)",
        "x.py:3 by: object",
    ]


def test_every_acting_user_outside_tests_is_typed_as_an_actor() -> None:
    sources = _sources()
    assert len(sources) > 100  # the walk really reads the project
    loose = [
        line
        for path in sources
        for line in loose_by_parameters(path.read_text(encoding="utf-8"), str(path))
    ]
    assert loose == []
