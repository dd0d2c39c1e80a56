// perceive(): ring membership and SSSR, implicit hydrogens from the default valence model, aromaticity
// on Kekulé input (RDKit's default model), conjugation and hybridisation, on hand-built molecules whose
// expected values are RDKit's.
#include "gatkit/chem/perception.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include <memory>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <numeric>
#include <tuple>
#include <vector>

#include "gatkit/chem/sdf.hpp"
#include "gatkit/chem/smiles.hpp"
#include "molecule_builder.hpp"

namespace gatkit::chem {
namespace {

using testing::A;
using testing::mol;

constexpr int C = 6, N = 7, O = 8, S = 16;

int sum(const std::vector<int>& v) { return std::accumulate(v.begin(), v.end(), 0); }
int count(const std::vector<bool>& v) { return static_cast<int>(std::count(v.begin(), v.end(), true)); }
std::vector<int> ring_sizes(const Perception& p) {
  std::vector<int> s;
  for (const auto& r : p.rings) s.push_back(static_cast<int>(r.size()));
  std::sort(s.begin(), s.end());
  return s;
}

Molecule benzene() {
  return mol({{C}, {C}, {C}, {C}, {C}, {C}}, {{0, 1, 2}, {1, 2, 1}, {2, 3, 2}, {3, 4, 1}, {4, 5, 2}, {5, 0, 1}});
}

TEST(Perception, Benzene) {
  Perception p = perceive(benzene());
  EXPECT_EQ(count(p.atom_aromatic), 6);
  EXPECT_EQ(count(p.bond_aromatic), 6);
  EXPECT_EQ(count(p.bond_conjugated), 6);
  EXPECT_EQ(count(p.atom_in_ring), 6);
  EXPECT_EQ(sum(p.total_hydrogens), 6);
  EXPECT_EQ(sum(p.implicit_hydrogens), 6);
  EXPECT_EQ(ring_sizes(p), std::vector<int>{6});
  for (int a = 0; a < 6; ++a) {
    EXPECT_EQ(p.heavy_degree[a], 2);
    EXPECT_EQ(p.hybridisation[a], Hybridisation::sp2);
  }
}

TEST(Perception, Cyclohexane) {
  Molecule m = mol({{C}, {C}, {C}, {C}, {C}, {C}},
                   {{0, 1, 1}, {1, 2, 1}, {2, 3, 1}, {3, 4, 1}, {4, 5, 1}, {5, 0, 1}});
  Perception p = perceive(m);
  EXPECT_EQ(count(p.atom_aromatic), 0);
  EXPECT_EQ(count(p.atom_in_ring), 6);
  EXPECT_EQ(count(p.bond_in_ring), 6);
  EXPECT_EQ(count(p.bond_conjugated), 0);
  EXPECT_EQ(sum(p.total_hydrogens), 12);
  EXPECT_EQ(ring_sizes(p), std::vector<int>{6});
  EXPECT_EQ(p.hybridisation[0], Hybridisation::sp3);
}

TEST(Perception, Pyridine) {
  Molecule m = mol({{N}, {C}, {C}, {C}, {C}, {C}}, {{0, 1, 2}, {1, 2, 1}, {2, 3, 2}, {3, 4, 1}, {4, 5, 2}, {5, 0, 1}});
  Perception p = perceive(m);
  EXPECT_EQ(count(p.atom_aromatic), 6);
  EXPECT_EQ(p.total_hydrogens[0], 0);
  EXPECT_EQ(sum(p.total_hydrogens), 5);
  EXPECT_EQ(p.hybridisation[0], Hybridisation::sp2);
}

TEST(Perception, FiveMemberedHeteroaromatics) {
  for (int z : {N, O, S}) {
    // X1C=CC=C1
    Molecule m = mol({{z}, {C}, {C}, {C}, {C}}, {{0, 1, 1}, {1, 2, 2}, {2, 3, 1}, {3, 4, 2}, {4, 0, 1}});
    Perception p = perceive(m);
    EXPECT_EQ(count(p.atom_aromatic), 5) << z;
    EXPECT_EQ(count(p.bond_aromatic), 5) << z;
    EXPECT_EQ(p.total_hydrogens[0], z == N ? 1 : 0) << z;
    EXPECT_EQ(sum(p.total_hydrogens), z == N ? 5 : 4) << z;
    EXPECT_EQ(p.hybridisation[0], Hybridisation::sp2) << z;
    EXPECT_EQ(ring_sizes(p), std::vector<int>{5});
  }
}

TEST(Perception, PyrroleWithFoldedHydrogen) {
  Molecule m = mol({{N, 0, 1}, {C}, {C}, {C}, {C}}, {{0, 1, 1}, {1, 2, 2}, {2, 3, 1}, {3, 4, 2}, {4, 0, 1}});
  Perception p = perceive(m);
  EXPECT_EQ(count(p.atom_aromatic), 5);
  EXPECT_EQ(p.implicit_hydrogens[0], 0);
  EXPECT_EQ(p.total_hydrogens[0], 1);
}

TEST(Perception, Naphthalene) {
  // C1=CC=C2C=CC=CC2=C1
  Molecule m = mol({{C}, {C}, {C}, {C}, {C}, {C}, {C}, {C}, {C}, {C}},
                   {{0, 1, 2}, {1, 2, 1}, {2, 3, 2}, {3, 4, 1}, {4, 5, 2}, {5, 6, 1}, {6, 7, 2}, {7, 8, 1},
                    {8, 3, 1}, {8, 9, 2}, {9, 0, 1}});
  Perception p = perceive(m);
  EXPECT_EQ(count(p.atom_aromatic), 10);
  EXPECT_EQ(count(p.bond_aromatic), 11);
  EXPECT_EQ(count(p.atom_in_ring), 10);
  EXPECT_EQ(count(p.bond_in_ring), 11);
  EXPECT_EQ(ring_sizes(p), (std::vector<int>{6, 6}));
  EXPECT_EQ(sum(p.total_hydrogens), 8);
  EXPECT_EQ(p.total_hydrogens[3], 0);
  EXPECT_EQ(p.total_hydrogens[8], 0);
  EXPECT_EQ(p.heavy_degree[3], 3);
  // Each ring lists six distinct atoms; the fusion atoms are in both.
  int in_both = 0;
  for (int a : p.rings[0])
    if (std::find(p.rings[1].begin(), p.rings[1].end(), a) != p.rings[1].end()) ++in_both;
  EXPECT_EQ(in_both, 2);
}

TEST(Perception, AzuleneIsAromaticOnlyAsAFusedSystem) {
  // C1=CC2=CC=CC=CC2=C1: five-ring atoms 0,1,2,8,9; seven-ring 2..8
  Molecule m = mol({{C}, {C}, {C}, {C}, {C}, {C}, {C}, {C}, {C}, {C}},
                   {{0, 1, 2}, {1, 2, 1}, {2, 3, 2}, {3, 4, 1}, {4, 5, 2}, {5, 6, 1}, {6, 7, 2}, {7, 8, 1},
                    {8, 2, 1}, {8, 9, 2}, {9, 0, 1}});
  Perception p = perceive(m);
  EXPECT_EQ(ring_sizes(p), (std::vector<int>{5, 7}));
  EXPECT_EQ(count(p.atom_aromatic), 10);
  // Only the outline is aromatic: the bond fusing the rings (8-2) stays single, as RDKit writes
  // c1ccc2cccc-2cc1.
  EXPECT_EQ(count(p.bond_aromatic), 10);
  EXPECT_FALSE(p.bond_aromatic[8]);
  EXPECT_TRUE(p.bond_conjugated[8]);
}

TEST(Perception, AcenaphthenequinoneKeepsOnlyTheNaphthaleneAromatic) {
  // O=C1C(=O)c2cccc3cccc1c23: the atom shared by all three rings does not count for the union.
  Molecule m = mol({{O}, {C}, {C}, {O}, {C}, {C}, {C}, {C}, {C}, {C}, {C}, {C}, {C}, {C}},
                   {{0, 1, 2}, {1, 2, 1}, {2, 3, 2}, {2, 4, 1}, {4, 5, 2}, {5, 6, 1}, {6, 7, 2}, {7, 8, 1},
                    {8, 9, 2}, {9, 10, 1}, {10, 11, 2}, {11, 12, 1}, {12, 1, 1}, {12, 13, 2}, {13, 4, 1},
                    {13, 8, 1}});
  Perception p = perceive(m);
  EXPECT_EQ(ring_sizes(p), (std::vector<int>{5, 6, 6}));
  EXPECT_FALSE(p.atom_aromatic[1]);
  EXPECT_FALSE(p.atom_aromatic[2]);
  EXPECT_EQ(count(p.atom_aromatic), 10);
}

TEST(Perception, Indole) {
  // C1=CC=C2C(=C1)C=CN2 : benzene 0..5, pyrrole 3,4,6,7,8
  Molecule m = mol({{C}, {C}, {C}, {C}, {C}, {C}, {C}, {C}, {N}},
                   {{0, 1, 2}, {1, 2, 1}, {2, 3, 2}, {3, 4, 1}, {4, 5, 2}, {5, 0, 1}, {4, 6, 1}, {6, 7, 2},
                    {7, 8, 1}, {8, 3, 1}});
  Perception p = perceive(m);
  EXPECT_EQ(count(p.atom_aromatic), 9);
  EXPECT_EQ(p.total_hydrogens[8], 1);
  EXPECT_EQ(sum(p.total_hydrogens), 7);
}

TEST(Perception, CyclopentadieneIsNotAromatic) {
  Molecule m = mol({{C}, {C}, {C}, {C}, {C}}, {{0, 1, 2}, {1, 2, 1}, {2, 3, 2}, {3, 4, 1}, {4, 0, 1}});
  Perception p = perceive(m);
  EXPECT_EQ(count(p.atom_aromatic), 0);
  EXPECT_EQ(count(p.atom_in_ring), 5);
  EXPECT_EQ(sum(p.total_hydrogens), 6);
  EXPECT_EQ(p.total_hydrogens[4], 2);
  EXPECT_EQ(p.hybridisation[4], Hybridisation::sp3);
  EXPECT_EQ(p.hybridisation[0], Hybridisation::sp2);
  EXPECT_TRUE(p.bond_conjugated[1]);   // C=C-C=C
  EXPECT_FALSE(p.bond_conjugated[3]);  // to the CH2
}

TEST(Perception, CyclopentadienylAnionIsAromatic) {
  Molecule m = mol({{C}, {C}, {C}, {C}, {C, -1}}, {{0, 1, 2}, {1, 2, 1}, {2, 3, 2}, {3, 4, 1}, {4, 0, 1}});
  Perception p = perceive(m);
  EXPECT_EQ(count(p.atom_aromatic), 5);
  EXPECT_EQ(p.total_hydrogens[4], 1);
}

TEST(Perception, TwoPyridoneIsAromatic) {
  // O=C1C=CC=CN1
  Molecule m = mol({{O}, {C}, {C}, {C}, {C}, {C}, {N}},
                   {{0, 1, 2}, {1, 2, 1}, {2, 3, 2}, {3, 4, 1}, {4, 5, 2}, {5, 6, 1}, {6, 1, 1}});
  Perception p = perceive(m);
  EXPECT_FALSE(p.atom_aromatic[0]);
  for (int a = 1; a < 7; ++a) EXPECT_TRUE(p.atom_aromatic[a]) << a;
  EXPECT_FALSE(p.bond_aromatic[0]);
  EXPECT_FALSE(p.bond_in_ring[0]);
  EXPECT_TRUE(p.bond_conjugated[0]);
  EXPECT_EQ(p.total_hydrogens[6], 1);
  EXPECT_EQ(p.total_hydrogens[0], 0);
  EXPECT_EQ(sum(p.total_hydrogens), 5);
}

TEST(Perception, Imidazole) {
  // C1=CN=CN1
  Molecule m = mol({{C}, {C}, {N}, {C}, {N}}, {{0, 1, 2}, {1, 2, 1}, {2, 3, 2}, {3, 4, 1}, {4, 0, 1}});
  Perception p = perceive(m);
  EXPECT_EQ(count(p.atom_aromatic), 5);
  EXPECT_EQ(p.total_hydrogens[2], 0);
  EXPECT_EQ(p.total_hydrogens[4], 1);
  EXPECT_EQ(sum(p.total_hydrogens), 4);
}

TEST(Perception, NitroGroupCharges) {
  // C[N+](=O)[O-]
  Molecule m = mol({{C}, {N, 1}, {O}, {O, -1}}, {{0, 1, 1}, {1, 2, 2}, {1, 3, 1}});
  Perception p = perceive(m);
  EXPECT_EQ(p.total_hydrogens, (std::vector<int>{3, 0, 0, 0}));
  EXPECT_EQ(count(p.atom_in_ring), 0);
  EXPECT_EQ(p.hybridisation[1], Hybridisation::sp2);
  EXPECT_EQ(p.hybridisation[0], Hybridisation::sp3);
}

TEST(Perception, Ammonium) {
  Perception p = perceive(mol({{N, 1}}, {}));
  EXPECT_EQ(p.total_hydrogens, std::vector<int>{4});
  EXPECT_EQ(p.heavy_degree, std::vector<int>{0});
  EXPECT_EQ(p.hybridisation[0], Hybridisation::sp3);
  Perception q = perceive(mol({{C}, {N, 1}}, {{0, 1, 1}}));  // methylammonium
  EXPECT_EQ(q.total_hydrogens, (std::vector<int>{3, 3}));
  Perception w = perceive(mol({{O}}, {}));  // water
  EXPECT_EQ(w.total_hydrogens, std::vector<int>{2});
}

TEST(Perception, ChargedAndMultivalentAtoms) {
  // Acetate CC(=O)[O-]
  Perception p = perceive(mol({{C}, {C}, {O}, {O, -1}}, {{0, 1, 1}, {1, 2, 2}, {1, 3, 1}}));
  EXPECT_EQ(p.total_hydrogens, (std::vector<int>{3, 0, 0, 0}));
  EXPECT_TRUE(p.bond_conjugated[1]);
  EXPECT_TRUE(p.bond_conjugated[2]);
  EXPECT_FALSE(p.bond_conjugated[0]);
  // DMSO CS(=O)C: sulfur at valence 4, no H
  Perception d = perceive(mol({{C}, {S}, {O}, {C}}, {{0, 1, 1}, {1, 2, 2}, {1, 3, 1}}));
  EXPECT_EQ(d.total_hydrogens, (std::vector<int>{3, 0, 0, 3}));
  // Phosphoric acid O=P(O)(O)O: P valence 5
  Perception ph = perceive(mol({{O}, {15}, {O}, {O}, {O}}, {{0, 1, 2}, {1, 2, 1}, {1, 3, 1}, {1, 4, 1}}));
  EXPECT_EQ(ph.total_hydrogens, (std::vector<int>{0, 0, 1, 1, 1}));
  // Methyl cation and anion: three hydrogens each; chloride none; sodium cation none.
  EXPECT_EQ(perceive(mol({{C, 1}}, {})).total_hydrogens, std::vector<int>{3});
  EXPECT_EQ(perceive(mol({{C, -1}}, {})).total_hydrogens, std::vector<int>{3});
  EXPECT_EQ(perceive(mol({{17, -1}}, {})).total_hydrogens, std::vector<int>{0});
  EXPECT_EQ(perceive(mol({{11, 1}}, {})).total_hydrogens, std::vector<int>{0});
  EXPECT_EQ(perceive(mol({{26}}, {})).total_hydrogens, std::vector<int>{0});  // iron: no default valence
  // Borohydride [BH4-]
  EXPECT_EQ(perceive(mol({{5, -1}}, {})).total_hydrogens, std::vector<int>{4});
}

TEST(Perception, SmallRingsAndChains) {
  Perception cp = perceive(mol({{C}, {C}, {C}}, {{0, 1, 1}, {1, 2, 1}, {2, 0, 1}}));
  EXPECT_EQ(count(cp.atom_in_ring), 3);
  EXPECT_EQ(count(cp.bond_in_ring), 3);
  EXPECT_EQ(ring_sizes(cp), std::vector<int>{3});
  EXPECT_EQ(sum(cp.total_hydrogens), 6);

  Perception butane = perceive(mol({{C}, {C}, {C}, {C}}, {{0, 1, 1}, {1, 2, 1}, {2, 3, 1}}));
  EXPECT_EQ(count(butane.atom_in_ring), 0);
  EXPECT_EQ(count(butane.bond_in_ring), 0);
  EXPECT_TRUE(butane.rings.empty());
  EXPECT_EQ(butane.total_hydrogens, (std::vector<int>{3, 2, 2, 3}));
  EXPECT_EQ(butane.heavy_degree, (std::vector<int>{1, 2, 2, 1}));

  // Methylcyclopropane: the methyl bond is not in the ring.
  Perception mc = perceive(mol({{C}, {C}, {C}, {C}}, {{0, 1, 1}, {1, 2, 1}, {2, 0, 1}, {0, 3, 1}}));
  EXPECT_FALSE(mc.bond_in_ring[3]);
  EXPECT_FALSE(mc.atom_in_ring[3]);
  EXPECT_TRUE(mc.atom_in_ring[0]);

  // Acetylene: sp
  Perception ac = perceive(mol({{C}, {C}}, {{0, 1, 3}}));
  EXPECT_EQ(ac.total_hydrogens, (std::vector<int>{1, 1}));
  EXPECT_EQ(ac.hybridisation[0], Hybridisation::sp);
  EXPECT_TRUE(ac.bond_conjugated.size() == 1);
  EXPECT_TRUE(perceive(mol({}, {})).rings.empty());
}

TEST(Perception, PolycyclicSssr) {
  // Spiro[2.2]pentane: two 3-rings sharing one atom.
  Perception sp = perceive(mol({{C}, {C}, {C}, {C}, {C}},
                               {{0, 1, 1}, {1, 2, 1}, {2, 0, 1}, {0, 3, 1}, {3, 4, 1}, {4, 0, 1}}));
  EXPECT_EQ(ring_sizes(sp), (std::vector<int>{3, 3}));
  EXPECT_EQ(sp.total_hydrogens[0], 0);
  // Norbornane C1CC2CCC1C2: rings 5, 5.
  Perception nb = perceive(mol({{C}, {C}, {C}, {C}, {C}, {C}, {C}},
                               {{0, 1, 1}, {1, 2, 1}, {2, 3, 1}, {3, 4, 1}, {4, 5, 1}, {5, 0, 1}, {5, 6, 1}, {6, 2, 1}}));
  EXPECT_EQ(ring_sizes(nb), (std::vector<int>{5, 5}));
  EXPECT_EQ(count(nb.bond_in_ring), 8);
  // Cubane: E - V + 1 = 5 four-membered rings.
  Perception cu = perceive(mol({{C}, {C}, {C}, {C}, {C}, {C}, {C}, {C}},
                               {{0, 1, 1}, {1, 2, 1}, {2, 3, 1}, {3, 0, 1}, {4, 5, 1}, {5, 6, 1}, {6, 7, 1}, {7, 4, 1},
                                {0, 4, 1}, {1, 5, 1}, {2, 6, 1}, {3, 7, 1}}));
  EXPECT_EQ(ring_sizes(cu), (std::vector<int>{4, 4, 4, 4, 4}));
  for (const auto& r : cu.rings) {
    std::vector<int> s(r.begin(), r.end());
    std::sort(s.begin(), s.end());
    EXPECT_EQ(std::unique(s.begin(), s.end()), s.end());
  }
}

TEST(Perception, Biphenyl) {
  Molecule m = mol({{C}, {C}, {C}, {C}, {C}, {C}, {C}, {C}, {C}, {C}, {C}, {C}},
                   {{0, 1, 2}, {1, 2, 1}, {2, 3, 2}, {3, 4, 1}, {4, 5, 2}, {5, 0, 1},
                    {6, 7, 2}, {7, 8, 1}, {8, 9, 2}, {9, 10, 1}, {10, 11, 2}, {11, 6, 1}, {0, 6, 1}});
  Perception p = perceive(m);
  EXPECT_EQ(count(p.atom_aromatic), 12);
  EXPECT_FALSE(p.bond_in_ring[12]);
  EXPECT_FALSE(p.bond_aromatic[12]);
  EXPECT_TRUE(p.bond_conjugated[12]);
  EXPECT_EQ(ring_sizes(p), (std::vector<int>{6, 6}));
  EXPECT_EQ(sum(p.total_hydrogens), 10);
}

TEST(Perception, AromaticInputBonds) {
  // MUTAG style: benzene with order-4 bonds and no hydrogens given.
  Molecule m = mol({{C}, {C}, {C}, {C}, {C}, {C}}, {{0, 1, 4}, {1, 2, 4}, {2, 3, 4}, {3, 4, 4}, {4, 5, 4}, {5, 0, 4}});
  Perception p = perceive(m);
  EXPECT_EQ(count(p.atom_aromatic), 6);
  EXPECT_EQ(count(p.bond_aromatic), 6);
  EXPECT_EQ(sum(p.total_hydrogens), 6);
  // Nitrobenzene with aromatic ring bonds: the ipso carbon has no H, the nitro group is not aromatic.
  Molecule nb = mol({{C}, {C}, {C}, {C}, {C}, {C}, {N, 1}, {O}, {O, -1}},
                    {{0, 1, 4}, {1, 2, 4}, {2, 3, 4}, {3, 4, 4}, {4, 5, 4}, {5, 0, 4}, {0, 6, 1}, {6, 7, 2}, {6, 8, 1}});
  Perception q = perceive(nb);
  EXPECT_EQ(q.total_hydrogens, (std::vector<int>{0, 1, 1, 1, 1, 1, 0, 0, 0}));
  EXPECT_FALSE(q.atom_aromatic[6]);
  EXPECT_TRUE(q.bond_conjugated[6]);
  // Aromatic naphthalene: the fusion carbons (three aromatic bonds) take no hydrogen.
  Molecule na = mol({{C}, {C}, {C}, {C}, {C}, {C}, {C}, {C}, {C}, {C}},
                    {{0, 1, 4}, {1, 2, 4}, {2, 3, 4}, {3, 4, 4}, {4, 5, 4}, {5, 6, 4}, {6, 7, 4}, {7, 8, 4},
                     {8, 3, 4}, {8, 9, 4}, {9, 0, 4}});
  Perception r = perceive(na);
  EXPECT_EQ(r.total_hydrogens[3], 0);
  EXPECT_EQ(r.total_hydrogens[8], 0);
  EXPECT_EQ(sum(r.total_hydrogens), 8);
  EXPECT_EQ(count(r.atom_aromatic), 10);
}

TEST(Perception, HybridisationOfCarbonylAndAmide) {
  // Acetamide CC(=O)N: the amide N is conjugated -> sp2 (RDKit), carbonyl C sp2, methyl sp3.
  Perception p = perceive(mol({{C}, {C}, {O}, {N}}, {{0, 1, 1}, {1, 2, 2}, {1, 3, 1}}));
  EXPECT_EQ(p.hybridisation[0], Hybridisation::sp3);
  EXPECT_EQ(p.hybridisation[1], Hybridisation::sp2);
  EXPECT_EQ(p.hybridisation[2], Hybridisation::sp2);
  EXPECT_EQ(p.hybridisation[3], Hybridisation::sp2);
  EXPECT_EQ(p.total_hydrogens, (std::vector<int>{3, 0, 0, 2}));
  // CO2: sp carbon
  Perception co2 = perceive(mol({{O}, {C}, {O}}, {{0, 1, 2}, {1, 2, 2}}));
  EXPECT_EQ(co2.hybridisation[1], Hybridisation::sp);
}

TEST(Perception, DuplicateAndSelfBondsAreTolerated) {
  Molecule m = mol({{C}, {C}, {C}}, {{0, 1, 1}, {1, 2, 1}, {2, 0, 1}, {0, 1, 1}, {2, 2, 1}});
  Perception p = perceive(m);
  EXPECT_EQ(ring_sizes(p), std::vector<int>{3});
  EXPECT_EQ(p.bond_in_ring.size(), 5u);
}

// Not a check: the gatkit side of bench/rdkit_agreement.py. With GATKIT_PERCEPTION_DUMP_IN=<sdf> and
// GATKIT_PERCEPTION_DUMP_OUT=<tsv> it writes one line per atom: record, atom index, atomic number,
// in ring, aromatic, total hydrogens (and "record\tERROR" for records the reader rejects).
TEST(Perception, DumpForRdkitAgreement) {
  // An SDF file, or a CSV table with a SMILES column (GATKIT_PERCEPTION_DUMP_SMILES_COLUMN, default the
  // column named "smiles"): one line per atom, "record atom Z ring aromatic H charge hybridisation
  // radicals" (hybridisation: 0 other, 1 s, 2 sp, 3 sp2, 4 sp3, 5 sp3d, 6 sp3d2), then one line per
  // bond, "record BOND atom1 atom2 aromatic conjugated"; or "record ERROR".
  const char* in = std::getenv("GATKIT_PERCEPTION_DUMP_IN");
  const char* out = std::getenv("GATKIT_PERCEPTION_DUMP_OUT");
  if (!in || !out) GTEST_SKIP() << "set GATKIT_PERCEPTION_DUMP_IN/OUT to dump";
  const bool csv = std::filesystem::path(in).extension() == ".csv";
  std::unique_ptr<SdfReader> sdf;
  std::unique_ptr<SmilesCsvReader> table;
  if (csv) {
    SmilesCsvOptions options;
    if (const char* column = std::getenv("GATKIT_PERCEPTION_DUMP_SMILES_COLUMN")) options.smiles_column = column;
    table = std::make_unique<SmilesCsvReader>(in, options);
  } else {
    sdf = std::make_unique<SdfReader>(in);
  }
  auto record_number = [&] { return csv ? table->record_number() : sdf->record_number(); };
  std::ofstream os(out);
  Molecule m;
  while (true) {
    try {
      if (!(csv ? table->next(m) : sdf->next(m))) break;
    } catch (const std::exception&) {
      os << record_number() << "\tERROR\n";
      continue;
    }
    const Perception p = perceive(m);
    for (std::size_t a = 0; a < m.atoms.size(); ++a)
      os << record_number() << '\t' << a << '\t' << int(m.atoms[a].atomic_number) << '\t' << p.atom_in_ring[a] << '\t'
         << p.atom_aromatic[a] << '\t' << p.total_hydrogens[a] << '\t' << m.atoms[a].formal_charge << '\t'
         << int(p.hybridisation[a]) << '\t' << p.radical_electrons[a] << '\n';
    for (std::size_t b = 0; b < m.bonds.size(); ++b)
      os << record_number() << "\tBOND\t" << m.bonds[b].begin << '\t' << m.bonds[b].end << '\t' << p.bond_aromatic[b]
         << '\t' << p.bond_conjugated[b] << '\n';
  }
}

}  // namespace
}  // namespace gatkit::chem
