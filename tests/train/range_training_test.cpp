// Range of attention and positional encodings through training, checkpoints and prediction: node and
// molecule runs with k-hop/full and lap/rw give the same bits with 1 and 2 threads; checkpoints keep
// both settings and predict applies them; checkpoints without them (older files) load as 1-hop without
// encoding, and a default model's file does not mention them; forged values name the file.
#include <gtest/gtest.h>

#include <filesystem>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "gatkit/chem/sdf.hpp"
#include "gatkit/train/graph_predictor.hpp"
#include "gatkit/train/node_classification.hpp"
#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"
#include "checkpoint_test_util.hpp"

namespace gatkit {
namespace {

namespace fs = std::filesystem;

using test::read_bytes;

/// Two communities of 60 nodes with noisy features (as learnability_test's planted partition, smaller).
NodeDataset two_communities() {
  const std::int64_t n = 120, f = 6;
  Rng rng(5);
  NodeDataset d;
  d.name = "communities";
  d.layout = "memory";
  d.num_classes = 2;
  d.class_names = {"a", "b"};
  std::vector<Edge> edges;
  for (std::int64_t i = 0; i < n; ++i) {
    d.labels.push_back(static_cast<std::int32_t>(i % 2));
    d.node_ids.push_back(std::to_string(i));
    for (int k = 0; k < 3; ++k) edges.push_back({static_cast<NodeId>(i), static_cast<NodeId>((i + 2 * (1 + rng.below(20))) % n)});
    edges.push_back({static_cast<NodeId>(i), static_cast<NodeId>(rng.below(n))});
  }
  d.graph = build_graph(n, edges, {}, {.symmetrize = true, .self_loops = SelfLoops::remove});
  MatrixF x(n, f);
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j < f; ++j) x(i, j) = static_cast<float>(rng.uniform());
    x(i, d.labels[static_cast<std::size_t>(i)]) += 0.2f;
  }
  d.features = FeatureMatrix<float>(std::move(x));
  for (NodeId i = 0; i < n; ++i) (i < 20 ? d.train : i < 50 ? d.val : d.test).push_back(i);
  return d;
}

TrainOptions node_options(const std::string& range, const std::string& pe) {
  TrainOptions o;
  o.model.heads = 4;
  o.model.hidden = 4;
  o.model.range = parse_attention_range(range);
  o.model.positional = parse_positional_encoding(pe);
  o.max_epochs = 15;
  return o;
}

using RangeTrainingTest = test::TempDirTest;

TEST_F(RangeTrainingTest, NodeRunsAreThreadIndependentAndCheckpointsKeepRangeAndEncoding) {
  const NodeDataset data = two_communities();
  for (const auto& [range, pe] : std::vector<std::pair<std::string, std::string>>{{"k-hop:2", "lap:4"}, {"full", "rw:5"}}) {
    const TrainOptions o = node_options(range, pe);
    TrainedModel m1, m2;
    set_num_threads(1);
    const RunResult r1 = train_node_classifier(data, o, 3, &m1);
    set_num_threads(2);
    const RunResult r2 = train_node_classifier(data, o, 3, &m2);
    set_num_threads(0);
    EXPECT_TRUE(m1.parameters == m2.parameters) << range << " " << pe;
    EXPECT_EQ(r1.test_accuracy, r2.test_accuracy);
    EXPECT_EQ(m1.config.in_dim, 6 + o.model.positional.columns());
    // A precomputed encoding shared by runs gives the same run.
    TrainOptions shared = o;
    shared.positional_values = std::make_shared<const PositionalValues>(compute_positional_values(data.graph, o.model.positional));
    TrainedModel m3;
    (void)train_node_classifier(data, shared, 3, &m3);
    EXPECT_TRUE(m1.parameters == m3.parameters);

    const fs::path file = dir_ / "node.gk";
    save_model(m1, file);
    const std::string bytes = read_bytes(file);
    EXPECT_NE(bytes.find("\"range\":\"" + range + "\""), std::string::npos);
    EXPECT_NE(bytes.find("\"positional\":\"" + pe + "\""), std::string::npos);
    const TrainedModel loaded = load_model(file);
    EXPECT_EQ(loaded.config.range, o.model.range);
    EXPECT_EQ(loaded.config.positional, o.model.positional);
    const MatrixF p = predict_probabilities(m1, data), q = predict_probabilities(loaded, data);
    EXPECT_TRUE(p == q);
    // Prediction does apply the range: the same weights on 1-hop attention predict otherwise.
    TrainedModel one_hop = loaded;
    one_hop.config.range = AttentionRange();
    EXPECT_GT((predict_probabilities(one_hop, data) - p).cwiseAbs().maxCoeff(), 1e-4f) << range;
  }
}

TEST_F(RangeTrainingTest, NodeRangeRefusalNamesTheDataSet) {
  const NodeDataset data = two_communities();
  TrainOptions o = node_options("full", "none");
  o.model.range.max_full_nodes = 100;
  try {
    (void)train_node_classifier(data, o, 0);
    FAIL() << "no error";
  } catch (const InvalidArgument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("communities: range full: graph 0 (nodes 0..119) has 120 nodes"), std::string::npos) << what;
  }
  o = node_options("1-hop", "lap:2");
  o.model.positional.max_dense_nodes = 10;
  EXPECT_THROW((void)train_node_classifier(data, o, 0), InvalidArgument);
}

TEST_F(RangeTrainingTest, DefaultCheckpointsDoNotMentionRangeAndOldOnesLoadAsOneHop) {
  const NodeDataset data = two_communities();
  TrainOptions o = node_options("1-hop", "none");
  o.max_epochs = 2;
  TrainedModel m;
  (void)train_node_classifier(data, o, 1, &m);
  const fs::path file = dir_ / "default.gk";
  save_model(m, file);
  const std::string bytes = read_bytes(file);
  for (const char* key : {"range", "positional", "max_full_nodes", "max_range_edges", "max_dense_nodes"})
    EXPECT_EQ(bytes.find(key), std::string::npos) << key;
  const TrainedModel loaded = load_model(file);
  EXPECT_TRUE(loaded.config.range.is_one_hop());
  EXPECT_FALSE(loaded.config.positional.enabled());
}

struct Molecules {
  std::vector<chem::MoleculeGraph> graphs;
  RowMatrix<double> targets;
};

Molecules labelled() {
  Molecules d;
  const auto molecules = chem::read_sdf(fs::path(GATKIT_TEST_DATA) / "chem" / "labelled" / "labelled.sdf");
  d.targets.resize(static_cast<Eigen::Index>(molecules.size()), 1);
  for (std::size_t i = 0; i < molecules.size(); ++i) {
    d.graphs.push_back(chem::featurize(molecules[i]));
    d.targets(static_cast<Eigen::Index>(i), 0) = std::stod(*molecules[i].property("logp"));
  }
  return d;
}

TEST_F(RangeTrainingTest, MoleculeRunsAreThreadIndependentAndPredictAppliesTheCheckpoint) {
  const Molecules d = labelled();
  const auto split = train::random_split(static_cast<std::int64_t>(d.graphs.size()), 0.6, 0.2, 3);
  for (const auto& [range, pe] : std::vector<std::pair<std::string, std::string>>{{"full", "lap:3"}, {"k-hop:2", "rw:4"}}) {
    GraphTrainOptions o;
    o.task = GraphTask::regression;
    o.model.layers = 2;
    o.model.heads = 2;
    o.model.hidden = 8;
    o.model.range = parse_attention_range(range);
    o.model.positional = parse_positional_encoding(pe);
    o.max_epochs = 4;
    o.batch_size = 8;
    TrainedGraphModel m1, m2;
    set_num_threads(1);
    const GraphRunResult r1 = train_graph_classifier(d.graphs, d.targets, split, o, 1, &m1);
    set_num_threads(2);
    const GraphRunResult r2 = train_graph_classifier(d.graphs, d.targets, split, o, 1, &m2);
    set_num_threads(0);
    EXPECT_TRUE(m1.parameters == m2.parameters) << range << " " << pe;
    EXPECT_EQ(r1.test_metric, r2.test_metric);
    EXPECT_EQ(m1.config.edge_dim, chem::kBondFeatureWidth);  // the bond width stays that of the featuriser
    EXPECT_EQ(m1.config.attention_edge_dim(), chem::kBondFeatureWidth + range_edge_columns(o.model.range));
    EXPECT_EQ(m1.config.in_dim, chem::kAtomFeatureWidth + o.model.positional.columns());

    m1.targets = {"logp"};
    const fs::path file = dir_ / "mol.gk";
    save_graph_model(m1, file);
    const TrainedGraphModel loaded = load_graph_model(file);
    EXPECT_EQ(loaded.config.range, o.model.range);
    EXPECT_EQ(loaded.config.positional, o.model.positional);
    GraphPredictor before(m1), after(loaded);
    const RowMatrix<double> p = before.predict(std::span<const chem::MoleculeGraph>(d.graphs));
    EXPECT_TRUE(p == after.predict(std::span<const chem::MoleculeGraph>(d.graphs)));
    // A molecule's prediction does not depend on its batch beyond rounding (encodings are per molecule).
    const RowMatrix<double> alone = after.predict(std::span<const chem::MoleculeGraph>(d.graphs).subspan(3, 1));
    EXPECT_NEAR(alone(0, 0), p(3, 0), 1e-4);
  }
}

TEST_F(RangeTrainingTest, MoleculeModelsWithoutTheMembersLoadAsOneHopAndForgedValuesNameTheFile) {
  const Molecules d = labelled();
  GraphTrainOptions o;
  o.task = GraphTask::regression;
  o.model.layers = 1;
  o.model.heads = 1;
  o.model.hidden = 4;
  o.max_epochs = 1;
  TrainedGraphModel m;
  (void)train_graph_classifier(d.graphs, d.targets, train::random_split(static_cast<std::int64_t>(d.graphs.size()), 0.6, 0.2, 3), o, 1, &m);
  m.targets = {"logp"};
  const fs::path file = dir_ / "old.gk";
  save_graph_model(m, file);
  EXPECT_EQ(read_bytes(file).find("range"), std::string::npos);
  const TrainedGraphModel loaded = load_graph_model(file);
  EXPECT_TRUE(loaded.config.range.is_one_hop());
  EXPECT_FALSE(loaded.config.positional.enabled());

  // A model whose atom width does not count its encoding is refused before saving.
  TrainedGraphModel bad = m;
  bad.config.positional = parse_positional_encoding("rw:2");
  EXPECT_THROW(save_graph_model(bad, dir_ / "bad.gk"), InvalidArgument);
  // A forged range in a valid container: the loader names the file and the member.
  m.config.range = parse_attention_range("k-hop:2");
  TrainedGraphModel two = m;
  GraphGat<float> net(two.config);
  two.parameters = Vector<float>::Zero(net.parameters().size());
  const fs::path forged = dir_ / "forged.gk";
  save_graph_model(two, forged);
  std::string bytes = read_bytes(forged);
  const auto at = bytes.find("k-hop:2");
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 7, "k-hop:0");
  // Recompute the checksum: FNV-1a 64 over everything before the last 8 bytes.
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (std::size_t k = 0; k + 8 < bytes.size(); ++k) {
    h ^= static_cast<unsigned char>(bytes[k]);
    h *= 0x100000001b3ull;
  }
  std::memcpy(bytes.data() + bytes.size() - 8, &h, 8);
  std::ofstream(forged, std::ios::binary) << bytes;
  try {
    (void)load_graph_model(forged);
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(forged.string()), std::string::npos) << what;
    EXPECT_NE(what.find("unknown range 'k-hop:0'"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace gatkit
