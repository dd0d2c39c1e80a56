// Chemistry perception on a connection table, following RDKit's sanitisation (2022-era rules):
//  - rings: Boost.Graph biconnected components give the ring bonds (a bond is in a ring iff its
//    biconnected component has more than one edge); within each such component the smallest set of
//    smallest rings is a minimum cycle basis taken from Horton candidates (BFS shortest paths) by
//    Gaussian elimination over GF(2), E - V + 1 rings per component;
//  - hydrogens: RDKit's default-valence model (valence lists, charge shift, early atoms, carbon
//    cation special case, aromatic input atoms allowed only their default valence); radical electrons
//    of atoms whose H count is fixed (RDKit's assignRadicals);
//  - aromaticity: RDKit's default model (candidate atoms, electron donor types, Hückel 4n+2 on single
//    SSSR rings and on connected combinations of up to 6 fused rings, fused meaning one shared bond and
//    at most 24 atoms per ring; a combination marks only its outline bonds); input bonds of order 4
//    stay aromatic;
//  - conjugation and hybridisation as RDKit's setConjugation / setHybridization.
#include "gatkit/chem/perception.hpp"

#include "gatkit/util/error.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <cstdint>
#include <map>
#include <optional>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/biconnected_components.hpp>
#include <boost/graph/max_cardinality_matching.hpp>
#include <boost/property_map/property_map.hpp>

namespace gatkit::chem {
namespace {

// ---- element data -------------------------------------------------------------------------------

/// Outer-shell electrons, as RDKit's periodic table counts them: main-group elements by their group;
/// d- and f-block elements by the electrons past the last noble gas (Fe 8, Cu 11), with Zn, Cd, Hg and
/// the elements from 104 on at 2; -1 for 0 and unknown numbers.
int outer_electrons(int z) {
  static constexpr std::array<std::int8_t, 119> table = {
      -1, 1,  2,  1,  2,  3,  4,  5,  6,  7,  8,                                      // H..Ne
      1,  2,  3,  4,  5,  6,  7,  8,                                                  // Na..Ar
      1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 2,  3,  4,  5,  6,  7,  8,          // K..Kr
      1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 2,  3,  4,  5,  6,  7,  8,          // Rb..Xe
      1,  2,  3,  4,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,             // Cs..Lu
      4,  5,  6,  7,  8,  9,  10, 11, 2,  3,  4,  5,  6,  7,  8,                      // Hf..Rn
      1,  2,  3,  4,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,             // Fr..Lr
      2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2};                     // Rf..Og
  return z >= 1 && z < static_cast<int>(table.size()) ? table[static_cast<std::size_t>(z)] : -1;
}

/// RDKit's allowed valences (RDKit 2022.09, atomic_data.cpp) without its "-1" (any higher valence) mark,
/// which open_valence() reports; empty = no default valence (no implicit hydrogens, any valence).
const std::vector<int>& valence_list(int z) {
  static const std::vector<int> none;
  static const std::map<int, std::vector<int>> table = {
      {1, {1}},        {2, {0}},        {3, {1}},        {4, {2}},        {5, {3}},
      {6, {4}},        {7, {3}},        {8, {2}},        {9, {1}},        {10, {0}},
      {11, {1}},       {12, {2}},       {13, {3, 6}},    {14, {4, 6}},    {15, {3, 5, 7}},
      {16, {2, 4, 6}}, {17, {1}},       {18, {0}},       {19, {1}},       {20, {2}},
      {31, {3}},       {32, {4}},       {33, {3, 5, 7}}, {34, {2, 4, 6}}, {35, {1}},
      {36, {0}},       {37, {1}},       {38, {2}},       {49, {3}},       {50, {2, 4}},
      {51, {3, 5, 7}}, {52, {2, 4, 6}}, {53, {1, 3, 5}}, {54, {0, 2, 4, 6}}, {55, {1}},
      {56, {2}},       {81, {3}},       {82, {2, 4}},    {83, {3, 5, 7}}, {84, {2, 4, 6}},
      {85, {1, 3, 5}}, {86, {0}},       {87, {1}},       {88, {2}}};
  auto it = table.find(z);
  return it == table.end() ? none : it->second;
}

/// Elements whose RDKit valence list ends in -1: any valence above the listed ones is allowed (the
/// alkaline earth metals), and so is any valence of an element without a list.
bool open_valence(int z) {
  return z == 12 || z == 20 || z == 38 || z == 56 || z == 88 || valence_list(z).empty();
}

int default_valence(int z) {
  const auto& v = valence_list(z);
  return v.empty() ? -1 : v.front();
}

/// RDKit's isEarlyAtom table (2022.09): elements whose charge shifts valence the other way. Mostly those
/// with fewer than four outer electrons, but not He, V..Cu, Mo..Ag, Sm..Lu, W..Au, Pu..Lr; and also Ge,
/// Sn, Pb (RDKit issue 2606), Sb and Bi (issue 2775).
bool early_atom(int z) {
  static constexpr std::array<int, 57> table = {
      3,  4,  5,  11, 12, 13, 19, 20, 21, 22,  30,  31,  32,  37,  38,  39,  40,  41,  48,
      49, 50, 51, 55, 56, 57, 58, 59, 60, 61,  72,  73,  80,  81,  82,  83,  87,  88,  89,
      90, 91, 92, 93, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118};
  return std::binary_search(table.begin(), table.end(), z);
}

/// RDKit's moreElectroNegative: more outer electrons, or as many and a smaller atomic number. (RDKit
/// compares these, not Pauling values: Se is more electronegative than C here.)
bool more_electronegative(int z1, int z2) {
  const int n1 = outer_electrons(z1), n2 = outer_electrons(z2);
  return n1 > n2 || (n1 == n2 && z1 < z2);
}

int radical_electrons(int radical) {
  switch (radical) {
    case 1: return 2;  // singlet
    case 2: return 1;  // doublet
    case 3: return 2;  // triplet
    default: return 0;
  }
}

/// The charge as RDKit applies it to a valence: reversed for early atoms and for carbocations.
int valence_charge(int z, int charge) {
  int chr = charge;
  if (early_atom(z)) chr = -chr;
  if (z == 6 && chr > 0) chr = -chr;
  return chr;
}

double bond_valence(BondOrder o) {
  switch (o) {
    case BondOrder::single: return 1.0;
    case BondOrder::double_bond: return 2.0;
    case BondOrder::triple: return 3.0;
    case BondOrder::aromatic: return 1.5;
  }
  return 1.0;
}

/// RDKit's explicit valence (calcExplicitValence) from the sum of an atom's bond orders (aromatic 1.5)
/// and explicit hydrogens: an aromatic atom over its default valence takes the closest allowed valence
/// below when that is within 1.5 (the N of c1cccn1C); x.5 rounds up.
int rounded_valence(double accum, int z, int chr, bool aromatic) {
  const auto& valens = valence_list(z);
  if (aromatic && !valens.empty() && accum > valens.front() + chr) {
    int pval = valens.front() + chr;
    for (int v : valens) {
      if (v + chr > accum) break;
      pval = v + chr;
    }
    if (accum - pval <= 1.5) accum = pval;
  }
  return static_cast<int>(std::floor(accum + 0.1 + 0.5));
}

// ---- rings --------------------------------------------------------------------------------------

struct RingResult {
  std::vector<bool> bond_in_ring;
  std::vector<std::vector<std::int32_t>> rings;       // atoms in cycle order
  std::vector<std::vector<std::int32_t>> ring_bonds;  // bond indices of each ring
};

/// Bonds kept for ring perception: no self-bonds, one bond per atom pair (the first).
std::vector<int> unique_bonds(const Molecule& m) {
  std::vector<int> keep;
  std::map<std::pair<int, int>, int> seen;
  const int n = static_cast<int>(m.atoms.size());
  for (int b = 0; b < static_cast<int>(m.bonds.size()); ++b) {
    int u = m.bonds[b].begin, v = m.bonds[b].end;
    if (u == v || u < 0 || v < 0 || u >= n || v >= n) continue;
    if (seen.emplace(std::minmax(u, v), b).second) keep.push_back(b);
  }
  return keep;
}

RingResult find_rings(const Molecule& m) {
  RingResult out;
  const int n = static_cast<int>(m.atoms.size());
  out.bond_in_ring.assign(m.bonds.size(), false);
  const std::vector<int> bonds = unique_bonds(m);
  if (bonds.empty()) return out;

  using G = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                  boost::property<boost::edge_index_t, std::size_t>>;
  G g(static_cast<std::size_t>(n));
  for (std::size_t k = 0; k < bonds.size(); ++k)
    boost::add_edge(m.bonds[bonds[k]].begin, m.bonds[bonds[k]].end, k, g);
  std::vector<std::size_t> component(bonds.size());
  auto comp_map = boost::make_iterator_property_map(component.begin(), boost::get(boost::edge_index, g));
  const std::size_t num_components = boost::biconnected_components(g, comp_map);

  std::vector<std::vector<int>> comp_edges(num_components);  // indices into `bonds`
  for (std::size_t k = 0; k < bonds.size(); ++k) comp_edges[component[k]].push_back(static_cast<int>(k));

  for (const auto& edges : comp_edges) {
    if (edges.size() < 2) continue;
    // Local numbering of the component's atoms.
    std::map<int, int> local;
    std::vector<int> atoms;
    for (int k : edges)
      for (int a : {m.bonds[bonds[k]].begin, m.bonds[bonds[k]].end})
        if (local.emplace(a, static_cast<int>(atoms.size())).second) atoms.push_back(a);
    const int V = static_cast<int>(atoms.size());
    const int E = static_cast<int>(edges.size());
    const int want = E - V + 1;
    for (int k : edges) out.bond_in_ring[bonds[k]] = true;
    if (want <= 0) continue;

    std::vector<std::pair<int, int>> ends(E);
    std::vector<std::vector<std::pair<int, int>>> adj(V);  // (neighbour, local edge)
    for (int e = 0; e < E; ++e) {
      int u = local[m.bonds[bonds[edges[e]]].begin], v = local[m.bonds[bonds[edges[e]]].end];
      ends[e] = {u, v};
      adj[u].emplace_back(v, e);
      adj[v].emplace_back(u, e);
    }
    const int words = (E + 63) / 64;
    struct Candidate {
      std::vector<int> verts;  // cycle order, local
      std::vector<int> edges;  // local edges
      std::vector<std::uint64_t> bits;
    };
    std::vector<Candidate> cands;
    std::map<std::vector<std::uint64_t>, bool> seen;

    // Horton candidates: for each root r and non-tree edge (x, y) whose tree paths meet only at r.
    std::vector<int> dist(V), parent(V), parent_edge(V), mark(V, -1);
    for (int r = 0; r < V; ++r) {
      std::fill(dist.begin(), dist.end(), -1);
      std::queue<int> q;
      dist[r] = 0;
      parent[r] = -1;
      parent_edge[r] = -1;
      q.push(r);
      while (!q.empty()) {
        int x = q.front();
        q.pop();
        for (auto [y, e] : adj[x])
          if (dist[y] < 0) {
            dist[y] = dist[x] + 1;
            parent[y] = x;
            parent_edge[y] = e;
            q.push(y);
          }
      }
      for (int e = 0; e < E; ++e) {
        auto [x, y] = ends[e];
        if (parent_edge[x] == e || parent_edge[y] == e) continue;
        // Mark the path x -> r, then walk y -> r checking it meets it only at r.
        for (int a = x; a >= 0; a = parent[a]) mark[a] = r * E + e;
        bool ok = true;
        for (int a = y; a != r; a = parent[a])
          if (mark[a] == r * E + e) { ok = false; break; }
        for (int a = x; a >= 0; a = parent[a]) mark[a] = -1;
        if (!ok) continue;
        Candidate c;
        std::vector<int> path_x, path_y, edges_x, edges_y;
        for (int a = x; a != r; a = parent[a]) { path_x.push_back(a); edges_x.push_back(parent_edge[a]); }
        for (int a = y; a != r; a = parent[a]) { path_y.push_back(a); edges_y.push_back(parent_edge[a]); }
        // r, ..., x, y, ..., (back to r)
        c.verts.push_back(r);
        c.verts.insert(c.verts.end(), path_x.rbegin(), path_x.rend());
        c.verts.insert(c.verts.end(), path_y.begin(), path_y.end());
        c.edges = edges_x;
        c.edges.insert(c.edges.end(), edges_y.begin(), edges_y.end());
        c.edges.push_back(e);
        c.bits.assign(words, 0);
        for (int ce : c.edges) c.bits[ce / 64] |= std::uint64_t{1} << (ce % 64);
        if (seen.emplace(c.bits, true).second) cands.push_back(std::move(c));
      }
    }
    std::stable_sort(cands.begin(), cands.end(), [&](const Candidate& a, const Candidate& b) {
      if (a.edges.size() != b.edges.size()) return a.edges.size() < b.edges.size();
      std::vector<int> sa, sb;
      for (int v : a.verts) sa.push_back(atoms[v]);
      for (int v : b.verts) sb.push_back(atoms[v]);
      std::sort(sa.begin(), sa.end());
      std::sort(sb.begin(), sb.end());
      return sa < sb;
    });

    // Gaussian elimination over GF(2): keep the independent ones, shortest first.
    std::vector<std::vector<std::uint64_t>> basis;  // reduced rows
    std::vector<int> pivots;
    int kept = 0;
    for (const auto& c : cands) {
      if (kept >= want) break;
      auto row = c.bits;
      for (std::size_t i = 0; i < basis.size(); ++i)
        if (row[pivots[i] / 64] >> (pivots[i] % 64) & 1)
          for (int w = 0; w < words; ++w) row[w] ^= basis[i][w];
      int pivot = -1;
      for (int w = 0; w < words && pivot < 0; ++w)
        if (row[w]) pivot = w * 64 + __builtin_ctzll(row[w]);
      if (pivot < 0) continue;
      // Keep the basis fully reduced on its pivots.
      for (std::size_t i = 0; i < basis.size(); ++i)
        if (basis[i][pivot / 64] >> (pivot % 64) & 1)
          for (int w = 0; w < words; ++w) basis[i][w] ^= row[w];
      basis.push_back(std::move(row));
      pivots.push_back(pivot);
      ++kept;
      std::vector<std::int32_t> ring, rb;
      for (int v : c.verts) ring.push_back(atoms[v]);
      for (int e : c.edges) rb.push_back(bonds[edges[e]]);
      out.rings.push_back(std::move(ring));
      out.ring_bonds.push_back(std::move(rb));
    }
  }
  return out;
}

// ---- aromaticity ----------------------------------------------------------------------------------

enum class Donor { none, vacant, one, two };

}  // namespace

Perception perceive(const Molecule& molecule) {
  const Molecule& m = molecule;
  const int n = static_cast<int>(m.atoms.size());
  const int nb = static_cast<int>(m.bonds.size());
  Perception p;
  p.implicit_hydrogens.assign(n, 0);
  p.total_hydrogens.assign(n, 0);
  p.heavy_degree.assign(n, 0);
  p.atom_in_ring.assign(n, false);
  p.atom_aromatic.assign(n, false);
  p.hybridisation.assign(n, Hybridisation::other);
  p.radical_electrons.assign(n, 0);
  p.bond_aromatic.assign(nb, false);
  p.bond_conjugated.assign(nb, false);

  auto valid_bond = [&](const Bond& b) {
    return b.begin != b.end && b.begin >= 0 && b.end >= 0 && b.begin < n && b.end < n;
  };
  auto other = [](const Bond& b, int a) { return b.begin == a ? b.end : b.begin; };
  std::vector<std::vector<int>> atom_bonds(n);
  for (int b = 0; b < nb; ++b)
    if (valid_bond(m.bonds[b])) {
      atom_bonds[m.bonds[b].begin].push_back(b);
      atom_bonds[m.bonds[b].end].push_back(b);
    }
  auto is_aromatic_input = [&](const Bond& b) { return b.order == BondOrder::aromatic || b.aromatic; };

  // Rings.
  RingResult rr = find_rings(m);
  p.bond_in_ring = rr.bond_in_ring;
  for (int b = 0; b < nb; ++b)
    if (p.bond_in_ring[b]) p.atom_in_ring[m.bonds[b].begin] = p.atom_in_ring[m.bonds[b].end] = true;
  p.rings = rr.rings;

  // Input aromaticity (order-4 bonds).
  std::vector<bool> input_aromatic_atom(n, false);
  for (int a = 0; a < n; ++a) input_aromatic_atom[a] = m.atoms[a].aromatic;
  for (int b = 0; b < nb; ++b)
    if (valid_bond(m.bonds[b]) && is_aromatic_input(m.bonds[b])) {
      p.bond_aromatic[b] = true;
      input_aromatic_atom[m.bonds[b].begin] = input_aromatic_atom[m.bonds[b].end] = true;
    }

  // Degrees, explicit valence, hydrogens.
  std::vector<int> explicit_valence(n, 0), neighbours(n, 0), h_neighbours(n, 0);
  for (int a = 0; a < n; ++a) {
    const Atom& at = m.atoms[a];
    const int z = at.atomic_number;
    double accum = at.explicit_hydrogens;
    std::vector<int> nbrs;
    for (int b : atom_bonds[a]) {
      accum += bond_valence(is_aromatic_input(m.bonds[b]) ? BondOrder::aromatic : m.bonds[b].order);
      nbrs.push_back(other(m.bonds[b], a));
    }
    std::sort(nbrs.begin(), nbrs.end());
    nbrs.erase(std::unique(nbrs.begin(), nbrs.end()), nbrs.end());
    neighbours[a] = static_cast<int>(nbrs.size());
    for (int x : nbrs)
      if (m.atoms[x].atomic_number == 1) ++h_neighbours[a];
    p.heavy_degree[a] = neighbours[a] - h_neighbours[a];

    const auto& valens = valence_list(z);
    // Radical electrons: the file's (M  RAD, RAD=), or, for an atom whose H count is complete (a SMILES
    // bracket atom, a stated valence), those its valence leaves unpaired, as RDKit's assignRadicals
    // ([CH2] 2, [Cl] 1, [Na] 1, [NH4+] 0); an element without a valence list (d and f blocks) gets
    // one if its outer electrons less its charge are odd ([Fe+3], [Cu+2]).
    int radicals = radical_electrons(at.radical);
    if (radicals == 0 && at.no_implicit_hydrogens && z != 0 && valens.empty()) {
      radicals = std::max(outer_electrons(z) - at.formal_charge, 0) % 2;
    } else if (radicals == 0 && at.no_implicit_hydrogens && z != 0) {
      const int total = static_cast<int>(accum + 0.1), nouter = outer_electrons(z), charge = at.formal_charge;
      int r = (z <= 2 ? 2 : 8) - nouter - total + charge;
      if (r < 0) {
        r = 0;  // a hypervalent state with its electrons paired, if the element has one
        if (valens.size() > 1)
          for (int v : valens)
            if (v - total + charge >= 0) {
              r = v - total + charge;
              break;
            }
      }
      if (const int early = nouter - total - charge; early >= 0) r = std::min(r, early);
      radicals = r;
    }
    p.radical_electrons[a] = radicals;
    const int chr = valence_charge(z, at.formal_charge);
    const bool aromatic = input_aromatic_atom[a];
    explicit_valence[a] = rounded_valence(accum, z, chr, aromatic);
    const int ev = explicit_valence[a] + radicals;
    int implicit = 0;
    if (!valens.empty() && z != 0) {
      if (aromatic) {
        int dv = valens.front() + chr;
        implicit = ev <= dv ? dv - ev : 0;
      } else {
        for (int v : valens)
          if (ev <= v + chr) {
            implicit = v + chr - ev;
            break;
          }
      }
    }
    if (z == 1 && ev == 0 && at.formal_charge != 0) implicit = 0;  // RDKit: a lone H+ or H- takes no H
    if (at.no_implicit_hydrogens) implicit = 0;  // a SMILES bracket atom: its H count is complete
    p.implicit_hydrogens[a] = std::max(implicit, 0);
    p.total_hydrogens[a] = p.implicit_hydrogens[a] + at.explicit_hydrogens + h_neighbours[a];
  }

  // Aromaticity (RDKit default model).
  auto total_degree = [&](int a) { return p.heavy_degree[a] + p.total_hydrogens[a]; };
  auto is_multiple = [&](const Bond& b) {
    return b.order == BondOrder::double_bond || b.order == BondOrder::triple || is_aromatic_input(b);
  };
  // Multiple-bond valence beyond one per bond (RDKit: explicit valence less degree).
  std::vector<double> unsaturation(n, 0.0);
  for (int a = 0; a < n; ++a)
    for (int b : atom_bonds[a])
      unsaturation[a] += bond_valence(is_aromatic_input(m.bonds[b]) ? BondOrder::aromatic : m.bonds[b].order) - 1.0;
  // RDKit's countAtomElec: the electrons an atom could give a pi system; -1 for none (univalent, or more
  // than three neighbours and hydrogens).
  auto atom_electrons = [&](int a) {
    const Atom& at = m.atoms[a];
    const int dv = default_valence(at.atomic_number);
    if (dv <= 1) return -1;
    const int degree = total_degree(a);
    if (degree > 3) return -1;
    const int nlp = std::max(outer_electrons(at.atomic_number) - dv - at.formal_charge, 0);
    const int e = (dv - degree) + nlp - p.radical_electrons[a];
    return e > 1 && unsaturation[a] > 1.0 ? 1 : e;  // a triple bond gives one
  };
  std::vector<Donor> donor(n, Donor::none);
  for (int a = 0; a < n; ++a) {
    if (!p.atom_in_ring[a]) continue;
    const Atom& at = m.atoms[a];
    const int z = at.atomic_number;
    // The first two rows of the table, Se and Te.
    if (z < 1 || (z > 18 && z != 34 && z != 52)) continue;
    const int dv = default_valence(z);
    if (dv <= 1) continue;
    // An atom over the default valence of its isoelectronic element (neutral S(IV), Se(IV); N+ may
    // have four bonds, as C) is not in an aromatic state; nor is a heteroatom or a charged carbon
    // with a radical.
    if (z - at.formal_charge < 1 || explicit_valence[a] + p.implicit_hydrogens[a] > default_valence(z - at.formal_charge))
      continue;
    if (p.radical_electrons[a] > 0 && (z != 6 || at.formal_charge != 0)) continue;
    // More than one multiple bond (C=C=N) disqualifies.
    int n_multiple = 0;
    bool cyclic_multiple = false;
    int exocyclic_partner = -1;
    for (int b : atom_bonds[a]) {
      const Bond& bd = m.bonds[b];
      if (bd.order == BondOrder::double_bond || bd.order == BondOrder::triple) ++n_multiple;
      if (is_multiple(bd)) {
        if (p.bond_in_ring[b]) cyclic_multiple = true;
        else exocyclic_partner = other(bd, a);
      }
    }
    if (n_multiple > 1) continue;
    int nelec = atom_electrons(a);
    const bool exocyclic_steals =
        exocyclic_partner >= 0 && more_electronegative(m.atoms[exocyclic_partner].atomic_number, z);
    Donor d = Donor::none;
    if (nelec < 0) {
      d = Donor::none;
    } else if (nelec == 0) {
      if (exocyclic_partner >= 0) d = Donor::vacant;
      else if (cyclic_multiple) d = Donor::one;
    } else if (nelec == 1) {
      if (exocyclic_partner >= 0) {
        d = exocyclic_steals ? Donor::vacant : Donor::one;
      } else if (cyclic_multiple) {
        d = Donor::one;
      } else if (at.formal_charge == 1) {
        d = Donor::vacant;
      }
    } else {
      // A multiple bond out of the ring to a more electronegative atom takes one electron; then an
      // odd count gives one to the ring, an even count two.
      if (exocyclic_steals) --nelec;
      d = nelec % 2 == 1 ? Donor::one : Donor::two;
    }
    donor[a] = d;
  }
  auto electrons = [](Donor d) { return d == Donor::two ? 2 : d == Donor::one ? 1 : 0; };

  const int R = static_cast<int>(rr.rings.size());
  std::vector<bool> ring_candidate(R, true), ring_aromatic(R, false);
  for (int r = 0; r < R; ++r) {
    bool all_input = true;
    for (int b : rr.ring_bonds[r]) all_input = all_input && p.bond_aromatic[b];
    if (all_input) ring_aromatic[r] = true;  // given aromatic by the input
    for (int a : rr.rings[r])
      if (donor[a] == Donor::none && !input_aromatic_atom[a]) ring_candidate[r] = false;
  }
  auto huckel = [&](const std::vector<int>& ring_ids) {
    // RDKit: the union's atoms, each once, leaving out atoms shared by three or more of the rings.
    std::map<int, int> times;
    for (int r : ring_ids)
      for (int a : rr.rings[r]) ++times[a];
    int e = 0;
    for (auto [a, t] : times)
      if (t <= 2) e += input_aromatic_atom[a] && donor[a] == Donor::none ? 1 : electrons(donor[a]);
    return e >= 2 && (e - 2) % 4 == 0;
  };
  // Fused systems: candidate rings grouped as RDKit does. Two rings are fused when they share exactly
  // one bond (not two or more: bridged rings) and neither has more than 24 atoms (a bit more than a
  // porphyrin's outer ring).
  std::vector<int> sys(R, -1);
  int num_sys = 0;
  constexpr std::size_t max_fused_ring_size = 24;
  auto share_bond = [&](int r1, int r2) {
    if (rr.rings[r1].size() > max_fused_ring_size || rr.rings[r2].size() > max_fused_ring_size) return false;
    int shared = 0;
    for (int b1 : rr.ring_bonds[r1])
      for (int b2 : rr.ring_bonds[r2])
        if (b1 == b2) ++shared;
    return shared == 1;
  };
  for (int r = 0; r < R; ++r) {
    if (!ring_candidate[r] || sys[r] >= 0) continue;
    std::vector<int> stack = {r};
    sys[r] = num_sys;
    while (!stack.empty()) {
      int x = stack.back();
      stack.pop_back();
      for (int y = 0; y < R; ++y)
        if (ring_candidate[y] && sys[y] < 0 && share_bond(x, y)) {
          sys[y] = num_sys;
          stack.push_back(y);
        }
    }
    ++num_sys;
  }
  // Rings the input gives aromatic keep all their atoms and bonds.
  for (int r = 0; r < R; ++r) {
    if (!ring_aromatic[r]) continue;
    for (int a : rr.rings[r]) p.atom_aromatic[a] = true;
    for (int b : rr.ring_bonds[r]) p.bond_aromatic[b] = true;
  }
  // Each fused system: connected combinations of 1, 2, ... rings (up to 6, as RDKit; 3 in systems of
  // more than 16 rings) until every bond of the system is aromatic. A combination that passes Hückel
  // makes all its atoms aromatic, but only the bonds on its outline (in one of its rings): the bond
  // fusing azulene's two rings stays as written.
  std::vector<int> in_combo(nb, 0);
  for (int s = 0; s < num_sys; ++s) {
    std::vector<int> members;
    for (int r = 0; r < R; ++r)
      if (sys[r] == s) members.push_back(r);
    const int k = static_cast<int>(members.size());
    std::vector<int> system_bonds;
    for (int r : members) system_bonds.insert(system_bonds.end(), rr.ring_bonds[r].begin(), rr.ring_bonds[r].end());
    std::sort(system_bonds.begin(), system_bonds.end());
    system_bonds.erase(std::unique(system_bonds.begin(), system_bonds.end()), system_bonds.end());
    auto all_bonds_done = [&] {
      for (int b : system_bonds)
        if (!p.bond_aromatic[b]) return false;
      return true;
    };
    const int max_size = std::min(k, k <= 16 ? 6 : 3);
    for (int size = 1; size <= max_size && !all_bonds_done(); ++size) {
      std::vector<int> idx(size);
      for (int i = 0; i < size; ++i) idx[i] = i;
      while (true) {
        std::vector<int> combo;
        for (int i : idx) combo.push_back(members[i]);
        bool connected = true;
        if (size > 1) {
          std::vector<bool> reached(size, false);
          reached[0] = true;
          bool grew = true;
          while (grew) {
            grew = false;
            for (int i = 0; i < size; ++i)
              if (!reached[i])
                for (int j = 0; j < size; ++j)
                  if (reached[j] && share_bond(combo[i], combo[j])) {
                    reached[i] = grew = true;
                    break;
                  }
          }
          for (bool b : reached) connected = connected && b;
        }
        if (connected && huckel(combo)) {
          for (int r : combo) {
            for (int a : rr.rings[r]) p.atom_aromatic[a] = true;
            for (int b : rr.ring_bonds[r]) ++in_combo[b];
          }
          for (int r : combo)
            for (int b : rr.ring_bonds[r]) {
              if (in_combo[b] == 1) p.bond_aromatic[b] = true;
            }
          for (int r : combo)
            for (int b : rr.ring_bonds[r]) in_combo[b] = 0;
        }
        // next combination
        int i = size - 1;
        while (i >= 0 && idx[i] == k - size + i) --i;
        if (i < 0) break;
        ++idx[i];
        for (int j = i + 1; j < size; ++j) idx[j] = idx[j - 1] + 1;
      }
    }
  }
  for (int b = 0; b < nb; ++b)
    if (p.bond_aromatic[b]) p.atom_aromatic[m.bonds[b].begin] = p.atom_aromatic[m.bonds[b].end] = true;

  // Conjugation (RDKit setConjugation / markConjAtomBonds).
  for (int b = 0; b < nb; ++b)
    if (p.bond_aromatic[b]) p.bond_conjugated[b] = true;
  // RDKit's isAtomConjugCand: the first row; beyond it, not the N and O groups (P, S, ...) unless
  // with a single neighbour (thiolate, thiocarbonyl S); and electrons to give.
  auto conj_candidate = [&](int a) {
    const int z = m.atoms[a].atomic_number;
    const int no = outer_electrons(z);
    return (z <= 10 || (no != 5 && no != 6) || (no == 6 && total_degree(a) < 2)) && atom_electrons(a) > 0;
  };
  auto valence_contrib = [&](int b) {
    return p.bond_aromatic[b] ? 1.5 : bond_valence(m.bonds[b].order);
  };
  for (int a = 0; a < n; ++a) {
    if (!conj_candidate(a)) continue;
    const int sbo = total_degree(a);
    if (sbo < 2 || sbo > 3) continue;
    for (int b1 : atom_bonds[a]) {
      if (valence_contrib(b1) < 1.5) continue;
      for (int b2 : atom_bonds[a]) {
        if (b1 == b2) continue;
        const int a2 = other(m.bonds[b2], a);
        if (total_degree(a2) > 3) continue;
        if (conj_candidate(a2)) p.bond_conjugated[b1] = p.bond_conjugated[b2] = true;
      }
    }
  }

  // Hybridisation (RDKit setHybridization via numBondsPlusLonePairs).
  for (int a = 0; a < n; ++a) {
    const Atom& at = m.atoms[a];
    const int z = at.atomic_number;
    if (z == 0) continue;
    const int deg = total_degree(a);
    const int nouter = outer_electrons(z);
    if (nouter < 0) continue;
    int norbs = deg;
    if (z > 1 && z < 89) {  // from actinium on, RDKit counts the neighbours only
      const int total_valence = explicit_valence[a] + p.implicit_hydrogens[a];
      const int chg = at.formal_charge;
      const int free_electrons = nouter - (total_valence + chg);
      if (total_valence + nouter - chg < 8) {
        const int rad = p.radical_electrons[a];
        norbs = deg + (free_electrons - rad) / 2 + rad;
      } else {
        norbs = deg + free_electrons / 2;
      }
    }
    Hybridisation h = Hybridisation::other;
    switch (norbs) {
      case 0:
      case 1: h = Hybridisation::s; break;
      case 2: h = Hybridisation::sp; break;
      case 3: h = Hybridisation::sp2; break;
      case 4: {
        bool conj = false;
        for (int b : atom_bonds[a]) conj = conj || p.bond_conjugated[b];
        h = deg < 4 && conj ? Hybridisation::sp2 : Hybridisation::sp3;
        break;
      }
      case 5: h = Hybridisation::sp3d; break;
      case 6: h = Hybridisation::sp3d2; break;
      default: h = Hybridisation::other;
    }
    if (p.atom_aromatic[a] && h != Hybridisation::sp2 && h != Hybridisation::sp) h = Hybridisation::sp2;
    p.hybridisation[a] = h;
  }
  return p;
}

}  // namespace gatkit::chem

// ---- Kekulé form and clean-up of SMILES input ----------------------------------------------------------

namespace gatkit::chem {

void kekulize(Molecule& m) {
  const int n = static_cast<int>(m.atoms.size());
  auto valid = [&](const Bond& b) { return b.begin >= 0 && b.end >= 0 && b.begin < n && b.end < n && b.begin != b.end; };
  auto is_aromatic = [](const Bond& b) { return b.order == BondOrder::aromatic || b.aromatic; };
  // The valence an atom uses before its aromatic bonds get their double bonds: H, the other bonds'
  // orders, and 1 per aromatic bond. An atom with one to spare must take one double bond.
  std::vector<int> used(n, 0);
  std::vector<bool> on_aromatic(n, false);
  for (int a = 0; a < n; ++a) used[a] = m.atoms[a].explicit_hydrogens + radical_electrons(m.atoms[a].radical);
  for (const Bond& b : m.bonds) {
    if (!valid(b)) continue;
    const bool aromatic = is_aromatic(b);
    const int order = aromatic ? 1 : static_cast<int>(b.order);
    used[b.begin] += order;
    used[b.end] += order;
    if (aromatic) on_aromatic[b.begin] = on_aromatic[b.end] = true;
  }
  std::vector<int> vertex(n, -1), atom_of;
  for (int a = 0; a < n; ++a) {
    const Atom& at = m.atoms[a];
    const auto& valens = valence_list(at.atomic_number);
    if (!on_aromatic[a] || valens.empty() || at.atomic_number == 0) continue;
    if (valens.front() + valence_charge(at.atomic_number, at.formal_charge) - used[a] >= 1) {
      vertex[a] = static_cast<int>(atom_of.size());
      atom_of.push_back(a);
    }
  }
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  Graph g(atom_of.size());
  for (const Bond& b : m.bonds)
    if (valid(b) && is_aromatic(b) && vertex[b.begin] >= 0 && vertex[b.end] >= 0) boost::add_edge(vertex[b.begin], vertex[b.end], g);
  std::vector<boost::graph_traits<Graph>::vertex_descriptor> mate(atom_of.size());
  if (!atom_of.empty()) boost::edmonds_maximum_cardinality_matching(g, &mate[0]);
  const auto none = boost::graph_traits<Graph>::null_vertex();
  for (std::size_t v = 0; v < atom_of.size(); ++v)
    if (mate[v] == none) {
      const int a = atom_of[v];
      throw InvalidArgument("cannot kekulize the aromatic system of atom " + std::to_string(a + 1) + " (" + m.atoms[a].symbol +
                            "): no double bond can be placed on it (an aromatic nitrogen that needs an H, written [nH]?)");
    }
  for (Bond& b : m.bonds) {
    if (!is_aromatic(b)) continue;
    const bool matched = valid(b) && vertex[b.begin] >= 0 && vertex[b.end] >= 0 &&
                         mate[vertex[b.begin]] == static_cast<std::size_t>(vertex[b.end]);
    b.order = matched ? BondOrder::double_bond : BondOrder::single;
    b.aromatic = false;
  }
  for (Atom& a : m.atoms) a.aromatic = false;
}

void clean_up(Molecule& m) {
  const int n = static_cast<int>(m.atoms.size());
  std::vector<std::vector<int>> bonds_of(n);
  for (int b = 0; b < static_cast<int>(m.bonds.size()); ++b) {
    const Bond& bd = m.bonds[b];
    if (bd.begin < 0 || bd.end < 0 || bd.begin >= n || bd.end >= n || bd.begin == bd.end) continue;
    bonds_of[bd.begin].push_back(b);
    bonds_of[bd.end].push_back(b);
  }
  auto other = [&](int b, int a) { return m.bonds[b].begin == a ? m.bonds[b].end : m.bonds[b].begin; };
  auto valence = [&](int a) {
    double v = m.atoms[a].explicit_hydrogens;
    for (int b : bonds_of[a]) v += bond_valence(m.bonds[b].order);
    return v;
  };
  auto terminal = [&](int a, int z) {
    return m.atoms[a].atomic_number == z && m.atoms[a].formal_charge == 0 && bonds_of[a].size() == 1;
  };
  for (int a = 0; a < n; ++a) {
    Atom& at = m.atoms[a];
    if (at.formal_charge != 0) continue;
    if (at.atomic_number == 7 && valence(a) == 5) {
      // Nitro and N-oxides, N(=O)=O -> [N+](=O)[O-]; azides, N=N#N -> N=[N+]=[N-].
      for (int b : bonds_of[a]) {
        const int o = other(b, a);
        if (m.bonds[b].order == BondOrder::double_bond && terminal(o, 8)) {
          m.bonds[b].order = BondOrder::single;
          at.formal_charge = 1;
          m.atoms[o].formal_charge = -1;
          break;
        }
        if (m.bonds[b].order == BondOrder::triple && terminal(o, 7)) {
          m.bonds[b].order = BondOrder::double_bond;
          at.formal_charge = 1;
          m.atoms[o].formal_charge = -1;
          break;
        }
      }
    } else if ((at.atomic_number == 17 || at.atomic_number == 35 || at.atomic_number == 53) && !bonds_of[a].empty()) {
      // Halogen oxides, Cl(=O)(=O)(=O)[O-] -> [Cl+3]([O-])([O-])([O-])[O-].
      const double v = valence(a);
      if (v != 3 && v != 5 && v != 7) continue;
      bool all_oxygen = true;
      for (int b : bonds_of[a]) all_oxygen = all_oxygen && m.atoms[other(b, a)].atomic_number == 8;
      if (!all_oxygen) continue;
      for (int b : bonds_of[a]) {
        const int o = other(b, a);
        if (m.bonds[b].order == BondOrder::double_bond && terminal(o, 8)) {
          m.bonds[b].order = BondOrder::single;
          ++at.formal_charge;
          m.atoms[o].formal_charge = -1;
        }
      }
    }
  }
}

namespace {

/// "N", "N with charge +1", "C with a radical": the atom as a valence message names it.
std::string atom_kind(const Atom& at) {
  std::string s = at.symbol;
  if (at.formal_charge != 0)
    s += " with charge " + std::string(at.formal_charge > 0 ? "+" : "") + std::to_string(at.formal_charge);
  if (at.radical != 0) s += std::string(at.formal_charge != 0 ? " and" : " with") + " a radical";
  return s;
}

/// "3, 5 or 7": the positive valences of `valens`, shifted by `chr`.
std::string allowed_list(const std::vector<int>& valens, int chr) {
  std::vector<int> values;
  for (int v : valens)
    if (v > 0) values.push_back(v + chr);
  std::string s;
  for (std::size_t i = 0; i < values.size(); ++i)
    s += (i == 0 ? "" : i + 1 == values.size() ? " or " : ", ") + std::to_string(values[i]);
  return s;
}

}  // namespace

std::optional<ValenceProblem> find_valence_problem(const Molecule& m) {
  const int n = static_cast<int>(m.atoms.size());
  std::vector<double> accum(static_cast<std::size_t>(n), 0.0);
  std::vector<bool> aromatic(static_cast<std::size_t>(n), false);
  for (int a = 0; a < n; ++a) {
    accum[a] = m.atoms[a].explicit_hydrogens;
    aromatic[a] = m.atoms[a].aromatic;
  }
  for (const Bond& b : m.bonds) {
    if (b.begin == b.end || b.begin < 0 || b.end < 0 || b.begin >= n || b.end >= n) continue;
    const bool arom = b.order == BondOrder::aromatic || b.aromatic;
    const double v = bond_valence(arom ? BondOrder::aromatic : b.order);
    accum[b.begin] += v;
    accum[b.end] += v;
    if (arom) aromatic[b.begin] = aromatic[b.end] = true;
  }
  // A hydrogen atom that the readers fold into its heavy atom's H count (RDKit removes it before the
  // check) is not checked itself: only its bond counts, on the heavy atom.
  const std::vector<std::int32_t> folds = hydrogen_folds(m);
  for (int a = 0; a < n; ++a) {
    const Atom& at = m.atoms[a];
    const int z = at.atomic_number;
    const auto& valens = valence_list(z);
    if (z <= 0 || valens.empty() || folds[a] >= 0) continue;  // dummy atoms; the d and f blocks take any valence
    const int chr = valence_charge(z, at.formal_charge);
    const int ev = rounded_valence(accum[a], z, chr, aromatic[a]);
    // RDKit's strict explicit valence: the valence shifted by the charge (the other way for atoms with
    // fewer than four outer electrons) may not exceed the element's largest.
    const int shift = outer_electrons(z) >= 4 ? at.formal_charge : -at.formal_charge;
    if (!open_valence(z) && valens.back() > 0 && ev - shift > valens.back())
      return ValenceProblem{a, "valence " + std::to_string(ev) + " is more than the " +
                                   std::to_string(valens.back() + shift) + " that " + atom_kind(at) + " allows"};
    if (at.no_implicit_hydrogens) continue;
    // RDKit's implicit valence, for atoms that may take hydrogens: an allowed valence at this charge must
    // hold the explicit one and the radical electrons (be one of them, for an aromatic atom above its
    // default valence); a lone H may only have charge -1, 0 or +1.
    const int used = ev + radical_electrons(at.radical);
    if (z == 1 && used == 0) {
      if (std::abs(at.formal_charge) > 1)
        return ValenceProblem{a, "a lone hydrogen cannot have charge " + std::to_string(at.formal_charge)};
      continue;
    }
    if (aromatic[a] && used > valens.front() + chr) {
      if (std::none_of(valens.begin(), valens.end(), [&](int v) { return v > 0 && used == v + chr; }))
        return ValenceProblem{a, "valence " + std::to_string(used) + " of an aromatic " + atom_kind(at) +
                                     " is none of those it allows (" + allowed_list(valens, chr) + ")"};
    } else if (!open_valence(z) && used > valens.back() + chr) {
      return ValenceProblem{a, "valence " + std::to_string(used) + " is more than the " +
                                   std::to_string(valens.back() + chr) + " that " + atom_kind(at) + " allows"};
    }
  }
  return std::nullopt;
}

std::string valence_message(const Molecule& m, const ValenceProblem& problem) {
  return "atom " + std::to_string(problem.atom + 1) + " (" + m.atoms[static_cast<std::size_t>(problem.atom)].symbol +
         "): " + problem.reason;
}

}  // namespace gatkit::chem
