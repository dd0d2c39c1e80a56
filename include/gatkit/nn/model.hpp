#pragma once
// A stack of graph attention layers for node classification:
//   x -> [attention (heads merged) -> ELU] x (layers - 1) -> attention (output heads averaged)
// with dropout on every layer's input and on every layer's attention coefficients: the GAT paper's
// architecture (Velickovic et al. 2018) and PyTorch Geometric's example of it. The hidden layers'
// heads are concatenated by default (head_merge); the output layer always averages its heads.
//
// With block = transformer (nn/block.hpp) the hidden attention layers become transformer blocks over
// one width w = hidden_width(), after a linear input embedding:
//   h_0 = (x o M) W_embed + b_embed                          (in_dim -> w; sparse features stay sparse)
//   h_{l+1} = Block_l(h_l) = LN(h1 + FFN(h1)), h1 = LN(h_l + attention_l(h_l))    l = 0 .. layers-2
//   logits = attention_{layers-1}(h_{layers-1})              (output heads averaged, as above)
// so `layers` still counts attention layers and the output layer is the same attention layer as GAT's;
// no ELU is applied (the blocks' ReLU and normalisation take its place).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gatkit/graph/graph.hpp"
#include "gatkit/graph/positional.hpp"
#include "gatkit/graph/range.hpp"
#include "gatkit/nn/attention.hpp"
#include "gatkit/nn/block.hpp"
#include "gatkit/nn/linear.hpp"
#include "gatkit/nn/parameters.hpp"
#include "gatkit/tensor.hpp"

namespace gatkit {

/// What maps features to logits: attention layers over the graph (GAT), or the same widths without the
/// graph (MLP baseline, nn/mlp.hpp).
enum class NodeModelKind { gat, mlp };
std::string to_string(NodeModelKind kind);
/// "gat" or "mlp"; throws InvalidArgument otherwise.
NodeModelKind parse_node_model_kind(std::string_view name);

struct ModelConfig {
  std::int64_t in_dim = 0;       ///< input features
  std::int32_t num_classes = 0;  ///< output width
  AttentionKind attention = AttentionKind::additive;
  AttentionNormalizer normalizer = AttentionNormalizer::softmax;  ///< of every layer
  /// How the heads of the hidden layers are merged (concat: heads * hidden features, project: the same
  /// width after one more transform W_O, mean: hidden features). The output layer averages its heads.
  HeadMerge head_merge = HeadMerge::concat;
  /// additive: every attention layer adds w_h o sum_j v_jh to its heads (nn/attention.hpp).
  Cardinality cardinality = Cardinality::none;
  int layers = 2;                ///< attention layers, the last one produces the logits
  int heads = 8;                 ///< heads of every hidden layer
  std::int64_t hidden = 8;       ///< features per head in hidden layers
  int output_heads = 1;          ///< heads of the output layer (averaged)
  double dropout = 0.6;          ///< dropout on every layer's input
  double attention_dropout = 0.6;
  double negative_slope = 0.2;
  bool self_loops = true;        ///< every node also attends to itself
  NodeModelKind kind = NodeModelKind::gat;  ///< mlp: dense layers of the same widths, no attention
  /// Which nodes attend to which (graph/range.hpp): applied by prepare_graph, before the self-loops.
  AttentionRange range;
  /// Columns appended to the node features by the trainer and by prediction (graph/positional.hpp);
  /// in_dim counts them.
  PositionalEncoding positional;
  /// gat: attention layers with ELU between them; transformer: an input embedding, then every hidden
  /// attention layer wrapped in a transformer block (see above). Needs layers >= 2 and kind gat.
  BlockKind block = BlockKind::gat;
  /// Hidden width of the blocks' feed-forward layers; 0: 2 x hidden_width(). Transformer blocks only.
  std::int64_t ffn_hidden = 0;

  /// The feed-forward width the blocks use: ffn_hidden, or 2 x hidden_width() when it is 0.
  std::int64_t ffn_width() const { return ffn_hidden > 0 ? ffn_hidden : 2 * hidden_width(); }

  /// The configuration of attention layer `index` (0-based).
  AttentionConfig layer(int index) const;
  /// Output width of the hidden layers: heads * hidden, or hidden when the heads are averaged.
  std::int64_t hidden_width() const { return head_merge == HeadMerge::mean ? hidden : heads * hidden; }
  /// Number of parameters of the model (the size of GatModel::parameters()), or -1 when it exceeds
  /// 2^62 (or a layer is 2^32 or more wide): computed without overflow, so it can vet a configuration read from a file.
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

  /// The input of the output layer in the last forward (n x hidden_width()): the last hidden layer's
  /// ELU output, or the last transformer block's output. Needs layers >= 2.
  const RowMatrix<T>& penultimate() const;
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

  // Transformer blocks (config.block == transformer): embedded_ is the input of block 0, hidden_[l] that
  // of block l >= 1 and hidden_[layers - 1] that of the output layer.
  const RowMatrix<T>& forward_blocks(const Graph& graph, const FeatureMatrix<T>& x, bool training, std::uint64_t seed);
  void backward_blocks(const Graph& graph, const FeatureMatrix<T>& x, const RowMatrix<T>& d_logits);
  std::optional<Linear<T>> embed_;
  std::vector<TransformerBlock<T>> blocks_;
  std::vector<BlockCache<T>> block_caches_;
  LinearCache<T> embed_cache_;
  FeatureMatrix<T> embedded_;
};

}  // namespace gatkit
