#pragma once
// Train/validation/test splits of item indices for graph-level data sets: random, stratified k-fold,
// and the deterministic Bemis-Murcko scaffold split of DeepChem/MoleculeNet.
//
// Every index list in a Split is sorted ascending, and the three lists of a Split are disjoint and
// together cover 0 .. n-1 (stratified_kfold: each Split covers every item once). Randomness comes from
// gatkit::Rng only, so a seed gives the same split on every platform and standard library.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "gatkit/chem/molecule.hpp"
#include "gatkit/chem/perception.hpp"

namespace gatkit::train {

/// Indices of items, each list sorted ascending.
struct Split {
  std::vector<std::int64_t> train, val, test;
};

/// A uniformly random split of 0 .. n-1: a Fisher-Yates shuffle (gatkit::Rng(seed)), then the first
/// floor(n * train_fraction) shuffled items go to train, the next floor(n * val_fraction) to val and the
/// remainder to test (so rounding never loses an item; floor ignores a relative error of 1e-9 so that
/// 10 * 0.7 counts as 7). Requires n >= 0, fractions in [0, 1], train_fraction + val_fraction <= 1.
Split random_split(std::int64_t n, double train_fraction, double val_fraction, std::uint64_t seed);

/// k stratified folds over items with the given class labels (any integer values). The items of each
/// class (classes in ascending order) are shuffled with gatkit::Rng(seed) and dealt round-robin to the
/// folds, the deal continuing across classes: every fold holds floor or ceil of count/k items of every
/// class and floor or ceil of n/k items in all. Split f has test = fold f, val = fold (f + 1) mod k and
/// train = the other k - 2 folds; with k == 2 val is empty and train is the other fold.
/// Requires 2 <= k <= classes.size().
std::vector<Split> stratified_kfold(std::span<const std::int64_t> classes, int k, std::uint64_t seed);

/// A canonical key of the Bemis-Murcko scaffold of `molecule` (`perception` = chem::perceive(molecule)):
///  - scaffold: the ring atoms plus the linker atoms on paths between ring systems, found by repeatedly
///    removing non-ring atoms with at most one remaining neighbour. Side chains go, and so do exocyclic
///    double-bonded atoms (=O on a ring or on a linker), which RDKit's MurckoScaffold would keep: a
///    documented simplification (cyclohexanone and cyclohexane share a key). Hydrogens and charges are
///    ignored; ring fragments of a multi-fragment record (salts) are all kept.
///  - key: Weisfeiler-Lehman refinement of the scaffold graph (atom label = element + perceived
///    aromaticity; bond label = perceived aromatic or the bond order; max(3, atoms) iterations of
///    64-bit hashing), written as "a<atoms>b<bonds>:" followed by the sorted final labels in hex.
///    Independent of atom and bond order. Distinct scaffolds that WL cannot tell apart (rare for
///    molecules: e.g. some regular graphs) share a key.
///  - an acyclic molecule has the empty scaffold, key "" (all grouped together, as DeepChem does).
std::string murcko_scaffold_key(const chem::Molecule& molecule, const chem::Perception& perception);

/// murcko_scaffold_key of each molecule, perceiving each.
std::vector<std::string> murcko_scaffold_keys(std::span<const chem::Molecule> molecules);

/// DeepChem's ScaffoldSplitter (deterministic): items are grouped by key; groups are ordered by size
/// descending, ties by first index *descending* (DeepChem sorts (size, first index) with reverse=True);
/// each group in turn goes to train if train would then hold at most train_fraction * n items, else to
/// val if train + val would hold at most (train_fraction + val_fraction) * n, else to test. A group is
/// never split. Requires fractions in [0, 1] with train_fraction + val_fraction <= 1.
Split scaffold_split(std::span<const std::string> keys, double train_fraction, double val_fraction);

}  // namespace gatkit::train
