"""An import-linter contract of our own: no import cycle between the modules of one app.

import-linter's ``layers`` contract keeps the apps in order; inside an app, a services module
and a tasks module that import each other (one of them inside a function, to get past Python)
made a circle nobody saw. ``acyclic_siblings`` compares whole subpackages (``services`` with
``excel``), which is stricter than we need; this compares modules. Imports inside functions
count; imports under ``if TYPE_CHECKING:`` do not (``exclude_type_checking_imports``). Tests are
left out: they may import anything.
"""

from __future__ import annotations

from typing import Any

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output


def _cycles(graph: ImportGraph, modules: set[str]) -> list[list[str]]:
    """The groups of two or more modules that reach each other (Tarjan, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    work: list[tuple[str, list[str]]] = []  # the depth-first path, each with what is left to see

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        targets = sorted(graph.find_modules_directly_imported_by(module) & modules)
        work.append((module, targets))

    for root in sorted(modules):
        if root in index:
            continue
        visit(root)
        while work:
            module, targets = work[-1]
            if targets:
                target = targets.pop(0)
                if target not in index:
                    visit(target)
                elif target in on_stack:
                    low[module] = min(low[module], index[target])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


class AcyclicModulesContract(Contract):
    """``containers``: packages whose children are the apps to check one by one."""

    type_name = "acyclic_modules"

    containers = fields.ListField(subfield=fields.StringField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        cycles: dict[str, list[list[str]]] = {}
        for container in self.containers:  # type: ignore[attr-defined]
            for app in sorted(graph.find_children(container)):
                modules = {
                    m
                    for m in graph.find_descendants(app) | {app}
                    if ".tests" not in m and ".migrations" not in m
                }
                found = _cycles(graph, modules)
                if found:
                    cycles[app] = found
        return ContractCheck(kept=not cycles, metadata={"cycles": cycles})

    def render_broken_contract(self, check: ContractCheck) -> None:
        cycles: dict[str, Any] = check.metadata["cycles"]
        for app, groups in cycles.items():
            for group in groups:
                output.print_error(f"Modules of {app} import each other: {', '.join(group)}")
                output.new_line()
