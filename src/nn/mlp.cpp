#include "gatkit/nn/mlp.hpp"

#include "gatkit/nn/functional.hpp"
#include "gatkit/nn/random.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit {

template <class T>
MlpModel<T>::MlpModel(const ModelConfig& config) : config_(config) {
  config_.validate();
  GATKIT_REQUIRE(config_.kind == NodeModelKind::mlp, "MlpModel: the configuration is not an MLP (kind gat)");
  const std::int64_t count = config_.parameter_count();
  GATKIT_REQUIRE(count >= 0 && count <= (std::int64_t{1} << 30),
                 "model: " + (count < 0 ? std::string("more than 2^62") : std::to_string(count)) +
                     " parameters (input dimension " + std::to_string(config_.in_dim) +
                     ") is beyond what gatkit trains (at most 2^30); check the feature indices of the input");
  layers_.reserve(static_cast<std::size_t>(config_.layers));
  for (int l = 0; l < config_.layers; ++l) {
    const bool last = l == config_.layers - 1;
    const std::int64_t in = l == 0 ? config_.in_dim : config_.heads * config_.hidden;
    const std::int64_t out = last ? config_.num_classes : config_.heads * config_.hidden;
    layers_.emplace_back(in, out, config_.dropout, params_, "layer" + std::to_string(l));
  }
  params_.allocate();
  caches_.resize(layers_.size());
  hidden_.resize(layers_.size());
}

template <class T>
void MlpModel<T>::initialize(std::uint64_t seed) {
  Rng rng(derive_seed(seed, 0x1417));
  for (const auto& layer : layers_) layer.initialize(params_, rng);
}

template <class T>
const RowMatrix<T>& MlpModel<T>::forward(const Graph& /*graph*/, const FeatureMatrix<T>& x, bool training,
                                         std::uint64_t seed) {
  const FeatureMatrix<T>* input = &x;
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const bool last = l + 1 == layers_.size();
    RowMatrix<T>& out = last ? logits_ : hidden_[l + 1].dense();
    layers_[l].forward(params_, *input, training, derive_seed(seed, l), caches_[l], out);
    if (!last) {
      elu_forward(out, out);
      input = &hidden_[l + 1];
    }
  }
  return logits_;
}

template <class T>
void MlpModel<T>::backward(const Graph& /*graph*/, const FeatureMatrix<T>& x, const RowMatrix<T>& d_logits) {
  const RowMatrix<T>* dy = &d_logits;
  for (std::size_t l = layers_.size(); l-- > 0;) {
    const FeatureMatrix<T>& input = l == 0 ? x : hidden_[l];
    RowMatrix<T>* dx = l == 0 ? nullptr : &d_buffers_[l % 2];
    layers_[l].backward(params_, input, caches_[l], *dy, dx);
    if (dx) {
      elu_backward(hidden_[l].dense(), *dx, *dx);
      dy = dx;
    }
  }
}

template <class T>
const RowMatrix<T>& MlpModel<T>::penultimate() const {
  GATKIT_REQUIRE(layers_.size() >= 2, "a model of one layer has no hidden representation (its input is the features)");
  return hidden_.back().dense();
}

template class MlpModel<float>;
template class MlpModel<double>;

}  // namespace gatkit
