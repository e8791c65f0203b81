"""Imports run one way (STYLE.md, "The shape of the house"): a lower app never names a higher one.

Every .py of the project's apps is parsed (not imported), and every import is read, at module level
and inside functions alike: an import moved into a function to dodge a cycle is still an edge.
`importlib` and Django's "app.Model" strings are not imports and are not seen.

The exception lists below are empty and should stay so; an exception ever added must be removed
again, and the test fails once it no longer holds, so the lists only shrink.
"""

import ast
import itertools
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "core",
    "registry",
    "pki",
    "signing",
    "centers",
    "review",
    "procurement",
    "backoffice",
    "portal",
    "democa",
)

# Rules: (importing app, imported app, modules of the imported app that are allowed).
RULES: list[tuple[str, str, tuple[str, ...]]] = [
    *(("core", app, ()) for app in APPS if app != "core"),
    ("registry", "centers", ()),
    ("registry", "signing", ()),
    ("registry", "review", ()),
    ("registry", "backoffice", ()),
    ("registry", "procurement", ()),
    # Procurement sits on the centers (who acts where) and the queue; neither names it back.
    ("centers", "procurement", ()),
    ("review", "procurement", ()),
    ("signing", "procurement", ()),
    ("pki", "procurement", ()),
    # A review item's center is a foreign key; everything else of a center is the centers' own.
    ("review", "centers", ("centers.models",)),
    # The demo CA and TSA exist for `make run` and the tests; no production code may come to need them.
    *((app, "democa", ()) for app in APPS if app != "democa"),
]

# (importing module, imported module) pairs that break a rule today.
KNOWN_BREACHES: set[tuple[str, str]] = set()

# (importing module, imported module) pairs that close an import cycle between apps today. Without
# them the app graph has no cycle, and a new import that closes one fails, unless it only lengthens
# a cycle through one of these (then this one is the import to remove).
KNOWN_CYCLE_EDGES: set[tuple[str, str]] = set()


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> Iterator[str]:
    """The project modules an import statement names (`from a import b` names a.b if b is one)."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        anchor = package[: len(package) - node.level + 1]
        base = ".".join(anchor + ([node.module] if node.module else []))
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        yield submodule if _is_module(submodule) else base


def import_edges() -> set[tuple[str, str]]:
    """(importing module, imported module) for every import between two of the project's apps."""
    edges = set()
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            module = _module_name(path)
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Import | ast.ImportFrom):
                    continue
                for name in _imported(node, module, path.name == "__init__.py"):
                    target = name.split(".")[0]
                    if target in APPS and target != app:
                        edges.add((module, name))
    return edges


def rule_breaches(edges: set[tuple[str, str]]) -> set[tuple[str, str]]:
    found = set()
    for module, name in edges:
        for source, target, allowed in RULES:
            if module.split(".")[0] != source or name.split(".")[0] != target:
                continue
            if not any(name == ok or name.startswith(f"{ok}.") for ok in allowed):
                found.add((module, name))
    return found


def app_cycles(edges: set[tuple[str, str]]) -> set[str]:
    """Every simple cycle of the app graph (an edge A → B when a module of A imports B)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for module, name in edges:
        graph[module.split(".")[0]].add(name.split(".")[0])
    cycles = set()
    for start in sorted(graph):
        # Only paths through apps after `start`, so each cycle is found once, from its first app.
        stack = [(start, [start])]
        while stack:
            app, path = stack.pop()
            for nxt in graph[app]:
                if nxt == start:
                    cycles.add(" → ".join([*path, start]))
                elif nxt > start and nxt not in path:
                    stack.append((nxt, [*path, nxt]))
    return cycles


def test_no_lower_app_imports_a_higher_one():
    breaches = rule_breaches(import_edges())
    new = sorted(breaches - KNOWN_BREACHES)
    assert not new, "imports against the direction of the apps:\n" + "\n".join(f"{m} → {n}" for m, n in new)
    gone = sorted(KNOWN_BREACHES - breaches)
    assert not gone, "fixed, delete from KNOWN_BREACHES:\n" + "\n".join(f"{m} → {n}" for m, n in gone)


def test_no_import_cycle_between_apps():
    edges = import_edges()
    cycles = sorted(app_cycles(edges - KNOWN_CYCLE_EDGES))
    lines = []
    for cycle in cycles:
        lines.append(cycle)
        for a, b in itertools.pairwise(cycle.split(" → ")):
            found = sorted((m, n) for m, n in edges if m.split(".")[0] == a and n.split(".")[0] == b)
            lines += [f"    {m} → {n}" for m, n in found[:3]] + (["    …"] if len(found) > 3 else [])
    assert not cycles, "import cycles between apps (an app imports one that imports it back):\n" + "\n".join(
        lines
    )
    gone = sorted(KNOWN_CYCLE_EDGES - edges)
    assert not gone, "gone, delete from KNOWN_CYCLE_EDGES:\n" + "\n".join(f"{m} → {n}" for m, n in gone)


def test_the_walk_sees_imports_inside_functions_and_relative_ones(tmp_path):
    tree = ast.parse("from . import sync\ndef f():\n    from centers.models import Center\n")
    nodes = [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]
    names = [name for node in nodes for name in _imported(node, "centers.apps", is_package=False)]
    assert names == ["centers.sync", "centers.models"]
