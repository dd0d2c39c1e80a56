#!/usr/bin/env python3
"""Aggregates the per-seed summaries of bench/social.sh into one JSON per (data set, model).

usage: social_summary.py OUT.json SEED_SUMMARY.json...

Each input is a `gatkit train --summary` file of one run (split seed = model seed). The output keeps the
per-seed runs and adds the mean and population standard deviation over seeds of the test accuracy,
macro-F1 and (two classes) ROC-AUC, the validation accuracy, and the median of the per-run median
training step. Standard library only.
"""
import json
import os
import statistics
import sys


def mean_std(values):
    return statistics.fmean(values), statistics.pstdev(values)


def main():
    out, inputs = sys.argv[1], sys.argv[2:]
    runs = []
    first = None
    for path in inputs:
        with open(path) as f:
            s = json.load(f)
        first = first or s
        for r in s["runs"]:
            r = dict(r)
            r["split_seed"] = r["seed"]
            runs.append(r)
    summary = {"metric": "accuracy", "seeds": [r["seed"] for r in runs]}
    for key, field in [("test", "test"), ("val", "val"), ("test_macro_f1", "test_macro_f1"),
                       ("test_roc_auc", "test_roc_auc")]:
        values = [r[field] for r in runs if field in r]
        if len(values) == len(runs):
            summary[key + "_mean"], summary[key + "_std"] = mean_std(values)
    summary["train_step_ms_median"] = statistics.median(r["train_step_ms_median"] for r in runs)
    summary["epochs_mean"] = statistics.fmean(r["epochs"] for r in runs)
    summary["runs"] = runs
    summary["dataset"] = first["dataset"]
    summary["config"] = first["config"]
    with open(out, "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    name = os.path.splitext(os.path.basename(out))[0]
    line = f"{name} ({first['dataset']['name']}, {first['config']['model']}): accuracy {100 * summary['test_mean']:.2f} +- {100 * summary['test_std']:.2f} %"
    line += f", macro-F1 {100 * summary['test_macro_f1_mean']:.2f} +- {100 * summary['test_macro_f1_std']:.2f} %"
    if "test_roc_auc_mean" in summary:
        line += f", ROC-AUC {summary['test_roc_auc_mean']:.4f} +- {summary['test_roc_auc_std']:.4f}"
    line += f" ({len(runs)} seeds; val accuracy {100 * summary['val_mean']:.2f} %; step {summary['train_step_ms_median']:.2f} ms)"
    print(line)


if __name__ == "__main__":
    main()
