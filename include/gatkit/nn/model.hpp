#pragma once
// A stack of graph attention layers for node classification:
//   x -> [attention (heads concatenated) -> ELU] x (layers - 1) -> attention (output heads averaged)
// with dropout on every layer's input and on every layer's attention coefficients: the GAT paper's
// architecture (Velickovic et al. 2018) and PyTorch Geometric's example of it.
#include <cstdint>
#include <string>
#include <vector>

#include "gatkit/graph/graph.hpp"
#include "gatkit/graph/positional.hpp"
#include "gatkit/graph/range.hpp"
#include "gatkit/nn/attention.hpp"
#include "gatkit/nn/parameters.hpp"
#include "gatkit/tensor.hpp"

namespace gatkit {

struct ModelConfig {
  std::int64_t in_dim = 0;       ///< input features
  std::int32_t num_classes = 0;  ///< output width
  AttentionKind attention = AttentionKind::additive;
  int layers = 2;                ///< attention layers, the last one produces the logits
  int heads = 8;                 ///< heads of every hidden layer (concatenated)
  std::int64_t hidden = 8;       ///< features per head in hidden layers
  int output_heads = 1;          ///< heads of the output layer (averaged)
  double dropout = 0.6;          ///< dropout on every layer's input
  double attention_dropout = 0.6;
  double negative_slope = 0.2;
  bool self_loops = true;        ///< every node also attends to itself
  /// Which nodes attend to which (graph/range.hpp): applied by prepare_graph, before the self-loops.
  AttentionRange range;
  /// Columns appended to the node features by the trainer and by prediction (graph/positional.hpp);
  /// in_dim counts them.
  PositionalEncoding positional;

  /// The configuration of attention layer `index` (0-based).
  AttentionConfig layer(int index) const;
  /// Number of parameters of the model (the size of GatModel::parameters()), or -1 when it exceeds
  /// 2^62: computed without overflow, so it can vet a configuration read from a file.
  std::int64_t parameter_count() const;
  void validate() const;
};

template <class T>
class GatModel {
 public:
  explicit GatModel(const ModelConfig& config);

  const ModelConfig& config() const { return config_; }
  Parameters<T>& parameters() { return params_; }
  const Parameters<T>& parameters() const { return params_; }
  int num_layers() const { return static_cast<int>(layers_.size()); }

  /// Glorot initialisation drawn from `seed`.
  void initialize(std::uint64_t seed);

  /// The graph the model runs on: the attention graph of `g` under the configuration's range (for
  /// `full`, `g` as one graph), with the self-loop policy applied.
  Graph prepare_graph(const Graph& g) const;

  /// Logits (n x num_classes). `graph` must come from prepare_graph. With training == true dropout is
  /// drawn from `seed` and the activations are kept for backward().
  const RowMatrix<T>& forward(const Graph& graph, const FeatureMatrix<T>& x, bool training, std::uint64_t seed);

  /// Adds dL/dparameters to parameters().grads(), after a forward() with the same graph and features.
  void backward(const Graph& graph, const FeatureMatrix<T>& x, const RowMatrix<T>& d_logits);

  /// The attention weights of the last forward (E x heads, edge-major) for layer `layer`.
  const std::vector<T>& attention_weights(int layer) const { return caches_[static_cast<std::size_t>(layer)].alpha; }

 private:
  ModelConfig config_;
  Parameters<T> params_;
  std::vector<GraphAttention<T>> layers_;
  std::vector<AttentionCache<T>> caches_;
  // Activations are computed in place to keep one n x width buffer per layer: a hidden layer writes its
  // output into hidden_[l + 1] and ELU overwrites it (ELU's derivative needs only its output).
  std::vector<FeatureMatrix<T>> hidden_;   ///< ELU outputs: inputs of layers 1..L-1
  RowMatrix<T> logits_;                    ///< output of the last layer
  RowMatrix<T> d_buffers_[2];              ///< backward scratch (layer l writes d_buffers_[l % 2]), kept between steps
};

}  // namespace gatkit
