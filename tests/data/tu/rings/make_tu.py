#!/usr/bin/env python3
"""Writes RINGS, a small TU Dortmund data set for the CLI tests (tests/cli_tu.cmake): 40 graphs,
cycles (graph label 1) and paths (graph label -1) of 4 to 13 nodes, both directions of every edge.
Node labels 0, 1, 2 by position; edge labels 0 (an edge of the first node) or 1; one graph attribute,
the node count. Deterministic: python3 make_tu.py writes the same files every time."""
indicator, node_labels, a, edge_labels, graph_labels, graph_attributes = [], [], [], [], [], []
first = 1
for g in range(40):
    size = 4 + g % 10
    ring = g % 2 == 0
    for i in range(size):
        indicator.append(g + 1)
        node_labels.append(i % 3)
    pairs = [(i, i + 1) for i in range(size - 1)] + ([(size - 1, 0)] if ring else [])
    for u, v in pairs:
        for s, t in ((u, v), (v, u)):
            a.append(f"{first + s}, {first + t}")
            edge_labels.append(0 if 0 in (s, t) else 1)
    graph_labels.append(1 if ring else -1)
    graph_attributes.append(f"{size}.0")
    first += size
for name, rows in (("A", a), ("graph_indicator", indicator), ("node_labels", node_labels),
                   ("edge_labels", edge_labels), ("graph_labels", graph_labels),
                   ("graph_attributes", graph_attributes)):
    with open(f"RINGS_{name}.txt", "w") as f:
        f.write("".join(f"{r}\n" for r in rows))
