#include "gatkit/nn/attention.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "gatkit/nn/projection.hpp"
#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"

namespace gatkit {
namespace {

constexpr std::int64_t kEdgesPerTask = 4096;

template <class T>
using ConstVecMap = Eigen::Map<const Vector<T>>;
template <class T>
using VecMap = Eigen::Map<Vector<T>>;

// Column layout of z: additive has the values (= keys = queries) in [0, HD); dot has q | k | v.
struct Layout {
  std::int64_t heads, dim, width;
  std::int64_t query(std::int64_t h) const { return h * dim; }
  std::int64_t key(std::int64_t h, bool dot) const { return (dot ? heads * dim : 0) + h * dim; }
  std::int64_t value(std::int64_t h, bool dot) const { return (dot ? 2 * heads * dim : 0) + h * dim; }
};

template <class T>
void glorot(Eigen::Map<RowMatrix<T>> m, double fan_in, double fan_out, Rng& rng) {
  const double a = std::sqrt(6.0 / (fan_in + fan_out));
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = static_cast<T>(rng.uniform(-a, a));
}

}  // namespace

std::string to_string(AttentionKind kind) { return kind == AttentionKind::dot ? "dot" : "additive"; }

AttentionKind parse_attention_kind(std::string_view name) {
  if (name == "additive" || name == "gat") return AttentionKind::additive;
  if (name == "dot") return AttentionKind::dot;
  throw InvalidArgument("unknown attention '" + std::string(name) + "' (expected additive or dot)");
}

template <class T>
GraphAttention<T>::GraphAttention(const AttentionConfig& config, Parameters<T>& params,
                                  const std::string& name)
    : config_(config) {
  GATKIT_REQUIRE(config.in_dim > 0 && config.heads > 0 && config.head_dim > 0,
                 name + ": dimensions and heads must be positive");
  GATKIT_REQUIRE(config.input_dropout >= 0 && config.input_dropout < 1 && config.attention_dropout >= 0 &&
                     config.attention_dropout < 1,
                 name + ": dropout must be in [0, 1)");
  const std::int64_t hd = config.heads * config.head_dim;
  const bool dot = config.kind == AttentionKind::dot;
  weight_ = params.add(name + ".weight", config.in_dim, dot ? 3 * hd : hd);
  if (!dot) {
    att_src_ = params.add(name + ".att_src", config.heads, config.head_dim);
    att_dst_ = params.add(name + ".att_dst", config.heads, config.head_dim);
  }
  if (config.bias) bias_ = params.add(name + ".bias", 1, config.output_dim(), /*decay=*/true);
}

template <class T>
void GraphAttention<T>::initialize(Parameters<T>& params, Rng& rng) const {
  const std::int64_t hd = config_.heads * config_.head_dim;
  auto w = params.value(weight_);
  if (config_.kind == AttentionKind::dot) {
    // Q, K and V are three separate projections: initialise each with its own fans.
    for (int part = 0; part < 3; ++part)
      for (Eigen::Index r = 0; r < w.rows(); ++r)
        for (std::int64_t c = 0; c < hd; ++c) {
          const double a = std::sqrt(6.0 / static_cast<double>(config_.in_dim + hd));
          w(r, part * hd + c) = static_cast<T>(rng.uniform(-a, a));
        }
  } else {
    glorot<T>(w, static_cast<double>(config_.in_dim), static_cast<double>(hd), rng);
    glorot<T>(params.value(att_src_), config_.heads, static_cast<double>(config_.head_dim), rng);
    glorot<T>(params.value(att_dst_), config_.heads, static_cast<double>(config_.head_dim), rng);
  }
  if (bias_ >= 0) params.value(bias_).setZero();
}

template <class T>
void GraphAttention<T>::forward(const Parameters<T>& params, const Graph& graph, const FeatureMatrix<T>& x,
                                bool training, std::uint64_t seed, AttentionCache<T>& cache,
                                RowMatrix<T>& y) const {
  GATKIT_REQUIRE(x.rows() == graph.num_nodes(),
                 "attention: " + std::to_string(x.rows()) + " feature rows for a graph of " +
                     std::to_string(graph.num_nodes()) + " nodes");
  const std::int64_t n = graph.num_nodes(), H = config_.heads, D = config_.head_dim;
  const bool dot = config_.kind == AttentionKind::dot;
  const Layout L{H, D, dot ? 3 * H * D : H * D};

  cache.input_dropout = training ? Dropout::with(config_.input_dropout, derive_seed(seed, 1)) : Dropout::none();
  cache.attention_dropout =
      training ? Dropout::with(config_.attention_dropout, derive_seed(seed, 2)) : Dropout::none();
  project_forward<T>(x, cache.input_dropout, params.value(weight_), cache.z, cache.masked_input);
  const RowMatrix<T>& z = cache.z;

  if (!dot) {
    // Per-node halves of the additive score: s_src[j,h] = a_src[h] . z_jh, s_dst[i,h] = a_dst[h] . z_ih.
    const auto a_src = params.value(att_src_);
    const auto a_dst = params.value(att_dst_);
    cache.s_src.resize(n, H);
    cache.s_dst.resize(n, H);
    parallel_rows(n, 512, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t i = begin; i < end; ++i)
        for (std::int64_t h = 0; h < H; ++h) {
          const ConstVecMap<T> zi(z.data() + i * L.width + h * D, D);
          cache.s_src(i, h) = a_src.row(h).dot(zi.transpose());
          cache.s_dst(i, h) = a_dst.row(h).dot(zi.transpose());
        }
    });
  }

  const std::int64_t E = graph.num_edges();
  cache.alpha.resize(static_cast<std::size_t>(E * H));
  y.resize(n, config_.output_dim());
  const EdgeId* offsets = graph.in_offsets().data();
  const NodeId* sources = graph.sources().data();
  const T slope = static_cast<T>(config_.negative_slope);
  const T scale = static_cast<T>(1.0 / std::sqrt(static_cast<double>(D)));
  const T head_weight = config_.concat ? T(1) : T(1) / static_cast<T>(H);
  const Dropout& attention_dropout = cache.attention_dropout;

  // Fused per destination row: scores, softmax, dropout and aggregation for every head.
  parallel_rows_by_edges(offsets, n, kEdgesPerTask, [&](std::int64_t begin, std::int64_t end) {
    Vector<T> acc(D);
    for (std::int64_t i = begin; i < end; ++i) {
      const EdgeId e0 = offsets[i], e1 = offsets[i + 1];
      auto yi = y.row(i);
      if (bias_ >= 0) yi = params.value(bias_).row(0); else yi.setZero();
      for (std::int64_t h = 0; h < H; ++h) {
        T* a = cache.alpha.data();
        T max_score = -std::numeric_limits<T>::infinity();
        for (EdgeId e = e0; e < e1; ++e) {
          const std::int64_t j = sources[e];
          T score;
          if (dot) {
            score = scale * ConstVecMap<T>(z.data() + i * L.width + L.query(h), D)
                                .dot(ConstVecMap<T>(z.data() + j * L.width + L.key(h, true), D));
          } else {
            const T pre = cache.s_dst(i, h) + cache.s_src(j, h);
            score = pre > T(0) ? pre : slope * pre;
          }
          a[e * H + h] = score;
          max_score = std::max(max_score, score);
        }
        T sum = 0;
        for (EdgeId e = e0; e < e1; ++e) {
          const T p = std::exp(a[e * H + h] - max_score);
          a[e * H + h] = p;
          sum += p;
        }
        acc.setZero();
        const T inv = e1 > e0 ? T(1) / sum : T(0);
        for (EdgeId e = e0; e < e1; ++e) {
          const T alpha = a[e * H + h] * inv;
          a[e * H + h] = alpha;
          const T weight = alpha * attention_dropout.template scale<T>(static_cast<std::uint64_t>(e * H + h));
          if (weight != T(0))
            acc.noalias() += weight * ConstVecMap<T>(z.data() + sources[e] * L.width + L.value(h, dot), D);
        }
        const std::int64_t col = config_.concat ? h * D : 0;
        yi.segment(col, D) += head_weight * acc.transpose();
      }
    }
  });
}

template <class T>
void GraphAttention<T>::backward(Parameters<T>& params, const Graph& graph, const FeatureMatrix<T>& x,
                                 const AttentionCache<T>& cache, const RowMatrix<T>& dy,
                                 RowMatrix<T>* dx) const {
  const std::int64_t n = graph.num_nodes(), H = config_.heads, D = config_.head_dim;
  const std::int64_t E = graph.num_edges();
  const bool dot = config_.kind == AttentionKind::dot;
  const Layout L{H, D, dot ? 3 * H * D : H * D};
  const RowMatrix<T>& z = cache.z;
  const std::vector<T>& alpha = cache.alpha;
  const Dropout& attention_dropout = cache.attention_dropout;
  const EdgeId* in_offsets = graph.in_offsets().data();
  const NodeId* sources = graph.sources().data();
  const T slope = static_cast<T>(config_.negative_slope);
  const T scale = static_cast<T>(1.0 / std::sqrt(static_cast<double>(D)));
  const T head_weight = config_.concat ? T(1) : T(1) / static_cast<T>(H);
  // dL/d out_ih (the per-head aggregate) is head_weight * dy[i, col(h)].
  auto d_out = [&](std::int64_t i, std::int64_t h) {
    return ConstVecMap<T>(dy.data() + i * dy.cols() + (config_.concat ? h * D : 0), D);
  };

  if (bias_ >= 0) {
    const RowMatrix<T> zero = RowMatrix<T>::Zero(1, dy.cols());
    params.grad(bias_) += deterministic_sum(n, 4096, zero, [&](std::int64_t b, std::int64_t e, RowMatrix<T>& acc) {
      acc += dy.middleRows(b, e - b).colwise().sum();
    });
  }

  RowMatrix<T> dz = RowMatrix<T>::Zero(n, L.width);
  std::vector<T> d_edge(static_cast<std::size_t>(E * H));  // dL/d(pre-activation score), per edge and head
  RowMatrix<T> ds_dst;                                      // additive: dL/d s_dst
  if (!dot) ds_dst.setZero(n, H);

  // Pass 1, over destinations: softmax backward; gradients that land on the destination (query) side.
  parallel_rows_by_edges(in_offsets, n, kEdgesPerTask, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      const EdgeId e0 = in_offsets[i], e1 = in_offsets[i + 1];
      for (std::int64_t h = 0; h < H; ++h) {
        const auto g = d_out(i, h);
        // d alpha_ijh = head_weight * M'_ijh * (g . v_jh); then d e = alpha (d alpha - sum alpha d alpha).
        T weighted = 0;
        for (EdgeId e = e0; e < e1; ++e) {
          const T mask = attention_dropout.template scale<T>(static_cast<std::uint64_t>(e * H + h));
          const T d_alpha = mask == T(0) ? T(0)
              : head_weight * mask * g.dot(ConstVecMap<T>(z.data() + sources[e] * L.width + L.value(h, dot), D));
          d_edge[e * H + h] = d_alpha;
          weighted += alpha[e * H + h] * d_alpha;
        }
        T d_dst = 0;
        for (EdgeId e = e0; e < e1; ++e) {
          const T d_score = alpha[e * H + h] * (d_edge[e * H + h] - weighted);
          if (dot) {
            d_edge[e * H + h] = d_score * scale;
          } else {
            const T pre = cache.s_dst(i, h) + cache.s_src(sources[e], h);
            const T d_pre = pre > T(0) ? d_score : slope * d_score;
            d_edge[e * H + h] = d_pre;
            d_dst += d_pre;
          }
        }
        if (dot) {
          VecMap<T> dq(dz.data() + i * L.width + L.query(h), D);
          for (EdgeId e = e0; e < e1; ++e)
            dq.noalias() += d_edge[e * H + h] * ConstVecMap<T>(z.data() + sources[e] * L.width + L.key(h, true), D);
        } else {
          ds_dst(i, h) = d_dst;
        }
      }
    }
  });

  // Pass 2, over sources (reverse CSR): gradients that land on the source (key and value) side.
  RowMatrix<T> ds_src;
  if (!dot) ds_src.setZero(n, H);
  const EdgeId* out_offsets = graph.out_offsets().data();
  const NodeId* targets = graph.targets().data();
  const EdgeId* out_ids = graph.out_edge_ids().data();
  parallel_rows_by_edges(out_offsets, n, kEdgesPerTask, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t j = begin; j < end; ++j) {
      for (std::int64_t h = 0; h < H; ++h) {
        VecMap<T> dv(dz.data() + j * L.width + L.value(h, dot), D);
        T d_src = 0;
        for (EdgeId k = out_offsets[j]; k < out_offsets[j + 1]; ++k) {
          const EdgeId e = out_ids[k];
          const std::int64_t i = targets[k];
          const T weight = head_weight * alpha[e * H + h] *
                           attention_dropout.template scale<T>(static_cast<std::uint64_t>(e * H + h));
          if (weight != T(0)) dv.noalias() += weight * d_out(i, h);
          if (dot) {
            VecMap<T>(dz.data() + j * L.width + L.key(h, true), D).noalias() +=
                d_edge[e * H + h] * ConstVecMap<T>(z.data() + i * L.width + L.query(h), D);
          } else {
            d_src += d_edge[e * H + h];
          }
        }
        if (!dot) ds_src(j, h) = d_src;
      }
    }
  });

  if (!dot) {
    // s_src = z . a_src and s_dst = z . a_dst feed back into z and into the attention vectors.
    const auto a_src = params.value(att_src_);
    const auto a_dst = params.value(att_dst_);
    parallel_rows(n, 512, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t i = begin; i < end; ++i)
        for (std::int64_t h = 0; h < H; ++h)
          VecMap<T>(dz.data() + i * L.width + h * D, D) +=
              ds_src(i, h) * a_src.row(h).transpose() + ds_dst(i, h) * a_dst.row(h).transpose();
    });
    const RowMatrix<T> zero = RowMatrix<T>::Zero(2 * H, D);
    const RowMatrix<T> da = deterministic_sum(n, 4096, zero, [&](std::int64_t b, std::int64_t e, RowMatrix<T>& acc) {
      for (std::int64_t i = b; i < e; ++i)
        for (std::int64_t h = 0; h < H; ++h) {
          const ConstVecMap<T> zi(z.data() + i * L.width + h * D, D);
          acc.row(h) += ds_src(i, h) * zi.transpose();
          acc.row(H + h) += ds_dst(i, h) * zi.transpose();
        }
    });
    params.grad(att_src_) += da.topRows(H);
    params.grad(att_dst_) += da.bottomRows(H);
  }

  project_backward<T>(x, cache.input_dropout, cache.masked_input, params.value(weight_), dz,
                      params.grad(weight_), dx);
}

template class GraphAttention<float>;
template class GraphAttention<double>;

}  // namespace gatkit
