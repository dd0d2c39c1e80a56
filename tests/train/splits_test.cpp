// Splits: coverage, disjointness and determinism of random and stratified splits; Bemis-Murcko keys on
// hand-built molecules; DeepChem's scaffold split order.
#include "gatkit/train/splits.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "gatkit/chem/perception.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit::train {
namespace {

using chem::BondOrder;
using chem::Molecule;

// Every index 0 .. n-1 in exactly one list, and each list sorted.
void expect_partition(const Split& s, std::int64_t n) {
  for (const auto* list : {&s.train, &s.val, &s.test}) EXPECT_TRUE(std::is_sorted(list->begin(), list->end()));
  std::vector<std::int64_t> all;
  for (const auto* list : {&s.train, &s.val, &s.test}) all.insert(all.end(), list->begin(), list->end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(static_cast<std::int64_t>(all.size()), n);
  for (std::int64_t i = 0; i < n; ++i) EXPECT_EQ(all[static_cast<std::size_t>(i)], i);
}

TEST(RandomSplit, SizesCoverAndDeterminism) {
  const Split a = random_split(103, 0.8, 0.1, 7);
  EXPECT_EQ(a.train.size(), 82u);  // floor(82.4)
  EXPECT_EQ(a.val.size(), 10u);    // floor(10.3)
  EXPECT_EQ(a.test.size(), 11u);   // the remainder
  expect_partition(a, 103);
  const Split b = random_split(103, 0.8, 0.1, 7);
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.val, b.val);
  EXPECT_EQ(a.test, b.test);
  const Split c = random_split(103, 0.8, 0.1, 8);
  EXPECT_NE(a.train, c.train);
}

TEST(RandomSplit, ExactFractionsAndEdges) {
  const Split s = random_split(10, 0.7, 0.2, 1);  // 10 * 0.7 is 6.9999... in double
  EXPECT_EQ(s.train.size(), 7u);
  EXPECT_EQ(s.val.size(), 2u);
  EXPECT_EQ(s.test.size(), 1u);
  expect_partition(random_split(0, 0.8, 0.1, 1), 0);
  const Split all = random_split(5, 1.0, 0.0, 3);
  EXPECT_EQ(all.train.size(), 5u);
  EXPECT_THROW(random_split(10, 0.8, 0.3, 1), InvalidArgument);
  EXPECT_THROW(random_split(10, -0.1, 0.3, 1), InvalidArgument);
  EXPECT_THROW(random_split(-1, 0.5, 0.3, 1), InvalidArgument);
}

TEST(StratifiedKFold, EachItemTestedOnceAndClassesBalanced) {
  std::vector<std::int64_t> classes;
  for (int i = 0; i < 47; ++i) classes.push_back(i % 5 == 0 ? 2 : i % 3 == 0 ? -1 : 0);  // unbalanced
  const int k = 5;
  const auto splits = stratified_kfold(classes, k, 11);
  ASSERT_EQ(splits.size(), 5u);
  std::map<std::int64_t, int> total;
  for (auto c : classes) ++total[c];
  std::vector<int> times_tested(classes.size(), 0);
  for (std::size_t f = 0; f < splits.size(); ++f) {
    const Split& s = splits[f];
    expect_partition(s, static_cast<std::int64_t>(classes.size()));
    // val is the next fold's test set.
    EXPECT_EQ(s.val, splits[(f + 1) % splits.size()].test);
    for (auto i : s.test) ++times_tested[static_cast<std::size_t>(i)];
    std::map<std::int64_t, int> in_fold;
    for (auto i : s.test) ++in_fold[classes[static_cast<std::size_t>(i)]];
    for (const auto& [c, count] : total) {
      EXPECT_GE(in_fold[c], count / k) << "class " << c;
      EXPECT_LE(in_fold[c], (count + k - 1) / k) << "class " << c;
    }
    EXPECT_GE(s.test.size(), classes.size() / k);
    EXPECT_LE(s.test.size(), (classes.size() + k - 1) / k);
  }
  for (int t : times_tested) EXPECT_EQ(t, 1);
  const auto again = stratified_kfold(classes, k, 11);
  for (int f = 0; f < k; ++f) EXPECT_EQ(again[f].test, splits[f].test);
}

TEST(StratifiedKFold, TwoFoldsHaveNoVal) {
  const std::vector<std::int64_t> classes{0, 1, 0, 1, 0, 1};
  const auto splits = stratified_kfold(classes, 2, 3);
  for (const auto& s : splits) {
    EXPECT_TRUE(s.val.empty());
    EXPECT_EQ(s.test.size(), 3u);
    expect_partition(s, 6);
  }
  EXPECT_THROW(stratified_kfold(classes, 1, 3), InvalidArgument);
  EXPECT_THROW(stratified_kfold(classes, 7, 3), InvalidArgument);
}

// ---- Bemis-Murcko -------------------------------------------------------------------------------

constexpr int C = 6, N = 7, O = 8;

Molecule mol(const std::vector<int>& elements, const std::vector<std::tuple<int, int, int>>& bonds) {
  Molecule m;
  for (int z : elements) {
    chem::Atom a;
    a.atomic_number = static_cast<std::uint8_t>(z);
    a.symbol = chem::element_symbol(z);
    m.atoms.push_back(a);
  }
  for (const auto& [b, e, o] : bonds) {
    chem::Bond bd;
    bd.begin = b;
    bd.end = e;
    bd.order = static_cast<BondOrder>(o);
    bd.aromatic = o == 4;
    m.bonds.push_back(bd);
  }
  return m;
}

// The same molecule with atom i renumbered perm[i] and the bond list reversed (ends swapped).
Molecule permuted(const Molecule& m, const std::vector<int>& perm) {
  Molecule p = m;
  for (std::size_t i = 0; i < m.atoms.size(); ++i) p.atoms[static_cast<std::size_t>(perm[i])] = m.atoms[i];
  p.bonds.clear();
  for (auto it = m.bonds.rbegin(); it != m.bonds.rend(); ++it) {
    chem::Bond b = *it;
    b.begin = perm[static_cast<std::size_t>(it->end)];
    b.end = perm[static_cast<std::size_t>(it->begin)];
    p.bonds.push_back(b);
  }
  return p;
}

std::string key(const Molecule& m) { return murcko_scaffold_key(m, chem::perceive(m)); }

// Kekulé benzene, atoms 0..5.
const std::vector<std::tuple<int, int, int>> kRing{{0, 1, 2}, {1, 2, 1}, {2, 3, 2}, {3, 4, 1}, {4, 5, 2}, {5, 0, 1}};

Molecule benzene() { return mol({C, C, C, C, C, C}, kRing); }
Molecule pyridine() { return mol({N, C, C, C, C, C}, kRing); }
Molecule toluene() {
  auto bonds = kRing;
  bonds.emplace_back(0, 6, 1);
  return mol({C, C, C, C, C, C, C}, bonds);
}
//   ring A (0..5) - ring B (6..11), joined 0-6; with_linker puts a CH2 (12) between them.
Molecule biphenyl(bool with_linker) {
  auto bonds = kRing;
  for (const auto& [b, e, o] : kRing) bonds.emplace_back(b + 6, e + 6, o);
  std::vector<int> elements(12, C);
  if (with_linker) {
    elements.push_back(C);
    bonds.emplace_back(0, 12, 1);
    bonds.emplace_back(12, 6, 1);
  } else {
    bonds.emplace_back(0, 6, 1);
  }
  return mol(elements, bonds);
}

TEST(MurckoScaffold, SideChainsAreStripped) {
  EXPECT_FALSE(key(benzene()).empty());
  EXPECT_EQ(key(benzene()), key(toluene()));
  // Ethylbenzene with a hydroxyl at the chain end: the whole chain goes.
  auto bonds = kRing;
  bonds.emplace_back(0, 6, 1);
  bonds.emplace_back(6, 7, 1);
  bonds.emplace_back(7, 8, 1);
  EXPECT_EQ(key(mol({C, C, C, C, C, C, C, C, O}, bonds)), key(benzene()));
}

TEST(MurckoScaffold, DistinguishesScaffolds) {
  EXPECT_NE(key(benzene()), key(pyridine()));
  EXPECT_NE(key(benzene()), key(biphenyl(false)));
  EXPECT_NE(key(biphenyl(false)), key(biphenyl(true)));  // the CH2 linker is part of the scaffold
  // Cyclohexane differs from benzene (aromaticity), but equals cyclohexanone (=O dropped).
  const Molecule cyclohexane = mol({C, C, C, C, C, C}, {{0, 1, 1}, {1, 2, 1}, {2, 3, 1}, {3, 4, 1}, {4, 5, 1}, {5, 0, 1}});
  const Molecule cyclohexanone =
      mol({C, C, C, C, C, C, O}, {{0, 1, 1}, {1, 2, 1}, {2, 3, 1}, {3, 4, 1}, {4, 5, 1}, {5, 0, 1}, {0, 6, 2}});
  EXPECT_NE(key(cyclohexane), key(benzene()));
  EXPECT_EQ(key(cyclohexane), key(cyclohexanone));
}

TEST(MurckoScaffold, AromaticInputMatchesKekule) {
  const Molecule aromatic = mol({C, C, C, C, C, C}, {{0, 1, 4}, {1, 2, 4}, {2, 3, 4}, {3, 4, 4}, {4, 5, 4}, {5, 0, 4}});
  EXPECT_EQ(key(aromatic), key(benzene()));
}

TEST(MurckoScaffold, InvariantToAtomOrder) {
  // Diphenylmethane with a methyl on ring B and an N in ring A: asymmetric, so a wrong canonicalisation
  // would show.
  Molecule m = biphenyl(true);
  m.atoms[3].atomic_number = N;
  m.atoms[3].symbol = "N";
  m.atoms.push_back(m.atoms[4]);  // methyl carbon, atom 13
  m.atoms[13].atomic_number = C;
  m.atoms[13].symbol = "C";
  chem::Bond methyl;
  methyl.begin = 8;
  methyl.end = 13;
  m.bonds.push_back(methyl);
  const std::vector<int> perm{5, 12, 0, 9, 3, 13, 7, 1, 11, 2, 8, 4, 10, 6};
  EXPECT_EQ(key(m), key(permuted(m, perm)));
  EXPECT_NE(key(m), key(biphenyl(true)));
}

TEST(MurckoScaffold, AcyclicIsEmpty) {
  EXPECT_EQ(key(mol({C, C, O}, {{0, 1, 1}, {1, 2, 1}})), "");  // ethanol
  EXPECT_EQ(key(mol({C}, {})), "");
  EXPECT_EQ(key(Molecule{}), "");
}

TEST(MurckoScaffold, KeysOfMany) {
  const std::vector<Molecule> ms{benzene(), toluene(), pyridine()};
  const auto keys = murcko_scaffold_keys(ms);
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0], keys[1]);
  EXPECT_NE(keys[0], keys[2]);
}

// ---- scaffold split -----------------------------------------------------------------------------

TEST(ScaffoldSplit, DeepChemOrderAndGroupsNeverStraddle) {
  // Groups: A x5 (first 0), B x2 (first 1), C x2 (first 3), "" x1 (9). Sorted: A, C (first 3 > 1), B, "".
  const std::vector<std::string> keys{"A", "B", "A", "C", "A", "B", "C", "A", "A", ""};
  const Split s = scaffold_split(keys, 0.7, 0.2);
  expect_partition(s, 10);
  // A (5 <= 7) -> train; C (7 <= 7) -> train; B (9 > 7; 9 > 9? no) -> val; "" (10 > 7; 10 > 9) -> test.
  EXPECT_EQ(s.train, (std::vector<std::int64_t>{0, 2, 3, 4, 6, 7, 8}));
  EXPECT_EQ(s.val, (std::vector<std::int64_t>{1, 5}));
  EXPECT_EQ(s.test, (std::vector<std::int64_t>{9}));
  for (const auto* a : {&s.train, &s.val, &s.test})
    for (const auto* b : {&s.train, &s.val, &s.test}) {
      if (a == b) continue;
      for (auto i : *a)
        for (auto j : *b) EXPECT_NE(keys[static_cast<std::size_t>(i)], keys[static_cast<std::size_t>(j)]);
    }
}

TEST(ScaffoldSplit, LargeGroupSpillsToTest) {
  const std::vector<std::string> keys{"A", "A", "A", "A", "A", "A", "B", "C"};
  // A (6 > 4) skips train and fills val (6 <= 6); the later, smaller groups still fit in train.
  const Split s = scaffold_split(keys, 0.5, 0.25);
  expect_partition(s, 8);
  EXPECT_EQ(s.train, (std::vector<std::int64_t>{6, 7}));
  EXPECT_EQ(s.val, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_TRUE(s.test.empty());
  EXPECT_THROW(scaffold_split(keys, 0.9, 0.2), InvalidArgument);
}

}  // namespace
}  // namespace gatkit::train
