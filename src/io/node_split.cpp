// Stratified random fractions for node splits (node_split.hpp).
#include "gatkit/io/node_split.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <vector>

#include "gatkit/nn/random.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit {
namespace {

std::int64_t rounded(double count) { return static_cast<std::int64_t>(std::floor(count + 0.5 + 1e-9)); }

}  // namespace

bool is_split_fractions(const std::string& text) {
  return !text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '.') &&
         text.find(',') != std::string::npos;
}

SplitFractions parse_split_fractions(const std::string& text) {
  const std::string usage = "--split expects three fractions train,val,test such as 0.6,0.2,0.2, got '" + text + "'";
  double f[3] = {0, 0, 0};
  std::size_t begin = 0;
  for (int k = 0; k < 3; ++k) {
    const std::size_t end = k < 2 ? text.find(',', begin) : text.size();
    if (end == std::string::npos) throw InvalidArgument(usage);
    const char* first = text.data() + begin;
    const char* last = text.data() + end;
    const auto [ptr, ec] = std::from_chars(first, last, f[k]);
    if (ec != std::errc() || ptr != last || !std::isfinite(f[k]) || f[k] < 0 || f[k] > 1) throw InvalidArgument(usage);
    begin = end + 1;
  }
  if (f[0] <= 0 || f[1] <= 0) throw InvalidArgument(usage + " (train and validation fractions must be positive)");
  if (f[0] + f[1] + f[2] > 1 + 1e-9) throw InvalidArgument(usage + " (the fractions add up to more than 1)");
  return {f[0], f[1], f[2]};
}

void make_stratified_split(NodeDataset& data, const SplitFractions& fractions, std::uint64_t seed) {
  GATKIT_REQUIRE(fractions.train >= 0 && fractions.val >= 0 && fractions.test >= 0 &&
                     fractions.train + fractions.val + fractions.test <= 1 + 1e-9,
                 "stratified split: fractions must be non-negative and sum to at most 1");
  const bool everything = fractions.train + fractions.val + fractions.test >= 1 - 1e-9;
  std::vector<std::vector<NodeId>> by_class(static_cast<std::size_t>(std::max(data.num_classes, 0)));
  for (std::size_t i = 0; i < data.labels.size(); ++i) {
    const std::int32_t c = data.labels[i];
    GATKIT_REQUIRE(c < data.num_classes, "stratified split: node " + std::to_string(i) + " has label " +
                                             std::to_string(c) + " but num_classes is " + std::to_string(data.num_classes));
    if (c >= 0) by_class[static_cast<std::size_t>(c)].push_back(static_cast<NodeId>(i));
  }
  data.train.clear();
  data.val.clear();
  data.test.clear();
  for (std::size_t c = 0; c < by_class.size(); ++c) {
    std::vector<NodeId>& nodes = by_class[c];
    Rng rng(derive_seed(seed, 0x5b117000ull + c));
    for (std::size_t i = nodes.size(); i > 1; --i) std::swap(nodes[i - 1], nodes[rng.below(i)]);
    const auto n = static_cast<std::int64_t>(nodes.size());
    const std::int64_t n_train = std::min(n, rounded(static_cast<double>(n) * fractions.train));
    const std::int64_t n_val = std::min(n - n_train, rounded(static_cast<double>(n) * fractions.val));
    const std::int64_t n_test =
        everything ? n - n_train - n_val : std::min(n - n_train - n_val, rounded(static_cast<double>(n) * fractions.test));
    const auto at = [&](std::int64_t k) { return nodes.begin() + static_cast<std::ptrdiff_t>(k); };
    data.train.insert(data.train.end(), at(0), at(n_train));
    data.val.insert(data.val.end(), at(n_train), at(n_train + n_val));
    data.test.insert(data.test.end(), at(n_train + n_val), at(n_train + n_val + n_test));
  }
  std::sort(data.train.begin(), data.train.end());
  std::sort(data.val.begin(), data.val.end());
  std::sort(data.test.begin(), data.test.end());
}

}  // namespace gatkit
