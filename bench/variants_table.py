#!/usr/bin/env python3
"""Markdown table of bench/variants.sh's summaries: python3 bench/variants_table.py [bench/results/variants]."""
import json
import pathlib
import statistics
import sys

folder = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "bench/results/variants")
order = {"cora": 0, "citeseer": 1, "bbbp": 2, "esol": 3}
rows = []
for f in folder.glob("*.json"):
    d = json.loads(f.read_text())
    c = d.get("config", {})
    runs = d["runs"]
    seconds = statistics.median(r["seconds"] for r in runs)
    data = f.stem.split("_")[0]
    extra = []
    if c.get("block", "gat") != "gat":
        extra.append(f"block {c['block']}")
    if c.get("head_merge", "concat") != "concat":
        extra.append(f"heads {c['head_merge']}")
    if d["metric"] == "accuracy" and "dataset" in d:  # node classification
        test = f"{100 * d['test_mean']:.2f} +- {100 * d['test_std']:.2f} %"
        val = f"{100 * d['val_mean']:.2f} %"
        speed = f"{d['train_step_ms_median']:.2f} ms/step"
    else:
        test = f"{d['test_mean']:.3f} +- {d['test_std']:.3f} {d['metric'].replace('_', '-').upper()}"
        val = f"{d['val_mean']:.3f}"
        speed = f"{d['train_graphs_per_second_median']:.0f} graphs/s"
    rows.append((order.get(data, 9), data, c.get("attention", "additive"), c.get("normalizer", "softmax"),
                 c.get("range", "1-hop"), c.get("positional", "none"), ", ".join(extra) or "-", test, len(runs), val,
                 speed, f"{seconds:.1f} s"))
print("| data | scoring | normaliser | range | encoding | other | test (mean +- std) | seeds | val | train speed | run time (median) |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for r in sorted(rows, key=lambda r: r[:7]):
    print("| " + " | ".join(str(x) for x in r[1:]) + " |")
