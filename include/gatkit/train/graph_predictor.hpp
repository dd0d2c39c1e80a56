#pragma once
// Trained graph-level (molecule) models: what a checkpoint of kind "graph_model" holds, saving and
// loading it, and GraphPredictor, which scores molecules with it exactly as `gatkit predict` does.
//
//   GraphPredictor predictor(load_graph_model("bbbp.gk"));
//   RowMatrix<double> p = predictor.predict(molecules);   // molecules x tasks
//
// The checkpoint layout (shared with node classifiers) is described in docs/checkpoints.md.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gatkit/chem/featurize.hpp"
#include "gatkit/chem/json_format.hpp"
#include "gatkit/chem/molecule.hpp"
#include "gatkit/explain/attention_weights.hpp"
#include "gatkit/nn/graph_model.hpp"
#include "gatkit/tensor.hpp"
#include "gatkit/train/graph_classification.hpp"

namespace gatkit {

/// The name of a task kind as checkpoints store it ("binary", "regression").
/// The inverse of to_string(GraphTask); throws InvalidArgument for an unknown name.
GraphTask parse_graph_task(std::string_view name);

/// What GraphPredictor::embed returns for each graph: the pooled row (the readouts' output, which the head
/// reads), or the input of the head's output layer (its last hidden layer after ReLU; the pooled row when
/// the head is linear).
enum class GraphEmbedding { readout, head };
std::string to_string(GraphEmbedding which);
/// "readout" | "head"; anything else throws InvalidArgument.
GraphEmbedding parse_graph_embedding(std::string_view name);

/// Everything needed to apply a trained graph-level model to new molecules.
/// What a graph model reads: molecules, featurised by the model's FeaturizeOptions, or generic graph
/// entries of the JSON format (chem/generic_graph.hpp), with their own node and edge feature rows.
enum class GraphInput { molecules, graphs };
std::string to_string(GraphInput input);
/// "molecules" | "graphs"; anything else throws InvalidArgument.
GraphInput parse_graph_input(const std::string& name);

struct TrainedGraphModel {
  GraphModelConfig config;            ///< in_dim, edge_dim and num_tasks as trained
  GraphTask task = GraphTask::binary;
  std::vector<std::string> targets;   ///< one name per task (config.num_tasks), e.g. SD data item names
  /// Generic graphs: in_dim (less the positional columns) and edge_dim are the widths of their rows,
  /// and `featurizer` is unused.
  GraphInput input = GraphInput::molecules;
  /// Generic graphs: chem::append_degree_columns adds 16 in-degree columns after the graph's own node
  /// rows (in_dim counts them; "structural_features": ["degree"] in the checkpoint).
  bool degree_features = false;
  chem::FeaturizeOptions featurizer;  ///< how the training molecules were featurised
  /// Regression: per task, the mean and standard deviation the targets were standardised with
  /// (prediction = output * target_std + target_mean). Empty for binary tasks.
  Vector<double> target_mean, target_std;
  /// An ensemble (`gatkit train --ensemble M`): `members` networks of the same configuration, trained
  /// from different seeds; predictions are the mean of the members' (probabilities, or values in the
  /// targets' units). 1: a single network.
  int members = 1;
  /// The flat parameter buffers of GraphGat<float>, one per member, one after another.
  Vector<float> parameters;
};

/// Generic graphs: the width of the node rows the model reads (in_dim less the positional and degree
/// columns it adds itself).
std::int64_t generic_node_width(const TrainedGraphModel& model);

/// The most members an ensemble checkpoint may hold.
inline constexpr int kMaxEnsembleMembers = 64;

/// Writes `model` as a checkpoint of kind "graph_model", atomically (temporary file + rename). Throws
/// InvalidArgument when the model is inconsistent (a target name per task, feature widths matching
/// the featuriser, a mean and std per regression task, the parameter count of the configuration).
void save_graph_model(const TrainedGraphModel& model, const std::filesystem::path& file);

/// Reads a "graph_model" checkpoint. A missing, corrupt, truncated or forged file, a node-classifier
/// checkpoint, or a model trained on features this build does not compute is a gatkit::Error naming
/// the file.
TrainedGraphModel load_graph_model(const std::filesystem::path& file);

/// The "kind" of any gatkit checkpoint ("node_classifier" or "graph_model"), after verifying the file
/// (checksum included). Throws gatkit::Error as the loaders do.
std::string checkpoint_kind(const std::filesystem::path& file);

/// The configuration JSON of any gatkit checkpoint (the object docs/checkpoints.md describes: kind,
/// model configuration, targets or classes, featuriser...), compact, after verifying the container as
/// checkpoint_kind does. The model itself is not validated: load it for that.
std::string checkpoint_config(const std::filesystem::path& file);

/// Applies a TrainedGraphModel. Holds the network and its activation buffers, so one predictor must
/// not be used by several threads at once (the kernels themselves run in parallel).
class GraphPredictor {
 public:
  /// Throws InvalidArgument when the model is inconsistent (see save_graph_model).
  explicit GraphPredictor(TrainedGraphModel model);

  const TrainedGraphModel& model() const { return model_; }

  /// `molecule` featurised as the model's training molecules were. Throws InvalidArgument naming the
  /// molecule when it cannot be featurised (for example two bonds between the same atoms), or when the
  /// model reads generic graphs.
  chem::MoleculeGraph featurize(const chem::Molecule& molecule) const;
  /// A generic graph entry as the model reads it (chem::model_graph). Throws InvalidArgument when the
  /// model reads molecules, or the entry's feature widths are not the training graphs'.
  chem::MoleculeGraph graph(const io::GraphRecord& record) const;

  /// One row per graph, one column per task: for binary tasks the probability of class 1, for
  /// regression the value in the targets' own units; for a multi-class task (one target) one column per
  /// class, the class probabilities; an ensemble gives the mean over its members. Graphs are scored in
  /// batches of `batch_size`. The
  /// same graphs in the same batches give bit-identical results; the other graphs of a batch change a
  /// graph's result only by float rounding (about 1e-8: dense projections are blocked by rows).
  /// `member_std` (optional) receives, for an ensemble, the population standard deviation of each of
  /// those values over the members (graphs x columns, like the result; zero for a single network): how
  /// much the members disagree, a measure of the prediction's uncertainty.
  RowMatrix<double> predict(std::span<const chem::MoleculeGraph> graphs, int batch_size = 256,
                            RowMatrix<double>* member_std = nullptr);
  /// Featurises (in parallel) and scores `molecules`. A molecule that cannot be featurised throws the
  /// error of the first such molecule; callers that want to skip bad records featurise one by one.
  RowMatrix<double> predict(std::span<const chem::Molecule> molecules, int batch_size = 256);

  /// One row per graph: the representation `which` computed by ensemble member `member` (0 .. members - 1;
  /// the members' representations are not comparable, so they are never averaged), from the same
  /// evaluation-mode forward pass predict() runs, in batches of `batch_size` (the same rounding remark
  /// applies). Its width is embedding_width(which).
  RowMatrix<double> embed(std::span<const chem::MoleculeGraph> graphs, GraphEmbedding which = GraphEmbedding::readout,
                          int member = 0, int batch_size = 256);
  /// Columns of embed(..., which): config.pooled_width(), or config.head_hidden with a hidden head layer.
  std::int64_t embedding_width(GraphEmbedding which) const;

  /// The attention weights of every attention layer for one molecule, from the same evaluation-mode
  /// forward pass predict() runs (the graph is the molecule's attention graph: range and self-loops
  /// applied). An ensemble's members attend differently: `member` picks one (0 .. members - 1).
  explain::AttentionWeights attention(const chem::MoleculeGraph& graph, int member = 0);

 private:
  /// Raw outputs (graphs x outputs) of one batch; the network's caches then hold its attention weights.
  const RowMatrix<float>& forward_batch(std::span<const chem::MoleculeGraph* const> graphs, Graph* attention_graph = nullptr);

  /// Loads member `m`'s parameters into the network (a no-op when they are there already).
  void use_member(int m);

  TrainedGraphModel model_;
  GraphGat<float> net_;
  int loaded_member_ = -1;
};

}  // namespace gatkit
