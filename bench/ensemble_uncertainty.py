#!/usr/bin/python3
"""Does `gatkit predict --member-std` flag the molecules an ensemble gets wrong? ESOL.

For each seed: the SDF's records are split 80:20 (a seeded permutation, as bench/embedding_neighbours.py
does); gatkit trains an ensemble (`--ensemble M`, ESOL's setting of bench/molecules.sh) on the 80 % and
predicts the 20 % with `--member-std`. Printed as JSON lines, on the test molecules:
  - the Spearman correlation of the members' standard deviation with the absolute error;
  - the RMSE of the half with the lower standard deviation and of the half with the higher one;
  - the RMSE of all of them.

  /usr/bin/python3 bench/ensemble_uncertainty.py [--seeds 0 1 2] [--members 5] [--threads 1] [--out FILE.jsonl]

Needs Debian's python3-numpy and build/bin/gatkit.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from embedding_neighbours import ROOT, label, records, split_sdf  # noqa: E402  (the same split)

TARGET = "measured log solubility in mols per litre"
# bench/molecules.sh's ESOL setting (chosen on validation), one run.
ESOL_FLAGS = ["--readout", "sum", "--batch-size", "32", "--epochs", "300", "--patience", "50", "--head-layers", "1",
              "--dropout", "0", "--lr-decay", "0.5", "--lr-patience", "15"]


def ranks(x):
    order = np.argsort(x, kind="mergesort")
    r = np.empty(len(x))
    r[order] = np.arange(len(x))
    return r


def one_seed(args, recs, seed, work):
    parts = split_sdf(recs, seed, work)
    model = os.path.join(work, "model.gk")
    preds = os.path.join(work, "test.csv")
    subprocess.run([args.gatkit, "train", "--data", os.path.join(work, "train.sdf"), "--target", TARGET, "--runs", "1",
                    "--seed", str(seed), "--ensemble", str(args.members), "--threads", str(args.threads), "--quiet",
                    "--save", model] + ESOL_FLAGS, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([args.gatkit, "predict", "--model", model, "--data", os.path.join(work, "test.sdf"),
                    "--member-std", "--out", preds], check=True, stderr=subprocess.DEVNULL)
    with open(preds, newline="") as f:
        rows = list(csv.DictReader(f))
    value = np.array([float(r[TARGET]) for r in rows])
    std = np.array([float(r[TARGET + "_std"]) for r in rows])
    truth = np.array([label(recs[i], TARGET) for i in parts["test"]])
    error = np.abs(value - truth)
    low = std <= np.median(std)
    rmse = lambda e: float(np.sqrt(np.mean(e ** 2)))  # noqa: E731
    return {
        "seed": seed, "members": args.members, "test_molecules": len(rows),
        "spearman_std_vs_abs_error": float(np.corrcoef(ranks(std), ranks(error))[0, 1]),
        "rmse_low_std_half": rmse(error[low]), "rmse_high_std_half": rmse(error[~low]), "rmse_all": rmse(error),
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "datasets", "molecules", "moleculenet", "esol", "esol.sdf"))
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--members", type=int, default=5)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--gatkit", default=os.path.join(ROOT, "build", "bin", "gatkit"))
    p.add_argument("--out", help="also append the JSON lines to this file")
    args = p.parse_args()
    if not os.path.exists(args.data):
        sys.exit("ensemble_uncertainty: %s is absent" % args.data)
    recs = records(args.data)
    for seed in args.seeds:
        with tempfile.TemporaryDirectory() as work:
            line = json.dumps(one_seed(args, recs, seed, work))
        print(line, flush=True)
        if args.out:
            with open(args.out, "a") as f:
                f.write(line + "\n")


if __name__ == "__main__":
    main()
