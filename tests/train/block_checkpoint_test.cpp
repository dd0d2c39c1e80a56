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

namespace gatkit {
namespace {

namespace fs = std::filesystem;

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_bytes(const fs::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::uint64_t fnv1a(const std::string& bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

/// A container (format of src/train/checkpoint_file.cpp) around `json` and `params`, checksum valid.
std::string container(const std::string& json, const std::vector<float>& params) {
  std::string out = "GATKITCK";
  auto put = [&](auto v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); };
  put(std::uint32_t{1});
  put(std::uint32_t{0});
  put(std::uint64_t{json.size()});
  out += json;
  put(std::uint64_t{params.size()});
  out.append(reinterpret_cast<const char*>(params.data()), params.size() * sizeof(float));
  put(fnv1a(out));
  return out;
}

/// The configuration JSON of a checkpoint file.
std::string json_of(const fs::path& file) {
  const std::string bytes = read_bytes(file);
  std::uint64_t size = 0;
  std::memcpy(&size, bytes.data() + 16, 8);
  return bytes.substr(24, size);
}

class BlockCheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("gatkit_block_checkpoint_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  /// `load` of `bytes` must throw gatkit::Error naming the file and containing `needle`.
  template <class Load>
  void expect_error(const std::string& what, const std::string& bytes, const std::string& needle, Load load) {
    const fs::path f = dir_ / "forged.gk";
    write_bytes(f, bytes);
    try {
      (void)load(f);
      ADD_FAILURE() << what << ": loaded without error";
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(f.string()), std::string::npos) << what << ": does not name the file: " << message;
      EXPECT_NE(message.find(needle), std::string::npos) << what << ": expected '" << needle << "' in: " << message;
    } catch (const std::exception& e) {
      ADD_FAILURE() << what << ": threw a non-gatkit exception: " << e.what();
    }
  }

  fs::path dir_;
};

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
  auto with = [&](const std::string& from, const std::string& to) {
    std::string edited = json;
    const auto at = edited.find(from);
    EXPECT_NE(at, std::string::npos) << from << " not in " << json;
    if (at != std::string::npos) edited.replace(at, from.size(), to);
    return container(edited, params);
  };
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
  const auto molecules = chem::read_sdf(fs::path(GATKIT_TEST_DATA) / "chem" / "labelled" / "labelled.sdf");
  std::vector<chem::MoleculeGraph> graphs;
  RowMatrix<double> logp(static_cast<Eigen::Index>(molecules.size()), 1);
  for (std::size_t i = 0; i < molecules.size(); ++i) {
    graphs.push_back(chem::featurize(molecules[i]));
    logp(static_cast<Eigen::Index>(i), 0) = std::stod(*molecules[i].property("logp"));
  }
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
  auto with = [&](const std::string& from, const std::string& to) {
    std::string edited = json;
    const auto at = edited.find(from);
    EXPECT_NE(at, std::string::npos) << from << " not in " << json;
    if (at != std::string::npos) edited.replace(at, from.size(), to);
    return container(edited, params);
  };
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
