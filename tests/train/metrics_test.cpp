// Metrics against values computed by hand, and ROC-AUC against a brute-force count over all
// (positive, negative) pairs on random scores with many ties.
#include "gatkit/train/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "gatkit/nn/random.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit::train {
namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

TEST(RocAuc, HandComputed) {
  // Ascending: 0.1(-) 0.35(+) 0.4(-) 0.8(+): of the 4 (pos, neg) pairs, 3 are ordered correctly.
  const std::vector<double> s{0.1, 0.4, 0.35, 0.8}, y{0, 0, 1, 1};
  EXPECT_DOUBLE_EQ(roc_auc(s, y), 0.75);
}

TEST(RocAuc, TiesCountOneHalf) {
  EXPECT_DOUBLE_EQ(roc_auc(std::vector<double>{0.5, 0.5, 0.5, 0.5}, std::vector<double>{0, 1, 0, 1}), 0.5);
  // Pairs: (0.5+, 0.2-) 1, (0.5+, 0.5-) 1/2, (0.9+, both) 2 -> 3.5 / 4.
  EXPECT_DOUBLE_EQ(roc_auc(std::vector<double>{0.2, 0.5, 0.5, 0.9}, std::vector<double>{0, 1, 0, 1}), 0.875);
}

TEST(RocAuc, PerfectAndReversed) {
  const std::vector<double> y{0, 0, 1, 1};
  EXPECT_DOUBLE_EQ(roc_auc(std::vector<double>{1, 2, 3, 4}, y), 1.0);
  EXPECT_DOUBLE_EQ(roc_auc(std::vector<double>{4, 3, 2, 1}, y), 0.0);
}

TEST(RocAuc, OneClassIsNaN) {
  const std::vector<double> s{0.1, 0.2, 0.3};
  EXPECT_TRUE(std::isnan(roc_auc(s, std::vector<double>{1, 1, 1})));
  EXPECT_TRUE(std::isnan(roc_auc(s, std::vector<double>{0, 0, 0})));
  EXPECT_TRUE(std::isnan(roc_auc(s, std::vector<double>{0, kMissing, kMissing})));
  EXPECT_TRUE(std::isnan(roc_auc(std::vector<double>{}, std::vector<double>{})));
}

TEST(RocAuc, MissingLabelsAreSkipped) {
  const std::vector<double> s{0.1, 0.4, 0.35, 0.8, 0.9, 0.0}, y{0, 0, 1, 1, kMissing, kMissing};
  EXPECT_DOUBLE_EQ(roc_auc(s, y), 0.75);
  // A NaN score is fine where the label is missing.
  const std::vector<double> s2{0.1, 0.4, 0.35, 0.8, kMissing};
  EXPECT_DOUBLE_EQ(roc_auc(s2, std::vector<double>{0, 0, 1, 1, kMissing}), 0.75);
}

TEST(RocAuc, MatchesBruteForcePairCount) {
  Rng rng(42);
  for (int trial = 0; trial < 20; ++trial) {
    const int n = 5 + static_cast<int>(rng.below(60));
    std::vector<double> s(n), y(n);
    for (int i = 0; i < n; ++i) {
      s[i] = static_cast<double>(rng.below(7)) / 7.0;  // few distinct values: many ties
      y[i] = static_cast<double>(rng.below(2));
    }
    double wins = 0, pairs = 0;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        if (y[i] == 1 && y[j] == 0) {
          pairs += 1;
          wins += s[i] > s[j] ? 1.0 : s[i] == s[j] ? 0.5 : 0.0;
        }
    if (pairs == 0) {
      EXPECT_TRUE(std::isnan(roc_auc(s, y)));
    } else {
      EXPECT_NEAR(roc_auc(s, y), wins / pairs, 1e-12) << "trial " << trial;
    }
  }
}

TEST(RocAuc, RejectsBadInput) {
  EXPECT_THROW(roc_auc(std::vector<double>{0.1, 0.2}, std::vector<double>{0, 2}), InvalidArgument);
  EXPECT_THROW(roc_auc(std::vector<double>{0.1, 0.2}, std::vector<double>{0}), InvalidArgument);
  EXPECT_THROW(roc_auc(std::vector<double>{0.1, kMissing}, std::vector<double>{0, 1}), InvalidArgument);
}

TEST(PrAuc, HandComputed) {
  // Descending: 0.8(+) P=1 R=1/2; 0.4(-); 0.35(+) P=2/3 R=1 -> 1/2 * 1 + 1/2 * 2/3 = 5/6.
  const std::vector<double> s{0.1, 0.4, 0.35, 0.8}, y{0, 0, 1, 1};
  EXPECT_DOUBLE_EQ(pr_auc(s, y), 5.0 / 6.0);
}

TEST(PrAuc, TiedScoresFormOneThreshold) {
  // One threshold: recall 1 at precision 1/2.
  EXPECT_DOUBLE_EQ(pr_auc(std::vector<double>{0.5, 0.5, 0.5, 0.5}, std::vector<double>{0, 1, 0, 1}), 0.5);
  // 0.9(+): R=1/2 P=1; {0.5+, 0.5-}: R=1 P=2/3; 0.2(-): no recall gained -> 1/2 + 1/3.
  EXPECT_DOUBLE_EQ(pr_auc(std::vector<double>{0.2, 0.5, 0.5, 0.9}, std::vector<double>{0, 1, 0, 1}), 5.0 / 6.0);
}

TEST(PrAuc, OneClass) {
  const std::vector<double> s{0.1, 0.2, 0.3};
  EXPECT_DOUBLE_EQ(pr_auc(s, std::vector<double>{1, 1, 1}), 1.0);
  EXPECT_TRUE(std::isnan(pr_auc(s, std::vector<double>{0, 0, 0})));
}

TEST(PrAuc, MissingLabelsAreSkipped) {
  const std::vector<double> s{0.1, 0.4, 0.35, 0.8, 0.95}, y{0, 0, 1, 1, kMissing};
  EXPECT_DOUBLE_EQ(pr_auc(s, y), 5.0 / 6.0);
}

TEST(Regression, RmseAndMae) {
  const std::vector<double> p{1, 2, 3}, t{1, 4, 1};
  EXPECT_DOUBLE_EQ(rmse(p, t), std::sqrt(8.0 / 3.0));
  EXPECT_DOUBLE_EQ(mae(p, t), 4.0 / 3.0);
  EXPECT_DOUBLE_EQ(rmse(p, p), 0.0);
}

TEST(Regression, MissingTargetsAreSkipped) {
  const std::vector<double> p{1, 2, 3}, t{1, 4, kMissing};
  EXPECT_DOUBLE_EQ(rmse(p, t), std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(mae(p, t), 1.0);
  const std::vector<double> none{kMissing, kMissing, kMissing};
  EXPECT_TRUE(std::isnan(rmse(p, none)));
  EXPECT_TRUE(std::isnan(mae(p, none)));
  EXPECT_THROW(rmse(p, std::vector<double>{1.0}), InvalidArgument);
}

TEST(Accuracy, Classes) {
  EXPECT_DOUBLE_EQ(accuracy(std::vector<std::int64_t>{1, 2, 3, 4}, std::vector<std::int64_t>{1, 2, 0, 4}), 0.75);
  EXPECT_TRUE(std::isnan(accuracy(std::vector<std::int64_t>{}, std::vector<std::int64_t>{})));
  EXPECT_THROW(accuracy(std::vector<std::int64_t>{1}, std::vector<std::int64_t>{}), InvalidArgument);
}

TEST(Accuracy, BinaryThreshold) {
  const std::vector<double> s{0.2, 0.6, 0.5, 0.9}, y{0, 0, 1, kMissing};
  EXPECT_DOUBLE_EQ(binary_accuracy(s, y), 2.0 / 3.0);  // 0.5 >= 0.5 is positive
  EXPECT_DOUBLE_EQ(binary_accuracy(s, y, 0.55), 1.0 / 3.0);  // 0.6 and 0.5 both wrong
}

TEST(MultiTask, MeanOverTasksWithBothClasses) {
  // n = 4 items, T = 3 tasks, row-major. Task 0: the hand example (0.75); task 1: only positives (NaN);
  // task 2: perfect once the missing label is skipped (1.0).
  const std::vector<double> scores{0.1, 0.3, 0.1,  //
                                   0.4, 0.2, 0.2,  //
                                   0.35, 0.9, 0.9, //
                                   0.8, 0.1, 0.0};
  const std::vector<double> labels{0, 1, 0,  //
                                   0, 1, 0,  //
                                   1, 1, 1,  //
                                   1, kMissing, kMissing};
  const TaskMetric auc = mean_roc_auc(scores, labels, 4, 3);
  ASSERT_EQ(auc.per_task.size(), 3u);
  EXPECT_DOUBLE_EQ(auc.per_task[0], 0.75);
  EXPECT_TRUE(std::isnan(auc.per_task[1]));
  EXPECT_DOUBLE_EQ(auc.per_task[2], 1.0);
  EXPECT_EQ(auc.tasks_counted, 2);
  EXPECT_DOUBLE_EQ(auc.mean, 0.875);

  const TaskMetric ap = mean_pr_auc(scores, labels, 4, 3);
  EXPECT_DOUBLE_EQ(ap.per_task[0], 5.0 / 6.0);
  EXPECT_DOUBLE_EQ(ap.per_task[1], 1.0);
  EXPECT_DOUBLE_EQ(ap.per_task[2], 1.0);
  EXPECT_EQ(ap.tasks_counted, 3);

  EXPECT_THROW(mean_roc_auc(scores, labels, 4, 2), InvalidArgument);
}

TEST(MultiTask, AllTasksUndefined) {
  const std::vector<double> s{0.1, 0.2}, y{1, kMissing};
  const TaskMetric auc = mean_roc_auc(s, y, 2, 1);
  EXPECT_EQ(auc.tasks_counted, 0);
  EXPECT_TRUE(std::isnan(auc.mean));
}

TEST(MultiTask, Rmse) {
  const std::vector<double> p{1, 0, 2, 0}, t{1, kMissing, 4, 3};
  const TaskMetric r = mean_rmse(p, t, 2, 2);
  EXPECT_DOUBLE_EQ(r.per_task[0], std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(r.per_task[1], 3.0);
  EXPECT_DOUBLE_EQ(r.mean, (std::sqrt(2.0) + 3.0) / 2);
}


TEST(MultiTask, Mae) {
  const std::vector<double> p{1, 0, 2, 0}, t{2, kMissing, 4, 3};
  const TaskMetric r = mean_mae(p, t, 2, 2);
  EXPECT_DOUBLE_EQ(r.per_task[0], 1.5);
  EXPECT_DOUBLE_EQ(r.per_task[1], 3.0);
  EXPECT_DOUBLE_EQ(r.mean, 2.25);
}

// Multi-class, 3 classes: items 0-3 with labels 0 1 2 1, item 4 missing.
//   class 0: positive 0.7 above every negative                                  -> 1
//   class 1: positives 0.5 and 0.25 against negatives 0.2 and 0.3: 3 of 4 pairs -> 0.75
//   class 2: positive 0.6 above every negative                                  -> 1
// Arg-max: items 0, 1, 2 right, item 3 (0.45 for class 0) wrong.
const std::vector<double> kProbabilities{0.7, 0.2, 0.1,    //
                                         0.2, 0.5, 0.3,    //
                                         0.1, 0.3, 0.6,    //
                                         0.45, 0.25, 0.3,  //
                                         0.0, 0.0, 1.0};
const std::vector<double> kClasses{0, 1, 2, 1, kMissing};

TEST(MultiClass, MacroRocAucOneVsRest) {
  const TaskMetric auc = macro_roc_auc_ovr(kProbabilities, kClasses, 5, 3);
  ASSERT_EQ(auc.per_task.size(), 3u);
  EXPECT_DOUBLE_EQ(auc.per_task[0], 1.0);
  EXPECT_DOUBLE_EQ(auc.per_task[1], 0.75);
  EXPECT_DOUBLE_EQ(auc.per_task[2], 1.0);
  EXPECT_DOUBLE_EQ(auc.mean, 2.75 / 3.0);
  // A class absent from the labels is left out of the mean.
  const std::vector<double> two_classes{0, 1, 0, 1, kMissing};
  const TaskMetric partial = macro_roc_auc_ovr(kProbabilities, two_classes, 5, 3);
  EXPECT_TRUE(std::isnan(partial.per_task[2]));
  EXPECT_EQ(partial.tasks_counted, 2);
}

TEST(MultiClass, Accuracy) {
  EXPECT_DOUBLE_EQ(multiclass_accuracy(kProbabilities, kClasses, 5, 3), 0.75);
  const std::vector<double> none{kMissing};
  EXPECT_TRUE(std::isnan(multiclass_accuracy(std::vector<double>{0.5, 0.5}, none, 1, 2)));
  // Ties go to the first class.
  EXPECT_DOUBLE_EQ(multiclass_accuracy(std::vector<double>{0.5, 0.5}, std::vector<double>{0}, 1, 2), 1.0);
}

TEST(MultiClass, RejectsBadLabelsAndShapes) {
  for (double bad : {3.0, -1.0, 1.5}) {
    std::vector<double> labels = kClasses;
    labels[0] = bad;
    EXPECT_THROW(macro_roc_auc_ovr(kProbabilities, labels, 5, 3), InvalidArgument) << bad;
    EXPECT_THROW(multiclass_accuracy(kProbabilities, labels, 5, 3), InvalidArgument) << bad;
  }
  EXPECT_THROW(macro_roc_auc_ovr(kProbabilities, kClasses, 5, 2), InvalidArgument);
  EXPECT_THROW(multiclass_accuracy(kProbabilities, kClasses, 4, 3), InvalidArgument);
}

}  // namespace
}  // namespace gatkit::train
