#include "gatkit/nn/readout.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"

namespace gatkit {

std::string to_string(ReadoutKind kind) {
  switch (kind) {
    case ReadoutKind::mean: return "mean";
    case ReadoutKind::sum: return "sum";
    case ReadoutKind::max: return "max";
    case ReadoutKind::attention: return "attention";
  }
  return "?";
}

ReadoutKind parse_readout_kind(std::string_view name) {
  if (name == "mean") return ReadoutKind::mean;
  if (name == "sum") return ReadoutKind::sum;
  if (name == "max") return ReadoutKind::max;
  if (name == "attention") return ReadoutKind::attention;
  throw InvalidArgument("unknown readout '" + std::string(name) + "' (expected mean, sum, max or attention)");
}

std::vector<ReadoutKind> parse_readout_kinds(std::string_view list) {
  std::vector<ReadoutKind> kinds;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = list.find(',', start);
    const std::string_view item = list.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    const ReadoutKind kind = parse_readout_kind(item);
    if (std::find(kinds.begin(), kinds.end(), kind) != kinds.end())
      throw InvalidArgument("readout '" + std::string(item) + "' named twice in '" + std::string(list) + "'");
    kinds.push_back(kind);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return kinds;
}

std::string to_string(std::span<const ReadoutKind> kinds) {
  std::string s;
  for (const ReadoutKind kind : kinds) {
    if (!s.empty()) s += ',';
    s += to_string(kind);
  }
  return s;
}

GraphBatch batch_graphs(std::span<const Graph* const> graphs) {
  GraphBatch batch;
  batch.offsets.reserve(graphs.size() + 1);
  batch.offsets.push_back(0);
  std::int64_t edges = 0;
  bool weighted = false;
  for (const Graph* g : graphs) {
    batch.offsets.push_back(batch.offsets.back() + g->num_nodes());
    edges += g->num_edges();
    weighted |= g->has_weights();
  }
  std::vector<Edge> all;
  std::vector<float> weights;
  all.reserve(static_cast<std::size_t>(edges));
  if (weighted) weights.reserve(static_cast<std::size_t>(edges));
  for (std::size_t k = 0; k < graphs.size(); ++k) {
    const Graph& g = *graphs[k];
    const auto shift = static_cast<NodeId>(batch.offsets[k]);
    for (std::int64_t i = 0; i < g.num_nodes(); ++i)
      for (EdgeId e = g.in_offsets()[i]; e < g.in_offsets()[i + 1]; ++e) {
        all.push_back({static_cast<NodeId>(g.sources()[e] + shift), static_cast<NodeId>(i + shift)});
        if (weighted) weights.push_back(g.has_weights() ? g.weights()[e] : 1.0f);
      }
  }
  // Rows of the union are the rows of each graph in turn: already grouped and sorted, so the builder
  // only has to copy them; duplicates inside a graph are kept as they were.
  batch.graph = build_graph(batch.offsets.back(), all, weights, {.symmetrize = false, .deduplicate = false});
  return batch;
}

template <class T>
GraphReadout<T>::GraphReadout(ReadoutKind kind, std::int64_t dim, Parameters<T>& params, const std::string& name)
    : kind_(kind), dim_(dim) {
  GATKIT_REQUIRE(dim > 0, name + ": readout width must be positive");
  if (kind == ReadoutKind::attention) {
    gate_weight_ = params.add(name + ".gate_weight", dim, 1);
    gate_bias_ = params.add(name + ".gate_bias", 1, 1);
  }
}

template <class T>
void GraphReadout<T>::initialize(Parameters<T>& params, Rng& rng) const {
  if (kind_ != ReadoutKind::attention) return;
  const double a = std::sqrt(6.0 / static_cast<double>(dim_ + 1));
  auto w = params.value(gate_weight_);
  for (Eigen::Index k = 0; k < w.size(); ++k) w.data()[k] = static_cast<T>(rng.uniform(-a, a));
  params.value(gate_bias_).setZero();
}

template <class T>
void GraphReadout<T>::forward(const Parameters<T>& params, const RowMatrix<T>& x, std::span<const std::int64_t> offsets,
                              ReadoutCache<T>& cache, RowMatrix<T>& y) const {
  GATKIT_REQUIRE(!offsets.empty() && offsets.back() == x.rows() && x.cols() == dim_,
                 "readout: offsets and node rows disagree");
  const std::int64_t graphs = static_cast<std::int64_t>(offsets.size()) - 1, d = dim_;
  y.setZero(graphs, d);
  if (kind_ == ReadoutKind::max) cache.argmax.assign(static_cast<std::size_t>(graphs * d), -1);
  if (kind_ == ReadoutKind::attention) cache.gate.resize(x.rows(), 1);
  parallel_rows(graphs, 64, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t g = begin; g < end; ++g) {
      const std::int64_t first = offsets[g], count = offsets[g + 1] - first;
      if (count == 0) continue;
      auto out = y.row(g);
      const auto nodes = x.middleRows(first, count);
      switch (kind_) {
        case ReadoutKind::sum: out = nodes.colwise().sum(); break;
        case ReadoutKind::mean: out = nodes.colwise().sum() / static_cast<T>(count); break;
        case ReadoutKind::max:
          for (std::int64_t c = 0; c < d; ++c) {
            Eigen::Index best;
            out(c) = nodes.col(c).maxCoeff(&best);  // first maximal node
            cache.argmax[static_cast<std::size_t>(g * d + c)] = first + best;
          }
          break;
        case ReadoutKind::attention: {
          auto gate = cache.gate.middleRows(first, count);
          gate = (nodes * params.value(gate_weight_)).array() + params.value(gate_bias_)(0, 0);
          gate = (gate.array() - gate.maxCoeff()).exp();
          gate /= gate.sum();
          out.noalias() = gate.transpose() * nodes;
          break;
        }
      }
    }
  });
}

template <class T>
void GraphReadout<T>::backward(Parameters<T>& params, const RowMatrix<T>& x, std::span<const std::int64_t> offsets,
                               const ReadoutCache<T>& cache, const RowMatrix<T>& dy, RowMatrix<T>& dx) const {
  const std::int64_t graphs = static_cast<std::int64_t>(offsets.size()) - 1, d = dim_;
  dx.setZero(x.rows(), d);
  // Attention gate: dL/ds_i = a_i (x_i . dy_g - y_g . dy_g) with y_g = sum a_i x_i; s_i = x_i . w + b.
  RowMatrix<T> d_score;
  if (kind_ == ReadoutKind::attention) d_score.setZero(x.rows(), 1);
  parallel_rows(graphs, 64, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t g = begin; g < end; ++g) {
      const std::int64_t first = offsets[g], count = offsets[g + 1] - first;
      if (count == 0) continue;
      const auto grad = dy.row(g);
      switch (kind_) {
        case ReadoutKind::sum: dx.middleRows(first, count).rowwise() = grad; break;
        case ReadoutKind::mean: dx.middleRows(first, count).rowwise() = grad / static_cast<T>(count); break;
        case ReadoutKind::max:
          for (std::int64_t c = 0; c < d; ++c) dx(cache.argmax[static_cast<std::size_t>(g * d + c)], c) = grad(c);
          break;
        case ReadoutKind::attention: {
          const auto nodes = x.middleRows(first, count);
          const auto gate = cache.gate.middleRows(first, count);
          const Eigen::Matrix<T, 1, Eigen::Dynamic> pooled = gate.transpose() * nodes;  // y_g
          const Eigen::Matrix<T, Eigen::Dynamic, 1> node_dot = nodes * grad.transpose();
          d_score.middleRows(first, count) = (gate.array() * (node_dot.array() - pooled.dot(grad))).matrix();
          dx.middleRows(first, count) = gate * grad;
          break;
        }
      }
    }
  });
  if (kind_ == ReadoutKind::attention) {
    const auto w = params.value(gate_weight_);
    dx.noalias() += d_score * w.transpose();
    // Parameter gradients summed over fixed node blocks, in block order: thread-count independent.
    const RowMatrix<T> zero = RowMatrix<T>::Zero(d + 1, 1);
    const RowMatrix<T> grads = deterministic_sum(x.rows(), 4096, zero, [&](std::int64_t b, std::int64_t e, RowMatrix<T>& acc) {
      acc.topRows(d).noalias() += x.middleRows(b, e - b).transpose() * d_score.middleRows(b, e - b);
      acc(d, 0) += d_score.middleRows(b, e - b).sum();
    });
    params.grad(gate_weight_) += grads.topRows(d);
    params.grad(gate_bias_)(0, 0) += grads(d, 0);
  }
}

template class GraphReadout<float>;
template class GraphReadout<double>;

}  // namespace gatkit
