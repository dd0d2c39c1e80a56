#include "gatkit/nn/model.hpp"

#include "gatkit/nn/functional.hpp"
#include "gatkit/nn/random.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit {

std::string to_string(NodeModelKind kind) { return kind == NodeModelKind::mlp ? "mlp" : "gat"; }

NodeModelKind parse_node_model_kind(std::string_view name) {
  if (name == "gat") return NodeModelKind::gat;
  if (name == "mlp") return NodeModelKind::mlp;
  throw InvalidArgument("unknown model '" + std::string(name) + "' (expected gat or mlp)");
}

void ModelConfig::validate() const {
  GATKIT_REQUIRE(in_dim > 0, "model: input dimension must be positive");
  GATKIT_REQUIRE(num_classes > 0, "model: number of classes must be positive");
  GATKIT_REQUIRE(layers >= 1, "model: at least one attention layer");
  GATKIT_REQUIRE(heads >= 1 && output_heads >= 1, "model: heads must be positive");
  GATKIT_REQUIRE(hidden >= 1, "model: hidden size must be positive");
  GATKIT_REQUIRE(dropout >= 0 && dropout < 1, "model: dropout must be in [0, 1)");
  GATKIT_REQUIRE(attention_dropout >= 0 && attention_dropout < 1, "model: attention dropout must be in [0, 1)");
  GATKIT_REQUIRE(negative_slope >= 0, "model: negative slope must be >= 0");
  range.validate();
  positional.validate();
  GATKIT_REQUIRE(in_dim > positional.columns(), "model: input dimension must exceed the positional-encoding columns");
  GATKIT_REQUIRE(ffn_hidden >= 0, "model: feed-forward width must be >= 0 (0: twice the hidden width)");
  if (block == BlockKind::transformer) {
    GATKIT_REQUIRE(kind == NodeModelKind::gat, "model: transformer blocks need attention layers (model gat, not mlp)");
    GATKIT_REQUIRE(layers >= 2, "model: transformer blocks need at least 2 layers (the blocks, then the output attention layer)");
  } else {
    GATKIT_REQUIRE(ffn_hidden == 0, "model: a feed-forward width applies to transformer blocks only");
  }
}

AttentionConfig ModelConfig::layer(int index) const {
  AttentionConfig c;
  const bool last = index == layers - 1;
  // Transformer blocks see the embedded input: every layer is then hidden_width() wide.
  c.in_dim = index == 0 && block != BlockKind::transformer ? in_dim : hidden_width();
  c.heads = last ? output_heads : heads;
  c.head_dim = last ? num_classes : hidden;
  c.set_merge(last ? HeadMerge::mean : head_merge);
  c.kind = attention;
  c.normalizer = normalizer;
  c.cardinality = cardinality;
  c.negative_slope = negative_slope;
  c.input_dropout = dropout;
  c.attention_dropout = attention_dropout;
  c.bias = true;
  return c;
}

std::int64_t ModelConfig::parameter_count() const {
  // The sum of the layers' counts (each below 2^62, or -1), accumulated in 128 bits.
  using Wide = __int128;
  const Wide below = Wide{1} << 32;
  if (heads < 0 || hidden < 0 || hidden >= below || Wide{heads} * hidden >= below) return -1;  // widths of 2^32 or more
  Wide total = 0;
  for (int l = 0; l < layers; ++l) {
    if (kind == NodeModelKind::mlp) {  // MlpModel: Linear(in, H*D) hidden layers, Linear(H*D, C) output (no merge)
      if (in_dim < 0 || in_dim >= below || num_classes < 0) return -1;
      const Wide in = l == 0 ? Wide{in_dim} : Wide{heads} * hidden;
      const Wide out = l == layers - 1 ? Wide{num_classes} : Wide{heads} * hidden;
      total += in * out + out;
      if (total > (Wide{1} << 62)) return -1;
      continue;
    }
    const std::int64_t count = layer(l).parameter_count();
    if (count < 0) return -1;
    total += count;
    if (total > (Wide{1} << 62)) return -1;
  }
  if (block == BlockKind::transformer && kind == NodeModelKind::gat) {  // the embedding and layers - 1 blocks
    if (in_dim < 0 || in_dim >= below || ffn_hidden < 0) return -1;
    const Wide width = hidden_width();
    total += Wide{in_dim} * width + width;
    const std::int64_t block_count = TransformerBlock<double>::parameter_count(hidden_width(), ffn_width());
    if (block_count < 0) return -1;
    total += Wide{block_count} * (layers - 1);
    if (total > (Wide{1} << 62)) return -1;
  }
  return static_cast<std::int64_t>(total);
}

template <class T>
GatModel<T>::GatModel(const ModelConfig& config) : config_(config) {
  config_.validate();
  // Values, gradients and Adam's two moments: 16 bytes a parameter. Refuse sizes no machine trains,
  // typically the result of a feature index far beyond the features actually present.
  const std::int64_t count = config_.parameter_count();
  GATKIT_REQUIRE(count >= 0 && count <= (std::int64_t{1} << 30),
                 "model: " + (count < 0 ? std::string("more than 2^62") : std::to_string(count)) +
                     " parameters (input dimension " + std::to_string(config_.in_dim) +
                     ") is beyond what gatkit trains (at most 2^30); check the feature indices of the input");
  const bool transformer = config_.block == BlockKind::transformer;
  if (transformer) embed_.emplace(config_.in_dim, config_.hidden_width(), config_.dropout, params_, "embed");
  for (int l = 0; l < config_.layers; ++l)
    layers_.emplace_back(config_.layer(l), params_, "layer" + std::to_string(l));
  if (transformer) {
    for (int l = 0; l + 1 < config_.layers; ++l)
      blocks_.emplace_back(config_.hidden_width(), config_.ffn_width(), config_.dropout, params_, "block" + std::to_string(l));
    block_caches_.resize(blocks_.size());
  }
  params_.allocate();
  caches_.resize(layers_.size());
  hidden_.resize(layers_.size());
}

template <class T>
void GatModel<T>::initialize(std::uint64_t seed) {
  Rng rng(derive_seed(seed, 0x1417));
  for (const auto& layer : layers_) layer.initialize(params_, rng);
  // Drawn after the attention layers, so that gat models draw exactly what they did before blocks.
  if (embed_) embed_->initialize(params_, rng);
  for (const auto& block : blocks_) block.initialize(params_, rng);
}

template <class T>
Graph GatModel<T>::prepare_graph(const Graph& g) const {
  const SelfLoops loops = config_.self_loops ? SelfLoops::add : SelfLoops::keep;
  if (config_.range.is_one_hop()) return with_self_loops(g, loops);
  return with_self_loops(attention_graph(g, {}, config_.range), loops);
}

template <class T>
const RowMatrix<T>& GatModel<T>::forward(const Graph& graph, const FeatureMatrix<T>& x, bool training,
                                         std::uint64_t seed) {
  if (embed_) return forward_blocks(graph, x, training, seed);
  const FeatureMatrix<T>* input = &x;
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const bool last = l + 1 == layers_.size();
    RowMatrix<T>& out = last ? logits_ : hidden_[l + 1].dense();  // reuses the buffer of the previous step
    layers_[l].forward(params_, graph, *input, training, derive_seed(seed, l), caches_[l], out);
    if (!last) {
      elu_forward(out, out);
      input = &hidden_[l + 1];
    }
  }
  return logits_;
}

template <class T>
void GatModel<T>::backward(const Graph& graph, const FeatureMatrix<T>& x, const RowMatrix<T>& d_logits) {
  if (embed_) {
    backward_blocks(graph, x, d_logits);
    return;
  }
  const RowMatrix<T>* dy = &d_logits;
  for (std::size_t l = layers_.size(); l-- > 0;) {
    const FeatureMatrix<T>& input = l == 0 ? x : hidden_[l];
    RowMatrix<T>* dx = l == 0 ? nullptr : &d_buffers_[l % 2];  // never the buffer dy lives in
    layers_[l].backward(params_, graph, input, caches_[l], *dy, dx);
    if (dx) {
      elu_backward(hidden_[l].dense(), *dx, *dx);
      dy = dx;
    }
  }
}

template <class T>
const RowMatrix<T>& GatModel<T>::forward_blocks(const Graph& graph, const FeatureMatrix<T>& x, bool training,
                                                std::uint64_t seed) {
  embed_->forward(params_, x, training, derive_seed(seed, 0xe3bed), embed_cache_, embedded_.dense());
  const FeatureMatrix<T>* input = &embedded_;
  for (std::size_t l = 0; l < blocks_.size(); ++l) {  // attention layer l keeps its seed derive_seed(seed, l)
    blocks_[l].forward(params_, layers_[l], graph, *input, training, derive_seed(seed, l), caches_[l], block_caches_[l],
                       hidden_[l + 1].dense());
    input = &hidden_[l + 1];
  }
  const std::size_t last = layers_.size() - 1;
  layers_[last].forward(params_, graph, *input, training, derive_seed(seed, last), caches_[last], logits_);
  return logits_;
}

template <class T>
void GatModel<T>::backward_blocks(const Graph& graph, const FeatureMatrix<T>& x, const RowMatrix<T>& d_logits) {
  const std::size_t last = layers_.size() - 1;  // >= 1: validate() asks for 2 layers or more
  layers_[last].backward(params_, graph, hidden_[last], caches_[last], d_logits, &d_buffers_[last % 2]);
  for (std::size_t l = blocks_.size(); l-- > 0;) {
    const FeatureMatrix<T>& input = l == 0 ? embedded_ : hidden_[l];
    blocks_[l].backward(params_, layers_[l], graph, input, caches_[l], block_caches_[l], d_buffers_[(l + 1) % 2],
                        d_buffers_[l % 2]);
  }
  embed_->backward(params_, x, embed_cache_, d_buffers_[0], nullptr);
}

template <class T>
const RowMatrix<T>& GatModel<T>::penultimate() const {
  GATKIT_REQUIRE(layers_.size() >= 2, "a model of one layer has no hidden representation (its input is the features)");
  return hidden_.back().dense();
}

template class GatModel<float>;
template class GatModel<double>;

}  // namespace gatkit
