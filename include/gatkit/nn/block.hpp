#pragma once
// Transformer-style block around a graph attention layer ("alternate self-attention and fully
// connected", Vaswani et al. 2017, post-norm as in the original Transformer):
//   h1 = LayerNorm_1(x + Attention(x))
//   y  = LayerNorm_2(h1 + FFN(h1)),   FFN(h) = Linear_2(ReLU(Linear_1(h)))   (width -> ffn_hidden -> width)
// Dropout (inverted, the model's rate) applies to the input of the attention layer (its own
// input_dropout) and to the inputs of both FFN layers (Linear's dropout); attention dropout is the
// attention layer's. Both residual connections need the attention layer's output width to equal its
// input width (`width`).
//
// The attention layer is not owned by the block: the models keep every attention layer in their layers_
// vector and its cache in caches_ (so that layer indices, attention_weights() and checkpoints' layer
// names mean the same with and without blocks), and hand the layer to forward/backward.
// Parameter blocks registered here: "<name>.norm1", "<name>.ffn1", "<name>.ffn2", "<name>.norm2".
// Shapes: x, y and every intermediate are n x width (dense) except the FFN's hidden n x ffn_hidden.
#include <cstdint>
#include <string>

#include "gatkit/nn/attention.hpp"
#include "gatkit/nn/layer_norm.hpp"
#include "gatkit/nn/linear.hpp"

namespace gatkit {

/// How the models' attention layers are wrapped (--block; "block" in checkpoints): bare, with an ELU
/// after every hidden layer (gat, the default), or as transformer blocks.
enum class BlockKind { gat, transformer };
std::string to_string(BlockKind kind);
/// "gat" or "transformer"; throws InvalidArgument otherwise.
BlockKind parse_block_kind(std::string_view name);

/// What forward keeps for backward, apart from the attention layer's own cache.
template <class T>
struct BlockCache {
  RowMatrix<T> sum;              ///< x + attention(x), then h1 + FFN(h1) (scratch)
  FeatureMatrix<T> h1;           ///< LayerNorm_1 output: the FFN's input
  LayerNormCache<T> norm1, norm2;
  LinearCache<T> ffn1, ffn2;
  FeatureMatrix<T> inner;        ///< ReLU(Linear_1(h1)), n x ffn_hidden
  RowMatrix<T> raw;              ///< Linear_1(h1) before ReLU; reused for Linear_2's output
  // backward scratch
  RowMatrix<T> d_sum, d_inner, d_h1;
};

template <class T>
class TransformerBlock {
 public:
  /// Registers the block's layer norms and FFN in `params` (before params.allocate()).
  TransformerBlock(std::int64_t width, std::int64_t ffn_hidden, double dropout, Parameters<T>& params,
                   const std::string& name);

  std::int64_t width() const { return norm1_.width(); }
  /// Glorot FFN weights drawn from rng, zero biases; gains 1, biases 0 for the norms.
  void initialize(Parameters<T>& params, Rng& rng) const;

  /// y (n x width) from x (n x width, dense). `attention` must map width to width; `attention_cache`
  /// is its cache. `seed` keys the dropout masks (the attention layer's with `seed` itself).
  void forward(const Parameters<T>& params, const GraphAttention<T>& attention, const Graph& graph,
               const FeatureMatrix<T>& x, bool training, std::uint64_t seed, AttentionCache<T>& attention_cache,
               BlockCache<T>& cache, RowMatrix<T>& y, const RowMatrix<T>* edge_features = nullptr) const;
  /// Adds dL/dparameters (the block's and the attention layer's) and sets dx = dL/dx. dx must not be dy.
  void backward(Parameters<T>& params, const GraphAttention<T>& attention, const Graph& graph,
                const FeatureMatrix<T>& x, AttentionCache<T>& attention_cache, BlockCache<T>& cache,
                const RowMatrix<T>& dy, RowMatrix<T>& dx, const RowMatrix<T>* edge_features = nullptr) const;

  /// Parameters registered by the block itself (not its attention layer), or -1 beyond 2^62 or when a
  /// width is negative or at least 2^32.
  static std::int64_t parameter_count(std::int64_t width, std::int64_t ffn_hidden);

 private:
  LayerNorm<T> norm1_;
  Linear<T> ffn1_, ffn2_;
  LayerNorm<T> norm2_;
};

}  // namespace gatkit
