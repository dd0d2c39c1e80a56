#pragma once
// Class-balanced weights and the weighted softmax cross-entropy of node classification.
#include <cstdint>
#include <vector>

#include "gatkit/graph/graph.hpp"
#include "gatkit/tensor.hpp"

namespace gatkit {

/// sklearn's "balanced" weights over the listed nodes: w_c = n / (C * n_c), where n is the number of
/// listed nodes, C the number of classes present among them and n_c the count of class c; a class
/// absent from the nodes gets weight 0. Size num_classes.
std::vector<double> balanced_class_weights(const std::vector<std::int32_t>& labels, const std::vector<NodeId>& nodes,
                                           std::int32_t num_classes);

/// Weighted mean softmax cross-entropy over `nodes`: L = sum_i w(y_i) CE_i / sum_i w(y_i), PyTorch's
/// CrossEntropyLoss(weight=w) reduction. With all weights equal it is softmax_cross_entropy. d_logits
/// (optional) receives dL/dlogits (zero outside `nodes`). Throws InvalidArgument when a listed node has
/// no valid label or when the weights of the listed nodes sum to zero.
template <class T>
double weighted_softmax_cross_entropy(const RowMatrix<T>& logits, const std::vector<std::int32_t>& labels,
                                      const std::vector<NodeId>& nodes, const std::vector<double>& class_weights,
                                      RowMatrix<T>* d_logits);

}  // namespace gatkit
