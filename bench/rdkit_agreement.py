#!/usr/bin/python3
"""Per-atom agreement of gatkit::chem::perceive() with RDKit's sanitisation on the MoleculeNet files.

For every *.sdf under DATASETS (default ../shared/datasets/molecules/moleculenet), gatkit's side is
dumped by the test binary (Perception.DumpForRdkitAgreement, driven by GATKIT_PERCEPTION_DUMP_IN/OUT)
and RDKit's side is read with Chem.SDMolSupplier (sanitize=True, removeHs=True). With --csv, the
MoleculeNet CSV files are read instead: gatkit's SMILES reader against Chem.MolFromSmiles on the same
column, row by row. Records that either side rejects (counted as both_rejected, only_rdkit_rejected,
only_gatkit_rejected), or whose heavy-atom lists differ (atom_mismatch), are skipped; for the rest,
ring membership, aromaticity, total hydrogen count, formal charge, hybridisation and radical electrons are compared atom by atom, and aromaticity and conjugation bond by bond (bonds
between heavy atoms, matched by their atoms).

  /usr/bin/python3 bench/rdkit_agreement.py [--csv] [--test-binary build/tests/test_chem] [--datasets DIR]
                                            [--limit N] [--show K]
Needs Debian's python3-rdkit.
"""
import argparse
import collections
import csv
import os
import subprocess
import sys
import tempfile

from rdkit import Chem, RDLogger


# gatkit's Hybridisation codes (include/gatkit/chem/perception.hpp); RDKit's OTHER, UNSPECIFIED -> 0.
HYBRIDISATION = {"S": 1, "SP": 2, "SP2": 3, "SP3": 4, "SP3D": 5, "SP3D2": 6}

# The SMILES column of the MoleculeNet CSVs that do not call it "smiles".
SMILES_COLUMNS = {"bace.csv": "mol"}


def gatkit_dump(binary, sdf):
    with tempfile.NamedTemporaryFile(suffix=".tsv", delete=False) as tmp:
        out = tmp.name
    env = dict(os.environ, GATKIT_PERCEPTION_DUMP_IN=sdf, GATKIT_PERCEPTION_DUMP_OUT=out)
    if os.path.basename(sdf) in SMILES_COLUMNS:
        env["GATKIT_PERCEPTION_DUMP_SMILES_COLUMN"] = SMILES_COLUMNS[os.path.basename(sdf)]
    subprocess.run([binary, "--gtest_filter=Perception.DumpForRdkitAgreement"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    records = collections.defaultdict(list)
    bonds = collections.defaultdict(list)
    errors = set()
    with open(out) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            rec = int(parts[0])
            if parts[1] == "ERROR":
                errors.add(rec)
                continue
            if parts[1] == "BOND":
                bonds[rec].append(tuple(map(int, parts[2:])))
                continue
            _, _, z, ring, arom, h, charge, hybrid, radicals = map(int, parts)
            records[rec].append((z, ring, arom, h, charge, hybrid, radicals))
    os.unlink(out)
    return records, bonds, errors


def rdkit_molecules(path):
    """RDKit's molecules of an SDF, or of a CSV's SMILES column (None where RDKit rejects one)."""
    if not path.endswith(".csv"):
        yield from Chem.SDMolSupplier(path, sanitize=True, removeHs=True)
        return
    column = SMILES_COLUMNS.get(os.path.basename(path), "smiles")
    with open(path, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            yield Chem.MolFromSmiles(row[column].strip()) if row[column].strip() else None


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--test-binary", default=os.path.join(here, "..", "build", "tests", "test_chem"))
    ap.add_argument("--datasets", default=os.path.join(here, "..", "..", "shared", "datasets", "molecules",
                                                       "moleculenet"))
    ap.add_argument("--limit", type=int, default=0, help="records per file (0 = all)")
    ap.add_argument("--show", type=int, default=3, help="disagreeing records to print per file and field")
    ap.add_argument("--csv", action="store_true", help="the CSV files (SMILES) instead of the SDFs")
    args = ap.parse_args()
    RDLogger.DisableLog("rdApp.*")

    ext = ".csv" if args.csv else ".sdf"
    sdfs = sorted(os.path.join(d, f) for d, _, fs in os.walk(args.datasets) for f in fs if f.endswith(ext))
    grand = collections.Counter()
    for sdf in sdfs:
        ours, our_bonds, our_errors = gatkit_dump(args.test_binary, sdf)
        stats = collections.Counter()
        shown = collections.Counter()
        for rec, mol in enumerate(rdkit_molecules(sdf), start=1):
            if args.limit and rec > args.limit:
                break
            stats["records"] += 1
            gatkit_rejected = rec in our_errors or rec not in ours
            if mol is None:
                stats["both_rejected" if gatkit_rejected else "only_rdkit_rejected"] += 1
                if not gatkit_rejected and shown["only_rdkit_rejected"] < args.show:
                    shown["only_rdkit_rejected"] += 1
                    print(f"  {os.path.basename(sdf)} record {rec}: RDKit rejects it, gatkit reads it")
                continue
            if gatkit_rejected:
                stats["only_gatkit_rejected"] += 1
                if shown["only_gatkit_rejected"] < args.show:
                    shown["only_gatkit_rejected"] += 1
                    print(f"  {os.path.basename(sdf)} record {rec}: gatkit rejects it, RDKit reads "
                          f"{Chem.MolToSmiles(mol)}")
                continue
            g = [a for a in ours[rec] if a[0] != 1]  # folded H: compare heavy atoms only
            r = [a for a in mol.GetAtoms() if a.GetAtomicNum() != 1]
            if [a[0] for a in g] != [a.GetAtomicNum() for a in r]:
                stats["atom_mismatch"] += 1
                continue
            stats["compared"] += 1
            bad = set()
            for (z, ring, arom, h, charge, hybrid, radicals), a in zip(g, r):
                stats["atoms"] += 1
                for field, mine, theirs in (("ring", ring, int(a.IsInRing())),
                                            ("aromatic", arom, int(a.GetIsAromatic())),
                                            ("hydrogens", h, a.GetTotalNumHs()),
                                            ("charge", charge, a.GetFormalCharge()),
                                            ("hybridisation", hybrid, HYBRIDISATION.get(str(a.GetHybridization()), 0)),
                                            ("radicals", radicals, a.GetNumRadicalElectrons())):
                    if mine != theirs:
                        stats["atom_" + field + "_diff"] += 1
                        bad.add(field)
            # Bonds between heavy atoms, matched by their atoms' positions among the heavy atoms.
            heavy_ours = {}
            for i, a in enumerate(ours[rec]):
                if a[0] != 1:
                    heavy_ours[i] = len(heavy_ours)
            heavy_rdkit = {a.GetIdx(): k for k, a in enumerate(r)}
            rdkit_bonds = {}
            for b in mol.GetBonds():
                i, j = b.GetBeginAtomIdx(), b.GetEndAtomIdx()
                if i in heavy_rdkit and j in heavy_rdkit:
                    rdkit_bonds[frozenset((heavy_rdkit[i], heavy_rdkit[j]))] = b
            for i, j, arom, conj in our_bonds[rec]:
                if i not in heavy_ours or j not in heavy_ours:
                    continue
                b = rdkit_bonds.get(frozenset((heavy_ours[i], heavy_ours[j])))
                stats["bonds"] += 1
                if b is None:
                    stats["bond_missing"] += 1
                    bad.add("bond")
                    continue
                for field, mine, theirs in (("bond_aromatic", arom, int(b.GetIsAromatic())),
                                            ("bond_conjugated", conj, int(b.GetIsConjugated()))):
                    if mine != theirs:
                        stats[field + "_diff"] += 1
                        bad.add(field)
            for field in bad:
                stats["mol_" + field + "_diff"] += 1
                if shown[field] < args.show:
                    shown[field] += 1
                    print(f"  {os.path.basename(sdf)} record {rec} {field}: {Chem.MolToSmiles(mol)}")
            if not bad:
                stats["mol_all_agree"] += 1
        grand.update(stats)
        print(os.path.basename(sdf), dict(stats), flush=True)
    print("TOTAL", dict(grand))
    if grand["compared"]:
        print(f"molecules agreeing on all fields: {grand['mol_all_agree'] / grand['compared']:.4%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
