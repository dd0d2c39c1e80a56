#pragma once
// Stratified random node splits by fractions ("--split 0.6,0.2,0.2") for node-classification data.
#include <cstdint>
#include <string>

#include "gatkit/io/dataset.hpp"

namespace gatkit {

struct SplitFractions {
  double train = 0.6, val = 0.2, test = 0.2;
};

/// "0.6,0.2,0.2" (three fractions in [0, 1], train > 0, val > 0, summing to at most 1 + 1e-9).
/// Throws InvalidArgument naming the text otherwise.
SplitFractions parse_split_fractions(const std::string& text);

/// Whether `text` looks like the fractions form (starts with a digit or '.' and holds a comma), as
/// opposed to a named split such as "random" or "scaffold".
bool is_split_fractions(const std::string& text);

/// Replaces data.train/val/test with a stratified random split of the labelled nodes. Classes are
/// visited in ascending order; the nodes of class c (ascending) are shuffled by Fisher-Yates with
/// gatkit::Rng(derive_seed(seed, c)), then the first round(n_c * train) go to train, the next
/// round(n_c * val) to val and the next round(n_c * test) to test (all the rest when the fractions sum to
/// 1), so every class is represented in proportion (a class of one node goes to train). Deterministic on
/// every platform; the lists come out sorted ascending.
void make_stratified_split(NodeDataset& data, const SplitFractions& fractions, std::uint64_t seed);

}  // namespace gatkit
