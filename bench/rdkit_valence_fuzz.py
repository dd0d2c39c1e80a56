#!/usr/bin/python3
"""Random molecules that probe the valence check: does gatkit refuse exactly what RDKit refuses?

Writes N random small molecules as SMILES (a .smi file) and as V2000 molblocks (an .sdf), with bracket
and organic-subset atoms, charges -2..+2, radicals (SDF), explicit H counts, multiple bonds, rings and
aromatic rings, over elements with and without valence lists; reads them with `gatkit info --json
--on-error skip` and with RDKit (MolFromSmiles; SDMolSupplier, sanitize=True), and counts the records on
which the two disagree about accepting, with examples and gatkit's reason. Disagreements on records with
an odd terminal H atom (charged, radical, with an H count or a multiple bond; in an SDF any terminal H:
RDKit silently removes it before checking, gatkit checks it) are counted apart and do not fail the run.

  /usr/bin/python3 bench/rdkit_valence_fuzz.py [--gatkit build/bin/gatkit] [-n 20000] [--seed 1] [--show 5]
Needs Debian's python3-rdkit.
"""
import argparse
import collections
import json
import os
import random
import subprocess
import sys
import tempfile

from rdkit import Chem, RDLogger

ELEMENTS = ["C", "C", "C", "N", "N", "O", "O", "S", "P", "F", "Cl", "Br", "I", "B", "Si", "Se", "H",
            "Li", "Na", "Mg", "Al", "Ca", "Sn", "Tl", "Bi", "Xe", "He", "Fe", "Cu"]
ORGANIC = {"B", "C", "N", "O", "P", "S", "F", "Cl", "Br", "I"}


def random_graph(rng):
    n = rng.randint(1, 6)
    atoms = []
    for _ in range(n):
        sym = rng.choice(ELEMENTS)
        charge = rng.choice([0, 0, 0, 0, 1, -1, 2, -2])
        hs = rng.choice([0, 0, 1, 2, 3])
        radical = rng.choice([0] * 8 + [2, 1])
        atoms.append([sym, charge, hs, radical])
    bonds = {}
    for i in range(1, n):  # a random tree, then extra edges (rings)
        j = rng.randrange(i)
        bonds[(j, i)] = rng.choice([1, 1, 1, 2, 2, 3])
    for _ in range(rng.choice([0, 0, 1, 2])):
        i, j = sorted(rng.sample(range(n), 2)) if n > 1 else (0, 0)
        if i != j and (i, j) not in bonds:
            bonds[(i, j)] = rng.choice([1, 1, 2])
    # a star: one atom with many neighbours
    if n > 1 and rng.random() < 0.3:
        centre = rng.randrange(n)
        for k in range(rng.randint(1, 4)):
            atoms.append(["C", 0, 0, 0])
            bonds[(centre, len(atoms) - 1)] = 1
    return atoms, bonds


def to_smiles(rng, atoms, bonds):
    """A SMILES of the graph: atoms dot-joined, every bond a ring closure (valid, if unusual)."""
    parts = []
    closures = collections.defaultdict(list)
    for k, ((i, j), order) in enumerate(sorted(bonds.items()), start=1):
        sym = {1: "", 2: "=", 3: "#"}[order]
        closures[i].append(f"{sym}%{k + 10}")
        closures[j].append(f"{sym}%{k + 10}")
    for a, (sym, charge, hs, _radical) in enumerate(atoms):
        if sym in ORGANIC and charge == 0 and rng.random() < 0.5:
            text = sym
        else:
            text = "[" + sym + ("H" + (str(hs) if hs > 1 else "") if hs else "")
            text += ("+" if charge > 0 else "-") + (str(abs(charge)) if abs(charge) > 1 else "") if charge else ""
            text += "]"
        parts.append(text + "".join(closures[a]))
    smi = ".".join(parts)
    if rng.random() < 0.25:  # an aromatic ring with the molecule on a substituent
        ring = rng.choice(["c1ccccc1", "c1ccncc1", "c1cc[nH]c1", "c1ccoc1", "c1ccsc1", "c1cc[n+]cc1", "n1ccc[nH]1",
                           "c1cccc[n+]1", "c1ccc2ccccc2c1", "O=c1cc[nH]cc1", "c1cc[se]c1", "c1ccc[o+]c1"])
        smi = ring + "." + smi
    return smi


def to_molblock(atoms, bonds):
    lines = ["", "  fuzz", "", f"{len(atoms):3d}{len(bonds):3d}  0  0  0  0  0  0  0  0999 V2000"]
    chg_code = {0: 0, 1: 3, 2: 2, 3: 1, -1: 5, -2: 6, -3: 7}
    # Charges in the atom block, or (as RDKit writes them) in M  CHG lines, which supersede the block's.
    in_block = all(r == 0 for _s, _c, _h, r in atoms) and len(atoms) % 2 == 0
    for sym, charge, _hs, _radical in atoms:
        code = chg_code[charge] if in_block else 0
        lines.append(f"    0.0000    0.0000    0.0000 {sym:<3} 0  {code}  0  0  0  0  0  0  0  0  0  0")
    for (i, j), order in sorted(bonds.items()):
        lines.append(f"{i + 1:3d}{j + 1:3d}{order:3d}  0")
    if not in_block:
        for a, (_s, c, _h, _r) in enumerate(atoms):
            if c:
                lines.append(f"M  CHG  1 {a + 1:3d} {c:3d}")
    for a, (_s, _c, _h, r) in enumerate(atoms):
        if r:
            lines.append(f"M  RAD  1 {a + 1:3d} {r:3d}")
    lines.append("M  END")
    return "\n".join(lines) + "\n$$$$\n"


def odd_terminal_hydrogen(atoms, bonds, sdf):
    """An H atom with one neighbour that is charged, has a radical or H count, or a multiple bond (in an
    SDF, any H atom with one neighbour). RDKit removes every H atom with one neighbour before its valence
    check, keeping none of that, and from a molblock without counting it on its neighbour (so F-H-C-like
    records pass); gatkit folds only plain singly bonded H atoms, into their neighbour's H count, and
    checks the rest. Records with one are counted apart."""
    degree = collections.Counter()
    multiple = set()
    for (i, j), order in bonds.items():
        degree[i] += 1
        degree[j] += 1
        if order > 1:
            multiple.update((i, j))
    return any(sym == "H" and degree[a] == 1 and (sdf or charge or radical or hs or a in multiple)
               for a, (sym, charge, hs, radical) in enumerate(atoms))


def gatkit_skipped(binary, path):
    out = subprocess.run([binary, "info", "--data", path, "--on-error", "skip", "--json"], capture_output=True,
                         text=True, check=True).stdout
    info = json.loads(out)
    refused = {s["record"]: s["error"] for s in info["skipped_records"]}
    # The SDF reader reads valences as written (SdfOptions::check_valences is off in the CLI); info
    # lists the records it would refuse.
    examples = info["over_valence_examples"]
    for k, record in enumerate(info["over_valence_records"]):
        refused.setdefault(record, examples[k] if k < len(examples) else "over valence (gatkit info)")
    return refused, info["records"]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--gatkit", default=os.path.join(here, "..", "build", "bin", "gatkit"))
    ap.add_argument("-n", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", type=int, default=5)
    args = ap.parse_args()
    RDLogger.DisableLog("rdApp.*")
    rng = random.Random(args.seed)
    graphs = [random_graph(rng) for _ in range(args.n)]
    smiles = [to_smiles(rng, a, b) for a, b in graphs]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        smi_path, sdf_path = os.path.join(tmp, "fuzz.smi"), os.path.join(tmp, "fuzz.sdf")
        with open(smi_path, "w") as f:
            for k, s in enumerate(smiles, start=1):
                f.write(f"{s} m{k}\n")
        with open(sdf_path, "w") as f:
            for a, b in graphs:
                f.write(to_molblock(a, b))
        for kind, path, rdkit_mols in (
                ("smiles", smi_path, (Chem.MolFromSmiles(s) for s in smiles)),
                ("sdf", sdf_path, Chem.SDMolSupplier(sdf_path, sanitize=True, removeHs=True))):
            skipped, records = gatkit_skipped(args.gatkit, path)
            stats = collections.Counter()
            shown = collections.Counter()
            for rec, mol in enumerate(rdkit_mols, start=1):
                ours = rec not in skipped
                theirs = mol is not None
                key = {(True, True): "both_accept", (False, False): "both_reject",
                       (True, False): "only_gatkit_accepts", (False, True): "only_rdkit_accepts"}[(ours, theirs)]
                if ours != theirs and odd_terminal_hydrogen(*graphs[rec - 1], kind == "sdf"):
                    key += "_odd_terminal_h"
                stats[key] += 1
                if ours != theirs and shown[key] < args.show:
                    shown[key] += 1
                    text = smiles[rec - 1] if kind == "smiles" else f"graph {graphs[rec - 1]}"
                    print(f"  {kind} record {rec} {key}: {text}" + ("" if ours else f"\n    gatkit: {skipped[rec]}"))
            print(kind, dict(stats), flush=True)
            failures += stats["only_gatkit_accepts"] + stats["only_rdkit_accepts"]
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
