// Metrics of node classification: macro-F1 and ROC-AUC on hand-computed examples.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "gatkit/train/metrics.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit::train {
namespace {

TEST(MacroF1, ByHand) {
  // class 0: TP 1, FP 1, FN 1 -> 2/4; class 1: TP 2, FP 1 -> 4/5; class 2: TP 1, FN 1 -> 2/3.
  const std::vector<std::int64_t> labels = {0, 0, 1, 1, 2, 2};
  const std::vector<std::int64_t> predicted = {0, 1, 1, 1, 0, 2};
  EXPECT_NEAR(macro_f1(predicted, labels), (0.5 + 0.8 + 2.0 / 3.0) / 3.0, 1e-15);
  // Perfect, and a class that is only predicted (F1 0, counted, as sklearn does).
  EXPECT_DOUBLE_EQ(macro_f1(labels, labels), 1.0);
  EXPECT_NEAR(macro_f1(std::vector<std::int64_t>{0, 1}, std::vector<std::int64_t>{0, 0}), (2.0 / 3.0 + 0.0) / 2.0, 1e-15);
  // Accuracy hides the minority class, macro-F1 does not: 9 of 10 right, the one "1" missed.
  const std::vector<std::int64_t> skewed_labels = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  const std::vector<std::int64_t> all_zero(10, 0);
  EXPECT_DOUBLE_EQ(accuracy(all_zero, skewed_labels), 0.9);
  EXPECT_NEAR(macro_f1(all_zero, skewed_labels), (18.0 / 19.0 + 0.0) / 2.0, 1e-15);
  EXPECT_TRUE(std::isnan(macro_f1(std::vector<std::int64_t>{}, std::vector<std::int64_t>{})));
  EXPECT_THROW(macro_f1(std::vector<std::int64_t>{0}, std::vector<std::int64_t>{0, 1}), InvalidArgument);
}

TEST(RocAuc, NodeScoresByHand) {
  // Pairs (positive, negative): (0.35, 0.1) yes, (0.35, 0.4) no, (0.8, *) yes twice: 3 of 4.
  EXPECT_DOUBLE_EQ(roc_auc(std::vector<double>{0.1, 0.4, 0.35, 0.8}, std::vector<double>{0, 0, 1, 1}), 0.75);
  // A tie between a positive and a negative counts one half: 1.5 of 2.
  EXPECT_DOUBLE_EQ(roc_auc(std::vector<double>{0.5, 0.5, 0.9}, std::vector<double>{0, 1, 1}), 0.75);
}

}  // namespace
}  // namespace gatkit::train
