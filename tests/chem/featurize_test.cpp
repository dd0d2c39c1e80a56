// featurize() and batch_molecules(): exact one-hot columns on hand-built molecules (looked up by name, so
// the tests do not hard-code column numbers), edge rows aligned with the CSR in-edge order, batching
// alignment, and a smoke test on the first BBBP records.
#include "gatkit/chem/featurize.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <tuple>
#include <vector>

#include "gatkit/chem/sdf.hpp"
#include "molecule_builder.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit::chem {
namespace {

using testing::A;
using testing::mol;

constexpr int C = 6, N = 7, O = 8, S = 16, F = 9;

Molecule ethanol() { return mol({{C}, {C}, {O}}, {{0, 1, 1}, {1, 2, 1}}); }
Molecule benzene_kekule() {
  return mol({{C}, {C}, {C}, {C}, {C}, {C}}, {{0, 1, 2}, {1, 2, 1}, {2, 3, 2}, {3, 4, 1}, {4, 5, 2}, {5, 0, 1}});
}
// CH3-C(=O)-O(-)
Molecule acetate() { return mol({{C}, {C}, {O}, {O, -1}}, {{0, 1, 1}, {1, 2, 2}, {1, 3, 1}}); }
// CH3-NH3(+)
Molecule methylammonium() { return mol({{C}, {N, +1}}, {{0, 1, 1}}); }

/// Column of feature `name`; fails the test if there is none.
std::int64_t col(const std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  EXPECT_NE(it, names.end()) << "no feature named " << name;
  return it - names.begin();
}

/// The names of the set columns of row r, for readable failures.
std::vector<std::string> set_names(const MatrixF& m, std::int64_t r, const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (std::int64_t c = 0; c < m.cols(); ++c)
    if (m(r, c) != 0) out.push_back(names[static_cast<std::size_t>(c)]);
  return out;
}

using Names = std::vector<std::string>;

/// In-edge index of src -> dst, or -1.
EdgeId find_edge(const Graph& g, NodeId src, NodeId dst) {
  for (EdgeId e = g.in_offsets()[static_cast<std::size_t>(dst)]; e < g.in_offsets()[static_cast<std::size_t>(dst) + 1]; ++e)
    if (g.sources()[static_cast<std::size_t>(e)] == src) return e;
  return -1;
}

/// Every edge's row equals its reverse edge's row, the graph is symmetric and loop-free, and the
/// matrices have the documented shapes.
void expect_well_formed(const Molecule& m, const MoleculeGraph& g, const FeaturizeOptions& options = {}) {
  ASSERT_EQ(g.graph.num_nodes(), static_cast<std::int64_t>(m.atoms.size()));
  ASSERT_EQ(g.graph.num_edges(), 2 * static_cast<std::int64_t>(m.bonds.size()));
  EXPECT_TRUE(g.graph.is_symmetric());
  EXPECT_EQ(g.graph.num_self_loops(), 0);
  EXPECT_FALSE(g.graph.has_weights());
  ASSERT_EQ(g.atom_features.rows(), g.graph.num_nodes());
  ASSERT_EQ(g.atom_features.cols(), atom_feature_width(options));
  ASSERT_EQ(g.edge_features.rows(), g.graph.num_edges());
  ASSERT_EQ(g.edge_features.cols(), kBondFeatureWidth);
  for (NodeId i = 0; i < g.graph.num_nodes(); ++i)
    for (EdgeId e = g.graph.in_offsets()[static_cast<std::size_t>(i)]; e < g.graph.in_offsets()[static_cast<std::size_t>(i) + 1]; ++e) {
      const NodeId j = g.graph.sources()[static_cast<std::size_t>(e)];
      const EdgeId r = find_edge(g.graph, i, j);
      ASSERT_GE(r, 0);
      EXPECT_EQ(g.edge_features.row(e), g.edge_features.row(r)) << j << "->" << i;
    }
}

TEST(Featurize, WidthsAndNames) {
  EXPECT_EQ(kAtomFeatureWidth, 39);
  EXPECT_EQ(atom_feature_width(), 39);
  EXPECT_EQ(atom_feature_width({.hybridisation = false}), 32);
  const Names names = atom_feature_names();
  ASSERT_EQ(static_cast<std::int64_t>(names.size()), 39);
  EXPECT_EQ(names.front(), "element=H");
  EXPECT_EQ(names[2], "element=C");
  EXPECT_EQ(names[13], "element=other");
  EXPECT_EQ(names[14], "degree=0");
  EXPECT_EQ(names[19], "degree=5");
  EXPECT_EQ(names[20], "charge=-2");
  EXPECT_EQ(names[22], "charge=0");
  EXPECT_EQ(names[24], "charge=+2");
  EXPECT_EQ(names[25], "hydrogens=0");
  EXPECT_EQ(names[29], "hydrogens=4");
  EXPECT_EQ(names[30], "aromatic");
  EXPECT_EQ(names[31], "in_ring");
  EXPECT_EQ(names[32], "hybridisation=s");
  EXPECT_EQ(names.back(), "hybridisation=other");
  // Names are unique.
  Names sorted = names;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
  const Names short_names = atom_feature_names({.hybridisation = false});
  EXPECT_EQ(short_names, Names(names.begin(), names.begin() + 32));
  EXPECT_EQ(bond_feature_names(),
            (Names{"order=single", "order=double", "order=triple", "order=aromatic", "in_ring", "conjugated"}));
  EXPECT_EQ(static_cast<std::int64_t>(bond_feature_names().size()), kBondFeatureWidth);
}

TEST(Featurize, Ethanol) {
  const Molecule m = ethanol();
  const MoleculeGraph g = featurize(m);
  expect_well_formed(m, g);
  const Names names = atom_feature_names();
  EXPECT_EQ(set_names(g.atom_features, 0, names),
            (Names{"element=C", "degree=1", "charge=0", "hydrogens=3", "hybridisation=sp3"}));
  EXPECT_EQ(set_names(g.atom_features, 1, names),
            (Names{"element=C", "degree=2", "charge=0", "hydrogens=2", "hybridisation=sp3"}));
  EXPECT_EQ(set_names(g.atom_features, 2, names),
            (Names{"element=O", "degree=1", "charge=0", "hydrogens=1", "hybridisation=sp3"}));
  // Edges 1->0, 0->1, 2->1, 1->2 in CSR order; all single, not in a ring, not conjugated.
  const Names bond_names = bond_feature_names();
  for (EdgeId e = 0; e < g.graph.num_edges(); ++e)
    EXPECT_EQ(set_names(g.edge_features, e, bond_names), Names{"order=single"}) << e;
}

TEST(Featurize, BenzeneKekuleBecomesAromatic) {
  const Molecule m = benzene_kekule();
  const MoleculeGraph g = featurize(m);
  expect_well_formed(m, g);
  const Names names = atom_feature_names();
  for (std::int64_t a = 0; a < 6; ++a)
    EXPECT_EQ(set_names(g.atom_features, a, names),
              (Names{"element=C", "degree=2", "charge=0", "hydrogens=1", "aromatic", "in_ring", "hybridisation=sp2"}))
        << a;
  const Names bond_names = bond_feature_names();
  for (EdgeId e = 0; e < g.graph.num_edges(); ++e)
    EXPECT_EQ(set_names(g.edge_features, e, bond_names), (Names{"order=aromatic", "in_ring", "conjugated"})) << e;
}

TEST(Featurize, AromaticInputEqualsKekule) {
  const Molecule aromatic =
      mol({{C}, {C}, {C}, {C}, {C}, {C}}, {{0, 1, 4}, {1, 2, 4}, {2, 3, 4}, {3, 4, 4}, {4, 5, 4}, {5, 0, 4}});
  const MoleculeGraph a = featurize(aromatic);
  const MoleculeGraph k = featurize(benzene_kekule());
  EXPECT_EQ(a.atom_features, k.atom_features);
  EXPECT_EQ(a.edge_features, k.edge_features);
}

TEST(Featurize, AcetateAnion) {
  const Molecule m = acetate();
  const MoleculeGraph g = featurize(m);
  expect_well_formed(m, g);
  const Names names = atom_feature_names();
  EXPECT_EQ(g.atom_features(3, col(names, "charge=-1")), 1);
  EXPECT_EQ(g.atom_features(3, col(names, "charge=0")), 0);
  EXPECT_EQ(g.atom_features(3, col(names, "hydrogens=0")), 1);
  EXPECT_EQ(g.atom_features(3, col(names, "element=O")), 1);
  EXPECT_EQ(g.atom_features(3, col(names, "degree=1")), 1);
  EXPECT_EQ(g.atom_features(2, col(names, "charge=0")), 1);
  EXPECT_EQ(g.atom_features(2, col(names, "hydrogens=0")), 1);
  EXPECT_EQ(g.atom_features(1, col(names, "degree=3")), 1);
  EXPECT_EQ(g.atom_features(1, col(names, "hydrogens=0")), 1);
  EXPECT_EQ(g.atom_features(1, col(names, "hybridisation=sp2")), 1);
  // Bond C1=O2 is double, C1-O3 single; edge rows found through the graph.
  const Names bond_names = bond_feature_names();
  const EdgeId double_edge = find_edge(g.graph, 2, 1);
  const EdgeId single_edge = find_edge(g.graph, 3, 1);
  ASSERT_GE(double_edge, 0);
  ASSERT_GE(single_edge, 0);
  EXPECT_EQ(g.edge_features(double_edge, col(bond_names, "order=double")), 1);
  EXPECT_EQ(g.edge_features(double_edge, col(bond_names, "order=single")), 0);
  EXPECT_EQ(g.edge_features(single_edge, col(bond_names, "order=single")), 1);
  EXPECT_EQ(g.edge_features(single_edge, col(bond_names, "in_ring")), 0);
}

TEST(Featurize, ChargedNitrogen) {
  const Molecule m = methylammonium();
  const MoleculeGraph g = featurize(m);
  expect_well_formed(m, g);
  const Names names = atom_feature_names();
  EXPECT_EQ(set_names(g.atom_features, 1, names),
            (Names{"element=N", "degree=1", "charge=+1", "hydrogens=3", "hybridisation=sp3"}));
}

TEST(Featurize, ClampsAndOther) {
  // SF6 (degree 6 -> ">=5"), methane (4 H), a pseudo-atom, charges beyond +-2.
  const Names names = atom_feature_names();
  {
    const Molecule m = mol({{S}, {F}, {F}, {F}, {F}, {F}, {F}},
                           {{0, 1, 1}, {0, 2, 1}, {0, 3, 1}, {0, 4, 1}, {0, 5, 1}, {0, 6, 1}});
    const MoleculeGraph g = featurize(m);
    expect_well_formed(m, g);
    EXPECT_EQ(g.atom_features(0, col(names, "degree=5")), 1);
    EXPECT_EQ(g.atom_features(0, col(names, "element=S")), 1);
  }
  {
    const MoleculeGraph g = featurize(mol({{C}}, {}));
    EXPECT_EQ(g.graph.num_edges(), 0);
    EXPECT_EQ(g.edge_features.rows(), 0);
    EXPECT_EQ(set_names(g.atom_features, 0, names),
              (Names{"element=C", "degree=0", "charge=0", "hydrogens=4", "hybridisation=sp3"}));
  }
  {
    const MoleculeGraph g = featurize(mol({{0}, {C, 3}, {C, -3}, {92}}, {}));
    EXPECT_EQ(g.atom_features(0, col(names, "element=other")), 1);
    EXPECT_EQ(g.atom_features(1, col(names, "charge=+2")), 1);
    EXPECT_EQ(g.atom_features(2, col(names, "charge=-2")), 1);
    EXPECT_EQ(g.atom_features(3, col(names, "element=other")), 1);
  }
}

TEST(Featurize, WithoutHybridisation) {
  const FeaturizeOptions options{.hybridisation = false};
  const Molecule m = benzene_kekule();
  const MoleculeGraph g = featurize(m, options);
  expect_well_formed(m, g, options);
  const MoleculeGraph full = featurize(m);
  EXPECT_EQ(g.atom_features, full.atom_features.leftCols(32));
  EXPECT_EQ(g.edge_features, full.edge_features);
}

TEST(Featurize, RejectsBadBonds) {
  EXPECT_THROW(featurize(mol({{C}, {C}}, {{0, 2, 1}})), InvalidArgument);
  EXPECT_THROW(featurize(mol({{C}, {C}}, {{1, 1, 1}})), InvalidArgument);
  EXPECT_THROW(featurize(mol({{C}, {C}}, {{0, 1, 1}, {1, 0, 2}})), InvalidArgument);
}

TEST(Featurize, BatchAlignment) {
  const std::vector<Molecule> molecules = {acetate(), benzene_kekule(), ethanol()};
  std::vector<MoleculeGraph> graphs;
  for (const Molecule& m : molecules) graphs.push_back(featurize(m));
  const std::vector<const MoleculeGraph*> pointers = {&graphs[0], &graphs[1], &graphs[2]};
  const MoleculeBatch b = batch_molecules(pointers);
  ASSERT_EQ(b.batch.num_graphs(), 3);
  EXPECT_EQ(b.batch.offsets, (std::vector<std::int64_t>{0, 4, 10, 13}));
  const Graph& g = b.batch.graph;
  ASSERT_EQ(g.num_edges(), 6 + 12 + 4);
  ASSERT_EQ(b.atom_features.rows(), 13);
  ASSERT_EQ(b.edge_features.rows(), g.num_edges());
  ASSERT_EQ(b.edge_features.cols(), kBondFeatureWidth);
  for (std::size_t k = 0; k < 3; ++k) {
    const std::int64_t offset = b.batch.offsets[k];
    const MoleculeGraph& own = graphs[k];
    EXPECT_EQ(b.atom_features.middleRows(offset, own.graph.num_nodes()), own.atom_features);
    for (NodeId i = static_cast<NodeId>(offset); i < b.batch.offsets[k + 1]; ++i)
      for (EdgeId e = g.in_offsets()[static_cast<std::size_t>(i)]; e < g.in_offsets()[static_cast<std::size_t>(i) + 1]; ++e) {
        const NodeId j = g.sources()[static_cast<std::size_t>(e)];
        ASSERT_GE(j, offset);
        ASSERT_LT(j, b.batch.offsets[k + 1]);
        const EdgeId original = find_edge(own.graph, static_cast<NodeId>(j - offset), static_cast<NodeId>(i - offset));
        ASSERT_GE(original, 0);
        EXPECT_EQ(b.edge_features.row(e), own.edge_features.row(original)) << "batch edge " << j << "->" << i;
      }
  }
  // Empty batch and width mismatch.
  const MoleculeBatch empty = batch_molecules({});
  EXPECT_EQ(empty.batch.num_graphs(), 0);
  EXPECT_EQ(empty.atom_features.rows(), 0);
  const MoleculeGraph short_row = featurize(ethanol(), {.hybridisation = false});
  const std::vector<const MoleculeGraph*> mixed = {&graphs[0], &short_row};
  EXPECT_THROW(batch_molecules(mixed), InvalidArgument);
}

/// Exactly one bit set in columns [begin, end) of row r.
int bits(const MatrixF& m, std::int64_t r, std::int64_t begin, std::int64_t end) {
  int n = 0;
  for (std::int64_t c = begin; c < end; ++c) {
    EXPECT_TRUE(m(r, c) == 0 || m(r, c) == 1);
    n += m(r, c) != 0;
  }
  return n;
}

TEST(Featurize, BbbpSmoke) {
  const std::filesystem::path file =
      std::filesystem::path(GATKIT_SHARED_DATASETS) / "molecules/moleculenet/bbbp/bbbp.sdf";
  if (!std::filesystem::exists(file)) GTEST_SKIP() << file << " is absent";
  SdfReader reader(file);
  Molecule m;
  int done = 0, aromatic_atoms = 0, charged_atoms = 0;
  std::vector<const MoleculeGraph*> pointers;
  std::vector<MoleculeGraph> graphs;
  graphs.reserve(50);
  while (done < 50) {
    try {
      if (!reader.next(m)) break;
    } catch (const ParseError&) {
      continue;
    }
    graphs.push_back(featurize(m));
    const MoleculeGraph& g = graphs.back();
    expect_well_formed(m, g);
    for (std::int64_t a = 0; a < g.atom_features.rows(); ++a) {
      EXPECT_EQ(bits(g.atom_features, a, 0, 14), 1) << m.name << " atom " << a;   // element
      EXPECT_EQ(bits(g.atom_features, a, 14, 20), 1) << m.name << " atom " << a;  // degree
      EXPECT_EQ(bits(g.atom_features, a, 20, 25), 1) << m.name << " atom " << a;  // charge
      EXPECT_EQ(bits(g.atom_features, a, 25, 30), 1) << m.name << " atom " << a;  // hydrogens
      EXPECT_LE(bits(g.atom_features, a, 30, 32), 2);                           // flags
      EXPECT_EQ(bits(g.atom_features, a, 32, 39), 1) << m.name << " atom " << a;  // hybridisation
      // An aromatic atom is in a ring.
      if (g.atom_features(a, 30) != 0) {
        EXPECT_EQ(g.atom_features(a, 31), 1);
      }
      aromatic_atoms += g.atom_features(a, 30) != 0;
      charged_atoms += g.atom_features(a, 22) == 0;
    }
    for (EdgeId e = 0; e < g.edge_features.rows(); ++e) {
      EXPECT_EQ(bits(g.edge_features, e, 0, 4), 1) << m.name << " edge " << e;
      EXPECT_LE(bits(g.edge_features, e, 4, 6), 2);
      if (g.edge_features(e, 3) != 0) {
        EXPECT_EQ(g.edge_features(e, 4), 1) << "aromatic bond outside a ring";
      }
    }
    ++done;
  }
  EXPECT_EQ(done, 50);
  EXPECT_GT(aromatic_atoms, 100);  // BBBP is mostly drug-like aromatic molecules
  EXPECT_GT(charged_atoms, 0);
  for (const MoleculeGraph& g : graphs) pointers.push_back(&g);
  const MoleculeBatch b = batch_molecules(pointers);
  EXPECT_EQ(b.batch.num_graphs(), 50);
  EXPECT_EQ(b.atom_features.rows(), b.batch.graph.num_nodes());
  EXPECT_EQ(b.edge_features.rows(), b.batch.graph.num_edges());
  EXPECT_TRUE(b.batch.graph.is_symmetric());
}

}  // namespace
}  // namespace gatkit::chem
