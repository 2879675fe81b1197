"""The import graph of the formcheck package, read from the source (every import statement, wherever it sits in a
module, so imports inside functions count too): what tests/test_structure.py checks the layering with, and what
tools/observations.py finds the modules behind an observation with."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "formcheck"


def module_paths(package: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name, for its ``__init__``)."""
    names = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def imported_modules(name: str, path: Path, modules: set[str]) -> set[str]:
    """The package's modules that ``name`` imports: ``from X import y`` counts as importing ``X.y`` when that is a
    module, else ``X``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module
            found |= {f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source
                      for alias in node.names}
    return {module for module in found if module in modules}


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Each module's imports within the package, itself left out."""
    modules = module_paths(package)
    return {name: imported_modules(name, path, set(modules)) - {name} for name, path in modules.items()}


def reachable(graph: dict[str, set[str]], start: str, stop: set[str] = frozenset()) -> set[str]:
    """``start`` and every module it imports, directly or through others, without going through ``stop``."""
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name not in seen and name not in stop:
            seen.add(name)
            todo.extend(graph[name])
    return seen


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as the modules along it (first and last the same), or None."""
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> list[str] | None:
        if name in trail:
            return trail[trail.index(name):] + [name]
        if name in done:
            return None
        for target in sorted(graph[name]):
            if cycle := visit(target, trail + [name]):
                return cycle
        done.add(name)
        return None

    return next((cycle for name in sorted(graph) if (cycle := visit(name, []))), None)
