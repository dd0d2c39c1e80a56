#pragma once
// Graph attention layer: self-attention restricted to the edges of a graph.
//
// For every edge j -> i (row i of the in-edge CSR; add self-loops to the graph beforehand when a node
// should attend to itself) and head h:
//   additive (GAT):  e_ijh = LeakyReLU(a_dst[h] . z_ih + a_src[h] . z_jh [+ a_edge[h] . (f_ij W_e)_h]),
//                    z = (x o M) W,  v = z; f_ij are the edge's features when edge_dim > 0
//   dot (Q/K/V):     e_ijh = q_ih . (k_jh [+ (f_ij W_e)_h]) / sqrt(D),   [q | k | v] = (x o M) [W_q | W_k | W_v]
//                    (the edge term, PyTorch Geometric TransformerConv's edge_dim on the key, is computed as
//                    f_ij . U_ih with U_ih = W_e,h q_ih: n x H x edge_dim, never E x H x D)
//   gatv2 (Brody et al. 2022):
//                    e_ijh = a[h] . LeakyReLU(d_ih + s_jh [+ (f_ij W_e)_h]),   [s | d] = (x o M) [W_src | W_dst],
//                    v = s (PyTorch Geometric GATv2Conv, share_weights=False)
//   alpha_ih. = normalizer over j in N(i) of e_ijh:
//                    softmax:   exp(e_ijh) / sum_k exp(e_ikh)
//                    sparsemax: max(e_ijh - tau_ih, 0), tau_ih such that the row sums to 1 (Martins and
//                               Astudillo 2016): a Euclidean projection onto the simplex, exact zeros
//                    relu:      relu(e_ijh) / (sum_k relu(e_ikh) + 1e-6) (a row whose scores are all <= 0
//                               attends to nothing: its output is the bias)
//   out_ih = sum_j (alpha_ijh * M'_ijh) v_jh  [+ w_h o sum_j v_jh with cardinality = additive]
// The cardinality term (Zhang and Xie 2020, "cardinality preserved attention", additive form) adds the
// plain sum of the neighbours' values scaled by a learnt H x D gain w (initialised to ones): attention
// weights sum to one, so without it a node cannot tell one neighbour from three alike (a carbon bonded to
// one carbon from one bonded to three); the sum can.
// Heads are concatenated (output H*D), concatenated and projected by one more transform W_O (H*D x H*D,
// `project`) or averaged (output D); a bias is added last. M and M' are inverted-dropout masks on the
// layer input and on the attention coefficients.
//
// Memory: besides the projections (n x H*D, 2 x that for gatv2, 3 x that for dot) only E x H scalars are
// kept per layer (alpha; relu normalisation also keeps n x H row sums; project keeps the n x H*D
// concatenated heads); no E x H x D tensor is ever formed, gatv2 included (its per-edge LeakyReLU of a
// D-vector is recomputed in backward). Forward is fused per destination row; backward pulls over the
// reverse CSR, so no atomics, and every reduction has a fixed order: results do not depend on the number
// of threads.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gatkit/graph/graph.hpp"
#include "gatkit/nn/parameters.hpp"
#include "gatkit/nn/projection.hpp"
#include "gatkit/nn/random.hpp"
#include "gatkit/tensor.hpp"

namespace gatkit {

namespace detail {
template <class T>
struct AttentionArgs;
}

/// The scoring function e_ijh. The names ("additive", "gatv2", "dot") are used on the command line
/// (--attention) and in checkpoints.
enum class AttentionKind { additive, dot, gatv2 };

std::string to_string(AttentionKind kind);
/// "additive" (alias "gat"), "gatv2" or "dot"; throws InvalidArgument otherwise.
AttentionKind parse_attention_kind(std::string_view name);

/// How the scores of a destination's in-edges become weights (--normalizer; "normalizer" in checkpoints).
enum class AttentionNormalizer { softmax, sparsemax, relu };

std::string to_string(AttentionNormalizer normalizer);
/// "softmax", "sparsemax" or "relu"; throws InvalidArgument otherwise.
AttentionNormalizer parse_attention_normalizer(std::string_view name);

/// How a layer's heads are merged (--head-merge; "head_merge" in checkpoints): concatenated,
/// concatenated and multiplied by one more learnt transform W_O (the Transformer's output projection), or
/// averaged.
enum class HeadMerge { concat, project, mean };

std::string to_string(HeadMerge merge);
/// "concat", "project" or "mean"; throws InvalidArgument otherwise.
HeadMerge parse_head_merge(std::string_view name);

/// Whether a layer adds the cardinality term w_h o sum_j v_jh to every head (--cardinality; "cardinality"
/// in checkpoints).
enum class Cardinality { none, additive };

std::string to_string(Cardinality cardinality);
/// "none" or "additive"; throws InvalidArgument otherwise.
Cardinality parse_cardinality(std::string_view name);

/// The epsilon of relu normalisation: alpha = relu(e) / (sum relu(e) + kReluNormEpsilon).
inline constexpr double kReluNormEpsilon = 1e-6;

struct AttentionConfig {
  std::int64_t in_dim = 0;
  int heads = 1;
  std::int64_t head_dim = 8;  ///< D, features per head
  bool concat = true;         ///< concatenate heads (output heads * D) or average them (output D)
  /// With concat: multiply the concatenated heads by one more transform W_O (H*D x H*D, block
  /// ".out_weight") before the bias.
  bool project = false;
  AttentionKind kind = AttentionKind::additive;
  AttentionNormalizer normalizer = AttentionNormalizer::softmax;
  double negative_slope = 0.2;     ///< LeakyReLU slope (additive, gatv2)
  double input_dropout = 0.0;      ///< dropout on the layer input x
  double attention_dropout = 0.0;  ///< dropout on alpha
  bool bias = true;
  /// Width of per-edge features entering the scores (bond features; PyTorch Geometric's edge_dim);
  /// 0 for none. Additive: a_edge . (f W_e)_h is added to the pre-activation score; dot: (f W_e)_h is
  /// added to the key of the edge; gatv2: (f W_e)_h is added inside the LeakyReLU.
  std::int64_t edge_dim = 0;
  /// additive: out_ih += w_h o sum_j v_jh (block ".cardinality", H x D, no weight decay, ones at
  /// initialisation), added to the heads before they are merged.
  Cardinality cardinality = Cardinality::none;

  std::int64_t output_dim() const { return concat ? heads * head_dim : head_dim; }
  /// The merge these fields describe (concat, project or mean).
  HeadMerge merge() const { return !concat ? HeadMerge::mean : project ? HeadMerge::project : HeadMerge::concat; }
  void set_merge(HeadMerge merge) {
    concat = merge != HeadMerge::mean;
    project = merge == HeadMerge::project;
  }
  /// Number of parameters GraphAttention registers for this configuration, or -1 when a dimension is
  /// negative or at least 2^32 or the count exceeds 2^62 (computed without overflow, so that it can vet a
  /// configuration read from a file).
  std::int64_t parameter_count() const;
};

/// What forward keeps for backward (and for inspection of the attention weights).
template <class T>
struct AttentionCache {
  ProjectionCache<T> input;   ///< the layer input after dropout, for backward
  RowMatrix<T> z;             ///< projections, n x H*D (additive), n x 2*H*D (gatv2: s | d) or
                              ///< n x 3*H*D (dot: q | k | v)
  RowMatrix<T> s_src, s_dst;  ///< additive: a_src . z_jh and a_dst . z_ih, n x H
  RowMatrix<T> s_edge;        ///< with edge features, E x H: additive a_edge . (f_e W_e)_h;
                              ///< dot q_ih . (f_e W_e)_h / sqrt(D) for the edge's destination i
  std::vector<T> alpha;       ///< normalised weights before dropout, E x H (edge-major)
  RowMatrix<T> norm;          ///< relu normalisation: 1 / (sum_k relu(e_ikh) + eps), n x H
  RowMatrix<T> heads;         ///< project: the concatenated heads before W_O, n x H*D
  RowMatrix<T> neighbour_sum; ///< cardinality term: the sum of each node's in-neighbour values, n x H*D
  Dropout input_dropout, attention_dropout;

  // Scratch of backward(), kept between calls so that training steps do not allocate.
  RowMatrix<T> dz, ds_src, ds_dst;
  std::vector<T> d_edge;
  RowMatrix<T> u;  ///< dot with edge features: U (forward) and dL/dU (backward), n x H*edge_dim
  RowMatrix<T> d_heads;  ///< project: dL/d heads, n x H*D
};

template <class T>
class GraphAttention {
 public:
  /// Registers the layer's parameter blocks in `params` (before params.allocate()).
  GraphAttention(const AttentionConfig& config, Parameters<T>& params, const std::string& name);

  const AttentionConfig& config() const { return config_; }
  std::int64_t output_dim() const { return config_.output_dim(); }

  /// Glorot-uniform weights and attention vectors, zero bias.
  void initialize(Parameters<T>& params, Rng& rng) const;

  /// y (n x output_dim) from x (n x in_dim). With training == false dropout is off. `seed` keys the
  /// dropout masks of this call.
  /// `edge_features` (graph.num_edges() x edge_dim, rows in the graph's in-edge order) is required when
  /// edge_dim > 0 and ignored otherwise.
  void forward(const Parameters<T>& params, const Graph& graph, const FeatureMatrix<T>& x, bool training,
               std::uint64_t seed, AttentionCache<T>& cache, RowMatrix<T>& y,
               const RowMatrix<T>* edge_features = nullptr) const;

  /// Adds dL/dparams to params.grads() and, when dx is given (dense x only), sets dx = dL/dx. The cache
  /// of the matching forward() also serves as scratch space.
  void backward(Parameters<T>& params, const Graph& graph, const FeatureMatrix<T>& x,
                AttentionCache<T>& cache, const RowMatrix<T>& dy, RowMatrix<T>* dx,
                const RowMatrix<T>* edge_features = nullptr) const;

 private:
  detail::AttentionArgs<T> kernel_args(const Parameters<T>& params, const Graph& graph,
                                       const AttentionCache<T>& cache) const;
  /// M[f, h] = a_edge[h] . W_e[f, h*D .. (h+1)*D): the edge term of the scores is F M.
  RowMatrix<T> edge_score_matrix(const Parameters<T>& params) const;
  /// Dot with edge features: cache.s_edge[e, h] = q_ih . (f_e W_e)_h / sqrt(D) via U_ih = W_e,h q_ih.
  void dot_edge_scores(const Parameters<T>& params, const Graph& graph, const RowMatrix<T>& features,
                       AttentionCache<T>& cache) const;
  /// Dot with edge features: from cache.d_edge, adds dL/dq to cache.dz and dL/dW_e to the gradients.
  void dot_edge_backward(Parameters<T>& params, const Graph& graph, const RowMatrix<T>& features,
                         AttentionCache<T>& cache) const;
  /// Project: y = heads W_O + bias, and its backward (bias, W_O, then dL/d heads into cache.d_heads).
  void project_heads(const Parameters<T>& params, const AttentionCache<T>& cache, RowMatrix<T>& y) const;
  void project_heads_backward(Parameters<T>& params, AttentionCache<T>& cache, const RowMatrix<T>& dy) const;
  /// Cardinality term: out += the merged w_h o sum_j v_jh (out is the kernels' output: the heads, or
  /// their mean). `a` gives the layout the kernels use (values, head weight).
  /// Keeps the sums in cache.neighbour_sum for backward.
  void add_cardinality(const Parameters<T>& params, const Graph& graph, const detail::AttentionArgs<T>& a,
                       AttentionCache<T>& cache, RowMatrix<T>& out) const;
  /// Its backward from a.dy = dL/d out: adds dL/dw to the gradients and w o a.dy pulled over the out-edges
  /// to the value columns of dz.
  void cardinality_backward(Parameters<T>& params, const Graph& graph, const detail::AttentionArgs<T>& a,
                            const AttentionCache<T>& cache, RowMatrix<T>& dz) const;

  AttentionConfig config_;
  int weight_ = -1;  ///< in_dim x H*D (additive), in_dim x 2*H*D (gatv2: W_src | W_dst) or in_dim x 3*H*D (dot)
  int att_src_ = -1, att_dst_ = -1;  ///< H x D (additive)
  int att_ = -1;     ///< H x D (gatv2)
  int bias_ = -1;    ///< 1 x output_dim
  /// Edge features: edge_dim x H*D (every kind) and H x D (additive only).
  int edge_weight_ = -1, att_edge_ = -1;
  int out_weight_ = -1;  ///< project: W_O, H*D x H*D
  int cardinality_ = -1;  ///< cardinality additive: w, H x D
};

/// Edge features for `with_loops` (the graph after adding self-loops) from those of `without_loops`
/// (rows in in-edge order): every edge keeps its row, and a self-loop that was not in the input gets
/// the mean of the node's incoming edge features (zero for a node without any), as PyTorch
/// Geometric's add_self_loops(fill_value="mean").
template <class T>
RowMatrix<T> edge_features_with_self_loops(const Graph& without_loops, const RowMatrix<T>& features,
                                           const Graph& with_loops);

}  // namespace gatkit
