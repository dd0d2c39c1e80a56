// Node data manifests: the golden "club" tables (string ids, quoted fields, ids present in one table
// only), strict joins, overrides, broken manifests and split files, and the four bundled social graphs.
#include "gatkit/io/manifest.hpp"

#include <set>
#include <string>
#include <vector>

#include "gatkit/io/structural_features.hpp"
#include "io_test_util.hpp"

namespace gatkit {
namespace {

using io::testing::data_path;
using io::testing::ScratchDir;
namespace fs = std::filesystem;

using Strings = std::vector<std::string>;

fs::path club() { return data_path("social/club/manifest.json"); }

/// The club manifest with `replace` substituted for `find` (which must occur), written into dir.
fs::path edited_club(const ScratchDir& dir, const std::string& find, const std::string& replace) {
  for (const auto& e : fs::directory_iterator(data_path("social/club")))
    fs::copy_file(e.path(), dir.path() / e.path().filename(), fs::copy_options::overwrite_existing);
  std::ifstream in(club());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto at = text.find(find);
  EXPECT_NE(at, std::string::npos) << find;
  if (at != std::string::npos) text.replace(at, find.size(), replace);
  return dir.write("manifest.json", text);
}

TEST(Manifest, ClubJoinsAllTablesAndReportsStrays) {
  const LoadedNodeData loaded = load_node_manifest(club());
  const NodeDataset& d = loaded.data;
  EXPECT_EQ(d.name, "club");
  EXPECT_EQ(d.layout, "manifest");
  // First appearance: edges, then features (zed), then labels (yan).
  EXPECT_EQ(d.node_ids, (Strings{"alice", "bob", "carol", "dave", "o'neil, jr.", "eve", "frank", "zed", "yan"}));
  EXPECT_EQ(d.graph.num_nodes(), 9);
  EXPECT_EQ(d.graph.num_edges(), 10);  // 5 undirected: the self-loop and the repeated bob-alice are gone
  EXPECT_TRUE(d.graph.is_symmetric());
  ASSERT_TRUE(d.features.is_sparse());
  EXPECT_EQ(d.features.cols(), 4);
  EXPECT_EQ(d.features.sparse().coeff(7, 1), 1.0f);   // zed's row moved to node 7
  EXPECT_EQ(d.features.sparse().coeff(4, 0), 1.0f);   // "o'neil, jr."
  EXPECT_EQ(d.features.sparse().row(6).nonZeros(), 0);  // frank: no feature row
  EXPECT_EQ(d.class_names, (Strings{"maybe", "no", "yes"}));
  EXPECT_EQ(d.num_classes, 3);
  EXPECT_EQ(d.labels, (std::vector<std::int32_t>{2, 1, 2, -1, 1, 0, -1, -1, 1}));
  EXPECT_EQ(d.train, (std::vector<NodeId>{0, 1, 5}));
  EXPECT_EQ(d.val, (std::vector<NodeId>{2}));
  EXPECT_EQ(d.test, (std::vector<NodeId>{4, 8}));

  const JoinReport& r = loaded.report;
  EXPECT_EQ(r.nodes, 9);
  ASSERT_EQ(r.missing.size(), 3u);
  EXPECT_EQ(r.missing[0].table, "edges");
  EXPECT_EQ(r.missing[0].examples, (Strings{"zed", "yan"}));
  EXPECT_EQ(r.missing[1].table, "features");
  EXPECT_EQ(r.missing[1].examples, (Strings{"frank", "yan"}));
  EXPECT_EQ(r.missing[2].table, "labels");
  EXPECT_EQ(r.missing[2].examples, (Strings{"frank", "zed"}));
  EXPECT_EQ(r.only_in_one_table, 3);
  EXPECT_EQ(r.only_in_one_examples, (Strings{"frank", "zed", "yan"}));
  const Strings lines = r.lines();
  const std::string all = [&] { std::string s; for (const auto& l : lines) s += l + "\n"; return s; }();
  EXPECT_THAT(all, ::testing::HasSubstr("edges: 2 of 9 node ids are in no edge (isolated nodes): 'zed', 'yan'"));
  EXPECT_THAT(all, ::testing::HasSubstr("join: 3 node ids appear in only one table: 'frank', 'zed', 'yan'"));
  EXPECT_THAT(all, ::testing::HasSubstr("edges: 1 self-loops removed"));
  EXPECT_THAT(all, ::testing::HasSubstr("edges: 1 rows repeat an edge"));
  EXPECT_THAT(all, ::testing::HasSubstr("features: 1 (node, feature) pairs are listed more than once, e.g. node bob feature 1"));
  EXPECT_THAT(all, ::testing::HasSubstr("labels: 1 rows have an empty label"));
}

TEST(Manifest, MusaeJsonFeaturesGiveTheSameMatrix) {
  ScratchDir dir;
  const fs::path m = edited_club(dir, R"("file": "features.csv", "format": "long-csv")", R"("file": "features.json", "format": "musae-json")");
  const NodeDataset json = load_node_manifest(m).data;
  const NodeDataset csv = load_node_manifest(club()).data;
  ASSERT_EQ(json.node_ids, csv.node_ids);
  // Same structure; the CSV has values 0.5 and 2 where the JSON has 1.
  EXPECT_EQ(json.features.sparse().nonZeros(), csv.features.sparse().nonZeros());
  EXPECT_EQ(json.features.sparse().coeff(0, 2), 1.0f);
  EXPECT_EQ(csv.features.sparse().coeff(0, 2), 0.5f);
}

TEST(Manifest, StrictJoinNamesTheTable) {
  ScratchDir dir;
  const fs::path m = edited_club(dir, R"("name": "club",)", R"("name": "club", "join": "strict",)");
  EXPECT_PARSE_ERROR(load_node_manifest(m), dir.path() / "edges.csv", 0,
                     "\"join\": \"strict\": 2 node ids of the other tables are not in this edge list: 'zed', 'yan'");
}

TEST(Manifest, Overrides) {
  NodeManifestOverrides o;
  o.label_column = "name";
  o.structural_features = Strings{"degree"};
  o.split_fractions = SplitFractions{0.5, 0.5, 0.0};
  const NodeDataset d = load_node_manifest(club(), o).data;
  EXPECT_EQ(d.num_classes, 7);  // seven names (dave has a name, no "likes"; frank and zed have no row)
  EXPECT_EQ(d.class_names.front(), "Alice \"Al\" Smith");
  EXPECT_EQ(d.features.cols(), 4 + degree_buckets);
  EXPECT_EQ(d.features.sparse().coeff(1, 4 + 2), 1.0f);  // bob has two neighbours
  EXPECT_EQ(d.train.size() + d.val.size() + d.test.size(), 7u);  // every labelled node, one class each
  o.label_column = "nickname";
  EXPECT_PARSE_ERROR(load_node_manifest(club(), o), data_path("social/club/labels.csv"), 1,
                     "no column 'nickname' (the label column)");
}

TEST(Manifest, NumericIdsAreOrderedNumerically) {
  ScratchDir dir;
  dir.write("e.csv", "a,b\n10,2\n2,7\n");
  dir.write("l.csv", "id,y\n7,x\n10,y\n2,x\n");
  const fs::path m = dir.write("m.json", R"({"format": "gatkit-node-manifest", "edges": {"file": "e.csv"},
    "labels": {"file": "l.csv"}, "structural_features": "identity", "split": {"fractions": [0.34, 0.33, 0.33]}})");
  const NodeDataset d = load_node_manifest(m).data;
  EXPECT_EQ(d.node_ids, (Strings{"2", "7", "10"}));
  EXPECT_EQ(d.labels, (std::vector<std::int32_t>{0, 0, 1}));
  EXPECT_EQ(d.name, dir.path().filename().string());  // no "name": the folder's
  EXPECT_EQ(d.features.cols(), 3);
}

TEST(Manifest, NoFeaturesNeedsStructuralOnes) {
  ScratchDir dir;
  dir.write("e.txt", "1 2\n2 3\n");
  dir.write("l.txt", "1 a\n2 b\n3 a\n");
  const fs::path m = dir.write("m.json", R"({"format": "gatkit-node-manifest", "edges": {"file": "e.txt", "format": "edgelist"},
    "labels": {"file": "l.txt", "format": "pairs"}})");
  try {
    load_node_manifest(m);
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("the nodes have no features; add a \"features\" table or structural features"));
  }
  NodeManifestOverrides o;
  o.structural_features = Strings{"degree"};
  const NodeDataset d = load_node_manifest(m, o).data;
  EXPECT_EQ(d.features.cols(), degree_buckets);
  EXPECT_EQ(d.num_classes, 2);
}

TEST(Manifest, BrokenManifests) {
  ScratchDir dir;
  const fs::path f = dir.path() / "m.json";
  auto write = [&](const std::string& text) { return dir.write("m.json", text); };
  const std::string head = R"({"format": "gatkit-node-manifest", )";
  const std::string edges = R"("edges": {"file": "e.csv"}, )";
  const std::string labels = R"("labels": {"file": "l.csv"})";
  EXPECT_PARSE_ERROR(read_node_manifest(write("{\"format\": \"gatkit-node-manifest\",\n \"edges\": }")), f, 2, "invalid JSON");
  EXPECT_PARSE_ERROR(read_node_manifest(write(R"({"format": "gatkit-graphs"})")), f, 0,
                     "format: expected \"gatkit-node-manifest\"");
  EXPECT_PARSE_ERROR(read_node_manifest(write(head + labels + "}")), f, 0, "missing \"edges\"");
  EXPECT_PARSE_ERROR(read_node_manifest(write(head + edges + R"("lables": {}, )" + labels + "}")), f, 0,
                     "unknown key \"lables\"");
  EXPECT_PARSE_ERROR(read_node_manifest(write(head + R"("edges": {"file": "e.csv", "format": "tsv"}, )" + labels + "}")),
                     f, 0, "edges.format: expected \"csv\" (with a header) or \"edgelist\"");
  EXPECT_PARSE_ERROR(read_node_manifest(write(head + R"("edges": {"file": "e.csv", "source": 0}, )" + labels + "}")), f,
                     0, "edges.source: expected a column name (a string) for a CSV table");
  EXPECT_PARSE_ERROR(read_node_manifest(write(head + R"("edges": {"file": ""}, )" + labels + "}")), f, 0,
                     "edges.file: expected a non-empty string");
  EXPECT_PARSE_ERROR(
      read_node_manifest(write(head + edges + R"("features": {"file": "f.csv", "format": "parquet"}, )" + labels + "}")),
      f, 0, "features.format: expected \"long-csv\", \"musae-json\", \"svmlight\" or \"npy\"");
  EXPECT_PARSE_ERROR(read_node_manifest(write(head + edges + labels + R"(, "split": {"fractions": [0.9, 0.2, 0.1]}})")), f,
                     0, "split.fractions: --split expects three fractions");
  EXPECT_PARSE_ERROR(read_node_manifest(write(head + edges + labels + R"(, "split": {"train": "t.txt"}})")), f, 0,
                     "split: missing \"val\"");
  EXPECT_PARSE_ERROR(read_node_manifest(write(head + edges + labels + R"(, "structural_features": "pagerank"})")), f, 0,
                     "structural_features: structural features: unknown kind 'pagerank'");
  EXPECT_PARSE_ERROR(read_node_manifest(write(head + edges + labels + R"(, "join": "inner"})")), f, 0,
                     "join: expected \"union\" or \"strict\"");
  EXPECT_PARSE_ERROR(read_node_manifest(write("[1, 2]")), f, 0, "expected an object");
  // A table the manifest names but that is not there: the table's own error, naming it.
  const fs::path ok = write(head + edges + labels + R"(, "structural_features": "degree"})");
  EXPECT_PARSE_ERROR(load_node_manifest(ok), dir.path() / "e.csv", 0, "cannot open");
}

TEST(Manifest, BrokenSplitFiles) {
  ScratchDir dir;
  const fs::path unknown = edited_club(dir, R"("test": "test.txt")", R"("test": "test_unknown.txt")");
  dir.write("test_unknown.txt", "yan\nzoe\n");
  EXPECT_PARSE_ERROR(load_node_manifest(unknown), dir.path() / "test_unknown.txt", 2,
                     "node id 'zoe' is not a node of the data set");
  const fs::path overlap = edited_club(dir, R"("test": "test.txt")", R"("test": "train.txt")");
  EXPECT_PARSE_ERROR(load_node_manifest(overlap), dir.path() / "train.txt", 0,
                     "node alice is also a training or validation node");
  const fs::path unlabelled = edited_club(dir, R"("val": "val.txt")", R"("val": "val_dave.txt")");
  dir.write("val_dave.txt", "dave\n");
  EXPECT_PARSE_ERROR(load_node_manifest(unlabelled), dir.path() / "val_dave.txt", 1, "node 'dave' has no label");
  // Validation on the training nodes is allowed (one-shot protocols) and reported.
  const fs::path same = edited_club(dir, R"("val": "val.txt")", R"("val": "train.txt")");
  const LoadedNodeData d = load_node_manifest(same);
  EXPECT_EQ(d.data.val, d.data.train);
  EXPECT_THAT(d.report.lines().back(), ::testing::HasSubstr("3 of 3 validation nodes are training nodes"));
}

TEST(Manifest, IsNodeManifest) {
  EXPECT_TRUE(is_node_manifest(club()));
  EXPECT_FALSE(is_node_manifest(fs::path(GATKIT_TEST_DATA) / "chem/json/molecules.json"));
  EXPECT_FALSE(is_node_manifest(data_path("social/club")));
  EXPECT_FALSE(is_node_manifest(data_path("social/club/absent.json")));
}

// ---- the bundled social graphs ----------------------------------------------------------------------

fs::path bundled(const std::string& name) {
  return fs::path(GATKIT_BUNDLED_DATASETS) / "social" / name / "manifest.json";
}

TEST(BundledSocial, Karate) {
  const NodeDataset d = load_node_manifest(bundled("karate")).data;
  EXPECT_EQ(d.graph.num_nodes(), 34);
  EXPECT_EQ(d.graph.num_edges(), 156);
  EXPECT_EQ(d.class_names, (Strings{"Mr. Hi", "Officer"}));
  EXPECT_EQ(d.train, (std::vector<NodeId>{0, 33}));
  EXPECT_EQ(d.val, d.train);
  EXPECT_EQ(d.test.size(), 32u);
  EXPECT_EQ(d.features.cols(), 34);  // identity
}

TEST(BundledSocial, EmailEuCore) {
  const NodeDataset d = load_node_manifest(bundled("email_eu_core")).data;
  EXPECT_EQ(d.graph.num_nodes(), 1005);
  EXPECT_EQ(d.graph.num_edges(), 2 * 16064);
  EXPECT_EQ(d.num_classes, 42);
  EXPECT_EQ(d.features.cols(), degree_buckets);
  EXPECT_EQ(d.train.size() + d.val.size() + d.test.size(), 1005u);
}

TEST(BundledSocial, TwitchEn) {
  const LoadedNodeData loaded = load_node_manifest(bundled("twitch_en"));
  const NodeDataset& d = loaded.data;
  EXPECT_EQ(d.graph.num_nodes(), 7126);
  EXPECT_EQ(d.graph.num_edges(), 2 * 35324);
  EXPECT_EQ(d.features.cols(), 3170);
  EXPECT_EQ(d.features.sparse().nonZeros(), 147683);  // 535 duplicated pairs kept once
  EXPECT_EQ(d.class_names, (Strings{"0", "1"}));
  EXPECT_TRUE(loaded.report.missing.empty());
}

TEST(BundledSocial, FacebookPagePage) {
  const fs::path m = bundled("facebook_page_page");
  if (!fs::exists(fs::path(GATKIT_SHARED_DATASETS) / "social/facebook_page_page/facebook.json"))
    GTEST_SKIP() << "../shared/datasets/social/facebook_page_page is not there";
  const NodeDataset d = load_node_manifest(m).data;
  EXPECT_EQ(d.graph.num_nodes(), 22470);
  EXPECT_EQ(d.graph.num_edges(), 2 * 170823);
  EXPECT_EQ(d.features.cols(), 4714);
  EXPECT_EQ(d.features.sparse().nonZeros(), 314583);
  EXPECT_EQ(d.class_names, (Strings{"company", "government", "politician", "tvshow"}));
}

}  // namespace
}  // namespace gatkit
