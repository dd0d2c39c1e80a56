#pragma once
// Graph-level readouts: pool the node rows of every graph of a batch into one row per graph.
// Graph g owns the consecutive node rows [offsets[g], offsets[g+1]) (see batch_graphs). An empty graph
// pools to a zero row.
//   mean:      y_g = (1/n_g) sum_i x_i
//   sum:       y_g = sum_i x_i
//   max:       y_g = max_i x_i, feature by feature (the gradient goes to the first maximal node)
//   attention: gated pooling (Li et al. 2016; PyTorch Geometric's AttentionalAggregation with a linear
//              gate): a_i = softmax over the graph's nodes of (x_i . w + b), y_g = sum_i a_i x_i.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gatkit/graph/graph.hpp"
#include "gatkit/nn/parameters.hpp"
#include "gatkit/nn/random.hpp"
#include "gatkit/tensor.hpp"

namespace gatkit {

enum class ReadoutKind { mean, sum, max, attention };

std::string to_string(ReadoutKind kind);
/// "mean", "sum", "max" or "attention"; throws InvalidArgument otherwise.
ReadoutKind parse_readout_kind(std::string_view name);
/// A comma-separated list of distinct readouts, e.g. "mean,max"; throws InvalidArgument otherwise.
std::vector<ReadoutKind> parse_readout_kinds(std::string_view list);
/// The list form: "mean,max".
std::string to_string(std::span<const ReadoutKind> kinds);

/// The block-diagonal union of small graphs: graph k's nodes become rows offsets[k] .. offsets[k+1]-1
/// of the batch graph, and its edges are shifted accordingly.
struct GraphBatch {
  Graph graph;
  std::vector<std::int64_t> offsets;  ///< graphs + 1 entries, offsets[0] = 0
  std::int64_t num_graphs() const { return static_cast<std::int64_t>(offsets.size()) - 1; }
};

/// Builds the union of `graphs` (their edges and weights are copied as they are: apply the self-loop
/// policy to the batch afterwards, or before, as you prefer).
GraphBatch batch_graphs(std::span<const Graph* const> graphs);

template <class T>
struct ReadoutCache {
  RowMatrix<T> gate;                   ///< attention: softmax weight per node, n x 1
  std::vector<std::int64_t> argmax;    ///< max: node index of each (graph, feature), G x d
};

template <class T>
class GraphReadout {
 public:
  /// `dim` is the width of the node rows. Attention registers its gate (dim x 1 weight and a bias).
  GraphReadout(ReadoutKind kind, std::int64_t dim, Parameters<T>& params, const std::string& name);

  ReadoutKind kind() const { return kind_; }
  void initialize(Parameters<T>& params, Rng& rng) const;

  /// y (G x dim) from x (n x dim).
  void forward(const Parameters<T>& params, const RowMatrix<T>& x, std::span<const std::int64_t> offsets,
               ReadoutCache<T>& cache, RowMatrix<T>& y) const;
  /// Sets dx (n x dim) and adds the gate's parameter gradients.
  void backward(Parameters<T>& params, const RowMatrix<T>& x, std::span<const std::int64_t> offsets,
                const ReadoutCache<T>& cache, const RowMatrix<T>& dy, RowMatrix<T>& dx) const;

 private:
  ReadoutKind kind_;
  std::int64_t dim_;
  int gate_weight_ = -1, gate_bias_ = -1;
};

}  // namespace gatkit
