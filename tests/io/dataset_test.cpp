// load_node_dataset on the three layouts (tiny folders, then the real Cora when present) and
// make_planetoid_split.
#include "gatkit/io/dataset.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gatkit/io/readers.hpp"
#include "io_test_util.hpp"

namespace gatkit {
namespace {

using io::testing::data_path;
using io::testing::ScratchDir;
namespace fs = std::filesystem;

std::vector<std::string> names(std::initializer_list<const char*> list) { return {list.begin(), list.end()}; }

/// Copies a folder of tests/data/io into a scratch folder, to modify it.
fs::path copy_of(const char* folder, const ScratchDir& dir) {
  const fs::path target = dir.path() / folder;
  fs::copy(data_path(folder), target, fs::copy_options::recursive);
  return target;
}

std::multiset<std::int64_t> class_sizes(const NodeDataset& d) {
  std::map<std::int32_t, std::int64_t> count;
  for (std::int32_t c : d.labels) ++count[c];
  std::multiset<std::int64_t> sizes;
  for (auto [c, n] : count) sizes.insert(n);
  return sizes;
}

TEST(Dataset, PlanetoidTiny) {
  const NodeDataset d = load_node_dataset(data_path("planetoid_tiny"));
  EXPECT_EQ(d.name, "planetoid_tiny");
  EXPECT_EQ(d.layout, "planetoid");
  EXPECT_EQ(d.graph.num_nodes(), 6);
  // Path 0-1-2-3-4-5 symmetrised; the self-loop 0 0 and the repeated 1 0 are gone.
  EXPECT_EQ(d.graph.num_edges(), 10);
  EXPECT_TRUE(d.graph.is_symmetric());
  EXPECT_EQ(d.graph.num_self_loops(), 0);
  ASSERT_TRUE(d.features.is_sparse());
  EXPECT_EQ(d.features.rows(), 6);
  EXPECT_EQ(d.features.cols(), 8);
  EXPECT_EQ(d.features.sparse().nonZeros(), 9);
  EXPECT_EQ(d.labels, (std::vector<std::int32_t>{0, 1, 0, 1, -1, 0}));  // svmlight labels
  EXPECT_EQ(d.num_classes, 2);
  EXPECT_EQ(d.class_names, names({"0", "1"}));
  EXPECT_EQ(d.node_ids, names({"0", "1", "2", "3", "4", "5"}));
  EXPECT_EQ(d.train, (std::vector<NodeId>{0, 1}));
  EXPECT_EQ(d.val, (std::vector<NodeId>{2, 3}));
  EXPECT_EQ(d.test, (std::vector<NodeId>{5}));

  NodeDatasetOptions directed;
  directed.symmetrize = false;
  EXPECT_EQ(load_node_dataset(data_path("planetoid_tiny") / "", directed).graph.num_edges(), 6);
  EXPECT_EQ(load_node_dataset(data_path("planetoid_tiny").string() + "/").name, "planetoid_tiny");
}

TEST(Dataset, PlanetoidLabelsFileAndSplitChecks) {
  ScratchDir dir;
  const fs::path folder = copy_of("planetoid_tiny", dir);
  dir.write("planetoid_tiny/labels.txt", "2\n1\n0\n1\n-1\n0\n");
  const NodeDataset d = load_node_dataset(folder);
  EXPECT_EQ(d.labels, (std::vector<std::int32_t>{2, 1, 0, 1, -1, 0}));
  EXPECT_EQ(d.num_classes, 3);

  dir.write("planetoid_tiny/labels.txt", "2\n1\n0\n1\n-1\n");
  EXPECT_PARSE_ERROR(load_node_dataset(folder), folder / "labels.txt", 0,
                     "has 5 labels, but there are 6 nodes");
  dir.write("planetoid_tiny/labels.txt", "2\n1\n0\n1\n-2\n0\n");
  EXPECT_PARSE_ERROR(load_node_dataset(folder), folder / "labels.txt", 0, "label of node 4 is -2");
  fs::remove(folder / "labels.txt");

  dir.write("planetoid_tiny/test.txt", "4\n");
  EXPECT_PARSE_ERROR(load_node_dataset(folder), folder / "test.txt", 0, "node 4 has no label");
  dir.write("planetoid_tiny/test.txt", "5\n1\n");
  EXPECT_PARSE_ERROR(load_node_dataset(folder), folder / "test.txt", 0, "node 1 is also listed in train.txt");
  dir.write("planetoid_tiny/test.txt", "6\n");
  EXPECT_PARSE_ERROR(load_node_dataset(folder), folder / "test.txt", 1, "node id 6 is out of range");

  // Some split files but not all: an error; none: the Planetoid protocol.
  fs::remove(folder / "test.txt");
  try {
    load_node_dataset(folder);
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("found train.txt val.txt but not test.txt"));
  }
  fs::remove(folder / "train.txt");
  fs::remove(folder / "val.txt");
  const NodeDataset generated = load_node_dataset(folder);
  EXPECT_EQ(generated.train, (std::vector<NodeId>{0, 1, 2, 3, 5}));  // < 20 per class: every labelled node
  EXPECT_TRUE(generated.val.empty());
  EXPECT_TRUE(generated.test.empty());

  // Edge ids are node indices: an id beyond the feature rows is an error naming the line.
  dir.write("planetoid_tiny/edges.txt", "0 1\n1 6\n");
  EXPECT_PARSE_ERROR(load_node_dataset(folder), folder / "edges.txt", 2,
                     "node id 6 is out of range: expected 0..5");
  dir.write("planetoid_tiny/edges.txt", "0 1\n");
  dir.write("planetoid_tiny/features.svmlight", "0 0:1\n1.5 1:1\n");
  EXPECT_PARSE_ERROR(load_node_dataset(folder), folder / "features.svmlight", 0, "label of node 1 is 1.5");
}

TEST(Dataset, NpyTiny) {
  const NodeDataset d = load_node_dataset(data_path("npy_tiny"));
  EXPECT_EQ(d.layout, "npy");
  EXPECT_EQ(d.name, "npy_tiny");
  ASSERT_FALSE(d.features.is_sparse());
  EXPECT_EQ(d.features.dense().rows(), 4);
  EXPECT_EQ(d.features.dense().cols(), 3);
  EXPECT_EQ(d.features.dense()(3, 1), 0.5f);
  EXPECT_EQ(d.labels, (std::vector<std::int32_t>{0, 1, 0, -1}));
  EXPECT_EQ(d.num_classes, 2);
  EXPECT_EQ(d.graph.num_edges(), 6);
  EXPECT_EQ(d.train, (std::vector<NodeId>{0, 1, 2}));
  EXPECT_TRUE(d.val.empty());
}

TEST(Dataset, LinqsTiny) {
  const NodeDataset d = load_node_dataset(data_path("linqs_tiny"));
  EXPECT_EQ(d.layout, "linqs");
  EXPECT_EQ(d.node_ids, names({"10", "20", "30", "40"}));
  EXPECT_EQ(d.class_names, names({"A_class", "B_class"}));
  EXPECT_EQ(d.labels, (std::vector<std::int32_t>{1, 0, 1, 0}));
  EXPECT_EQ(d.num_classes, 2);
  // Triangle 10-20-30 (symmetrised), the self-loop 40 40 removed, the citation of "99" dropped.
  EXPECT_EQ(d.graph.num_edges(), 6);
  EXPECT_EQ(d.graph.in_degree(3), 0);
  EXPECT_EQ(d.train, (std::vector<NodeId>{0, 1, 2, 3}));
}

TEST(Dataset, UnrecognisedFolders) {
  auto expect_error = [](const fs::path& folder, std::initializer_list<const char*> parts) {
    try {
      load_node_dataset(folder);
      ADD_FAILURE() << "expected an error for " << folder;
    } catch (const Error& e) {
      for (const char* part : parts) EXPECT_THAT(e.what(), ::testing::HasSubstr(part));
    }
  };
  expect_error(data_path("no_layout"), {"no dataset layout recognised", "no_layout", "planetoid", "linqs",
                                        "features.npy", "none of these files"});
  expect_error(data_path("no_such_folder"), {"no_such_folder", "does not exist"});
  expect_error(data_path("edges/basic.txt"), {"basic.txt", "is not a folder"});
  ScratchDir dir;
  const fs::path folder = copy_of("linqs_tiny", dir);
  fs::copy_file(folder / "mini.content", folder / "other.content");
  expect_error(folder, {"mini.content", "other.content", "mini.cites"});
  // A folder holding a node data manifest: the error points at it (other JSON files are not named).
  const fs::path karate = fs::path(GATKIT_BUNDLED_DATASETS) / "social" / "karate";
  const fs::path with_manifest = dir.path() / "karate";
  fs::create_directory(with_manifest);
  for (const char* name : {"edges.txt", "labels.csv", "manifest.json"}) fs::copy_file(karate / name, with_manifest / name);
  std::ofstream(with_manifest / "notes.json") << "{\"format\": \"something else\"}";
  expect_error(with_manifest, {"found edges.txt", "manifest.json is a node data manifest: give it as the data"});
  try {
    load_node_dataset(with_manifest);
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::Not(::testing::HasSubstr("notes.json")));
  }
  fs::copy_file(with_manifest / "manifest.json", with_manifest / "second.json");
  expect_error(with_manifest, {"manifest.json, ", "second.json are node data manifests: give one as the data"});
}

TEST(Dataset, PlanetoidSplitProtocol) {
  NodeDataset d;
  d.num_classes = 3;
  for (int i = 0; i < 330; ++i) d.labels.push_back(i % 11 == 10 ? -1 : (i % 3 == 0 && i < 90 ? 2 : i % 2));
  make_planetoid_split(d, 42, 20, 50, 100);
  EXPECT_EQ(d.train.size(), 60u);
  EXPECT_EQ(d.val.size(), 50u);
  EXPECT_EQ(d.test.size(), 100u);
  std::map<std::int32_t, int> per_class;
  std::set<NodeId> seen;
  for (const auto* list : {&d.train, &d.val, &d.test}) {
    EXPECT_TRUE(std::is_sorted(list->begin(), list->end()));
    for (NodeId i : *list) {
      EXPECT_GE(d.labels[i], 0);
      EXPECT_TRUE(seen.insert(i).second) << "node " << i << " in two splits";
    }
  }
  for (NodeId i : d.train) ++per_class[d.labels[i]];
  EXPECT_EQ(per_class, (std::map<std::int32_t, int>{{0, 20}, {1, 20}, {2, 20}}));
  // Golden values, also reproduced by an independent Python implementation (mt19937_64, rejection
  // sampling, Fisher-Yates from the back): the split must not change across platforms or releases.
  EXPECT_EQ(std::vector<NodeId>(d.train.begin(), d.train.begin() + 8),
            (std::vector<NodeId>{0, 3, 9, 15, 18, 23, 24, 27}));
  EXPECT_EQ(std::vector<NodeId>(d.test.begin(), d.test.begin() + 5), (std::vector<NodeId>{1, 2, 4, 5, 11}));

  // Deterministic for a seed (and the same on every platform: no std distribution is involved).
  NodeDataset again = d;
  make_planetoid_split(again, 42, 20, 50, 100);
  EXPECT_EQ(again.train, d.train);
  EXPECT_EQ(again.test, d.test);
  make_planetoid_split(again, 43, 20, 50, 100);
  EXPECT_NE(again.train, d.train);
  // Fewer when the graph is small: 300 labelled nodes, 60 train, 240 left for val, none for test.
  make_planetoid_split(again, 1, 20, 1000, 1000);
  EXPECT_EQ(again.val.size(), 240u);
  EXPECT_TRUE(again.test.empty());
  EXPECT_THROW(make_planetoid_split(again, 1, -1, 0, 0), InvalidArgument);
}

// ---- the real Cora: bundled in datasets/ (cora, cora-linqs), else ../shared; skipped when absent ---

const fs::path bundled = fs::path(GATKIT_BUNDLED_DATASETS);
const fs::path cora = fs::exists(bundled / "cora" / "features.svmlight") ? bundled / "cora"
                                                                        : fs::path(GATKIT_SHARED_DATASETS) / "cora";
const fs::path cora_linqs = fs::exists(bundled / "cora-linqs" / "cora.content")
                                ? bundled / "cora-linqs"
                                : fs::path(GATKIT_SHARED_DATASETS) / "cora" / "linqs";

TEST(Dataset, RealCoraPlanetoid) {
  if (!fs::exists(cora / "features.svmlight")) GTEST_SKIP() << "no " << cora;
  const NodeDataset d = load_node_dataset(cora);
  EXPECT_EQ(d.name, "cora");
  EXPECT_EQ(d.layout, "planetoid");
  EXPECT_EQ(d.graph.num_nodes(), 2708);
  EXPECT_EQ(d.features.rows(), 2708);
  EXPECT_EQ(d.features.cols(), 1433);
  ASSERT_TRUE(d.features.is_sparse());
  EXPECT_EQ(d.features.sparse().nonZeros(), 49216);
  EXPECT_EQ(d.graph.num_edges(), 10556);
  EXPECT_TRUE(d.graph.is_symmetric());
  EXPECT_EQ(d.num_classes, 7);
  EXPECT_EQ(d.train.size(), 140u);
  EXPECT_EQ(d.val.size(), 500u);
  EXPECT_EQ(d.test.size(), 1000u);
  EXPECT_EQ(class_sizes(d), (std::multiset<std::int64_t>{351, 217, 418, 818, 426, 298, 180}));
}

TEST(Dataset, RealCoraLinqs) {
  if (!fs::exists(cora_linqs / "cora.content")) GTEST_SKIP() << "no " << cora_linqs;
  const io::LinqsData raw = io::read_linqs(cora_linqs / "cora.content", cora_linqs / "cora.cites");
  EXPECT_EQ(raw.edges.size() + static_cast<std::size_t>(raw.dangling_citations), 5429u);
  EXPECT_EQ(raw.features.nonZeros(), 49216);

  const NodeDataset d = load_node_dataset(cora_linqs);
  EXPECT_EQ(d.layout, "linqs");
  EXPECT_EQ(d.name, cora_linqs.filename().string());
  EXPECT_EQ(d.graph.num_nodes(), 2708);
  EXPECT_EQ(d.features.cols(), 1433);
  EXPECT_EQ(d.num_classes, 7);
  EXPECT_EQ(d.class_names,
            names({"Case_Based", "Genetic_Algorithms", "Neural_Networks", "Probabilistic_Methods",
                   "Reinforcement_Learning", "Rule_Learning", "Theory"}));
  EXPECT_EQ(class_sizes(d), (std::multiset<std::int64_t>{351, 217, 418, 818, 426, 298, 180}));
  EXPECT_EQ(d.graph.num_edges(), 10556);  // 5278 distinct undirected pairs
  EXPECT_EQ(d.train.size(), 140u);
  EXPECT_EQ(d.val.size(), 500u);
  EXPECT_EQ(d.test.size(), 1000u);
}

}  // namespace
}  // namespace gatkit
