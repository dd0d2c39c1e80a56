// Molecule featuriser: one-hot atom and bond rows over the facts perceive() derives (see
// docs/features.md for the list and the reasons).
#include "gatkit/chem/featurize.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <utility>

#include "gatkit/chem/perception.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit::chem {
namespace {

// Element columns, in order; anything else (including pseudo-atoms, atomic number 0) is "other".
constexpr std::array<int, 13> kElements = {1, 5, 6, 7, 8, 9, 14, 15, 16, 17, 35, 53, 34};
constexpr int kElementColumns = 14;
constexpr int kDegreeColumns = 6;     // 0..4, >=5
constexpr int kChargeColumns = 5;     // -2..+2
constexpr int kHydrogenColumns = 5;   // 0..3, >=4
constexpr int kHybridColumns = 7;     // s sp sp2 sp3 sp3d sp3d2 other

constexpr int kDegreeStart = kElementColumns;
constexpr int kChargeStart = kDegreeStart + kDegreeColumns;
constexpr int kHydrogenStart = kChargeStart + kChargeColumns;
constexpr int kAromaticColumn = kHydrogenStart + kHydrogenColumns;
constexpr int kInRingColumn = kAromaticColumn + 1;
constexpr int kHybridStart = kInRingColumn + 1;
static_assert(kHybridStart == kAtomFeatureWidthNoHybridisation);
static_assert(kHybridStart + kHybridColumns == kAtomFeatureWidth);

constexpr std::array<const char*, kHybridColumns> kHybridNames = {"s", "sp", "sp2", "sp3", "sp3d", "sp3d2", "other"};

int element_column(int z) {
  for (std::size_t k = 0; k < kElements.size(); ++k)
    if (kElements[k] == z) return static_cast<int>(k);
  return kElementColumns - 1;
}

int hybrid_column(Hybridisation h) {
  switch (h) {
    case Hybridisation::s: return 0;
    case Hybridisation::sp: return 1;
    case Hybridisation::sp2: return 2;
    case Hybridisation::sp3: return 3;
    case Hybridisation::sp3d: return 4;
    case Hybridisation::sp3d2: return 5;
    case Hybridisation::other: break;
  }
  return 6;
}

std::string molecule_label(const Molecule& m) {
  std::string s = "molecule";
  if (!m.name.empty()) s += " '" + m.name + "'";
  if (m.record > 0) s += " (record " + std::to_string(m.record) + ")";
  return s;
}

}  // namespace

std::int64_t atom_feature_width(const FeaturizeOptions& options) {
  return options.hybridisation ? kAtomFeatureWidth : kAtomFeatureWidthNoHybridisation;
}

std::vector<std::string> atom_feature_names(const FeaturizeOptions& options) {
  std::vector<std::string> names;
  names.reserve(static_cast<std::size_t>(atom_feature_width(options)));
  for (int z : kElements) names.push_back(std::string("element=") + element_symbol(z));
  names.emplace_back("element=other");
  for (int d = 0; d < kDegreeColumns; ++d) names.push_back("degree=" + std::to_string(d));
  for (int c = -2; c <= 2; ++c) names.push_back("charge=" + std::string(c > 0 ? "+" : "") + std::to_string(c));
  for (int h = 0; h < kHydrogenColumns; ++h) names.push_back("hydrogens=" + std::to_string(h));
  names.emplace_back("aromatic");
  names.emplace_back("in_ring");
  if (options.hybridisation)
    for (const char* h : kHybridNames) names.push_back(std::string("hybridisation=") + h);
  assert(static_cast<std::int64_t>(names.size()) == atom_feature_width(options));
  return names;
}

std::vector<std::string> bond_feature_names() {
  return {"order=single", "order=double", "order=triple", "order=aromatic", "in_ring", "conjugated"};
}

MoleculeGraph featurize(const Molecule& molecule, const FeaturizeOptions& options) {
  const auto n = static_cast<std::int64_t>(molecule.atoms.size());
  // 1. Validate the bonds and list each atom's (neighbour, bond) pairs.
  std::vector<std::vector<std::pair<NodeId, std::size_t>>> adjacency(static_cast<std::size_t>(n));
  std::vector<Edge> edges;
  edges.reserve(2 * molecule.bonds.size());
  for (std::size_t b = 0; b < molecule.bonds.size(); ++b) {
    const Bond& bond = molecule.bonds[b];
    GATKIT_REQUIRE(bond.begin >= 0 && bond.begin < n && bond.end >= 0 && bond.end < n,
                   molecule_label(molecule) + ": bond " + std::to_string(b + 1) + " names an atom out of range");
    GATKIT_REQUIRE(bond.begin != bond.end,
                   molecule_label(molecule) + ": bond " + std::to_string(b + 1) + " joins an atom to itself");
    adjacency[static_cast<std::size_t>(bond.begin)].emplace_back(bond.end, b);
    adjacency[static_cast<std::size_t>(bond.end)].emplace_back(bond.begin, b);
    edges.push_back({bond.begin, bond.end});
    edges.push_back({bond.end, bond.begin});
  }
  for (std::size_t i = 0; i < adjacency.size(); ++i) {
    auto& row = adjacency[i];
    std::sort(row.begin(), row.end());
    for (std::size_t k = 1; k < row.size(); ++k)
      GATKIT_REQUIRE(row[k].first != row[k - 1].first,
                     molecule_label(molecule) + ": two bonds between atoms " + std::to_string(i + 1) + " and " +
                         std::to_string(row[k].first + 1));
  }

  const Perception p = perceive(molecule);
  MoleculeGraph out;
  // 2. The graph. Row i of the in-edge CSR lists i's neighbours ascending: exactly adjacency[i]'s order.
  out.graph = build_graph(n, edges, {}, {.symmetrize = false, .deduplicate = true, .self_loops = SelfLoops::keep});

  // 3. Atom rows.
  out.atom_features = MatrixF::Zero(n, atom_feature_width(options));
  for (std::int64_t a = 0; a < n; ++a) {
    const auto ua = static_cast<std::size_t>(a);
    const Atom& atom = molecule.atoms[ua];
    auto row = out.atom_features.row(a);
    row(element_column(atom.atomic_number)) = 1;
    row(kDegreeStart + std::clamp(p.heavy_degree[ua], 0, kDegreeColumns - 1)) = 1;
    row(kChargeStart + std::clamp(atom.formal_charge, -2, 2) + 2) = 1;
    row(kHydrogenStart + std::clamp(p.total_hydrogens[ua], 0, kHydrogenColumns - 1)) = 1;
    if (p.atom_aromatic[ua]) row(kAromaticColumn) = 1;
    if (p.atom_in_ring[ua]) row(kInRingColumn) = 1;
    if (options.hybridisation) row(kHybridStart + hybrid_column(p.hybridisation[ua])) = 1;
  }

  // 4. Edge rows, in CSR order.
  out.edge_features = MatrixF::Zero(out.graph.num_edges(), kBondFeatureWidth);
  for (std::int64_t i = 0; i < n; ++i) {
    const auto& row = adjacency[static_cast<std::size_t>(i)];
    const auto sources = out.graph.in_neighbors(static_cast<NodeId>(i));
    assert(sources.size() == row.size());
    for (std::size_t k = 0; k < row.size(); ++k) {
      assert(sources[k] == row[k].first);
      const std::size_t b = row[k].second;
      const Bond& bond = molecule.bonds[b];
      const EdgeId e = out.graph.in_offsets()[static_cast<std::size_t>(i)] + static_cast<EdgeId>(k);
      auto f = out.edge_features.row(e);
      int order = 0;
      if (p.bond_aromatic[b] || bond.order == BondOrder::aromatic) order = 3;
      else if (bond.order == BondOrder::double_bond) order = 1;
      else if (bond.order == BondOrder::triple) order = 2;
      f(order) = 1;
      if (p.bond_in_ring[b]) f(4) = 1;
      if (p.bond_conjugated[b]) f(5) = 1;
    }
  }
  return out;
}

MoleculeBatch batch_molecules(std::span<const MoleculeGraph* const> molecules) {
  MoleculeBatch out;
  std::vector<const Graph*> graphs;
  graphs.reserve(molecules.size());
  std::int64_t atom_width = 0, bond_width = 0;
  for (std::size_t k = 0; k < molecules.size(); ++k) {
    const MoleculeGraph* m = molecules[k];
    GATKIT_REQUIRE(m != nullptr, "batch_molecules: molecule " + std::to_string(k) + " is null");
    if (k == 0) {
      atom_width = m->atom_features.cols();
      bond_width = m->edge_features.cols();
    }
    GATKIT_REQUIRE(m->atom_features.cols() == atom_width && m->edge_features.cols() == bond_width,
                   "batch_molecules: molecule " + std::to_string(k) + " has feature widths " +
                       std::to_string(m->atom_features.cols()) + "/" + std::to_string(m->edge_features.cols()) +
                       ", expected " + std::to_string(atom_width) + "/" + std::to_string(bond_width));
    GATKIT_REQUIRE(m->atom_features.rows() == m->graph.num_nodes() &&
                       m->edge_features.rows() == m->graph.num_edges(),
                   "batch_molecules: molecule " + std::to_string(k) + " has feature rows that do not match its graph");
    graphs.push_back(&m->graph);
  }
  out.batch = batch_graphs(graphs);
  const Graph& g = out.batch.graph;
  out.atom_features.resize(g.num_nodes(), atom_width);
  out.edge_features.resize(g.num_edges(), bond_width);

  // Edge rows are mapped explicitly rather than block-copied: for batch in-edge j -> i of molecule k, the
  // row is that of the molecule's in-edge (j - offset) -> (i - offset), found by binary search in the
  // molecule's sorted CSR row. This holds whatever order batch_graphs chooses.
  for (std::size_t k = 0; k < molecules.size(); ++k) {
    const MoleculeGraph& m = *molecules[k];
    const std::int64_t offset = out.batch.offsets[k];
    if (m.graph.num_nodes() > 0) out.atom_features.middleRows(offset, m.graph.num_nodes()) = m.atom_features;
    for (std::int64_t local = 0; local < m.graph.num_nodes(); ++local) {
      const auto i = static_cast<NodeId>(local + offset);
      const auto own = m.graph.in_neighbors(static_cast<NodeId>(local));
      const EdgeId own_start = m.graph.in_offsets()[static_cast<std::size_t>(local)];
      for (EdgeId e = g.in_offsets()[static_cast<std::size_t>(i)]; e < g.in_offsets()[static_cast<std::size_t>(i) + 1]; ++e) {
        const NodeId j = g.sources()[static_cast<std::size_t>(e)] - static_cast<NodeId>(offset);
        const auto it = std::lower_bound(own.begin(), own.end(), j);
        assert(it != own.end() && *it == j);
        out.edge_features.row(e) = m.edge_features.row(own_start + (it - own.begin()));
      }
    }
  }
  return out;
}

}  // namespace gatkit::chem
