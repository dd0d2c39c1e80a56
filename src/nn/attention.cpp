#include "gatkit/nn/attention.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "attention_gatv2.hpp"
#include "attention_kernels.hpp"
#include "gatkit/nn/projection.hpp"
#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"

namespace gatkit {
namespace {

constexpr std::int64_t kEdgesPerTask = 4096;

/// s[0, len) = the sum of row i's in-neighbour values (z's columns [offset, offset + len)), in CSR order.
template <class T>
void neighbour_value_sum(const Graph& graph, const RowMatrix<T>& z, std::int64_t offset, std::int64_t i, T* s,
                         std::int64_t len) {
  Eigen::Map<Eigen::Array<T, 1, Eigen::Dynamic>> sum(s, len);
  sum.setZero();
  const EdgeId* offsets = graph.in_offsets().data();
  for (EdgeId k = offsets[i]; k < offsets[i + 1]; ++k)
    sum += Eigen::Map<const Eigen::Array<T, 1, Eigen::Dynamic>>(z.data() + graph.sources()[k] * z.cols() + offset, len);
}

template <class T>
void glorot(Eigen::Map<RowMatrix<T>> m, double fan_in, double fan_out, Rng& rng) {
  const double a = std::sqrt(6.0 / (fan_in + fan_out));
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = static_cast<T>(rng.uniform(-a, a));
}

}  // namespace

std::string to_string(AttentionKind kind) {
  switch (kind) {
    case AttentionKind::additive: return "additive";
    case AttentionKind::dot: return "dot";
    case AttentionKind::gatv2: return "gatv2";
  }
  return "?";
}

AttentionKind parse_attention_kind(std::string_view name) {
  if (name == "additive" || name == "gat") return AttentionKind::additive;
  if (name == "gatv2") return AttentionKind::gatv2;
  if (name == "dot") return AttentionKind::dot;
  throw InvalidArgument("unknown attention '" + std::string(name) + "' (expected additive, gatv2 or dot)");
}

std::string to_string(AttentionNormalizer normalizer) {
  switch (normalizer) {
    case AttentionNormalizer::softmax: return "softmax";
    case AttentionNormalizer::sparsemax: return "sparsemax";
    case AttentionNormalizer::relu: return "relu";
  }
  return "?";
}

AttentionNormalizer parse_attention_normalizer(std::string_view name) {
  if (name == "softmax") return AttentionNormalizer::softmax;
  if (name == "sparsemax") return AttentionNormalizer::sparsemax;
  if (name == "relu") return AttentionNormalizer::relu;
  throw InvalidArgument("unknown normalizer '" + std::string(name) + "' (expected softmax, sparsemax or relu)");
}

std::string to_string(HeadMerge merge) {
  switch (merge) {
    case HeadMerge::concat: return "concat";
    case HeadMerge::project: return "project";
    case HeadMerge::mean: return "mean";
  }
  return "?";
}

HeadMerge parse_head_merge(std::string_view name) {
  if (name == "concat") return HeadMerge::concat;
  if (name == "project") return HeadMerge::project;
  if (name == "mean") return HeadMerge::mean;
  throw InvalidArgument("unknown head merge '" + std::string(name) + "' (expected concat, project or mean)");
}

std::string to_string(Cardinality cardinality) { return cardinality == Cardinality::additive ? "additive" : "none"; }

Cardinality parse_cardinality(std::string_view name) {
  if (name == "none") return Cardinality::none;
  if (name == "additive") return Cardinality::additive;
  throw InvalidArgument("unknown cardinality '" + std::string(name) + "' (expected none or additive)");
}

std::int64_t AttentionConfig::parameter_count() const {
  // Mirrors the blocks of GraphAttention's constructor, in 128-bit arithmetic: every factor is checked
  // below 2^32 first, so no product overflows.
  using Wide = __int128;
  const std::int64_t below = std::int64_t{1} << 32;
  if (in_dim < 0 || in_dim >= below || heads < 0 || heads >= below || head_dim < 0 || head_dim >= below ||
      edge_dim < 0 || edge_dim >= below)
    return -1;
  const Wide hd = Wide{heads} * head_dim;
  const int projections = kind == AttentionKind::dot ? 3 : kind == AttentionKind::gatv2 ? 2 : 1;
  Wide total = Wide{in_dim} * hd * projections;
  if (kind == AttentionKind::additive) total += 2 * hd;  // a_src, a_dst
  if (kind == AttentionKind::gatv2) total += hd;         // a
  if (bias) total += concat ? hd : Wide{head_dim};
  if (edge_dim > 0) total += Wide{edge_dim} * hd + (kind == AttentionKind::additive ? hd : 0);  // W_e (, a_edge)
  if (concat && project) total += hd * hd;  // W_O
  if (cardinality == Cardinality::additive) total += hd;  // w
  return total > (Wide{1} << 62) ? -1 : static_cast<std::int64_t>(total);
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
  GATKIT_REQUIRE(!config.project || config.concat, name + ": the output projection needs concatenated heads");
  const std::int64_t hd = config.heads * config.head_dim;
  const bool additive = config.kind == AttentionKind::additive;
  const int projections = config.kind == AttentionKind::dot ? 3 : config.kind == AttentionKind::gatv2 ? 2 : 1;
  weight_ = params.add(name + ".weight", config.in_dim, projections * hd);
  if (additive) {
    att_src_ = params.add(name + ".att_src", config.heads, config.head_dim);
    att_dst_ = params.add(name + ".att_dst", config.heads, config.head_dim);
  }
  if (config.kind == AttentionKind::gatv2) att_ = params.add(name + ".att", config.heads, config.head_dim);
  if (config.bias) bias_ = params.add(name + ".bias", 1, config.output_dim(), /*decay=*/true);
  GATKIT_REQUIRE(config.edge_dim >= 0, name + ": edge_dim must be >= 0");
  if (config.edge_dim > 0) {
    edge_weight_ = params.add(name + ".edge_weight", config.edge_dim, hd);
    if (additive) att_edge_ = params.add(name + ".att_edge", config.heads, config.head_dim);
  }
  if (config.project) out_weight_ = params.add(name + ".out_weight", hd, hd);
  if (config.cardinality == Cardinality::additive)  // a gain, like a layer norm's: not decayed towards 0
    cardinality_ = params.add(name + ".cardinality", config.heads, config.head_dim, /*decay=*/false);
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
    if (edge_weight_ >= 0)  // the edge part of the keys, like W_k
      glorot<T>(params.value(edge_weight_), static_cast<double>(config_.edge_dim), static_cast<double>(hd), rng);
  } else if (config_.kind == AttentionKind::gatv2) {
    // W_src and W_dst are two separate projections (PyTorch Geometric's lin_l and lin_r): their own fans.
    const double a = std::sqrt(6.0 / static_cast<double>(config_.in_dim + hd));
    for (Eigen::Index r = 0; r < w.rows(); ++r)
      for (Eigen::Index c = 0; c < w.cols(); ++c) w(r, c) = static_cast<T>(rng.uniform(-a, a));
    glorot<T>(params.value(att_), config_.heads, static_cast<double>(config_.head_dim), rng);
    if (edge_weight_ >= 0)
      glorot<T>(params.value(edge_weight_), static_cast<double>(config_.edge_dim), static_cast<double>(hd), rng);
  } else {
    glorot<T>(w, static_cast<double>(config_.in_dim), static_cast<double>(hd), rng);
    glorot<T>(params.value(att_src_), config_.heads, static_cast<double>(config_.head_dim), rng);
    glorot<T>(params.value(att_dst_), config_.heads, static_cast<double>(config_.head_dim), rng);
    if (edge_weight_ >= 0) {
      glorot<T>(params.value(edge_weight_), static_cast<double>(config_.edge_dim), static_cast<double>(hd), rng);
      glorot<T>(params.value(att_edge_), config_.heads, static_cast<double>(config_.head_dim), rng);
    }
  }
  if (out_weight_ >= 0) glorot<T>(params.value(out_weight_), static_cast<double>(hd), static_cast<double>(hd), rng);
  if (bias_ >= 0) params.value(bias_).setZero();
  if (cardinality_ >= 0) params.value(cardinality_).setOnes();
}

template <class T>
void GraphAttention<T>::forward(const Parameters<T>& params, const Graph& graph, const FeatureMatrix<T>& x,
                                bool training, std::uint64_t seed, AttentionCache<T>& cache,
                                RowMatrix<T>& y, const RowMatrix<T>* edge_features) const {
  GATKIT_REQUIRE(x.rows() == graph.num_nodes(),
                 "attention: " + std::to_string(x.rows()) + " feature rows for a graph of " +
                     std::to_string(graph.num_nodes()) + " nodes");
  const std::int64_t n = graph.num_nodes(), E = graph.num_edges();
  cache.input_dropout = training ? Dropout::with(config_.input_dropout, derive_seed(seed, 1)) : Dropout::none();
  cache.attention_dropout =
      training ? Dropout::with(config_.attention_dropout, derive_seed(seed, 2)) : Dropout::none();
  project_forward<T>(x, cache.input_dropout, params.value(weight_), cache.z, cache.input);

  if (edge_weight_ >= 0) {
    GATKIT_REQUIRE(edge_features && edge_features->rows() == graph.num_edges() && edge_features->cols() == config_.edge_dim,
                   "attention: the layer expects " + std::to_string(config_.edge_dim) + " features for each of the " +
                       std::to_string(graph.num_edges()) + " edges");
  }
  if (edge_weight_ >= 0 && config_.kind == AttentionKind::dot) {
    dot_edge_scores(params, graph, *edge_features, cache);
  } else if (edge_weight_ >= 0 && config_.kind == AttentionKind::additive) {
    // s_edge = F M with M[f, h] = a_edge[h] . W_e[f, h-th block]: an E x H term, no E x H x D tensor.
    const RowMatrix<T> m = edge_score_matrix(params);
    cache.s_edge.resize(graph.num_edges(), config_.heads);
    parallel_blocks(graph.num_edges(), 4096, [&](std::int64_t b, std::int64_t e) {
      cache.s_edge.middleRows(b, e - b).noalias() = edge_features->middleRows(b, e - b) * m;
    });
  } else {
    cache.s_edge.resize(0, 0);  // gatv2 adds f W_e inside its LeakyReLU, edge by edge
  }
  detail::AttentionArgs<T> a = kernel_args(params, graph, cache);
  cache.alpha.resize(static_cast<std::size_t>(E * a.H));
  a.alpha = cache.alpha.data();
  if (config_.normalizer == AttentionNormalizer::relu) {
    cache.norm.resize(n, a.H);
    a.norm = cache.norm.data();
  }
  if (edge_weight_ >= 0 && config_.kind == AttentionKind::gatv2) {
    a.edge_features = edge_features->data();
    a.edge_weight = params.value(edge_weight_).data();
    a.F = config_.edge_dim;
  }
  y.resize(n, config_.output_dim());
  RowMatrix<T>& kernel_out = config_.project ? cache.heads : y;  // project: the heads, W_O comes after
  kernel_out.resize(n, config_.project ? a.HD : config_.output_dim());
  if (config_.project) a.bias = nullptr;
  a.y = kernel_out.data();
  a.y_cols = kernel_out.cols();
  if (config_.kind == AttentionKind::gatv2) {
    detail::gatv2_forward(a, config_.normalizer, n);
  } else {
    if (!a.dot) {
      cache.s_src.resize(n, a.H);
      cache.s_dst.resize(n, a.H);
      a.s_src = cache.s_src.data();
      a.s_dst = cache.s_dst.data();
      const T* a_src = params.value(att_src_).data();
      const T* a_dst = params.value(att_dst_).data();
      detail::dispatch_shape(a.H, a.D, [&](auto hc, auto dc) {
        parallel_rows(n, 512, [&](std::int64_t b, std::int64_t e) {
          detail::RowKernels<T, decltype(hc)::value, decltype(dc)::value>::score_halves(a, a_src, a_dst, cache.s_src.data(),
                                                                                         cache.s_dst.data(), b, e);
        });
      });
    }
    // One instantiation of the row kernels per normaliser: the softmax path keeps its fused code.
    detail::dispatch_normalizer(config_.normalizer, [&](auto nc) {
      detail::dispatch_shape(a.H, a.D, [&](auto hc, auto dc) {
        using K = detail::RowKernels<T, decltype(hc)::value, decltype(dc)::value, decltype(nc)::value>;
        parallel_rows_by_edges(a.in_offsets, n, kEdgesPerTask, [&](std::int64_t b, std::int64_t e) { K::forward(a, b, e); });
      });
    });
  }
  if (cardinality_ >= 0) add_cardinality(params, graph, a, cache, kernel_out);
  if (config_.project) project_heads(params, cache, y);
}

template <class T>
void GraphAttention<T>::add_cardinality(const Parameters<T>& params, const Graph& graph, const detail::AttentionArgs<T>& a,
                                        AttentionCache<T>& cache, RowMatrix<T>& out) const {
  // Per destination row: s_i = sum over the in-edges of the source's values (sequential, in CSR order),
  // kept for backward, then out_i += w o s_i (heads kept) or += mean over h of w_h o s_ih (heads averaged).
  const std::int64_t n = graph.num_nodes(), H = a.H, D = a.D, HD = a.HD;
  using Row = Eigen::Array<T, 1, Eigen::Dynamic>;
  const Eigen::Map<const Row> w(params.value(cardinality_).data(), HD);
  cache.neighbour_sum.resize(n, HD);
  parallel_rows_by_edges(a.in_offsets, n, kEdgesPerTask, [&](std::int64_t b, std::int64_t e) {
    Row ws(HD);  // w o s rounded before it is added (no fused multiply-add): the same numbers as ever
    for (std::int64_t i = b; i < e; ++i) {
      neighbour_value_sum(graph, cache.z, a.value_offset, i, cache.neighbour_sum.row(i).data(), HD);
      ws = w * Eigen::Map<const Row>(cache.neighbour_sum.row(i).data(), HD);
      if (a.concat) {
        out.row(i).array() += ws;
      } else {
        for (std::int64_t h = 0; h < H; ++h) out.row(i).array() += a.head_weight * ws.segment(h * D, D);
      }
    }
  });
}

template <class T>
void GraphAttention<T>::cardinality_backward(Parameters<T>& params, const Graph& graph, const detail::AttentionArgs<T>& a,
                                             const AttentionCache<T>& cache, RowMatrix<T>& dz) const {
  // With G_ih the gradient of head h's output (g_i itself, or g_i / H when heads are averaged):
  //   dL/dw_h = sum_i G_ih o s_ih  (s kept by forward; fixed node blocks)
  //   dL/dv_jh += w_h o sum over the out-edges j -> i of G_ih  (a pull over the reverse CSR, no atomics).
  const std::int64_t n = graph.num_nodes(), H = a.H, D = a.D, HD = a.HD, G = a.dy_cols;
  using Row = Eigen::Array<T, 1, Eigen::Dynamic>;
  using ConstRowMap = Eigen::Map<const Row>;
  const RowMatrix<T> zero = RowMatrix<T>::Zero(1, HD);
  const RowMatrix<T> dw = deterministic_sum(n, 4096, zero, [&](std::int64_t b, std::int64_t e, RowMatrix<T>& acc) {
    for (std::int64_t i = b; i < e; ++i) {
      const ConstRowMap gi(a.dy + i * G, G), si(cache.neighbour_sum.row(i).data(), HD);
      if (a.concat) {
        acc.row(0).array() += gi * si;
      } else {
        for (std::int64_t h = 0; h < H; ++h) acc.row(0).array().segment(h * D, D) += (a.head_weight * gi) * si.segment(h * D, D);
      }
    }
  });
  params.grad(cardinality_) += Eigen::Map<const RowMatrix<T>>(dw.data(), H, D);
  const ConstRowMap w(params.value(cardinality_).data(), HD);
  const T scale = a.concat ? T(1) : a.head_weight;
  parallel_rows_by_edges(a.out_offsets, n, kEdgesPerTask, [&](std::int64_t b, std::int64_t e) {
    Row sum(G);
    for (std::int64_t j = b; j < e; ++j) {
      sum.setZero();
      for (EdgeId k = a.out_offsets[j]; k < a.out_offsets[j + 1]; ++k) {
        const ConstRowMap gi(a.dy + a.targets[k] * G, G);
        if (a.concat) sum += gi;
        else sum += scale * gi;
      }
      Eigen::Map<Row> dv(dz.data() + j * dz.cols() + a.value_offset, HD);
      if (a.concat) {
        dv += w * sum;
      } else {
        for (std::int64_t h = 0; h < H; ++h) dv.segment(h * D, D) += w.segment(h * D, D) * sum;
      }
    }
  });
}

template <class T>
void GraphAttention<T>::project_heads(const Parameters<T>& params, const AttentionCache<T>& cache, RowMatrix<T>& y) const {
  // y = heads W_O + bias over fixed row blocks (the GEMM's arithmetic depends on the block only).
  const auto w = params.value(out_weight_);
  parallel_blocks(y.rows(), 256, [&](std::int64_t b, std::int64_t e) {
    y.middleRows(b, e - b).noalias() = cache.heads.middleRows(b, e - b) * w;
    if (bias_ >= 0) y.middleRows(b, e - b).rowwise() += params.value(bias_).row(0);
  });
}

template <class T>
void GraphAttention<T>::project_heads_backward(Parameters<T>& params, AttentionCache<T>& cache, const RowMatrix<T>& dy) const {
  // dW_O = heads^T dy (a fixed-order sum over row blocks), dL/dheads = dy W_O^T.
  const std::int64_t n = dy.rows(), hd = cache.heads.cols();
  const RowMatrix<T> zero = RowMatrix<T>::Zero(hd, hd);
  params.grad(out_weight_) += deterministic_sum(n, 4096, zero, [&](std::int64_t b, std::int64_t e, RowMatrix<T>& acc) {
    acc.noalias() += cache.heads.middleRows(b, e - b).transpose() * dy.middleRows(b, e - b);
  });
  const auto w = params.value(out_weight_);
  cache.d_heads.resize(n, hd);
  parallel_blocks(n, 256, [&](std::int64_t b, std::int64_t e) {
    cache.d_heads.middleRows(b, e - b).noalias() = dy.middleRows(b, e - b) * w.transpose();
  });
}

template <class T>
detail::AttentionArgs<T> GraphAttention<T>::kernel_args(const Parameters<T>& params, const Graph& graph,
                                                        const AttentionCache<T>& cache) const {
  detail::AttentionArgs<T> a;
  a.H = config_.heads;
  a.D = config_.head_dim;
  a.HD = a.H * a.D;
  a.dot = config_.kind == AttentionKind::dot;
  a.concat = config_.concat;
  a.width = a.dot ? 3 * a.HD : config_.kind == AttentionKind::gatv2 ? 2 * a.HD : a.HD;
  a.value_offset = a.dot ? 2 * a.HD : 0;  // gatv2: the values are the source projections, columns [0, H*D)
  a.slope = static_cast<T>(config_.negative_slope);
  a.scale = static_cast<T>(1.0 / std::sqrt(static_cast<double>(a.D)));
  a.head_weight = config_.concat ? T(1) : T(1) / static_cast<T>(a.H);
  a.in_offsets = graph.in_offsets().data();
  a.sources = graph.sources().data();
  a.out_offsets = graph.out_offsets().data();
  a.targets = graph.targets().data();
  a.out_ids = graph.out_edge_ids().data();
  a.z = cache.z.data();
  a.bias = bias_ >= 0 ? params.value(bias_).data() : nullptr;
  a.attention_dropout = &cache.attention_dropout;
  if (!a.dot && cache.s_src.size() > 0) {
    a.s_src = cache.s_src.data();
    a.s_dst = cache.s_dst.data();
  }
  if (edge_weight_ >= 0 && cache.s_edge.size() > 0) a.s_edge = cache.s_edge.data();
  if (att_ >= 0) a.att = params.value(att_).data();
  if (cache.norm.size() > 0 && config_.normalizer == AttentionNormalizer::relu) a.norm = const_cast<T*>(cache.norm.data());
  return a;
}

template <class T>
void GraphAttention<T>::dot_edge_scores(const Parameters<T>& params, const Graph& graph,
                                        const RowMatrix<T>& features, AttentionCache<T>& cache) const {
  // q_ih . (f_e W_e)_h = f_e . U_ih with U_ih = W_e,h q_ih, W_e,h = W_e[:, h*D .. (h+1)*D) (edge_dim x D):
  // U (n x H*edge_dim, head-major per row) by one GEMM per head and fixed row block, then one short dot
  // product per edge and head, pulled per destination row. No E x H x D tensor.
  const std::int64_t n = graph.num_nodes(), H = config_.heads, D = config_.head_dim, F = config_.edge_dim;
  const auto w = params.value(edge_weight_);
  RowMatrix<T>& u = cache.u;
  u.resize(n, H * F);
  parallel_blocks(n, 1024, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t h = 0; h < H; ++h)
      u.block(b, h * F, e - b, F).noalias() = cache.z.block(b, h * D, e - b, D) * w.middleCols(h * D, D).transpose();
  });
  const T scale = static_cast<T>(1.0 / std::sqrt(static_cast<double>(D)));
  cache.s_edge.resize(graph.num_edges(), H);
  const EdgeId* offsets = graph.in_offsets().data();
  parallel_rows_by_edges(offsets, n, kEdgesPerTask, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) {
      const T* ui = u.data() + i * H * F;
      for (EdgeId k = offsets[i]; k < offsets[i + 1]; ++k) {
        const T* f = features.data() + k * F;
        for (std::int64_t h = 0; h < H; ++h) {
          T s = 0;  // sequential: the same order for every edge and thread count
          for (std::int64_t c = 0; c < F; ++c) s += f[c] * ui[h * F + c];
          cache.s_edge(k, h) = s * scale;
        }
      }
    }
  });
}

template <class T>
void GraphAttention<T>::dot_edge_backward(Parameters<T>& params, const Graph& graph, const RowMatrix<T>& features,
                                          AttentionCache<T>& cache) const {
  // The kernels leave d_edge[e, h] = dL/d(q_ih . (k_jh + (f_e W_e)_h)) (the score gradient times 1/sqrt(D)),
  // so dL/dU_ih = sum over the in-edges e of i of d_edge[e, h] f_e: a per-row pull, no atomics. Then
  // dL/dq_ih += W_e,h^T dU_ih and dL/dW_e,h += sum_i dU_ih q_ih^T (fixed node blocks).
  const std::int64_t n = graph.num_nodes(), H = config_.heads, D = config_.head_dim, F = config_.edge_dim;
  const EdgeId* offsets = graph.in_offsets().data();
  const T* g = cache.d_edge.data();
  RowMatrix<T>& du = cache.u;
  du.resize(n, H * F);
  parallel_rows_by_edges(offsets, n, kEdgesPerTask, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) {
      T* dui = du.data() + i * H * F;
      std::fill(dui, dui + H * F, T(0));
      for (EdgeId k = offsets[i]; k < offsets[i + 1]; ++k) {
        const T* f = features.data() + k * F;
        for (std::int64_t h = 0; h < H; ++h)
          for (std::int64_t c = 0; c < F; ++c) dui[h * F + c] += g[k * H + h] * f[c];
      }
    }
  });
  const auto w = params.value(edge_weight_);
  RowMatrix<T>& dz = cache.dz;  // the q columns come first
  parallel_blocks(n, 1024, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t h = 0; h < H; ++h)
      dz.block(b, h * D, e - b, D).noalias() += du.block(b, h * F, e - b, F) * w.middleCols(h * D, D);
  });
  const RowMatrix<T> zero = RowMatrix<T>::Zero(F, H * D);
  params.grad(edge_weight_) += deterministic_sum(n, 4096, zero, [&](std::int64_t b, std::int64_t e, RowMatrix<T>& acc) {
    for (std::int64_t h = 0; h < H; ++h)
      acc.middleCols(h * D, D).noalias() += du.block(b, h * F, e - b, F).transpose() * cache.z.block(b, h * D, e - b, D);
  });
}

template <class T>
RowMatrix<T> GraphAttention<T>::edge_score_matrix(const Parameters<T>& params) const {
  const std::int64_t H = config_.heads, D = config_.head_dim;
  const auto w = params.value(edge_weight_);
  const auto att = params.value(att_edge_);
  RowMatrix<T> m(config_.edge_dim, H);
  for (std::int64_t f = 0; f < config_.edge_dim; ++f)
    for (std::int64_t h = 0; h < H; ++h) m(f, h) = w.row(f).segment(h * D, D).dot(att.row(h));
  return m;
}

template <class T>
void GraphAttention<T>::backward(Parameters<T>& params, const Graph& graph, const FeatureMatrix<T>& x,
                                 AttentionCache<T>& cache, const RowMatrix<T>& dy,
                                 RowMatrix<T>* dx, const RowMatrix<T>* edge_features) const {
  const std::int64_t n = graph.num_nodes(), E = graph.num_edges();
  GATKIT_REQUIRE(dy.rows() == n && dy.cols() == output_dim(), "attention backward: gradient shape mismatch");
  detail::AttentionArgs<T> a = kernel_args(params, graph, cache);
  a.alpha = const_cast<T*>(cache.alpha.data());  // read only in backward
  a.dy = dy.data();
  a.dy_cols = dy.cols();

  if (bias_ >= 0) {
    const RowMatrix<T> zero = RowMatrix<T>::Zero(1, dy.cols());
    params.grad(bias_) += deterministic_sum(n, 4096, zero, [&](std::int64_t b, std::int64_t e, RowMatrix<T>& acc) {
      acc += dy.middleRows(b, e - b).colwise().sum();
    });
  }
  if (config_.project) {  // the kernels see the gradient of the concatenated heads
    project_heads_backward(params, cache, dy);
    a.dy = cache.d_heads.data();
    a.dy_cols = cache.d_heads.cols();
  }

  RowMatrix<T>& dz = cache.dz;
  RowMatrix<T>& ds_src = cache.ds_src;
  RowMatrix<T>& ds_dst = cache.ds_dst;
  dz.resize(n, a.width);  // every entry is written by the two passes below
  cache.d_edge.resize(static_cast<std::size_t>(E * a.H));
  a.dz = dz.data();
  a.d_edge = cache.d_edge.data();

  if (config_.kind == AttentionKind::gatv2) {
    if (edge_weight_ >= 0) {
      GATKIT_REQUIRE(edge_features && edge_features->rows() == E, "attention backward: edge features missing");
      a.edge_features = edge_features->data();
      a.edge_weight = params.value(edge_weight_).data();
      a.F = config_.edge_dim;
    }
    // Row 0: dL/da (H x D, flattened); rows 1 .. F: dL/dW_e.
    const RowMatrix<T> g = detail::gatv2_backward(a, config_.normalizer, n);
    params.grad(att_) += Eigen::Map<const RowMatrix<T>>(g.data(), a.H, a.D);
    if (edge_weight_ >= 0) params.grad(edge_weight_) += g.bottomRows(a.F);
    if (cardinality_ >= 0) cardinality_backward(params, graph, a, cache, cache.dz);
    project_backward<T>(x, cache.input_dropout, cache.input, params.value(weight_), dz, params.grad(weight_), dx);
    return;
  }

  if (!a.dot) {
    ds_src.resize(n, a.H);  // every entry is written by the passes below
    ds_dst.resize(n, a.H);
    a.ds_src = ds_src.data();
    a.ds_dst = ds_dst.data();
  }
  detail::dispatch_normalizer(config_.normalizer, [&](auto nc) {
    detail::dispatch_shape(a.H, a.D, [&](auto hc, auto dc) {
      using K = detail::RowKernels<T, decltype(hc)::value, decltype(dc)::value, decltype(nc)::value>;
      parallel_rows_by_edges(a.in_offsets, n, kEdgesPerTask,
                             [&](std::int64_t b, std::int64_t e) { K::backward_destinations(a, b, e); });
    });
  });
  detail::dispatch_shape(a.H, a.D, [&](auto hc, auto dc) {
    using K = detail::RowKernels<T, decltype(hc)::value, decltype(dc)::value>;  // pass 2 is the same for every normaliser
    parallel_rows_by_edges(a.out_offsets, n, kEdgesPerTask,
                           [&](std::int64_t b, std::int64_t e) { K::backward_sources(a, b, e); });
    if (!a.dot) {
      const T* a_src = params.value(att_src_).data();
      const T* a_dst = params.value(att_dst_).data();
      parallel_rows(n, 512, [&](std::int64_t b, std::int64_t e) { K::score_halves_backward(a, a_src, a_dst, b, e); });
    }
  });

  if (!a.dot) {
    // dL/da_src[h] = sum_i ds_src[i,h] z_ih (and likewise for a_dst), over fixed node blocks.
    const std::int64_t H = a.H, D = a.D;
    const RowMatrix<T> zero = RowMatrix<T>::Zero(2 * H, D);
    const RowMatrix<T> da = deterministic_sum(n, 4096, zero, [&](std::int64_t b, std::int64_t e, RowMatrix<T>& acc) {
      detail::dispatch_shape(a.H, a.D, [&](auto hc, auto dc) {
        detail::RowKernels<T, decltype(hc)::value, decltype(dc)::value>::attention_vector_grads(a, acc.data(), b, e);
      });
    });
    params.grad(att_src_) += da.topRows(H);
    params.grad(att_dst_) += da.bottomRows(H);
    if (edge_weight_ >= 0) {
      // d_edge is dL/ds_edge; s_edge = F M gives dM = F^T d_edge (edge_dim x H), a fixed-order sum over
      // edge blocks; then dW_e[f, hD + d] = dM[f, h] a_edge[h, d] and da_edge[h, d] = sum_f dM[f, h] W_e[f, hD + d].
      GATKIT_REQUIRE(edge_features && edge_features->rows() == E, "attention backward: edge features missing");
      const std::int64_t F = config_.edge_dim;
      const Eigen::Map<const RowMatrix<T>> g(cache.d_edge.data(), E, H);
      const RowMatrix<T> zero_m = RowMatrix<T>::Zero(F, H);
      const RowMatrix<T> dm = deterministic_sum(E, 8192, zero_m, [&](std::int64_t b, std::int64_t e, RowMatrix<T>& acc) {
        acc.noalias() += edge_features->middleRows(b, e - b).transpose() * g.middleRows(b, e - b);
      });
      const auto w = params.value(edge_weight_);
      const auto att = params.value(att_edge_);
      auto dw = params.grad(edge_weight_);
      auto datt = params.grad(att_edge_);
      for (std::int64_t f = 0; f < F; ++f)
        for (std::int64_t h = 0; h < H; ++h) {
          dw.row(f).segment(h * D, D) += dm(f, h) * att.row(h);
          datt.row(h) += dm(f, h) * w.row(f).segment(h * D, D);
        }
    }
  }

  if (a.dot && edge_weight_ >= 0) {
    GATKIT_REQUIRE(edge_features && edge_features->rows() == E, "attention backward: edge features missing");
    dot_edge_backward(params, graph, *edge_features, cache);
  }
  if (cardinality_ >= 0) cardinality_backward(params, graph, a, cache, cache.dz);

  project_backward<T>(x, cache.input_dropout, cache.input, params.value(weight_), dz,
                      params.grad(weight_), dx);
}

template <class T>
RowMatrix<T> edge_features_with_self_loops(const Graph& without_loops, const RowMatrix<T>& features,
                                           const Graph& with_loops) {
  GATKIT_REQUIRE(features.rows() == without_loops.num_edges() && with_loops.num_nodes() == without_loops.num_nodes(),
                 "edge features: rows and graphs disagree");
  const std::int64_t n = with_loops.num_nodes(), F = features.cols();
  RowMatrix<T> out = RowMatrix<T>::Zero(with_loops.num_edges(), F);
  parallel_rows(n, 256, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      // Both rows are sorted by source: walk them together.
      EdgeId from = without_loops.in_offsets()[i];
      const EdgeId from_end = without_loops.in_offsets()[i + 1];
      for (EdgeId e = with_loops.in_offsets()[i]; e < with_loops.in_offsets()[i + 1]; ++e) {
        const NodeId j = with_loops.sources()[e];
        while (from < from_end && without_loops.sources()[from] < j) ++from;
        if (from < from_end && without_loops.sources()[from] == j) {
          out.row(e) = features.row(from);
        } else {
          GATKIT_REQUIRE(j == i, "edge features: an edge of the second graph is not in the first");
          const EdgeId first = without_loops.in_offsets()[i];
          if (from_end > first) out.row(e) = features.middleRows(first, from_end - first).colwise().mean();
        }
      }
    }
  });
  return out;
}

template class GraphAttention<float>;
template class GraphAttention<double>;
template RowMatrix<float> edge_features_with_self_loops<float>(const Graph&, const RowMatrix<float>&, const Graph&);
template RowMatrix<double> edge_features_with_self_loops<double>(const Graph&, const RowMatrix<double>&, const Graph&);

}  // namespace gatkit
