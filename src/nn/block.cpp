#include "gatkit/nn/block.hpp"

#include "gatkit/nn/functional.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit {

std::string to_string(BlockKind kind) { return kind == BlockKind::transformer ? "transformer" : "gat"; }

BlockKind parse_block_kind(std::string_view name) {
  if (name == "gat") return BlockKind::gat;
  if (name == "transformer") return BlockKind::transformer;
  throw InvalidArgument("unknown block '" + std::string(name) + "' (expected gat or transformer)");
}

template <class T>
TransformerBlock<T>::TransformerBlock(std::int64_t width, std::int64_t ffn_hidden, double dropout,
                                      Parameters<T>& params, const std::string& name)
    : norm1_(width, params, name + ".norm1"),
      ffn1_(width, ffn_hidden, dropout, params, name + ".ffn1"),
      ffn2_(ffn_hidden, width, dropout, params, name + ".ffn2"),
      norm2_(width, params, name + ".norm2") {}

template <class T>
std::int64_t TransformerBlock<T>::parameter_count(std::int64_t width, std::int64_t ffn_hidden) {
  using Wide = __int128;
  const std::int64_t below = std::int64_t{1} << 32;
  if (width < 0 || width >= below || ffn_hidden < 0 || ffn_hidden >= below) return -1;
  const Wide w = width, f = ffn_hidden;
  const Wide total = 4 * w            // two layer norms: gain and bias each
                     + w * f + f      // ffn1
                     + f * w + w;     // ffn2
  return total > (Wide{1} << 62) ? -1 : static_cast<std::int64_t>(total);
}

template <class T>
void TransformerBlock<T>::initialize(Parameters<T>& params, Rng& rng) const {
  norm1_.initialize(params);
  ffn1_.initialize(params, rng);
  ffn2_.initialize(params, rng);
  norm2_.initialize(params);
}

template <class T>
void TransformerBlock<T>::forward(const Parameters<T>& params, const GraphAttention<T>& attention, const Graph& graph,
                                  const FeatureMatrix<T>& x, bool training, std::uint64_t seed,
                                  AttentionCache<T>& attention_cache, BlockCache<T>& cache, RowMatrix<T>& y,
                                  const RowMatrix<T>* edge_features) const {
  GATKIT_REQUIRE(!x.is_sparse() && x.cols() == width() && attention.output_dim() == width() &&
                     attention.config().in_dim == width(),
                 "transformer block: input and attention layer must be " + std::to_string(width()) + " wide (dense)");
  attention.forward(params, graph, x, training, seed, attention_cache, cache.sum, edge_features);
  cache.sum += x.dense();
  norm1_.forward(params, cache.sum, cache.norm1, cache.h1.dense());
  ffn1_.forward(params, cache.h1, training, derive_seed(seed, 0xff1), cache.ffn1, cache.raw);
  relu_forward(cache.raw, cache.inner.dense());
  ffn2_.forward(params, cache.inner, training, derive_seed(seed, 0xff2), cache.ffn2, cache.raw);
  cache.sum = cache.raw + cache.h1.dense();
  norm2_.forward(params, cache.sum, cache.norm2, y);
}

template <class T>
void TransformerBlock<T>::backward(Parameters<T>& params, const GraphAttention<T>& attention, const Graph& graph,
                                   const FeatureMatrix<T>& x, AttentionCache<T>& attention_cache, BlockCache<T>& cache,
                                   const RowMatrix<T>& dy, RowMatrix<T>& dx, const RowMatrix<T>* edge_features) const {
  GATKIT_REQUIRE(&dx != &dy, "transformer block backward: dx must not be dy");
  norm2_.backward(params, cache.norm2, dy, cache.d_sum);             // dL/d(h1 + FFN(h1))
  ffn2_.backward(params, cache.inner, cache.ffn2, cache.d_sum, &cache.d_inner);
  relu_backward(cache.inner.dense(), cache.d_inner, cache.d_inner);  // in place: ReLU' from the output
  ffn1_.backward(params, cache.h1, cache.ffn1, cache.d_inner, &cache.d_h1);
  cache.d_h1 += cache.d_sum;                                         // the residual around the FFN
  norm1_.backward(params, cache.norm1, cache.d_h1, cache.d_sum);     // dL/d(x + attention(x))
  attention.backward(params, graph, x, attention_cache, cache.d_sum, &dx, edge_features);
  dx += cache.d_sum;                                                 // the residual around the attention
}

template class TransformerBlock<float>;
template class TransformerBlock<double>;

}  // namespace gatkit
