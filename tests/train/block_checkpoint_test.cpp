// Transformer blocks in checkpoints: "block" and "ffn_hidden" round trip for node and molecule models,
// are written only for transformer blocks (a gat model's file is what earlier versions wrote), and
// hostile values are refused with a message naming the file and the member. A molecule model with
// blocks trains, and save -> load -> predict gives the same predictions.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "gatkit/chem/featurize.hpp"
#include "gatkit/chem/sdf.hpp"
#include "gatkit/nn/model.hpp"
#include "gatkit/train/graph_classification.hpp"
#include "gatkit/train/graph_predictor.hpp"
#include "gatkit/train/node_classification.hpp"
#include "gatkit/train/splits.hpp"
#include "gatkit/util/error.hpp"
#include "checkpoint_test_util.hpp"

namespace gatkit {
namespace {

using test::container;
using test::json_of;
namespace fs = std::filesystem;

using BlockCheckpointTest = test::TempDirTest;

TrainedModel node_model(BlockKind block, std::int64_t ffn_hidden) {
  TrainedModel m;
  m.config.in_dim = 6;
  m.config.num_classes = 3;
  m.config.layers = 3;
  m.config.heads = 2;
  m.config.hidden = 4;
  m.config.block = block;
  m.config.ffn_hidden = ffn_hidden;
  m.class_names = {"a", "b", "c"};
  const std::int64_t size = GatModel<float>(m.config).parameters().size();
  m.parameters.resize(size);
  for (std::int64_t k = 0; k < size; ++k) m.parameters[k] = std::sin(static_cast<float>(k) * 0.37f);
  return m;
}

TEST_F(BlockCheckpointTest, NodeModelRoundTripsAndHostileValuesAreRefused) {
  const fs::path f = dir_ / "node.gk";
  for (std::int64_t ffn : {0, 5}) {
    const TrainedModel m = node_model(BlockKind::transformer, ffn);
    save_model(m, f);
    const TrainedModel r = load_model(f);
    EXPECT_EQ(r.config.block, BlockKind::transformer);
    EXPECT_EQ(r.config.ffn_width(), ffn > 0 ? 5 : 16);  // written resolved: 0 means 2 x (2 heads x 4)
    EXPECT_TRUE(r.parameters == m.parameters);
    EXPECT_NE(json_of(f).find("\"block\":\"transformer\",\"ffn_hidden\":" + std::to_string(ffn > 0 ? 5 : 16)),
              std::string::npos) << json_of(f);
  }
  // A gat model's file does not mention blocks.
  save_model(node_model(BlockKind::gat, 0), f);
  const std::string gat_json = json_of(f);
  EXPECT_EQ(gat_json.find("block"), std::string::npos) << gat_json;
  EXPECT_EQ(gat_json.find("ffn_hidden"), std::string::npos) << gat_json;
  EXPECT_EQ(load_model(f).config.block, BlockKind::gat);

  const TrainedModel m = node_model(BlockKind::transformer, 5);
  save_model(m, f);
  const std::string json = json_of(f);
  const std::vector<float> params(m.parameters.data(), m.parameters.data() + m.parameters.size());
  auto with = [&](const std::string& from, const std::string& to) { return container(test::replaced(json, from, to), params); };
  auto load = [](const fs::path& file) { return load_model(file); };
  expect_error("unknown block", with("\"block\":\"transformer\"", "\"block\":\"mamba\""), "mamba", load);
  expect_error("block not a string", with("\"block\":\"transformer\"", "\"block\":7"), "block", load);
  expect_error("ffn_hidden 0", with("\"ffn_hidden\":5", "\"ffn_hidden\":0"), "ffn_hidden", load);
  expect_error("ffn_hidden negative", with("\"ffn_hidden\":5", "\"ffn_hidden\":-3"), "ffn_hidden", load);
  expect_error("ffn_hidden 2^40", with("\"ffn_hidden\":5", "\"ffn_hidden\":1099511627776"), "ffn_hidden", load);
  expect_error("ffn_hidden a string", with("\"ffn_hidden\":5", "\"ffn_hidden\":\"5\""), "ffn_hidden", load);
  expect_error("wider feed-forward than the weights", with("\"ffn_hidden\":5", "\"ffn_hidden\":6"), "parameters", load);
  expect_error("blocks dropped, their weights kept", with("\"block\":\"transformer\",\"ffn_hidden\":5", "\"block\":\"gat\""),
               "parameters", load);
  expect_error("ffn_hidden without blocks", with("\"block\":\"transformer\"", "\"block\":\"gat\""),
               "feed-forward width applies to transformer blocks only", load);
  expect_error("one layer", with("\"layers\":3", "\"layers\":1"), "at least 2 layers", load);
}

TEST_F(BlockCheckpointTest, MoleculeModelTrainsRoundTripsAndPredictsTheSame) {
  const test::Labelled d = test::labelled();
  const auto& molecules = d.molecules;
  const auto& graphs = d.graphs;
  const RowMatrix<double> logp = d.targets.col(1);
  GraphTrainOptions o;
  o.task = GraphTask::regression;
  o.model.layers = 2;
  o.model.heads = 2;
  o.model.hidden = 8;
  o.model.attention = AttentionKind::dot;
  o.model.block = BlockKind::transformer;
  o.model.ffn_hidden = 12;
  o.model.jumping_knowledge = true;
  o.max_epochs = 5;
  o.batch_size = 8;
  TrainedGraphModel m;
  const auto result = train_graph_classifier(graphs, logp, train::random_split(static_cast<std::int64_t>(graphs.size()), 0.6, 0.2, 3),
                                             o, /*seed=*/1, &m);
  m.targets = {"logp"};
  EXPECT_TRUE(std::isfinite(result.val_metric));
  EXPECT_EQ(m.parameters.size(), m.config.parameter_count());
  const fs::path f = dir_ / "blocks.gk";
  save_graph_model(m, f);
  const TrainedGraphModel r = load_graph_model(f);
  EXPECT_EQ(r.config.block, BlockKind::transformer);
  EXPECT_EQ(r.config.ffn_hidden, 12);
  GraphPredictor before(m), after(r);
  const RowMatrix<double> p = before.predict(std::span<const chem::Molecule>(molecules));
  const RowMatrix<double> q = after.predict(std::span<const chem::Molecule>(molecules));
  EXPECT_TRUE(p.allFinite());
  EXPECT_TRUE(p == q);

  const std::string json = json_of(f);
  const std::vector<float> params(m.parameters.data(), m.parameters.data() + m.parameters.size());
  auto with = [&](const std::string& from, const std::string& to) { return container(test::replaced(json, from, to), params); };
  auto load = [](const fs::path& file) { return load_graph_model(file); };
  expect_error("unknown block", with("\"block\":\"transformer\"", "\"block\":\"mamba\""), "block", load);
  expect_error("ffn_hidden 0", with("\"ffn_hidden\":12", "\"ffn_hidden\":0"), "ffn_hidden", load);
  expect_error("ffn_hidden 2^40", with("\"ffn_hidden\":12", "\"ffn_hidden\":1099511627776"), "ffn_hidden", load);
  expect_error("wider feed-forward than the weights", with("\"ffn_hidden\":12", "\"ffn_hidden\":13"), "parameters", load);
  expect_error("blocks with residual", with("\"residual\":false", "\"residual\":true"), "own residual connections", load);

  // A gat molecule model's file does not mention blocks.
  o.model.block = BlockKind::gat;
  o.model.ffn_hidden = 0;
  o.max_epochs = 1;
  TrainedGraphModel g;
  (void)train_graph_classifier(graphs, logp, train::random_split(static_cast<std::int64_t>(graphs.size()), 0.6, 0.2, 3), o, 1, &g);
  g.targets = {"logp"};
  save_graph_model(g, f);
  EXPECT_EQ(json_of(f).find("block"), std::string::npos);
  EXPECT_EQ(load_graph_model(f).config.block, BlockKind::gat);
}

}  // namespace
}  // namespace gatkit
