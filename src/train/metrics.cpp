// Metrics: see include/gatkit/train/metrics.hpp for the conventions (NaN label = missing, NaN result =
// undefined). Everything is computed in double and serially: data sets here are at most ~10^6 items.
#include "gatkit/train/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <utility>

#include "gatkit/util/error.hpp"

namespace gatkit::train {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void require_same_size(std::size_t a, std::size_t b, const char* what) {
  GATKIT_REQUIRE(a == b, std::string(what) + ": sizes differ (" + std::to_string(a) + " predictions, " +
                             std::to_string(b) + " labels)");
}

/// The (score, label) pairs whose label is present, labels checked to be 0 or 1.
std::vector<std::pair<double, bool>> binary_pairs(std::span<const double> scores, std::span<const double> labels,
                                                  const char* what) {
  require_same_size(scores.size(), labels.size(), what);
  std::vector<std::pair<double, bool>> pairs;
  pairs.reserve(scores.size());
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const double y = labels[i];
    if (std::isnan(y)) continue;
    GATKIT_REQUIRE(y == 0.0 || y == 1.0, std::string(what) + ": label " + std::to_string(i) + " is " +
                                             std::to_string(y) + ", expected 0, 1 or NaN (missing)");
    GATKIT_REQUIRE(!std::isnan(scores[i]), std::string(what) + ": score " + std::to_string(i) + " is NaN");
    pairs.emplace_back(scores[i], y == 1.0);
  }
  return pairs;
}

void check_matrix(std::size_t a, std::size_t b, std::int64_t n, std::int64_t tasks, const char* what) {
  GATKIT_REQUIRE(n >= 0 && tasks >= 0, std::string(what) + ": negative shape");
  const auto expected = static_cast<std::size_t>(n) * static_cast<std::size_t>(tasks);
  GATKIT_REQUIRE(a == expected && b == expected,
                 std::string(what) + ": expected arrays of n * T = " + std::to_string(expected) +
                     " elements, got " + std::to_string(a) + " and " + std::to_string(b));
}

template <class PerColumn>
TaskMetric per_task(std::span<const double> x, std::span<const double> y, std::int64_t n, std::int64_t tasks,
                    const char* what, PerColumn metric) {
  check_matrix(x.size(), y.size(), n, tasks, what);
  TaskMetric out;
  out.per_task.assign(static_cast<std::size_t>(tasks), kNaN);
  std::vector<double> cx(static_cast<std::size_t>(n)), cy(static_cast<std::size_t>(n));
  double sum = 0;
  for (std::int64_t t = 0; t < tasks; ++t) {
    for (std::int64_t i = 0; i < n; ++i) {
      cx[static_cast<std::size_t>(i)] = x[static_cast<std::size_t>(i * tasks + t)];
      cy[static_cast<std::size_t>(i)] = y[static_cast<std::size_t>(i * tasks + t)];
    }
    const double v = metric(std::span<const double>(cx), std::span<const double>(cy));
    out.per_task[static_cast<std::size_t>(t)] = v;
    if (!std::isnan(v)) sum += v, ++out.tasks_counted;
  }
  out.mean = out.tasks_counted > 0 ? sum / static_cast<double>(out.tasks_counted) : kNaN;
  return out;
}

}  // namespace

double roc_auc(std::span<const double> scores, std::span<const double> labels) {
  auto pairs = binary_pairs(scores, labels, "roc_auc");
  std::sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  // Sum of the (1-based, tie-averaged) ranks of the positives.
  double positive_rank_sum = 0;
  std::int64_t positives = 0;
  for (std::size_t begin = 0; begin < pairs.size();) {
    std::size_t end = begin;
    std::int64_t tied_positives = 0;
    while (end < pairs.size() && pairs[end].first == pairs[begin].first) tied_positives += pairs[end++].second;
    const double average_rank = 0.5 * static_cast<double>(begin + 1 + end);  // mean of begin+1 .. end
    positive_rank_sum += average_rank * static_cast<double>(tied_positives);
    positives += tied_positives;
    begin = end;
  }
  const auto negatives = static_cast<std::int64_t>(pairs.size()) - positives;
  if (positives == 0 || negatives == 0) return kNaN;
  const double p = static_cast<double>(positives);
  return (positive_rank_sum - p * (p + 1) / 2) / (p * static_cast<double>(negatives));
}

double pr_auc(std::span<const double> scores, std::span<const double> labels) {
  auto pairs = binary_pairs(scores, labels, "pr_auc");
  std::sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::int64_t positives = 0;
  for (const auto& pr : pairs) positives += pr.second;
  if (positives == 0) return kNaN;
  double ap = 0, previous_recall = 0;
  std::int64_t tp = 0, fp = 0;
  for (std::size_t begin = 0; begin < pairs.size();) {
    std::size_t end = begin;
    while (end < pairs.size() && pairs[end].first == pairs[begin].first) {
      (pairs[end].second ? tp : fp) += 1;
      ++end;
    }
    const double recall = static_cast<double>(tp) / static_cast<double>(positives);
    const double precision = static_cast<double>(tp) / static_cast<double>(tp + fp);
    ap += (recall - previous_recall) * precision;
    previous_recall = recall;
    begin = end;
  }
  return ap;
}

double rmse(std::span<const double> pred, std::span<const double> target) {
  require_same_size(pred.size(), target.size(), "rmse");
  double sum = 0;
  std::int64_t count = 0;
  for (std::size_t i = 0; i < pred.size(); ++i) {
    if (std::isnan(target[i])) continue;
    const double d = pred[i] - target[i];
    sum += d * d;
    ++count;
  }
  return count > 0 ? std::sqrt(sum / static_cast<double>(count)) : kNaN;
}

double mae(std::span<const double> pred, std::span<const double> target) {
  require_same_size(pred.size(), target.size(), "mae");
  double sum = 0;
  std::int64_t count = 0;
  for (std::size_t i = 0; i < pred.size(); ++i) {
    if (std::isnan(target[i])) continue;
    sum += std::abs(pred[i] - target[i]);
    ++count;
  }
  return count > 0 ? sum / static_cast<double>(count) : kNaN;
}

double accuracy(std::span<const std::int64_t> predicted_class, std::span<const std::int64_t> labels) {
  require_same_size(predicted_class.size(), labels.size(), "accuracy");
  if (labels.empty()) return kNaN;
  std::int64_t correct = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) correct += predicted_class[i] == labels[i];
  return static_cast<double>(correct) / static_cast<double>(labels.size());
}

double macro_f1(std::span<const std::int64_t> predicted_class, std::span<const std::int64_t> labels) {
  require_same_size(predicted_class.size(), labels.size(), "macro_f1");
  if (labels.empty()) return kNaN;
  struct Counts {
    double tp = 0, fp = 0, fn = 0;
  };
  std::vector<std::pair<std::int64_t, Counts>> classes;  // sorted by class: a fixed summation order
  auto at = [&](std::int64_t c) -> Counts& {
    auto it = std::lower_bound(classes.begin(), classes.end(), c, [](const auto& e, std::int64_t v) { return e.first < v; });
    if (it == classes.end() || it->first != c) it = classes.insert(it, {c, Counts{}});
    return it->second;
  };
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (predicted_class[i] == labels[i]) {
      at(labels[i]).tp += 1;
    } else {
      at(predicted_class[i]).fp += 1;
      at(labels[i]).fn += 1;
    }
  }
  double sum = 0;
  for (const auto& [c, k] : classes) sum += 2 * k.tp / (2 * k.tp + k.fp + k.fn);
  return sum / static_cast<double>(classes.size());
}

double binary_accuracy(std::span<const double> scores, std::span<const double> labels, double threshold) {
  const auto pairs = binary_pairs(scores, labels, "binary_accuracy");
  if (pairs.empty()) return kNaN;
  std::int64_t correct = 0;
  for (const auto& [score, positive] : pairs) correct += (score >= threshold) == positive;
  return static_cast<double>(correct) / static_cast<double>(pairs.size());
}

TaskMetric mean_roc_auc(std::span<const double> scores, std::span<const double> labels, std::int64_t n,
                        std::int64_t tasks) {
  return per_task(scores, labels, n, tasks, "mean_roc_auc",
                  [](std::span<const double> s, std::span<const double> y) { return roc_auc(s, y); });
}

TaskMetric mean_pr_auc(std::span<const double> scores, std::span<const double> labels, std::int64_t n,
                       std::int64_t tasks) {
  return per_task(scores, labels, n, tasks, "mean_pr_auc",
                  [](std::span<const double> s, std::span<const double> y) { return pr_auc(s, y); });
}

TaskMetric mean_rmse(std::span<const double> pred, std::span<const double> target, std::int64_t n,
                     std::int64_t tasks) {
  return per_task(pred, target, n, tasks, "mean_rmse",
                  [](std::span<const double> p, std::span<const double> t) { return rmse(p, t); });
}

TaskMetric mean_mae(std::span<const double> pred, std::span<const double> target, std::int64_t n,
                    std::int64_t tasks) {
  return per_task(pred, target, n, tasks, "mean_mae",
                  [](std::span<const double> p, std::span<const double> t) { return mae(p, t); });
}

namespace {

/// Class indices of the present labels (-1 for missing), checked to be integers in [0, classes).
std::vector<std::int64_t> class_labels(std::span<const double> probabilities, std::span<const double> labels,
                                       std::int64_t n, std::int64_t classes, const char* what) {
  GATKIT_REQUIRE(classes >= 1, std::string(what) + ": no classes");
  check_matrix(probabilities.size(), labels.size() * static_cast<std::size_t>(classes), n, classes, what);
  std::vector<std::int64_t> out(labels.size(), -1);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double y = labels[i];
    if (std::isnan(y)) continue;
    GATKIT_REQUIRE(y >= 0 && y < static_cast<double>(classes) && y == std::floor(y),
                   std::string(what) + ": label " + std::to_string(i) + " is " + std::to_string(y) +
                       ", expected a class index in [0, " + std::to_string(classes) + ") or NaN (missing)");
    out[i] = static_cast<std::int64_t>(y);
  }
  return out;
}

}  // namespace

double multiclass_accuracy(std::span<const double> probabilities, std::span<const double> labels, std::int64_t n,
                           std::int64_t classes) {
  const auto label = class_labels(probabilities, labels, n, classes, "multiclass_accuracy");
  std::int64_t correct = 0, present = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    if (label[static_cast<std::size_t>(i)] < 0) continue;
    const auto row = probabilities.subspan(static_cast<std::size_t>(i * classes), static_cast<std::size_t>(classes));
    GATKIT_REQUIRE(std::none_of(row.begin(), row.end(), [](double p) { return std::isnan(p); }),
                   "multiclass_accuracy: score row " + std::to_string(i) + " has NaN");
    const auto best = std::max_element(row.begin(), row.end()) - row.begin();
    correct += best == label[static_cast<std::size_t>(i)];
    ++present;
  }
  return present > 0 ? static_cast<double>(correct) / static_cast<double>(present) : kNaN;
}

TaskMetric macro_roc_auc_ovr(std::span<const double> probabilities, std::span<const double> labels, std::int64_t n,
                             std::int64_t classes) {
  const auto label = class_labels(probabilities, labels, n, classes, "macro_roc_auc_ovr");
  // One binary column per class: 1 where the label is that class, 0 for the other present labels.
  std::vector<double> one_vs_rest(static_cast<std::size_t>(n * classes));
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t c = 0; c < classes; ++c)
      one_vs_rest[static_cast<std::size_t>(i * classes + c)] =
          label[static_cast<std::size_t>(i)] < 0 ? kNaN : static_cast<double>(label[static_cast<std::size_t>(i)] == c);
  return mean_roc_auc(probabilities, one_vs_rest, n, classes);
}

}  // namespace gatkit::train
