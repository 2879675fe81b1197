"""The package's layering, read from the source (every import statement, wherever it sits in a module): the pages
(``formcheck/ui``) are imported by nothing else in the package, and no module imports itself through others."""

import ast
from pathlib import Path

import formcheck

PACKAGE = Path(formcheck.__file__).parent


def module_names() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name, for its ``__init__``)."""
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
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


def import_graph() -> dict[str, set[str]]:
    modules = module_names()
    return {name: imported_modules(name, path, set(modules)) - {name} for name, path in modules.items()}


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


def test_the_graph_sees_relative_absolute_and_nested_imports():
    graph = import_graph()
    assert "formcheck.rule_words" in graph["formcheck.rules"]  # from .rule_words import ...
    assert "formcheck.synth.looks" in graph["formcheck.synth.training"]  # from formcheck.synth.looks import ...
    assert "formcheck.synth.clips" in graph["formcheck.synth.cli"]  # imported inside a function
    assert "formcheck.coaching.coach" in graph["formcheck.ui.live_view"]


def test_only_the_pages_import_the_pages():
    graph = import_graph()
    outside = {name: sorted(m for m in targets if m.startswith("formcheck.ui"))
               for name, targets in graph.items() if not name.startswith("formcheck.ui")}
    assert {name: targets for name, targets in outside.items() if targets} == {}


def test_the_package_has_no_import_cycle():
    assert find_cycle(import_graph()) is None


def test_a_cycle_is_found_when_there_is_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
