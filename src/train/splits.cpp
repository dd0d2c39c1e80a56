// Splits: see include/gatkit/train/splits.hpp for the rules each function follows.
#include "gatkit/train/splits.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "gatkit/nn/random.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit::train {
namespace {

void check_fractions(double train_fraction, double val_fraction, const char* what) {
  GATKIT_REQUIRE(train_fraction >= 0 && train_fraction <= 1 && val_fraction >= 0 && val_fraction <= 1,
                 std::string(what) + ": fractions must lie in [0, 1], got " + std::to_string(train_fraction) +
                     " and " + std::to_string(val_fraction));
  GATKIT_REQUIRE(train_fraction + val_fraction <= 1 + 1e-12,
                 std::string(what) + ": train_fraction + val_fraction exceeds 1");
}

/// floor(n * f), forgiving a relative representation error of 1e-9 (10 * 0.7 == 6.9999... -> 7).
std::int64_t floor_count(std::int64_t n, double f) {
  const double x = static_cast<double>(n) * f;
  return std::min<std::int64_t>(n, static_cast<std::int64_t>(std::floor(x * (1 + 1e-9))));
}

void shuffle(std::vector<std::int64_t>& v, Rng& rng) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

void sort_split(Split& s) {
  std::sort(s.train.begin(), s.train.end());
  std::sort(s.val.begin(), s.val.end());
  std::sort(s.test.begin(), s.test.end());
}

std::uint64_t combine(std::uint64_t h, std::uint64_t v) { return mix64(h ^ mix64(v + 0x51ed2705a3b1c4e7ull)); }

std::uint64_t hash_string(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a, then mixed
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return mix64(h);
}

}  // namespace

Split random_split(std::int64_t n, double train_fraction, double val_fraction, std::uint64_t seed) {
  GATKIT_REQUIRE(n >= 0, "random_split: negative item count");
  check_fractions(train_fraction, val_fraction, "random_split");
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), std::int64_t{0});
  Rng rng(seed);
  shuffle(order, rng);
  const std::int64_t n_train = floor_count(n, train_fraction);
  const std::int64_t n_val = std::min(n - n_train, floor_count(n, val_fraction));
  Split s;
  s.train.assign(order.begin(), order.begin() + n_train);
  s.val.assign(order.begin() + n_train, order.begin() + n_train + n_val);
  s.test.assign(order.begin() + n_train + n_val, order.end());
  sort_split(s);
  return s;
}

std::vector<Split> stratified_kfold(std::span<const std::int64_t> classes, int k, std::uint64_t seed) {
  GATKIT_REQUIRE(k >= 2, "stratified_kfold: k must be at least 2, got " + std::to_string(k));
  GATKIT_REQUIRE(static_cast<std::size_t>(k) <= classes.size(),
                 "stratified_kfold: k = " + std::to_string(k) + " exceeds the " + std::to_string(classes.size()) +
                     " items");
  std::map<std::int64_t, std::vector<std::int64_t>> by_class;  // ordered: classes dealt in ascending order
  for (std::size_t i = 0; i < classes.size(); ++i) by_class[classes[i]].push_back(static_cast<std::int64_t>(i));
  Rng rng(seed);
  std::vector<std::vector<std::int64_t>> folds(static_cast<std::size_t>(k));
  std::size_t next_fold = 0;
  for (auto& [label, items] : by_class) {
    shuffle(items, rng);
    for (std::int64_t item : items) {
      folds[next_fold].push_back(item);
      next_fold = (next_fold + 1) % folds.size();
    }
  }
  std::vector<Split> splits(static_cast<std::size_t>(k));
  for (int f = 0; f < k; ++f) {
    const int val_fold = k > 2 ? (f + 1) % k : -1;
    Split& s = splits[static_cast<std::size_t>(f)];
    for (int g = 0; g < k; ++g) {
      auto& target = g == f ? s.test : g == val_fold ? s.val : s.train;
      const auto& fold = folds[static_cast<std::size_t>(g)];
      target.insert(target.end(), fold.begin(), fold.end());
    }
    sort_split(s);
  }
  return splits;
}

std::string murcko_scaffold_key(const chem::Molecule& molecule, const chem::Perception& perception) {
  const std::size_t n = molecule.atoms.size();
  GATKIT_REQUIRE(perception.atom_in_ring.size() == n && perception.atom_aromatic.size() == n &&
                     perception.bond_aromatic.size() == molecule.bonds.size(),
                 "murcko_scaffold_key: perception does not belong to this molecule");
  if (std::none_of(perception.atom_in_ring.begin(), perception.atom_in_ring.end(), [](bool r) { return r; }))
    return "";

  // 1. Adjacency: (neighbour, bond index) per atom.
  std::vector<std::vector<std::pair<std::int32_t, std::size_t>>> adjacent(n);
  for (std::size_t b = 0; b < molecule.bonds.size(); ++b) {
    const auto& bond = molecule.bonds[b];
    GATKIT_REQUIRE(bond.begin >= 0 && bond.end >= 0 && static_cast<std::size_t>(bond.begin) < n &&
                       static_cast<std::size_t>(bond.end) < n,
                   "murcko_scaffold_key: bond " + std::to_string(b) + " refers to a missing atom");
    adjacent[static_cast<std::size_t>(bond.begin)].emplace_back(bond.end, b);
    adjacent[static_cast<std::size_t>(bond.end)].emplace_back(bond.begin, b);
  }

  // 2. Prune: non-ring atoms with at most one kept neighbour go, until none is left.
  std::vector<bool> kept(n, true);
  std::vector<std::int64_t> degree(n);
  std::vector<std::size_t> queue;
  for (std::size_t a = 0; a < n; ++a) {
    degree[a] = static_cast<std::int64_t>(adjacent[a].size());
    if (!perception.atom_in_ring[a] && degree[a] <= 1) queue.push_back(a);
  }
  while (!queue.empty()) {
    const std::size_t a = queue.back();
    queue.pop_back();
    if (!kept[a]) continue;
    kept[a] = false;
    for (const auto& [nb, b] : adjacent[a]) {
      const auto u = static_cast<std::size_t>(nb);
      if (!kept[u]) continue;
      if (--degree[u] <= 1 && !perception.atom_in_ring[u]) queue.push_back(u);
    }
  }

  // 3. Weisfeiler-Lehman refinement on the kept atoms.
  std::vector<std::size_t> atoms;
  for (std::size_t a = 0; a < n; ++a)
    if (kept[a]) atoms.push_back(a);
  std::size_t bond_count = 0;
  for (const auto& bond : molecule.bonds)
    bond_count += kept[static_cast<std::size_t>(bond.begin)] && kept[static_cast<std::size_t>(bond.end)];
  auto bond_label = [&](std::size_t b) -> std::uint64_t {
    return perception.bond_aromatic[b] ? 4u : static_cast<std::uint64_t>(molecule.bonds[b].order);
  };
  std::vector<std::uint64_t> label(n, 0), next(n, 0);
  for (std::size_t a : atoms) {
    const auto& atom = molecule.atoms[a];
    const std::uint64_t element = atom.atomic_number != 0 ? atom.atomic_number : hash_string(atom.symbol);
    label[a] = combine(combine(0x6a09e667f3bcc908ull, element), perception.atom_aromatic[a] ? 1 : 0);
  }
  const std::size_t iterations = std::max<std::size_t>(3, atoms.size());
  std::vector<std::uint64_t> neighbourhood;
  for (std::size_t it = 0; it < iterations; ++it) {
    for (std::size_t a : atoms) {
      neighbourhood.clear();
      for (const auto& [nb, b] : adjacent[a])
        if (kept[static_cast<std::size_t>(nb)])
          neighbourhood.push_back(combine(bond_label(b), label[static_cast<std::size_t>(nb)]));
      std::sort(neighbourhood.begin(), neighbourhood.end());  // a multiset: order-free
      std::uint64_t h = combine(label[a], neighbourhood.size());
      for (std::uint64_t v : neighbourhood) h = combine(h, v);
      next[a] = h;
    }
    for (std::size_t a : atoms) label[a] = next[a];
  }

  // 4. The key: counts, then the sorted multiset of final labels.
  std::vector<std::uint64_t> final_labels;
  final_labels.reserve(atoms.size());
  for (std::size_t a : atoms) final_labels.push_back(label[a]);
  std::sort(final_labels.begin(), final_labels.end());
  // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on chained operator+.
  std::string key = "a";
  key.append(std::to_string(atoms.size()));
  key.append("b");
  key.append(std::to_string(bond_count));
  key.append(":");
  char hex[17];
  for (std::size_t i = 0; i < final_labels.size(); ++i) {
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(final_labels[i]));
    if (i > 0) key += ',';
    key += hex;
  }
  return key;
}

std::vector<std::string> murcko_scaffold_keys(std::span<const chem::Molecule> molecules) {
  std::vector<std::string> keys;
  keys.reserve(molecules.size());
  for (const auto& m : molecules) keys.push_back(murcko_scaffold_key(m, chem::perceive(m)));
  return keys;
}

Split scaffold_split(std::span<const std::string> keys, double train_fraction, double val_fraction) {
  check_fractions(train_fraction, val_fraction, "scaffold_split");
  // Groups in order of first appearance, so each group's first index is its front().
  std::unordered_map<std::string, std::size_t> group_of;
  std::vector<std::vector<std::int64_t>> groups;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto [it, inserted] = group_of.try_emplace(keys[i], groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(static_cast<std::int64_t>(i));
  }
  std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
    if (a.size() != b.size()) return a.size() > b.size();
    return a.front() > b.front();  // DeepChem: sorted((len, first), reverse=True)
  });
  const double n = static_cast<double>(keys.size());
  const double train_cutoff = train_fraction * n;
  const double val_cutoff = (train_fraction + val_fraction) * n;
  Split s;
  for (const auto& group : groups) {
    const double size = static_cast<double>(group.size());
    auto& target = static_cast<double>(s.train.size()) + size <= train_cutoff ? s.train
                   : static_cast<double>(s.train.size() + s.val.size()) + size <= val_cutoff ? s.val
                                                                                              : s.test;
    target.insert(target.end(), group.begin(), group.end());
  }
  sort_split(s);
  return s;
}

}  // namespace gatkit::train
