#!/usr/bin/env python3
"""Writes nodes.json: one generic graph entry with node_labels, for node classification on the JSON
format (tests/cli_graphs.cmake). 60 nodes in 3 communities of 20 (label = community), each a ring with
chords to the node 3 ahead, plus 6 edges between communities; 2 node features that hint at the label
(with deterministic noise); every 10th node unlabelled (null). Deterministic."""
import json
n, k = 60, 3
edges = []
def link(a, b):
    edges.extend([[a, b], [b, a]])
for c in range(k):
    base = 20 * c
    for i in range(20):
        link(base + i, base + (i + 1) % 20)
        link(base + i, base + (i + 3) % 20)
for a, b in [(0, 25), (7, 44), (19, 52), (21, 58), (30, 41), (12, 33)]:
    link(a, b)
features = [[round(((i // 20) - 1) * 0.5 + ((i * 37) % 11 - 5) / 10, 2), round(((i * 53) % 7) / 7, 3)] for i in range(n)]
labels = [None if i % 10 == 9 else i // 20 for i in range(n)]
entry = {"type": "graph", "id": "communities", "num_nodes": n, "node_features": features, "edges": edges,
         "node_labels": labels}
with open("nodes.json", "w") as f:
    f.write('{"format": "gatkit-graphs", "version": 1, "graphs": [\n')
    f.write(json.dumps(entry, separators=(",", ":")))
    f.write("\n]}\n")
