#include "gatkit/nn/graph_model.hpp"

#include "gatkit/nn/functional.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit {

std::vector<ReadoutKind> GraphModelConfig::readouts() const {
  std::vector<ReadoutKind> all = {readout};
  all.insert(all.end(), extra_readouts.begin(), extra_readouts.end());
  return all;
}

std::int64_t GraphModelConfig::pooled_width() const {
  const std::int64_t pooled_layers = jumping_knowledge ? layers : 1;
  return pooled_layers * static_cast<std::int64_t>(1 + extra_readouts.size()) * width();
}

void GraphModelConfig::validate() const {
  GATKIT_REQUIRE(in_dim > 0, "graph model: input dimension must be positive");
  GATKIT_REQUIRE(edge_dim >= 0, "graph model: edge dimension must be >= 0");
  GATKIT_REQUIRE(num_tasks >= 1 && layers >= 1 && heads >= 1 && hidden >= 1, "graph model: sizes must be positive");
  GATKIT_REQUIRE(dropout >= 0 && dropout < 1 && attention_dropout >= 0 && attention_dropout < 1,
                 "graph model: dropout must be in [0, 1)");
  GATKIT_REQUIRE(head_layers >= 0, "graph model: head layers must be >= 0");
  GATKIT_REQUIRE(head_layers == 0 || head_hidden >= 1, "graph model: head hidden width must be positive");
  GATKIT_REQUIRE(extra_readouts.size() <= 8, "graph model: at most 9 readouts");
  range.validate();
  positional.validate();
  GATKIT_REQUIRE(in_dim > positional.columns(), "graph model: input dimension must exceed the positional-encoding columns");
  GATKIT_REQUIRE(ffn_hidden >= 0, "graph model: feed-forward width must be >= 0 (0: twice the layer width)");
  if (block == BlockKind::transformer)
    GATKIT_REQUIRE(!residual, "graph model: transformer blocks have their own residual connections (drop --residual)");
  else
    GATKIT_REQUIRE(ffn_hidden == 0, "graph model: a feed-forward width applies to transformer blocks only");
}

std::int64_t GraphModelConfig::parameter_count() const {
  using Wide = __int128;  // every factor is checked below 2^32 first, so no product overflows
  const Wide limit = Wide{1} << 62;
  const std::int64_t below = std::int64_t{1} << 32;
  if (in_dim < 0 || in_dim >= below || edge_dim < 0 || edge_dim >= below || hidden < 0 || hidden >= below ||
      heads < 0 || heads >= below || layers < 0 || num_tasks < 0 || Wide{heads} * hidden >= below)
    return -1;  // (a layer width of 2^32 or more: width() would overflow, and no such model is trained)
  Wide total = 0;
  for (int l = 0; l < layers; ++l) {  // the attention layers count their own blocks
    const std::int64_t count = layer(l).parameter_count();
    if (count < 0) return -1;
    total += count;
    if (total > limit) return -1;
  }
  const Wide w = width();
  if (extra_readouts.size() > 8) return -1;
  const Wide pooled_layers = jumping_knowledge ? layers : 1;
  for (const ReadoutKind kind : readouts())
    if (kind == ReadoutKind::attention) total += pooled_layers * (w + 1);  // gate weight and bias
  if (head_layers < 0 || head_layers > 64 || head_hidden < 0 || head_hidden >= below) return -1;
  const Wide pooled = w * pooled_layers * static_cast<std::int64_t>(readouts().size());  // the readouts' output
  for (int k = 0; k < head_layers; ++k) {                  // MLP layers: weight and bias
    total += (k == 0 ? pooled : Wide{head_hidden}) * head_hidden + head_hidden;
  }
  total += (head_layers > 0 ? Wide{head_hidden} : pooled) * num_tasks + num_tasks;  // output layer
  if (block == BlockKind::transformer) {  // the embedding and one block per attention layer
    if (ffn_hidden < 0) return -1;
    total += Wide{in_dim} * w + w;
    const std::int64_t block_count = TransformerBlock<double>::parameter_count(width(), ffn_width());
    if (block_count < 0) return -1;
    total += Wide{block_count} * layers;
  }
  return total > limit ? -1 : static_cast<std::int64_t>(total);
}

AttentionConfig GraphModelConfig::layer(int index) const {
  AttentionConfig a;
  a.in_dim = index == 0 && block != BlockKind::transformer ? in_dim : width();  // blocks: the embedded input
  a.heads = heads;
  a.head_dim = hidden;
  a.set_merge(head_merge);
  a.input_dropout = dropout;
  a.attention_dropout = attention_dropout;
  a.edge_dim = attention_edge_dim();
  a.kind = attention;
  a.normalizer = normalizer;
  a.cardinality = cardinality;
  return a;
}

namespace {
AttentionConfig layer_config(const GraphModelConfig& c, int index) {
  c.validate();
  return c.layer(index);
}

std::vector<std::int64_t> head_widths(const GraphModelConfig& c) {
  std::vector<std::int64_t> widths = {c.pooled_width()};  // the readouts' output
  for (int k = 0; k < c.head_layers; ++k) widths.push_back(c.head_hidden);
  return widths;
}
}  // namespace

template <class T>
GraphGat<T>::GraphGat(const GraphModelConfig& config)
    : config_(config),
      layers_([&] {
        std::vector<GraphAttention<T>> layers;
        for (int l = 0; l < config.layers; ++l) layers.emplace_back(layer_config(config, l), params_, "layer" + std::to_string(l));
        return layers;
      }()),
      readouts_([&] {
        // Pooled layer by pooled layer, each with every readout kind; the first keeps the name
        // "readout" of single-readout models.
        std::vector<GraphReadout<T>> readouts;
        const auto kinds = config.readouts();
        const int pooled_layers = config.jumping_knowledge ? config.layers : 1;
        for (int l = 0; l < pooled_layers; ++l)
          for (const ReadoutKind kind : kinds) {
            const std::size_t i = readouts.size();
            readouts.emplace_back(kind, config.width(), params_, i == 0 ? "readout" : "readout" + std::to_string(i));
          }
        return readouts;
      }()),
      mlp_([&] {
        std::vector<Linear<T>> mlp;
        const auto widths = head_widths(config);
        for (int k = 0; k < config.head_layers; ++k)
          mlp.emplace_back(widths[static_cast<std::size_t>(k)], widths[static_cast<std::size_t>(k) + 1], config.dropout,
                           params_, "mlp" + std::to_string(k));
        return mlp;
      }()),
      head_(head_widths(config).back(), config.num_tasks, config.dropout, params_, "head") {
  if (config_.block == BlockKind::transformer) {
    embed_.emplace(config_.in_dim, config_.width(), config_.dropout, params_, "embed");
    for (int l = 0; l < config_.layers; ++l)
      blocks_.emplace_back(config_.width(), config_.ffn_width(), config_.dropout, params_, "block" + std::to_string(l));
    block_caches_.resize(blocks_.size());
  }
  params_.allocate();
  caches_.resize(layers_.size());
  outputs_.resize(layers_.size());
  hidden_.resize(layers_.size());
  readout_caches_.resize(readouts_.size());
  d_readout_.resize(layers_.size());
  mlp_caches_.resize(mlp_.size());
  mlp_raw_.resize(mlp_.size());
  mlp_out_.resize(mlp_.size());
}

template <class T>
void GraphGat<T>::initialize(std::uint64_t seed) {
  Rng rng(derive_seed(seed, 0x6a7));
  for (const auto& layer : layers_) layer.initialize(params_, rng);
  for (const auto& readout : readouts_) readout.initialize(params_, rng);
  for (const auto& layer : mlp_) layer.initialize(params_, rng);
  head_.initialize(params_, rng);
  // Drawn last, so that gat models draw exactly what they did before blocks.
  if (embed_) embed_->initialize(params_, rng);
  for (const auto& block : blocks_) block.initialize(params_, rng);
}

template <class T>
bool GraphGat<T>::has_skip(std::size_t layer) const {
  return config_.residual && layer > 0;  // layers after the first map width() to width()
}

template <class T>
std::size_t GraphGat<T>::pooled_layer(std::size_t i) const {
  return config_.jumping_knowledge ? i / (1 + config_.extra_readouts.size()) : layers_.size() - 1;
}

template <class T>
typename GraphGat<T>::Input GraphGat<T>::prepare(const Graph& batch_graph, const RowMatrix<T>* bond_features,
                                                 std::span<const std::int64_t> offsets) const {
  Input input;
  const SelfLoops loops = config_.self_loops ? SelfLoops::add : SelfLoops::keep;
  if (config_.edge_dim > 0) {
    GATKIT_REQUIRE(bond_features != nullptr && bond_features->cols() == config_.edge_dim,
                   "graph model: bond features of width " + std::to_string(config_.edge_dim) + " required");
  }
  if (config_.range.is_one_hop()) {
    input.graph = with_self_loops(batch_graph, loops);
    if (config_.edge_dim > 0) input.edge_features = edge_features_with_self_loops(batch_graph, *bond_features, input.graph);
    return input;
  }
  const Graph ranged = attention_graph(batch_graph, offsets, config_.range);
  input.graph = with_self_loops(ranged, loops);
  if (config_.edge_dim > 0)
    input.edge_features = edge_features_with_self_loops(
        ranged, range_edge_features(batch_graph, *bond_features, ranged, config_.range), input.graph);
  return input;
}

template <class T>
const RowMatrix<T>& GraphGat<T>::forward(const Input& input, const FeatureMatrix<T>& x,
                                         std::span<const std::int64_t> offsets, bool training, std::uint64_t seed) {
  const RowMatrix<T>* edges = config_.edge_dim > 0 ? &input.edge_features : nullptr;
  const FeatureMatrix<T>* in = &x;
  if (embed_) {
    embed_->forward(params_, x, training, derive_seed(seed, 0xe3bed), embed_cache_, embedded_.dense());
    in = &embedded_;
  }
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    if (embed_) {  // the attention layer keeps its seed derive_seed(seed, l)
      const std::size_t next = output_slot(l);
      blocks_[l].forward(params_, layers_[l], input.graph, *in, training, derive_seed(seed, l), caches_[l], block_caches_[l],
                         hidden_[next].dense(), edges);
      in = &hidden_[next];
      continue;
    }
    layers_[l].forward(params_, input.graph, *in, training, derive_seed(seed, l), caches_[l], outputs_[l], edges);
    if (has_skip(l)) outputs_[l] += in->dense();
    const std::size_t next = output_slot(l);  // the last ELU output goes to hidden_[0]
    elu_forward(outputs_[l], hidden_[next].dense());
    in = &hidden_[next];
  }
  if (readouts_.size() == 1) {
    readouts_[0].forward(params_, hidden_[0].dense(), offsets, readout_caches_[0], pooled_.dense());
  } else {
    const std::int64_t width = config_.width();
    pooled_.dense().resize(static_cast<std::int64_t>(offsets.size()) - 1, width * static_cast<std::int64_t>(readouts_.size()));
    for (std::size_t i = 0; i < readouts_.size(); ++i) {
      readouts_[i].forward(params_, hidden_[output_slot(pooled_layer(i))].dense(), offsets, readout_caches_[i], part_);
      pooled_.dense().middleCols(static_cast<std::int64_t>(i) * width, width) = part_;
    }
  }
  const FeatureMatrix<T>* g = &pooled_;
  for (std::size_t k = 0; k < mlp_.size(); ++k) {
    mlp_[k].forward(params_, *g, training, derive_seed(seed, 0x3190 + k), mlp_caches_[k], mlp_raw_[k]);
    relu_forward(mlp_raw_[k], mlp_out_[k].dense());
    g = &mlp_out_[k];
  }
  head_.forward(params_, *g, training, derive_seed(seed, 0xead), head_cache_, out_);
  return out_;
}

template <class T>
void GraphGat<T>::backward(const Input& input, const FeatureMatrix<T>& x, std::span<const std::int64_t> offsets,
                           const RowMatrix<T>& d_outputs) {
  const RowMatrix<T>* edges = config_.edge_dim > 0 ? &input.edge_features : nullptr;
  if (mlp_.empty()) {
    head_.backward(params_, pooled_, head_cache_, d_outputs, &d_pooled_);
  } else {
    head_.backward(params_, mlp_out_.back(), head_cache_, d_outputs, &d_mlp_);
    for (std::size_t k = mlp_.size(); k-- > 0;) {
      relu_backward(mlp_out_[k].dense(), d_mlp_, d_hidden_);
      mlp_[k].backward(params_, k == 0 ? pooled_ : mlp_out_[k - 1], mlp_caches_[k], d_hidden_, k == 0 ? &d_pooled_ : &d_mlp_);
    }
  }
  const std::size_t last = layers_.size() - 1;
  if (readouts_.size() == 1) {
    readouts_[0].backward(params_, hidden_[0].dense(), offsets, readout_caches_[0], d_pooled_, d_nodes_);
  } else {
    // Every readout adds its node gradient to the output of the layer it pools.
    const std::int64_t width = config_.width();
    std::vector<bool> pooled(layers_.size(), false);
    for (std::size_t i = 0; i < readouts_.size(); ++i) {
      const std::size_t l = pooled_layer(i);
      d_part_ = d_pooled_.middleCols(static_cast<std::int64_t>(i) * width, width);
      readouts_[i].backward(params_, hidden_[output_slot(l)].dense(), offsets, readout_caches_[i], d_part_, d_pool_nodes_);
      if (pooled[l]) {
        d_readout_[l] += d_pool_nodes_;
      } else {
        d_readout_[l].swap(d_pool_nodes_);
        pooled[l] = true;
      }
    }
    d_nodes_.swap(d_readout_[last]);
  }
  for (std::size_t l = layers_.size(); l-- > 0;) {
    if (l != last && config_.jumping_knowledge && readouts_.size() > 1) d_nodes_ += d_readout_[l];
    if (embed_) {
      const FeatureMatrix<T>& in = l == 0 ? embedded_ : hidden_[l];
      blocks_[l].backward(params_, layers_[l], input.graph, in, caches_[l], block_caches_[l], d_nodes_, d_hidden_, edges);
      d_nodes_.swap(d_hidden_);  // dL/d(block input)
      continue;
    }
    elu_backward(hidden_[output_slot(l)].dense(), d_nodes_, d_hidden_);
    const FeatureMatrix<T>& in = l == 0 ? x : hidden_[l];
    layers_[l].backward(params_, input.graph, in, caches_[l], d_hidden_, l == 0 ? nullptr : &d_nodes_, edges);
    if (has_skip(l)) d_nodes_ += d_hidden_;  // the skip passes the gradient through unchanged
  }
  if (embed_) embed_->backward(params_, x, embed_cache_, d_nodes_, nullptr);
}

template class GraphGat<float>;
template class GraphGat<double>;

}  // namespace gatkit
