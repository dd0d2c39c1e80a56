#include "gatkit/nn/losses.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "gatkit/util/error.hpp"

namespace gatkit {

template <class T>
double masked_bce_with_logits(const RowMatrix<T>& logits, const RowMatrix<T>& targets, RowMatrix<T>* d_logits,
                              const Vector<T>* task_weights) {
  GATKIT_REQUIRE(logits.rows() == targets.rows() && logits.cols() == targets.cols(), "bce: shape mismatch");
  GATKIT_REQUIRE(!task_weights || task_weights->size() == logits.cols(), "bce: one weight per task");
  if (d_logits) d_logits->setZero(logits.rows(), logits.cols());
  std::int64_t present = 0;
  for (Eigen::Index k = 0; k < targets.size(); ++k) present += !std::isnan(static_cast<double>(targets.data()[k]));
  if (present == 0) return 0.0;
  const double inv = 1.0 / static_cast<double>(present);
  double loss = 0;
  for (Eigen::Index i = 0; i < logits.rows(); ++i)
    for (Eigen::Index t = 0; t < logits.cols(); ++t) {
      const double y = static_cast<double>(targets(i, t));
      if (std::isnan(y)) continue;
      GATKIT_REQUIRE(y == 0.0 || y == 1.0, "bce: targets must be 0, 1 or missing");
      const double z = static_cast<double>(logits(i, t));
      const double w = task_weights ? static_cast<double>((*task_weights)(t)) : 1.0;
      // log(1 + exp(-|z|)) + max(z, 0) - y z: exact for every z, no overflow.
      loss += w * (std::log1p(std::exp(-std::abs(z))) + std::max(z, 0.0) - y * z) * inv;
      if (d_logits) (*d_logits)(i, t) = static_cast<T>(w * (1.0 / (1.0 + std::exp(-z)) - y) * inv);
    }
  return loss;
}

template <class T>
double masked_mse(const RowMatrix<T>& predictions, const RowMatrix<T>& targets, RowMatrix<T>* d_predictions) {
  GATKIT_REQUIRE(predictions.rows() == targets.rows() && predictions.cols() == targets.cols(), "mse: shape mismatch");
  if (d_predictions) d_predictions->setZero(predictions.rows(), predictions.cols());
  std::int64_t present = 0;
  for (Eigen::Index k = 0; k < targets.size(); ++k) present += !std::isnan(static_cast<double>(targets.data()[k]));
  if (present == 0) return 0.0;
  const double inv = 1.0 / static_cast<double>(present);
  double loss = 0;
  for (Eigen::Index k = 0; k < targets.size(); ++k) {
    const double y = static_cast<double>(targets.data()[k]);
    if (std::isnan(y)) continue;
    const double diff = static_cast<double>(predictions.data()[k]) - y;
    loss += diff * diff * inv;
    if (d_predictions) d_predictions->data()[k] = static_cast<T>(2.0 * diff * inv);
  }
  return loss;
}

template <class T>
double masked_softmax_cross_entropy(const RowMatrix<T>& logits, const RowMatrix<T>& targets, RowMatrix<T>* d_logits) {
  GATKIT_REQUIRE(logits.rows() == targets.rows() && targets.cols() == 1, "softmax cross-entropy: shape mismatch");
  const Eigen::Index classes = logits.cols();
  if (d_logits) d_logits->setZero(logits.rows(), classes);
  std::int64_t present = 0;
  for (Eigen::Index i = 0; i < targets.rows(); ++i) present += !std::isnan(static_cast<double>(targets(i, 0)));
  if (present == 0) return 0.0;
  const double inv = 1.0 / static_cast<double>(present);
  double loss = 0;
  for (Eigen::Index i = 0; i < logits.rows(); ++i) {
    const double y = static_cast<double>(targets(i, 0));
    if (std::isnan(y)) continue;
    GATKIT_REQUIRE(y >= 0 && y < static_cast<double>(classes) && y == std::floor(y),
                   "softmax cross-entropy: target " + std::to_string(y) + " is not a class index in [0, " +
                       std::to_string(classes) + ")");
    const auto label = static_cast<Eigen::Index>(y);
    double max_logit = -std::numeric_limits<double>::infinity();
    for (Eigen::Index c = 0; c < classes; ++c) max_logit = std::max(max_logit, static_cast<double>(logits(i, c)));
    double sum = 0;
    for (Eigen::Index c = 0; c < classes; ++c) sum += std::exp(static_cast<double>(logits(i, c)) - max_logit);
    const double log_sum = std::log(sum) + max_logit;  // log-sum-exp, stable for large logits
    loss += (log_sum - static_cast<double>(logits(i, label))) * inv;
    if (d_logits)
      for (Eigen::Index c = 0; c < classes; ++c)
        (*d_logits)(i, c) = static_cast<T>((std::exp(static_cast<double>(logits(i, c)) - log_sum) - (c == label)) * inv);
  }
  return loss;
}

template double masked_bce_with_logits<float>(const RowMatrix<float>&, const RowMatrix<float>&, RowMatrix<float>*, const Vector<float>*);
template double masked_bce_with_logits<double>(const RowMatrix<double>&, const RowMatrix<double>&, RowMatrix<double>*, const Vector<double>*);
template double masked_mse<float>(const RowMatrix<float>&, const RowMatrix<float>&, RowMatrix<float>*);
template double masked_mse<double>(const RowMatrix<double>&, const RowMatrix<double>&, RowMatrix<double>*);
template double masked_softmax_cross_entropy<float>(const RowMatrix<float>&, const RowMatrix<float>&, RowMatrix<float>*);
template double masked_softmax_cross_entropy<double>(const RowMatrix<double>&, const RowMatrix<double>&, RowMatrix<double>*);

}  // namespace gatkit
