#!/usr/bin/python3
"""Writes labelled.sdf: 40 small drug-like molecules (Kekulé, RDKit V2000) with two SD data items,
`active` (1 when the molecule has an aromatic ring, else 0; empty for two molecules: missing labels) and
`logp` (Crippen logP, 3 decimals), for the CLI tests of train --save / predict / convert / info.
Run from this folder with Debian's RDKit: /usr/bin/python3 make_labelled.py
"""
from rdkit import Chem
from rdkit.Chem import Crippen

SMILES = [
    "CCO", "CCN", "CC(=O)O", "c1ccccc1", "Cc1ccccc1", "Oc1ccccc1", "Nc1ccccc1", "CC(C)O", "CCCCCC",
    "c1ccncc1", "CC(=O)Nc1ccc(O)cc1", "CC(=O)Oc1ccccc1C(=O)O", "C1CCCCC1", "C1CCOC1", "CCOC(=O)C",
    "c1ccc2ccccc2c1", "Clc1ccccc1", "Brc1ccccc1", "CC#N", "C=CC=C", "OCCO", "NCCN", "CN(C)C",
    "c1ccsc1", "c1cc[nH]c1", "CC(C)(C)O", "O=C1CCCC1", "c1ccc(cc1)C(=O)O", "CCCCO", "CCC(=O)C",
    "COc1ccccc1", "c1ccc(cc1)N(=O)=O", "C[N+](C)(C)C", "CC(=O)[O-]", "OC(=O)CC(O)(CC(=O)O)C(=O)O",
    "c1ccc2[nH]ccc2c1", "CCS", "CSC", "FC(F)(F)c1ccccc1", "NC(=O)N",
]
MISSING = {"CCS", "c1ccsc1"}  # `active` left empty: missing labels, never zero

with open("labelled.sdf", "w") as out:
    for k, smiles in enumerate(SMILES):
        mol = Chem.MolFromSmiles(smiles)
        Chem.Kekulize(mol, clearAromaticFlags=True)
        mol.SetProp("_Name", "mol%02d" % (k + 1))
        aromatic = any(a.GetIsAromatic() for a in Chem.MolFromSmiles(smiles).GetAtoms())
        block = Chem.MolToMolBlock(mol)
        out.write(block)
        out.write("> <active>\n%s\n\n" % ("" if smiles in MISSING else int(aromatic)))
        out.write("> <logp>\n%.3f\n\n" % Crippen.MolLogP(Chem.MolFromSmiles(smiles)))
        out.write("> <smiles>\n%s\n\n$$$$\n" % smiles)

# broken_middle.sdf: record 1 = mol04 (benzene), record 2 = a record whose bond names atom 9 of 2,
# record 3 = mol11 (paracetamol). predict --on-error skip must give records 1 and 3 the predictions
# of those molecules, never each other's.
records = open("labelled.sdf").read().split("$$$$\n")
broken = ("broken\n  handmade\n\n  2  1  0  0  0  0  0  0  0  0999 V2000\n"
          "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
          "    1.5000    0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\n"
          "  1  9  1  0\nM  END\n")
with open("broken_middle.sdf", "w") as out:
    out.write(records[3] + "$$$$\n" + broken + "$$$$\n" + records[10] + "$$$$\n")
# middle_removed.sdf: the same two good records alone; the good rows of predict on broken_middle.sdf
# must equal its rows (same molecules in the same batch), names and values alike.
with open("middle_removed.sdf", "w") as out:
    out.write(records[3] + "$$$$\n" + records[10] + "$$$$\n")


# broken_middle.json: the same molecules as gatkit JSON, with an unknown element in the middle entry.
def json_entry(block):
    mol = Chem.MolFromMolBlock(block, sanitize=False)
    atoms = ", ".join('{"element": "%s"%s}' % (a.GetSymbol(), ', "charge": %d' % a.GetFormalCharge() if a.GetFormalCharge() else "")
                      for a in mol.GetAtoms())
    bonds = ", ".join('{"atoms": [%d, %d], "order": %d}' % (b.GetBeginAtomIdx(), b.GetEndAtomIdx(), int(b.GetBondTypeAsDouble()))
                      for b in mol.GetBonds())
    return '{"type": "molecule", "id": "%s", "atoms": [%s], "bonds": [%s]}' % (mol.GetProp("_Name"), atoms, bonds)


with open("broken_middle.json", "w") as out:
    out.write('{"format": "gatkit-graphs", "version": 1, "graphs": [\n')
    out.write(json_entry(records[3]) + ",\n")
    out.write('{"type": "molecule", "id": "broken", "atoms": [{"element": "Xx"}]},\n')
    out.write(json_entry(records[10]) + "\n]}\n")

# duplicate_bond_middle.sdf: the middle record reads fine but cannot be featurised (two bonds between
# the same atoms): a bad record for predict too, with the same alignment guarantees.
duplicate = ("duplicate\n  handmade\n\n  2  2  0  0  0  0  0  0  0  0999 V2000\n"
             "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
             "    1.5000    0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\n"
             "  1  2  1  0\n  2  1  1  0\nM  END\n")
with open("duplicate_bond_middle.sdf", "w") as out:
    out.write(records[3] + "$$$$\n" + duplicate + "$$$$\n" + records[10] + "$$$$\n")

# labelled.csv, labelled.smi and broken_middle.csv: the same molecules as SMILES tables (name, smiles, active, logp);
# the middle record of broken_middle.csv has an unclosed ring ("C1CC").
rows = []
for record in open("labelled.sdf").read().split("$$$$\n"):
    if not record.strip():
        continue
    lines = record.split("\n")
    items = {l[3:l.index(">", 3)]: lines[i + 1] for i, l in enumerate(lines) if l.startswith("> <")}
    rows.append((lines[0], items["smiles"], items["active"], items["logp"]))
with open("labelled.csv", "w") as out:
    out.write("name,smiles,active,logp\n")
    out.writelines(",".join(r) + "\n" for r in rows)
with open("labelled.smi", "w") as out:  # the same molecules as a SMILES file: SMILES, a tab, the name
    out.writelines("%s\t%s\n" % (r[1], r[0]) for r in rows)
by_name = {r[0]: r for r in rows}
with open("broken_middle.csv", "w") as out:
    out.write("name,smiles,active,logp\n")
    for r in (by_name["mol04"], ("broken", "C1CC", "1", "0.5"), by_name["mol11"]):
        out.write(",".join(r) + "\n")
