#pragma once
// The graph-free baseline of node classification: the GAT's layer widths and training, without the
// graph. For ModelConfig c with c.kind == NodeModelKind::mlp:
//   x -> [Linear(in, heads * hidden) -> ELU] x (layers - 1) -> Linear(in, num_classes)
// with dropout c.dropout on every layer's input (as the attention layers have), Glorot initialisation
// and the same seeds tree as GatModel. Attention-only settings (attention kind, attention dropout,
// output heads, self-loops) are ignored. The interface mirrors GatModel, so that one training loop
// serves both; the graph arguments are accepted and not used.
#include <cstdint>
#include <vector>

#include "gatkit/graph/graph.hpp"
#include "gatkit/nn/linear.hpp"
#include "gatkit/nn/model.hpp"
#include "gatkit/nn/parameters.hpp"
#include "gatkit/tensor.hpp"

namespace gatkit {

template <class T>
class MlpModel {
 public:
  explicit MlpModel(const ModelConfig& config);

  const ModelConfig& config() const { return config_; }
  Parameters<T>& parameters() { return params_; }
  const Parameters<T>& parameters() const { return params_; }
  int num_layers() const { return static_cast<int>(layers_.size()); }

  void initialize(std::uint64_t seed);
  /// The graph unchanged (an MLP does not look at it).
  Graph prepare_graph(const Graph& g) const { return g; }

  /// Logits (n x num_classes); dropout drawn from `seed` when training.
  const RowMatrix<T>& forward(const Graph& graph, const FeatureMatrix<T>& x, bool training, std::uint64_t seed);
  /// Adds dL/dparameters to parameters().grads() after forward() on the same features.
  void backward(const Graph& graph, const FeatureMatrix<T>& x, const RowMatrix<T>& d_logits);
  /// The input of the output layer in the last forward (n x hidden_width()), as GatModel::penultimate().
  const RowMatrix<T>& penultimate() const;

 private:
  ModelConfig config_;
  Parameters<T> params_;
  std::vector<Linear<T>> layers_;
  std::vector<LinearCache<T>> caches_;
  std::vector<FeatureMatrix<T>> hidden_;  ///< ELU outputs: inputs of layers 1..L-1
  RowMatrix<T> logits_;
  RowMatrix<T> d_buffers_[2];
};

}  // namespace gatkit
