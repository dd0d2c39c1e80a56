// Embeddings (gatkit embed): what a trained model's output layer reads. Checked by feeding them to that
// layer separately: for molecule models the head's output layer (and its hidden layer) applied to the
// embeddings gives predict()'s probabilities; for node models a one-layer model holding the output
// layer's parameters, run on the embeddings, gives predict_probabilities(). Also: widths, batch
// independence, ensemble members, and one-layer node models refused.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "checkpoint_test_util.hpp"
#include "gatkit/io/manifest.hpp"
#include "gatkit/nn/functional.hpp"
#include "gatkit/nn/mlp.hpp"
#include "gatkit/nn/model.hpp"
#include "gatkit/train/graph_predictor.hpp"
#include "gatkit/train/node_classification.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit {
namespace {

namespace fs = std::filesystem;

/// The parameter block `name` of a flat parameter vector laid out as `params` registers it.
template <class Params>
RowMatrix<float> block(const Params& params, const Vector<float>& values, const std::string& name) {
  for (const auto& b : params.blocks())
    if (b.name == name) return Eigen::Map<const RowMatrix<float>>(values.data() + b.offset, b.rows, b.cols);
  ADD_FAILURE() << "no parameter block " << name;
  return {};
}

// ---- molecule models --------------------------------------------------------------------------------

TrainedGraphModel trained_molecule_model(const test::Labelled& d, int head_layers, int ensemble = 1) {
  GraphTrainOptions o;
  o.task = GraphTask::binary;
  o.model.layers = 2;
  o.model.heads = 2;
  o.model.hidden = 8;
  o.model.readout = ReadoutKind::mean;
  o.model.extra_readouts = {ReadoutKind::max};
  o.model.jumping_knowledge = true;
  o.model.head_layers = head_layers;
  o.model.head_hidden = 6;
  o.ensemble = ensemble;
  o.max_epochs = 4;
  o.batch_size = 8;
  const RowMatrix<double> y = d.targets.col(0);
  TrainedGraphModel m;
  (void)train_graph_classifier(d.graphs, y,
                               train::random_split(static_cast<std::int64_t>(d.graphs.size()), 0.6, 0.2, 3), o,
                               /*seed=*/2, &m);
  m.targets = {"active"};
  return m;
}

TEST(Embeddings, MoleculeEmbeddingsAreWhatTheHeadReads) {
  const test::Labelled d = test::labelled();
  for (int head_layers : {0, 1}) {
    SCOPED_TRACE("head layers " + std::to_string(head_layers));
    const TrainedGraphModel m = trained_molecule_model(d, head_layers);
    GraphPredictor predictor(m);
    const RowMatrix<double> p = predictor.predict(std::span<const chem::MoleculeGraph>(d.graphs));
    const RowMatrix<double> pooled = predictor.embed(d.graphs, GraphEmbedding::readout);
    const RowMatrix<double> head = predictor.embed(d.graphs, GraphEmbedding::head);
    // 2 layers pooled (jumping knowledge) x 2 readouts x (2 heads x 8).
    ASSERT_EQ(pooled.cols(), 64);
    EXPECT_EQ(predictor.embedding_width(GraphEmbedding::readout), 64);
    ASSERT_EQ(head.cols(), head_layers == 0 ? 64 : 6);
    ASSERT_EQ(pooled.rows(), static_cast<Eigen::Index>(d.graphs.size()));

    const GraphGat<float> layout(m.config);
    const RowMatrix<double> w = block(layout.parameters(), m.parameters, "head.weight").cast<double>();
    const RowMatrix<double> b = block(layout.parameters(), m.parameters, "head.bias").cast<double>();
    for (Eigen::Index i = 0; i < head.rows(); ++i) {
      const double logit = (head.row(i) * w + b)(0, 0);
      EXPECT_NEAR(1.0 / (1.0 + std::exp(-logit)), p(i, 0), 1e-5) << "molecule " << i;
    }
    if (head_layers == 0) {
      EXPECT_TRUE(head == pooled);
    } else {
      const RowMatrix<double> w0 = block(layout.parameters(), m.parameters, "mlp0.weight").cast<double>();
      const RowMatrix<double> b0 = block(layout.parameters(), m.parameters, "mlp0.bias").cast<double>();
      const RowMatrix<double> hidden = ((pooled * w0).rowwise() + b0.row(0)).cwiseMax(0.0);
      EXPECT_LT((hidden - head).cwiseAbs().maxCoeff(), 1e-5);
      EXPECT_GT(head.cwiseAbs().maxCoeff(), 1e-3);  // not all zero (a dead head would pass the above)
    }
    // Other batches change the rows only by rounding.
    const RowMatrix<double> small_batches = predictor.embed(d.graphs, GraphEmbedding::readout, 0, 3);
    EXPECT_LT((small_batches - pooled).cwiseAbs().maxCoeff(), 1e-5);
  }
}

TEST(Embeddings, AnEnsembleEmbedsTheMemberAskedFor) {
  const test::Labelled d = test::labelled();
  const TrainedGraphModel m = trained_molecule_model(d, /*head_layers=*/0, /*ensemble=*/2);
  ASSERT_EQ(m.members, 2);
  GraphPredictor ensemble(m);
  const Eigen::Index count = m.parameters.size() / 2;
  for (int member : {0, 1}) {
    TrainedGraphModel single = m;
    single.members = 1;
    single.parameters = m.parameters.segment(member * count, count);
    GraphPredictor alone(single);
    EXPECT_TRUE(ensemble.embed(d.graphs, GraphEmbedding::readout, member) ==
                alone.embed(d.graphs, GraphEmbedding::readout))
        << "member " << member;
  }
  EXPECT_FALSE(ensemble.embed(d.graphs, GraphEmbedding::readout, 0) ==
               ensemble.embed(d.graphs, GraphEmbedding::readout, 1));
  EXPECT_THROW(ensemble.embed(d.graphs, GraphEmbedding::readout, 2), InvalidArgument);
  EXPECT_EQ(parse_graph_embedding("head"), GraphEmbedding::head);
  EXPECT_EQ(to_string(parse_graph_embedding("readout")), "readout");
  EXPECT_THROW(parse_graph_embedding("pooled"), InvalidArgument);
}

// ---- node models ------------------------------------------------------------------------------------

const NodeDataset& karate() {
  static const NodeDataset data =
      load_node_manifest(fs::path(GATKIT_BUNDLED_DATASETS) / "social" / "karate" / "manifest.json").data;
  return data;
}

TrainedModel trained_node_model(NodeModelKind kind, BlockKind block, int layers) {
  TrainOptions o;
  o.model.kind = kind;
  o.model.block = block;
  o.model.layers = layers;
  o.max_epochs = 20;
  TrainedModel m;
  (void)train_node_classifier(karate(), o, /*seed=*/3, &m);
  return m;
}

/// The probabilities of the trained model's output layer run alone on `embeddings`: a one-layer model
/// of the same kind reading hidden_width() features, holding the output layer's parameters.
template <class Model>
MatrixF output_layer_on(const TrainedModel& trained, const MatrixF& embeddings) {
  ModelConfig one = trained.config;
  one.layers = 1;
  one.block = BlockKind::gat;
  one.in_dim = trained.config.hidden_width();
  one.positional = {};
  Model full(trained.config), alone(one);
  const std::string last = "layer" + std::to_string(trained.config.layers - 1);
  for (const auto& b : alone.parameters().blocks()) {
    const std::string name = last + b.name.substr(b.name.find('.'));  // layer0.X -> layerL.X
    alone.parameters().value(static_cast<int>(&b - alone.parameters().blocks().data())) =
        block(full.parameters(), trained.parameters, name);
  }
  const Graph graph = alone.prepare_graph(karate().graph);
  return softmax_rows<float>(alone.forward(graph, FeatureMatrix<float>(MatrixF(embeddings)), /*training=*/false, 0));
}

TEST(Embeddings, NodeEmbeddingsAreWhatTheOutputLayerReads) {
  const struct {
    NodeModelKind kind;
    BlockKind block;
    const char* name;
  } cases[] = {{NodeModelKind::gat, BlockKind::gat, "gat"},
               {NodeModelKind::gat, BlockKind::transformer, "transformer"},
               {NodeModelKind::mlp, BlockKind::gat, "mlp"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const TrainedModel m = trained_node_model(c.kind, c.block, /*layers=*/2);
    const MatrixF e = node_embeddings(m, karate());
    ASSERT_EQ(e.rows(), karate().graph.num_nodes());
    ASSERT_EQ(e.cols(), m.config.hidden_width());
    EXPECT_GT(e.cwiseAbs().maxCoeff(), 1e-3f);
    const MatrixF p = predict_probabilities(m, karate());
    const MatrixF q = c.kind == NodeModelKind::mlp ? output_layer_on<MlpModel<float>>(m, e)
                                                   : output_layer_on<GatModel<float>>(m, e);
    EXPECT_LT((p - q).cwiseAbs().maxCoeff(), 1e-5f);
  }
}

TEST(Embeddings, AOneLayerNodeModelHasNoneToGive) {
  const TrainedModel m = trained_node_model(NodeModelKind::gat, BlockKind::gat, /*layers=*/1);
  try {
    (void)node_embeddings(m, karate());
    FAIL() << "a one-layer model was embedded";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("one attention layer"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace gatkit
