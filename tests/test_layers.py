"""The layers, read from the import graph (ast over every module of ours): no cycle, no wrong-way arrow.

cleaners/ imports nothing of ours; crawler/ imports cleaners/ and the store layer only; the stages in
corpus/ never import crawler/ (only the CLI, corpus/cycle.py and corpus/demo.py may); nothing imports
the CLI package corpus/cli/ but itself.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT

PACKAGES = ("cleaners", "crawler", "corpus")
# The typed gateways of the store's table groups: the only modules with SQL on those tables.
GATEWAYS = {"corpus.runs", "corpus.fetches", "corpus.documents", "corpus.clusters"}
# The bottom layer every stage and the crawler may use.
STORE_LAYER = {"corpus", "corpus.store", "corpus.workspace", "corpus.runlock", "corpus.errors", "corpus.migrations",
               "corpus.settings", *GATEWAYS}
MAY_IMPORT_CRAWLER = {"corpus.cycle", "corpus.demo"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of ours it imports (anywhere in the file, lazy imports included)."""
    modules = {module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found = set()
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in runtime_nodes(ast.parse(path.read_text("utf-8"), str(path))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            for target in targets:
                while target and target not in modules:  # `from corpus.x import name` -> corpus.x
                    target = target.rpartition(".")[0]
                if target and target != name:
                    found.add(target)
        graph[name] = found
    return graph


def runtime_nodes(tree: ast.AST):
    """Every node, except those under ``if TYPE_CHECKING:`` (annotations only, never imported at run time)."""
    pending = [tree]
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            pending.extend(node.orelse)
            continue
        pending.extend(ast.iter_child_nodes(node))


def layer(name: str) -> str:
    if name == "corpus.cli" or name.startswith("corpus.cli."):
        return "cli"
    return name.split(".")[0]


def wrong_way(graph: dict[str, set[str]]) -> list[str]:
    problems = []
    for source, targets in graph.items():
        for target in targets:
            arrow = f"{source} -> {target}"
            if layer(target) == "cli" and layer(source) != "cli":
                problems.append(f"{arrow}: nothing imports the CLI")
            elif layer(source) == "cleaners" and layer(target) != "cleaners":
                problems.append(f"{arrow}: cleaners/ imports nothing of ours")
            elif layer(source) == "crawler" and layer(target) == "corpus" and target not in STORE_LAYER:
                problems.append(f"{arrow}: crawler/ uses only cleaners/ and the store layer")
            elif layer(source) == "corpus" and layer(target) == "crawler" and source not in MAY_IMPORT_CRAWLER:
                problems.append(f"{arrow}: corpus stages never import crawler/ (only the CLI, cycle, demo)")
    return sorted(problems)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iterative enough for our size)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def package_free(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph without arrows into package __init__ modules that only re-export (they are not layers)."""
    return {source: {t for t in targets if not t.startswith(source + ".")} for source, targets in graph.items()}


def test_no_arrow_goes_the_wrong_way():
    assert wrong_way(import_graph()) == []


def test_the_import_graph_has_no_cycle():
    assert cycles(package_free(import_graph())) == []


def test_the_checks_see_a_wrong_way_arrow_and_a_cycle():
    """The checker itself: a planted bad graph must be caught."""
    planted = {"cleaners.rules": {"corpus.store"}, "corpus.dedup.run": {"crawler.sites", "corpus.cli.common"},
               "crawler.fetchlog": {"corpus.dedup.run"}, "corpus.a": {"corpus.b"}, "corpus.b": {"corpus.a"}}
    assert len(wrong_way(planted)) == 4
    assert cycles(planted) == [["corpus.a", "corpus.b"]]


# SQL that reads or writes a table group with a gateway: a keyword, then the table's name.
GATEWAY_TABLES = ("documents", "rejects", "fetches", "urls", "clusters", "cluster_members", "runs")
TABLE_SQL = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+(" + "|".join(GATEWAY_TABLES) + r")\b")
# Dedup writes its clusters itself (corpus/dedup/repository.py); migrations define the tables.
SQL_MAY_LIVE = ("corpus.dedup.repository", "corpus.migrations")


def table_sql(source: str) -> list[tuple[int, str]]:
    """(line, table) for each string literal in ``source`` whose SQL names a gateway table."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [(node.lineno, match.group(1)) for match in TABLE_SQL.finditer(node.value)]
    return sorted(found)


def sql_outside_gateways() -> list[str]:
    problems = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = module_name(path)
            if name in GATEWAYS or name.startswith(SQL_MAY_LIVE):
                continue
            problems += [f"{path.relative_to(ROOT)}:{line}: SQL on {table} (use its gateway)"
                         for line, table in table_sql(path.read_text("utf-8"))]
    return problems


def test_only_the_gateways_hold_sql_on_their_tables():
    assert sql_outside_gateways() == []


def test_the_sql_check_sees_sql_on_a_gateway_table():
    """The checker itself: planted SQL, plain, multi-line and inside an f-string, must be caught."""
    planted = ('db.execute("SELECT id FROM documents WHERE url = ?")\n'
               'SQL = """INSERT OR REPLACE\n    INTO  cluster_members VALUES (?)"""\n'
               'db.execute(f"UPDATE urls SET kind = {kind!r}")\n'
               'db.execute("SELECT 1 FROM extractions")  # a table without a gateway\n'
               '"""Documents come FROM the cleaners."""  # prose\n')
    assert table_sql(planted) == [(1, "documents"), (2, "cluster_members"), (4, "urls")]
