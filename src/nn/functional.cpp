#include "gatkit/nn/functional.hpp"

#include <cmath>

#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"

namespace gatkit {

template <class T>
void elu_forward(const RowMatrix<T>& x, RowMatrix<T>& y) {
  y.resize(x.rows(), x.cols());
  const std::int64_t size = x.size();
  // ELU(x) = max(x, 0) + exp(min(x, 0)) - 1: no select (not vectorised in Eigen 3.4), one vectorised
  // exp. Fixed, aligned blocks: Eigen's packet and scalar exp differ in the last bit, so every element
  // must land on the same path whatever the number of threads.
  parallel_blocks(size, 1 << 14, [&](std::int64_t b, std::int64_t e) {
    const auto in = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>(x.data() + b, e - b);
    Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>(y.data() + b, e - b) =
        in.max(T(0)) + (in.min(T(0)).exp() - T(1));
  });
}

template <class T>
void elu_backward(const RowMatrix<T>& y, const RowMatrix<T>& dy, RowMatrix<T>& dx) {
  dx.resize(y.rows(), y.cols());
  const std::int64_t size = y.size();
  // ELU'(x) = 1 for x > 0 and exp(x) = y + 1 otherwise, that is min(y, 0) + 1.
  parallel_blocks(size, 1 << 14, [&](std::int64_t b, std::int64_t e) {
    const auto out = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>(y.data() + b, e - b);
    const auto grad = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>(dy.data() + b, e - b);
    Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>(dx.data() + b, e - b) = grad * (out.min(T(0)) + T(1));
  });
}

template <class T>
void relu_forward(const RowMatrix<T>& x, RowMatrix<T>& y) {
  y.resize(x.rows(), x.cols());
  y.array() = x.array().max(T(0));
}

template <class T>
void relu_backward(const RowMatrix<T>& y, const RowMatrix<T>& dy, RowMatrix<T>& dx) {
  GATKIT_REQUIRE(y.rows() == dy.rows() && y.cols() == dy.cols(), "relu backward: shape mismatch");
  dx.resize(y.rows(), y.cols());
  dx.array() = (y.array() > T(0)).select(dy.array(), T(0));
}

template <class T>
double softmax_cross_entropy(const RowMatrix<T>& logits, const std::vector<std::int32_t>& labels,
                             const std::vector<NodeId>& nodes, RowMatrix<T>* d_logits) {
  GATKIT_REQUIRE(!nodes.empty(), "cross-entropy: no labelled nodes");
  const std::int64_t C = logits.cols();
  if (d_logits) d_logits->setZero(logits.rows(), C);
  const double inv_count = 1.0 / static_cast<double>(nodes.size());
  double loss = 0;  // serial: a few thousand rows at most, and a fixed summation order
  for (NodeId i : nodes) {
    const std::int32_t label = labels[static_cast<std::size_t>(i)];
    GATKIT_REQUIRE(label >= 0 && label < C, "cross-entropy: node " + std::to_string(i) + " has no valid label");
    const auto row = logits.row(i);
    const T max_logit = row.maxCoeff();
    double sum = 0;
    for (std::int64_t c = 0; c < C; ++c) sum += std::exp(static_cast<double>(row(c) - max_logit));
    const double log_sum = std::log(sum) + static_cast<double>(max_logit);
    loss += (log_sum - static_cast<double>(row(label))) * inv_count;
    if (d_logits) {
      for (std::int64_t c = 0; c < C; ++c)
        (*d_logits)(i, c) = static_cast<T>((std::exp(static_cast<double>(row(c)) - log_sum) - (c == label)) * inv_count);
    }
  }
  return loss;
}

template <class T>
double accuracy(const RowMatrix<T>& logits, const std::vector<std::int32_t>& labels,
                const std::vector<NodeId>& nodes) {
  if (nodes.empty()) return 0.0;
  std::int64_t correct = 0;
  for (NodeId i : nodes) {
    Eigen::Index best;
    logits.row(i).maxCoeff(&best);
    correct += (best == labels[static_cast<std::size_t>(i)]);
  }
  return static_cast<double>(correct) / static_cast<double>(nodes.size());
}

template <class T>
RowMatrix<T> softmax_rows(const RowMatrix<T>& logits) {
  RowMatrix<T> p(logits.rows(), logits.cols());
  for (Eigen::Index i = 0; i < logits.rows(); ++i) {
    const auto e = (logits.row(i).array() - logits.row(i).maxCoeff()).exp();
    p.row(i) = e / e.sum();
  }
  return p;
}

#define GATKIT_INSTANTIATE(T)                                                                           \
  template void elu_forward<T>(const RowMatrix<T>&, RowMatrix<T>&);                                     \
  template void elu_backward<T>(const RowMatrix<T>&, const RowMatrix<T>&, RowMatrix<T>&);               \
  template void relu_forward<T>(const RowMatrix<T>&, RowMatrix<T>&);                                    \
  template void relu_backward<T>(const RowMatrix<T>&, const RowMatrix<T>&, RowMatrix<T>&);              \
  template double softmax_cross_entropy<T>(const RowMatrix<T>&, const std::vector<std::int32_t>&,       \
                                           const std::vector<NodeId>&, RowMatrix<T>*);                  \
  template double accuracy<T>(const RowMatrix<T>&, const std::vector<std::int32_t>&,                    \
                              const std::vector<NodeId>&);                                              \
  template RowMatrix<T> softmax_rows<T>(const RowMatrix<T>&);
GATKIT_INSTANTIATE(float)
GATKIT_INSTANTIATE(double)
#undef GATKIT_INSTANTIATE

}  // namespace gatkit
