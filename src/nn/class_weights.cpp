#include "gatkit/nn/class_weights.hpp"

#include <cmath>
#include <string>

#include "gatkit/util/error.hpp"

namespace gatkit {

std::vector<double> balanced_class_weights(const std::vector<std::int32_t>& labels, const std::vector<NodeId>& nodes,
                                           std::int32_t num_classes) {
  std::vector<double> count(static_cast<std::size_t>(std::max(num_classes, 0)), 0.0);
  for (NodeId i : nodes) {
    const std::int32_t c = labels[static_cast<std::size_t>(i)];
    GATKIT_REQUIRE(c >= 0 && c < num_classes, "class weights: node " + std::to_string(i) + " has no valid label");
    count[static_cast<std::size_t>(c)] += 1;
  }
  double present = 0;
  for (double n_c : count) present += n_c > 0;
  std::vector<double> w(count.size(), 0.0);
  for (std::size_t c = 0; c < count.size(); ++c)
    if (count[c] > 0) w[c] = static_cast<double>(nodes.size()) / (present * count[c]);
  return w;
}

template <class T>
double weighted_softmax_cross_entropy(const RowMatrix<T>& logits, const std::vector<std::int32_t>& labels,
                                      const std::vector<NodeId>& nodes, const std::vector<double>& class_weights,
                                      RowMatrix<T>* d_logits) {
  GATKIT_REQUIRE(!nodes.empty(), "cross-entropy: no labelled nodes");
  const std::int64_t C = logits.cols();
  GATKIT_REQUIRE(static_cast<std::int64_t>(class_weights.size()) == C,
                 "cross-entropy: " + std::to_string(class_weights.size()) + " class weights for " + std::to_string(C) + " classes");
  double total = 0;
  for (NodeId i : nodes) {
    const std::int32_t label = labels[static_cast<std::size_t>(i)];
    GATKIT_REQUIRE(label >= 0 && label < C, "cross-entropy: node " + std::to_string(i) + " has no valid label");
    total += class_weights[static_cast<std::size_t>(label)];
  }
  GATKIT_REQUIRE(total > 0 && std::isfinite(total), "cross-entropy: the class weights of the listed nodes sum to zero");
  if (d_logits) d_logits->setZero(logits.rows(), C);
  double loss = 0;  // serial, fixed order
  for (NodeId i : nodes) {
    const std::int32_t label = labels[static_cast<std::size_t>(i)];
    const double scale = class_weights[static_cast<std::size_t>(label)] / total;
    const auto row = logits.row(i);
    const double max_logit = static_cast<double>(row.maxCoeff());
    double sum = 0;
    for (std::int64_t c = 0; c < C; ++c) sum += std::exp(static_cast<double>(row(c)) - max_logit);
    const double log_sum = std::log(sum) + max_logit;
    loss += (log_sum - static_cast<double>(row(label))) * scale;
    if (d_logits)
      for (std::int64_t c = 0; c < C; ++c)
        (*d_logits)(i, c) = static_cast<T>((std::exp(static_cast<double>(row(c)) - log_sum) - (c == label)) * scale);
  }
  return loss;
}

template double weighted_softmax_cross_entropy<float>(const RowMatrix<float>&, const std::vector<std::int32_t>&,
                                                      const std::vector<NodeId>&, const std::vector<double>&, RowMatrix<float>*);
template double weighted_softmax_cross_entropy<double>(const RowMatrix<double>&, const std::vector<std::int32_t>&,
                                                       const std::vector<NodeId>&, const std::vector<double>&, RowMatrix<double>*);

}  // namespace gatkit
