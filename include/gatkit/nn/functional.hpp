#pragma once
// Element-wise activations and the node-classification loss, each with its backward.
#include <cstdint>
#include <vector>

#include "gatkit/graph/graph.hpp"
#include "gatkit/tensor.hpp"

namespace gatkit {

/// y = ELU(x) = x for x > 0, exp(x) - 1 otherwise. y may be x (in place).
template <class T>
void elu_forward(const RowMatrix<T>& x, RowMatrix<T>& y);
/// dx = dy * ELU'(x), computed from the output y (ELU'(x) = y + 1 for x <= 0). dx may be dy.
template <class T>
void elu_backward(const RowMatrix<T>& y, const RowMatrix<T>& dy, RowMatrix<T>& dx);

/// y = ReLU(x) = max(x, 0).
template <class T>
void relu_forward(const RowMatrix<T>& x, RowMatrix<T>& y);
/// dx = dy * ReLU'(x), computed from the output y (ReLU'(x) = 1 where y > 0, else 0).
template <class T>
void relu_backward(const RowMatrix<T>& y, const RowMatrix<T>& dy, RowMatrix<T>& dx);

/// Mean softmax cross-entropy of logits (n x C) over the rows in `nodes`, whose class is labels[i]
/// (every listed node must have a label in [0, C)). When d_logits is given it receives dL/dlogits
/// (n x C, zero outside `nodes`). Returns the loss.
template <class T>
double softmax_cross_entropy(const RowMatrix<T>& logits, const std::vector<std::int32_t>& labels,
                             const std::vector<NodeId>& nodes, RowMatrix<T>* d_logits);

/// Fraction of `nodes` whose arg-max logit equals the label.
template <class T>
double accuracy(const RowMatrix<T>& logits, const std::vector<std::int32_t>& labels,
                const std::vector<NodeId>& nodes);

/// Row-wise softmax (class probabilities).
template <class T>
RowMatrix<T> softmax_rows(const RowMatrix<T>& logits);

}  // namespace gatkit
