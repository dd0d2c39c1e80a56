#pragma once
// Graph-level attention model (molecules): attention layers over each graph of a block-diagonal batch,
// with bond features in the scores (additive or dot scoring), ELU between layers, a readout per graph
// and a head (linear, or an MLP with ReLU hidden layers):
//   h_0 = x
//   h_{l+1} = ELU(attention_l(h_l) [+ h_l when residual, l >= 1])     l = 0 .. layers-1
//   g = readout(h_layers);  [g = ReLU(linear_k(g))] x head_layers;  outputs = linear(g)
// With several readouts (readout, then extra_readouts) g concatenates them; with jumping knowledge
// (Xu et al. 2018) every layer's output h_1 .. h_layers is pooled so, and g concatenates all of them:
//   g = [r_1(h_1) | r_2(h_1) | ... | r_1(h_layers) | r_2(h_layers) | ...]
// Dropout (inverted) applies to the input of every attention and head layer. The outputs are logits for
// binary tasks (one per task), logits over the classes for a multi-class task, or values for regression.
//
// With block = transformer (nn/block.hpp) every attention layer becomes a transformer block over one
// width w = width(), after a linear embedding of the atom features:
//   h_0 = (x o M) W_embed + b_embed                                  (in_dim -> w)
//   h_{l+1} = LN(h1 + FFN(h1)),  h1 = LN(h_l + attention_l(h_l))     l = 0 .. layers-1
// and the readouts pool the blocks' outputs as they pool the ELU outputs above (no ELU; the residual
// switch is refused, the blocks have their own).
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "gatkit/graph/graph.hpp"
#include "gatkit/graph/positional.hpp"
#include "gatkit/graph/range.hpp"
#include "gatkit/nn/attention.hpp"
#include "gatkit/nn/block.hpp"
#include "gatkit/nn/linear.hpp"
#include "gatkit/nn/readout.hpp"

namespace gatkit {

struct GraphModelConfig {
  std::int64_t in_dim = 0;       ///< atom features
  std::int64_t edge_dim = 0;     ///< bond features (0: none); see attention_edge_dim()
  int num_tasks = 1;             ///< outputs: one per task (binary, regression) or per class (multi-class)
  int layers = 3;
  int heads = 4;
  std::int64_t hidden = 64;      ///< features per head
  ReadoutKind readout = ReadoutKind::mean;
  double dropout = 0.0;          ///< on every layer's input (attention layers and head)
  double attention_dropout = 0.0;
  bool self_loops = true;
  AttentionKind attention = AttentionKind::additive;  ///< scoring function of every attention layer
  AttentionNormalizer normalizer = AttentionNormalizer::softmax;  ///< of every attention layer
  /// How every attention layer merges its heads: concat (width heads * hidden), project (the same width
  /// after one more transform W_O) or mean (width hidden).
  HeadMerge head_merge = HeadMerge::concat;
  /// additive: every attention layer adds w_h o sum_j v_jh to its heads (nn/attention.hpp), so that a
  /// node's representation can count its neighbours.
  Cardinality cardinality = Cardinality::none;
  /// Hidden layers of the head between the readout and the outputs (0: a linear head), each
  /// head_hidden wide with ReLU, dropout `dropout` on its input.
  int head_layers = 0;
  std::int64_t head_hidden = 128;
  /// Identity skip connections around every attention layer but the first (whose input is the atom
  /// features, of another width): h_{l+1} = ELU(attention(h_l) + h_l).
  bool residual = false;
  /// Readouts concatenated after `readout` (e.g. {max} with readout = mean gives [mean | max]).
  std::vector<ReadoutKind> extra_readouts;
  /// Jumping knowledge: pool the output of every attention layer, not only the last one.
  bool jumping_knowledge = false;
  /// Which atoms attend to which (graph/range.hpp), applied by prepare() to each graph of the batch.
  /// Beyond 1-hop, pairs that are not bonds get a zero bond row, and every edge gets hop-distance
  /// columns (range_edge_features), when the model has bond features.
  AttentionRange range;
  /// Columns appended to the atom features by the trainer and the predictor (graph/positional.hpp);
  /// in_dim counts them.
  PositionalEncoding positional;
  /// gat: attention layers with ELU (and the optional residual); transformer: an input embedding, then
  /// every attention layer wrapped in a transformer block (see above).
  BlockKind block = BlockKind::gat;
  /// Hidden width of the blocks' feed-forward layers; 0: 2 x width(). Transformer blocks only.
  std::int64_t ffn_hidden = 0;

  /// The feed-forward width the blocks use: ffn_hidden, or 2 x width() when it is 0.
  std::int64_t ffn_width() const { return ffn_hidden > 0 ? ffn_hidden : 2 * width(); }

  /// Width of the edge features the attention layers see: edge_dim plus the range's hop-distance
  /// columns (0 without bond features).
  std::int64_t attention_edge_dim() const { return edge_dim > 0 ? edge_dim + range_edge_columns(range) : 0; }

  /// readout followed by extra_readouts.
  std::vector<ReadoutKind> readouts() const;
  /// Width of the pooled row g: (layers pooled) x (readouts) x width().
  std::int64_t pooled_width() const;
  void validate() const;
  /// Output width of every attention layer (the readout's width).
  std::int64_t width() const { return head_merge == HeadMerge::mean ? hidden : heads * hidden; }
  /// The configuration of attention layer `index` (0-based), not validated.
  AttentionConfig layer(int index) const;
  /// Number of parameters of GraphGat with this configuration (the size of its parameters()), or -1
  /// beyond 2^62: computed without overflow, so it can vet a configuration read from a file. Mirrors the
  /// blocks the layers register (a test checks the two agree for every readout).
  std::int64_t parameter_count() const;
};

template <class T>
class GraphGat {
 public:
  explicit GraphGat(const GraphModelConfig& config);

  const GraphModelConfig& config() const { return config_; }
  Parameters<T>& parameters() { return params_; }
  const Parameters<T>& parameters() const { return params_; }
  void initialize(std::uint64_t seed);

  /// The attention graph of the batch (the configuration's range applied to each graph
  /// [offsets[g], offsets[g+1]); empty offsets: one graph) with the model's self-loop policy, and its
  /// edge features (null when edge_dim = 0; bond rows, plus hop-distance columns beyond 1-hop; added
  /// self-loops get the mean of the node's incoming edge rows).
  struct Input {
    Graph graph;
    RowMatrix<T> edge_features;
  };
  Input prepare(const Graph& batch_graph, const RowMatrix<T>* bond_features,
                std::span<const std::int64_t> offsets = {}) const;

  /// Outputs (graphs x num_tasks) for node features x of a batch whose graph g owns rows
  /// [offsets[g], offsets[g+1]).
  const RowMatrix<T>& forward(const Input& input, const FeatureMatrix<T>& x, std::span<const std::int64_t> offsets,
                              bool training, std::uint64_t seed);
  /// Adds dL/dparameters after the matching forward().
  void backward(const Input& input, const FeatureMatrix<T>& x, std::span<const std::int64_t> offsets,
                const RowMatrix<T>& d_outputs);

  int num_layers() const { return static_cast<int>(layers_.size()); }
  /// The pooled rows g of the last forward (graphs x pooled_width()): the readouts' output, which the
  /// head reads.
  const RowMatrix<T>& pooled() const { return pooled_.dense(); }
  /// The input of the head's output layer in the last forward: the ReLU output of its last hidden layer
  /// (graphs x head_hidden), or pooled() when the head is linear (head_layers = 0).
  const RowMatrix<T>& head_input() const { return mlp_out_.empty() ? pooled_.dense() : mlp_out_.back().dense(); }
  /// The attention weights of attention layer `layer` in the last forward (input.graph.num_edges() x
  /// heads, edge-major, after the normaliser and before attention dropout).
  const std::vector<T>& attention_weights(int layer) const { return caches_[static_cast<std::size_t>(layer)].alpha; }

 private:
  bool has_skip(std::size_t layer) const;
  /// Index in hidden_ of the ELU output of attention layer l.
  std::size_t output_slot(std::size_t l) const { return l + 1 < layers_.size() ? l + 1 : 0; }
  /// Attention layer whose output readout i pools.
  std::size_t pooled_layer(std::size_t i) const;

  GraphModelConfig config_;
  Parameters<T> params_;
  std::vector<GraphAttention<T>> layers_;
  std::vector<GraphReadout<T>> readouts_;   ///< per pooled layer, per readout kind (see pooled_layer)
  std::vector<Linear<T>> mlp_;              ///< hidden layers of the head (registered before head_)
  Linear<T> head_;
  std::vector<AttentionCache<T>> caches_;
  std::vector<RowMatrix<T>> outputs_;       ///< raw attention outputs
  std::vector<FeatureMatrix<T>> hidden_;    ///< ELU outputs; hidden_[l] is the input of layer l (l >= 1)
  std::vector<ReadoutCache<T>> readout_caches_;
  RowMatrix<T> part_, d_part_, d_pool_nodes_;
  std::vector<RowMatrix<T>> d_readout_;    ///< per layer: gradient of its output from the readouts
  FeatureMatrix<T> pooled_;
  std::vector<LinearCache<T>> mlp_caches_;
  std::vector<RowMatrix<T>> mlp_raw_;       ///< pre-activation outputs of the head's hidden layers
  std::vector<FeatureMatrix<T>> mlp_out_;   ///< ReLU outputs: the inputs of the next head layer
  LinearCache<T> head_cache_;
  RowMatrix<T> out_;
  RowMatrix<T> d_pooled_, d_nodes_, d_hidden_, d_mlp_;

  // Transformer blocks (config.block == transformer): embedded_ is the input of block 0, the block
  // outputs go where the ELU outputs go (hidden_[output_slot(l)]). Registered after the head.
  std::optional<Linear<T>> embed_;
  std::vector<TransformerBlock<T>> blocks_;
  std::vector<BlockCache<T>> block_caches_;
  LinearCache<T> embed_cache_;
  FeatureMatrix<T> embedded_;
};

}  // namespace gatkit
