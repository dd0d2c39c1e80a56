// read_edge_list: golden files (comments, CRLF, CSV header, weights, arbitrary ids) and broken inputs.
#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "gatkit/io/readers.hpp"
#include "io_test_util.hpp"

namespace gatkit::io {
namespace {

using testing::data_path;
using testing::ScratchDir;

std::vector<Edge> edges(std::initializer_list<std::pair<NodeId, NodeId>> list) {
  std::vector<Edge> out;
  for (auto [s, d] : list) out.push_back({s, d});
  return out;
}

TEST(EdgeList, RemapsArbitraryIdsInAscendingOrder) {
  // ids -5, 7, 42, 1000000000 become 0, 1, 2, 3; comments, blank lines, tabs and a self-loop.
  const EdgeList el = read_edge_list(data_path("edges/basic.txt"));
  EXPECT_EQ(el.num_nodes, 4);
  EXPECT_EQ(el.node_ids, (std::vector<std::int64_t>{-5, 7, 42, 1000000000}));
  EXPECT_EQ(el.edges, edges({{3, 0}, {0, 1}, {1, 2}, {2, 3}, {1, 1}}));
  EXPECT_TRUE(el.weights.empty());
}

TEST(EdgeList, CrlfCsvWithHeaderAndNoFinalNewline) {
  const EdgeList el = read_edge_list(data_path("edges/crlf_header.csv"));
  EXPECT_EQ(el.node_ids, (std::vector<std::int64_t>{10, 20, 30, 40}));
  EXPECT_EQ(el.edges, edges({{0, 1}, {1, 2}, {2, 0}, {3, 0}}));
}

TEST(EdgeList, WeightColumn) {
  const EdgeList el = read_edge_list(data_path("edges/weighted.txt"));
  EXPECT_EQ(el.num_nodes, 3);
  EXPECT_EQ(el.edges, edges({{0, 1}, {1, 2}, {2, 0}}));
  EXPECT_EQ(el.weights, (std::vector<float>{0.5f, 2.0f, -12.5f}));
}

TEST(EdgeList, IdsAsIndicesWithoutRemapping) {
  EdgeListOptions options;
  options.remap_ids = false;
  EdgeList el = read_edge_list(data_path("edges/indices.txt"), options);
  EXPECT_EQ(el.num_nodes, 5);  // largest id + 1: node 3 is isolated
  EXPECT_TRUE(el.node_ids.empty());
  EXPECT_EQ(el.edges, edges({{0, 1}, {1, 2}, {2, 4}}));
  options.num_nodes = 10;
  EXPECT_EQ(read_edge_list(data_path("edges/indices.txt"), options).num_nodes, 10);
}

TEST(EdgeList, RemapMatchesNaiveMapForDenseAndSparseIdRanges) {
  // Dense ranges use a lookup table, sparse ones sort + binary search: both must agree with std::map.
  ScratchDir dir;
  std::mt19937_64 rng(7);
  for (const std::int64_t spread : {std::int64_t{50}, std::int64_t{1} << 40}) {
    std::string text;
    std::vector<std::int64_t> raw;
    for (int k = 0; k < 2000; ++k) {
      const std::int64_t a =
          static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(spread)) - spread / 2;
      const std::int64_t b =
          static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(spread)) - spread / 2;
      raw.push_back(a);
      raw.push_back(b);
      text += std::to_string(a) + (k % 2 ? "," : "\t") + std::to_string(b) + "\n";
    }
    const EdgeList el = read_edge_list(dir.write("random.txt", text));
    std::map<std::int64_t, NodeId> index;
    for (std::int64_t id : raw) index[id] = 0;
    NodeId next = 0;
    std::vector<std::int64_t> ids;
    for (auto& [id, i] : index) {
      i = next++;
      ids.push_back(id);
    }
    ASSERT_EQ(el.node_ids, ids);
    ASSERT_EQ(el.edges.size(), 2000u);
    for (std::size_t k = 0; k < el.edges.size(); ++k) {
      EXPECT_EQ(el.edges[k].src, index[raw[2 * k]]);
      EXPECT_EQ(el.edges[k].dst, index[raw[2 * k + 1]]);
    }
  }
}

TEST(EdgeList, BrokenInputs) {
  auto p = [](const char* name) { return data_path(std::string("edges/") + name); };
  EXPECT_PARSE_ERROR(read_edge_list(p("empty.txt")), p("empty.txt"), 0, "the file is empty");
  EXPECT_PARSE_ERROR(read_edge_list(p("only_comments.txt")), p("only_comments.txt"), 0, "no edges found");
  EXPECT_PARSE_ERROR(read_edge_list(p("one_field.txt")), p("one_field.txt"), 3,
                     "expected two node ids (src dst [weight]), found only '7'");
  EXPECT_PARSE_ERROR(read_edge_list(p("non_numeric.txt")), p("non_numeric.txt"), 2,
                     "expected a node id (an integer), found 'abc'");
  EXPECT_PARSE_ERROR(read_edge_list(p("trailing_junk.txt")), p("trailing_junk.txt"), 2, "found '12x'");
  EXPECT_PARSE_ERROR(read_edge_list(p("overflow.txt")), p("overflow.txt"), 2,
                     "found '99999999999999999999' (does not fit in a 64-bit integer)");
  EXPECT_PARSE_ERROR(read_edge_list(p("mixed_weights.txt")), p("mixed_weights.txt"), 3,
                     "expected a weight (line 1 has one");
  EXPECT_PARSE_ERROR(read_edge_list(p("too_many_fields.txt")), p("too_many_fields.txt"), 2,
                     "expected at most three fields");
  EXPECT_PARSE_ERROR(read_edge_list(p("bad_weight.txt")), p("bad_weight.txt"), 2,
                     "expected an edge weight, found 'nan' (not a finite number)");
  EXPECT_PARSE_ERROR(read_edge_list(p("empty_field.csv")), p("empty_field.csv"), 2, "empty field");
  // Only the first data line may be a header.
  EXPECT_PARSE_ERROR(read_edge_list(p("second_header.txt")), p("second_header.txt"), 3, "found 'from'");
  EXPECT_PARSE_ERROR(read_edge_list(p("missing.txt")), p("missing.txt"), 0, "cannot open");
}

TEST(EdgeList, IdsOutOfRangeWithoutRemapping) {
  EdgeListOptions options;
  options.remap_ids = false;
  options.num_nodes = 4;
  const auto indices = data_path("edges/indices.txt");
  EXPECT_PARSE_ERROR(read_edge_list(indices, options), indices, 3,
                     "node id 4 is out of range: expected 0..3 (4 nodes)");
  options.num_nodes = -1;
  const auto basic = data_path("edges/basic.txt");
  EXPECT_PARSE_ERROR(read_edge_list(basic, options), basic, 4,
                     "node id 1000000000 exceeds the limit of 100000000 nodes (Limits::max_nodes");
  options.limits.max_nodes = 2147483647;  // raised: now the negative id on the same line is the problem
  EXPECT_PARSE_ERROR(read_edge_list(basic, options), basic, 4, "node id -5 is out of range");
  ScratchDir dir;
  const auto big = dir.write("big.txt", "0 1\n1 3000000000\n");
  EXPECT_PARSE_ERROR(read_edge_list(big, options), big, 2, "node id 3000000000 is out of range");
  options.limits = Limits{};
  EXPECT_PARSE_ERROR(read_edge_list(big, options), big, 2, "node id 3000000000 exceeds the limit of 100000000 nodes");
  // Remapped, the same id is fine.
  EXPECT_EQ(read_edge_list(big).node_ids, (std::vector<std::int64_t>{0, 1, 3000000000}));
}

TEST(EdgeList, SeparatorsAndSigns) {
  ScratchDir dir;
  const auto f = dir.write("seps.txt", "+1 , 2\n3,\t4\n  5\t\t6  \n");
  EXPECT_EQ(read_edge_list(f).node_ids, (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6}));
  const auto trailing = dir.write("trailing.csv", "1,2,\n");
  EXPECT_PARSE_ERROR(read_edge_list(trailing), trailing, 1, "expected a value after the last ','");
  const auto weight_missing = dir.write("w.txt", "1 2\n2 3 0.5\n");
  EXPECT_PARSE_ERROR(read_edge_list(weight_missing), weight_missing, 2,
                     "found a weight, but line 1 has none");
  const auto huge_weight = dir.write("hw.txt", "1 2 1e300\n");
  EXPECT_PARSE_ERROR(read_edge_list(huge_weight), huge_weight, 1, "out of range for a 32-bit float");
  const auto only_header = dir.write("h.csv", "source,target\n");
  EXPECT_PARSE_ERROR(read_edge_list(only_header), only_header, 0, "no edges found");
}

}  // namespace
}  // namespace gatkit::io
