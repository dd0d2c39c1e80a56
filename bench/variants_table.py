#!/usr/bin/env python3
"""Markdown table of bench/variants.sh's summaries: python3 bench/variants_table.py [bench/results/variants]."""
import json
import pathlib
import statistics
import sys

folder = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "bench/results/variants")
print("| data | attention | range | encoding | test (mean +- std) | seeds | val | train step / rate | run time (median) |")
print("|---|---|---|---|---|---|---|---|---|")
for f in sorted(folder.glob("*.json")):
    d = json.loads(f.read_text())
    c = d.get("config", {})
    runs = d["runs"]
    seconds = statistics.median(r["seconds"] for r in runs)
    data = d.get("dataset", {}).get("name") or f.stem.split("_")[0]
    if d["metric"] == "accuracy" and "dataset" in d:  # node classification
        test = f"{100 * d['test_mean']:.2f} +- {100 * d['test_std']:.2f} %"
        val = f"{100 * d['val_mean']:.2f} %"
        speed = f"{d['train_step_ms_median']:.2f} ms/step"
    else:
        test = f"{d['test_mean']:.4f} +- {d['test_std']:.4f} {d['metric']}"
        val = f"{d['val_mean']:.4f}"
        speed = f"{d['train_graphs_per_second_median']:.0f} graphs/s"
    print(f"| {data} | {c.get('attention', 'additive')} | {c.get('range', '1-hop')} | {c.get('positional', 'none')} | "
          f"{test} | {len(runs)} | {val} | {speed} | {seconds:.1f} s |")
