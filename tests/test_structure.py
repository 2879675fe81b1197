"""The package's layering, read from the source (every import statement, wherever it sits in a module): the pages
(``formcheck/ui``) are imported by nothing else in the package, and no module imports itself through others."""

import sys

from conftest import REPO

sys.path.insert(0, str(REPO / "tools"))
from import_graph import find_cycle, import_graph, reachable  # noqa: E402


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


def test_what_a_module_reaches_stops_where_asked():
    graph = {"a": {"b", "c"}, "b": {"d"}, "c": {"e"}, "d": set(), "e": set()}
    assert reachable(graph, "a") == {"a", "b", "c", "d", "e"}
    assert reachable(graph, "a", stop={"c"}) == {"a", "b", "d"}
