#!/usr/bin/env python3
"""Writes generic.json: 48 small generic graphs (gatkit-graphs JSON, "type": "graph") for the generic
graph tests (tests/cli_graphs.cmake, tests/chem/generic_graph_test.cpp). Deterministic (seed 7).

Graph k: a ring of 4..9 nodes (both directions of every edge) with 2 node features
[marker, noise] and 1 edge feature (1 for the ring's first edge, else 0). Labels:
  "marked"  1 when one node carries the marker (feature 0 = 1), else 0 (every other graph)
  "size"    the node count (regression)
  "partly"  as "marked", but null on every fifth graph (missing labels)
Run: python3 tests/data/graphs/make_generic.py > tests/data/graphs/generic.json
"""
import json
import random

rng = random.Random(7)
entries = []
for k in range(48):
    n = 4 + k % 6
    marked = k % 2
    nodes = [[0.0, round(rng.uniform(-1, 1), 3)] for _ in range(n)]
    if marked:
        nodes[rng.randrange(n)][0] = 1.0
    edges, edge_features = [], []
    for i in range(n):
        j = (i + 1) % n
        edges += [[i, j], [j, i]]
        edge_features += [[1.0 if i == 0 else 0.0]] * 2
    entries.append({"type": "graph", "id": f"g{k}", "num_nodes": n, "node_features": nodes,
                    "edges": edges, "edge_features": edge_features,
                    "labels": {"marked": marked, "size": n, "partly": None if k % 5 == 4 else marked}})
print(json.dumps({"format": "gatkit-graphs", "version": 1, "graphs": entries}, separators=(",", ":")))
