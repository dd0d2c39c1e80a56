#pragma once
// Losses of graph-level tasks, over n x T predictions (one row per graph, one column per task). A target
// that is NaN is a missing label: it contributes neither to the loss nor to the gradient, and the loss
// is the mean over the labels present (PyTorch Geometric / DGL-LifeSci's masked multi-task losses).
#include "gatkit/tensor.hpp"

namespace gatkit {

/// Binary cross-entropy on logits: -[y log s(z) + (1 - y) log(1 - s(z))], computed stably. Targets are
/// 0, 1 or NaN. `task_weights` (T values, optional) scale each task's terms (class balancing).
/// Returns the mean over present labels (0 when there is none); d_logits (when given) gets its gradient.
template <class T>
double masked_bce_with_logits(const RowMatrix<T>& logits, const RowMatrix<T>& targets, RowMatrix<T>* d_logits,
                              const Vector<T>* task_weights = nullptr);

/// Mean squared error over present targets (NaN = missing).
template <class T>
double masked_mse(const RowMatrix<T>& predictions, const RowMatrix<T>& targets, RowMatrix<T>* d_predictions);

/// Softmax cross-entropy for one multi-class task: logits n x C, targets n x 1 holding the class index
/// (an integer in [0, C)) or NaN (missing). Returns the mean over present labels (0 when there is none);
/// d_logits (when given) gets its gradient (softmax - one-hot, divided by the number of labels present).
template <class T>
double masked_softmax_cross_entropy(const RowMatrix<T>& logits, const RowMatrix<T>& targets, RowMatrix<T>* d_logits);

}  // namespace gatkit
