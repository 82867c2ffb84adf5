"""The package's import graph in two figures: its cycles, and its longest import chain.

    python tools/import_chain.py        # with the package importable (an editable install)

Reads the graph grimp builds (as import-linter does), function-level imports included;
prints the number of modules, the cycles (strongly connected groups) and the longest chain of
imports through the graph of those groups.
"""

from __future__ import annotations

import functools
import sys

import grimp


def main() -> None:
    """Print the module count, the cycles and the longest import chain of `statustrack`."""
    sys.setrecursionlimit(10_000)
    graph = grimp.build_graph("statustrack")
    modules = sorted(m for m in graph.modules if m != "statustrack")
    imports = {m: [i for i in graph.find_modules_directly_imported_by(m) if i in modules] for m in modules}
    groups = _strongly_connected(modules, imports)
    group_of = {m: i for i, group in enumerate(groups) for m in group}

    @functools.cache
    def longest(i: int) -> tuple[int, ...]:
        below = [longest(group_of[w]) for m in groups[i] for w in imports[m] if group_of[w] != i]
        return (i, *max(below, key=len, default=()))

    chain = max((longest(i) for i in range(len(groups))), key=len)
    print("modules:", len(modules))
    print("cycles:", [group for group in groups if len(group) > 1])
    print(f"longest chain ({len(chain)}):", " -> ".join(groups[i][0].removeprefix("statustrack.") for i in chain))


def _strongly_connected(nodes: list[str], edges: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components of the graph `edges` over `nodes`."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            found.append(group)

    for node in nodes:
        if node not in index:
            visit(node)
    return found


if __name__ == "__main__":
    main()
