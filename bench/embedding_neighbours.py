#!/usr/bin/python3
"""Are `gatkit embed`'s molecule embeddings a useful similarity? Nearest neighbours on BBBP.

For each seed: the SDF's records are split 80:20 (a seeded permutation) into train.sdf and test.sdf;
gatkit trains on train.sdf (its own 8:1:1 split inside it picks the epoch), then embeds both files
(`--embedding readout`, the pooled row) and predicts test.sdf. Each test molecule is then scored by its
k most similar training molecules (similarity-weighted vote of their labels), with two similarities:
  - cosine similarity of gatkit's embeddings;
  - Tanimoto similarity of ECFP4 fingerprints (RDKit Morgan radius 2, 2048 bits), the chemist's default;
and the three ROC-AUCs on the test molecules (the model's own prediction, k-NN on embeddings, k-NN on
ECFP4) are printed as JSON lines. Molecules that gatkit skips or RDKit refuses are left out of every
score, so the three are computed on the same test molecules.

  /usr/bin/python3 bench/embedding_neighbours.py [--seeds 0 1 2] [--k 5] [--threads 2]
      [--data ../shared/datasets/molecules/moleculenet/bbbp/bbbp.sdf --target p_np] [--out FILE.jsonl]

Needs Debian's python3-numpy and python3-rdkit, and build/bin/gatkit.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# bench/molecules.sh's BBBP setting (chosen on validation), one run.
BBBP_FLAGS = ["--readout", "mean,max", "--jk", "--dropout", "0.2", "--residual", "--epochs", "400", "--patience", "50"]


def records(path):
    """The SDF's records as text, each ending with its $$$$ line."""
    out, current = [], []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            current.append(line)
            if line.startswith("$$$$"):
                out.append("".join(current))
                current = []
    return out


def label(record, target):
    lines = record.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(">") and "<%s>" % target in line and i + 1 < len(lines):
            value = lines[i + 1].strip()
            return float(value) if value else float("nan")
    return float("nan")


def roc_auc(y, score):
    """Rank-based ROC-AUC (ties share their mean rank)."""
    y = np.asarray(y, dtype=bool)
    order = np.argsort(score, kind="mergesort")
    ranks = np.empty(len(score))
    sorted_scores = np.asarray(score)[order]
    i = 0
    while i < len(score):
        j = i
        while j + 1 < len(score) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1
        i = j + 1
    pos, neg = y.sum(), (~y).sum()
    return (ranks[y].sum() - pos * (pos + 1) / 2.0) / (pos * neg)


def knn_scores(similarity, train_labels, k):
    """Similarity-weighted fraction of positive labels among each row's k most similar training molecules."""
    top = np.argsort(-similarity, axis=1)[:, :k]
    weights = np.take_along_axis(similarity, top, axis=1).clip(min=1e-12)
    return (weights * train_labels[top]).sum(axis=1) / weights.sum(axis=1)


def ecfp(record):
    from rdkit import Chem  # imported here: bench/ensemble_uncertainty.py uses this file's helpers without RDKit
    from rdkit.Chem import AllChem
    mol = Chem.MolFromMolBlock(record.split("$$$$")[0], sanitize=True)
    return None if mol is None else AllChem.GetMorganFingerprintAsBitVect(mol, 2, nBits=2048)


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def split_sdf(recs, seed, work):
    """A seeded 80:20 split of the records, written as work/train.sdf and work/test.sdf (file order kept);
    returns {"train": indices, "test": indices}."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(recs))
    cut = int(0.8 * len(recs))
    parts = {"train": sorted(order[:cut]), "test": sorted(order[cut:])}
    for name, idx in parts.items():
        with open(os.path.join(work, name + ".sdf"), "w", encoding="utf-8") as f:
            f.writelines(recs[i] for i in idx)
    return parts


def one_seed(args, recs, seed, work):
    parts = split_sdf(recs, seed, work)
    gatkit = args.gatkit
    sdf = {name: os.path.join(work, name + ".sdf") for name in parts}
    model = os.path.join(work, "model.gk")
    run([gatkit, "train", "--data", sdf["train"], "--target", args.target, "--runs", "1", "--seed", str(seed),
         "--on-error", "skip", "--threads", str(args.threads), "--quiet", "--save", model] + BBBP_FLAGS)
    emb = {}
    for name in parts:
        out = os.path.join(work, name + ".npy")
        run([gatkit, "embed", "--model", model, "--data", sdf[name], "--on-error", "skip", "--out", out,
             "--threads", str(args.threads), "--quiet"])
        emb[name] = np.load(out).astype(np.float64)
    preds = os.path.join(work, "test.csv")
    run([gatkit, "predict", "--model", model, "--data", sdf["test"], "--on-error", "skip", "--out", preds])
    with open(preds, newline="") as f:
        rows = list(csv.DictReader(f))
    column = args.target + "_probability"
    prob = np.array([float(r[column]) if r[column] else float("nan") for r in rows])

    y, fps, keep = {}, {}, {}
    for name, idx in parts.items():
        y[name] = np.array([label(recs[i], args.target) for i in idx])
        fps[name] = [ecfp(recs[i]) for i in idx]
        keep[name] = (~np.isnan(emb[name]).any(axis=1)) & ~np.isnan(y[name]) & np.array([fp is not None for fp in fps[name]])
    tr, te = keep["train"], keep["test"] & ~np.isnan(prob)
    train_labels = y["train"][tr]

    def unit(x):
        return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)

    cosine = unit(emb["test"][te]) @ unit(emb["train"][tr]).T
    train_fps = [fp for fp, ok in zip(fps["train"], tr) if ok]
    from rdkit import DataStructs
    tanimoto = np.array([DataStructs.BulkTanimotoSimilarity(fp, train_fps)
                         for fp, ok in zip(fps["test"], te) if ok])
    test_labels = y["test"][te]
    return {
        "seed": seed, "k": args.k, "train_molecules": int(tr.sum()), "test_molecules": int(te.sum()),
        "model_roc_auc": roc_auc(test_labels, prob[te]),
        "knn_embedding_roc_auc": roc_auc(test_labels, knn_scores(cosine, train_labels, args.k)),
        "knn_ecfp4_roc_auc": roc_auc(test_labels, knn_scores(tanimoto, train_labels, args.k)),
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "datasets", "molecules", "moleculenet", "bbbp", "bbbp.sdf"))
    p.add_argument("--target", default="p_np")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--gatkit", default=os.path.join(ROOT, "build", "bin", "gatkit"))
    p.add_argument("--out", help="also append the JSON lines to this file")
    args = p.parse_args()
    if not os.path.exists(args.data):
        sys.exit("embedding_neighbours: %s is absent" % args.data)
    from rdkit import RDLogger
    RDLogger.DisableLog("rdApp.*")
    recs = records(args.data)
    results = []
    for seed in args.seeds:
        with tempfile.TemporaryDirectory() as work:
            r = one_seed(args, recs, seed, work)
        results.append(r)
        line = json.dumps(r)
        print(line, flush=True)
        if args.out:
            with open(args.out, "a") as f:
                f.write(line + "\n")
    mean = {key: float(np.mean([r[key] for r in results])) for key in ("model_roc_auc", "knn_embedding_roc_auc", "knn_ecfp4_roc_auc")}
    print(json.dumps({"mean_over_seeds": mean, "seeds": args.seeds, "k": args.k}))


if __name__ == "__main__":
    main()
