#pragma once
// GATv2 scoring (Brody et al. 2022) for the attention layer (private to src/nn):
//   e_ijh = a[h] . LeakyReLU(d_ih + s_jh [+ (f_ij W_e)_h]),   out_ih = sum_j alpha_ijh M'_ijh s_jh
// with z = [s | d] (n x 2*H*D, the source projections first: they are also the values).
//
// Unlike additive scoring, the LeakyReLU acts on a D-vector per edge and head, so a score costs
// O(H*D) (plus O(edge_dim*H*D) for the edge term) and does not split into per-node halves. Nothing of
// size E x H x D is kept: forward stores alpha (E x H) only, and backward recomputes the per-edge
// pre-activation t = d_i + s_j (+ f W_e) in each of its two passes, where it is needed:
//  - pass 1, over destination rows (fixed blocks of rows, so that the sums of dL/da and dL/dW_e have a
//    fixed order): dL/dalpha, the normaliser's backward (score gradients, E x H, kept in d_edge), then
//    per edge dt = dL/de * a o LeakyReLU'(t); dL/dd_i = sum of dt over the row; dL/da += dL/de *
//    LeakyReLU(t), dL/dW_e += f^T dt;
//  - pass 2, over source rows (reverse CSR): dL/ds_j = sum over out-edges of the value gradient
//    alpha M' dL/dout_i plus dt, recomputed from t and the stored score gradient.
#include <cstdint>

#include "attention_kernels.hpp"
#include "gatkit/tensor.hpp"

namespace gatkit::detail {

/// Forward of every destination row: writes a.alpha (E x H), a.y and, for relu normalisation, a.norm.
/// a.z is n x 2HD, a.att H x D; a.edge_features / a.edge_weight / a.F describe the edge term (F = 0:
/// none).
template <class T>
void gatv2_forward(const AttentionArgs<T>& a, AttentionNormalizer normalizer, std::int64_t n);

/// Backward: writes a.dz (n x 2HD, every entry), a.d_edge (E x H, the score gradients) and returns
/// the parameter gradients of the score, (1 + F) x HD: row 0 is dL/da (H x D flattened), rows 1 .. F
/// are dL/dW_e.
template <class T>
RowMatrix<T> gatv2_backward(const AttentionArgs<T>& a, AttentionNormalizer normalizer, std::int64_t n);

}  // namespace gatkit::detail
