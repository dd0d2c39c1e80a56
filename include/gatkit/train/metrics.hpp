#pragma once
// Evaluation metrics for graph-level (molecule) tasks: ROC-AUC and average precision for binary tasks,
// RMSE/MAE for regression, accuracy for class predictions, and per-task means for multi-task data sets
// with missing labels (MoleculeNet's Tox21, ToxCast, ...).
//
// Conventions shared by every function here:
//  - A NaN label or target means "missing": that (prediction, label) pair is skipped.
//  - Binary labels are 0 or 1 (after skipping NaN); anything else throws InvalidArgument.
//  - Scores and predictions must not be NaN where the label is present (InvalidArgument).
//  - A metric that is undefined on what is left (no pairs, one class only) is quiet NaN, never a throw,
//    so a task without both classes in a small split can simply be left out of a mean.
//  - Multi-task arrays are row-major, n items by T tasks: element (i, t) is at [i * T + t].
#include <cstdint>
#include <span>
#include <vector>

namespace gatkit::train {

/// Area under the ROC curve by the Mann-Whitney statistic; tied scores get the average of their ranks
/// (so a tie between a positive and a negative counts one half). NaN unless both classes are present.
/// scores, labels: size n.
double roc_auc(std::span<const double> scores, std::span<const double> labels);

/// Average precision, as sklearn.metrics.average_precision_score: sum over distinct score thresholds
/// (descending; equal scores form one threshold) of (R_k - R_{k-1}) * P_k, a step function without
/// interpolation. NaN when no positive label is present; 1 when every present label is positive.
/// scores, labels: size n.
double pr_auc(std::span<const double> scores, std::span<const double> labels);

/// Root mean squared error over pairs whose target is present; NaN when none is. pred, target: size n.
double rmse(std::span<const double> pred, std::span<const double> target);

/// Mean absolute error over pairs whose target is present; NaN when none is. pred, target: size n.
double mae(std::span<const double> pred, std::span<const double> target);

/// Fraction of predicted_class[i] == labels[i]; NaN for n == 0. No missing-label convention (filter
/// before calling). predicted_class, labels: size n.
double accuracy(std::span<const std::int64_t> predicted_class, std::span<const std::int64_t> labels);

/// Macro-averaged F1 of class predictions (sklearn's f1_score(average="macro")): per class c,
/// F1_c = 2 TP_c / (2 TP_c + FP_c + FN_c), averaged over the classes that occur among the labels or the
/// predictions (a class in neither is left out; a class with TP + FP + FN > 0 but TP = 0 counts as 0).
/// NaN for n == 0. Classes are any integers. predicted_class, labels: size n.
double macro_f1(std::span<const std::int64_t> predicted_class, std::span<const std::int64_t> labels);

/// Binary accuracy of probabilities against 0/1 labels: predicted positive when score >= threshold.
/// NaN labels are skipped; NaN when nothing is left. scores, labels: size n.
double binary_accuracy(std::span<const double> scores, std::span<const double> labels, double threshold = 0.5);

/// A metric computed per task, and its mean over the tasks where it is defined.
struct TaskMetric {
  std::vector<double> per_task;  ///< size T; NaN where the task has too few labels (e.g. one class)
  double mean = 0;               ///< mean of the non-NaN entries; NaN when every entry is NaN
  std::int64_t tasks_counted = 0;  ///< number of non-NaN entries averaged
};

/// roc_auc of every column of row-major (n x T) scores and labels (NaN label = missing), and the mean
/// over tasks that have both classes (as DeepChem/OGB do). scores, labels: size n * T.
TaskMetric mean_roc_auc(std::span<const double> scores, std::span<const double> labels, std::int64_t n,
                        std::int64_t tasks);

/// As mean_roc_auc, with pr_auc per task (mean over tasks with at least one positive).
TaskMetric mean_pr_auc(std::span<const double> scores, std::span<const double> labels, std::int64_t n,
                       std::int64_t tasks);

/// As mean_roc_auc, with rmse per task (regression with missing targets).
TaskMetric mean_rmse(std::span<const double> pred, std::span<const double> target, std::int64_t n,
                     std::int64_t tasks);

/// As mean_roc_auc, with mae per task.
TaskMetric mean_mae(std::span<const double> pred, std::span<const double> target, std::int64_t n,
                    std::int64_t tasks);

/// One multi-class task: `probabilities` row-major n x C (any scores; the arg-max is the prediction),
/// `labels` n class indices (integers in [0, C)) or NaN (missing, skipped); anything else throws.

/// Accuracy of the arg-max class (the first of equal maxima); NaN when no label is present.
double multiclass_accuracy(std::span<const double> probabilities, std::span<const double> labels, std::int64_t n,
                           std::int64_t classes);

/// Macro one-vs-rest ROC-AUC: per class c, roc_auc of column c against (label == c); the mean over the
/// classes that have both positives and negatives among the present labels. When every class occurs
/// this is sklearn's roc_auc_score(multi_class="ovr", average="macro"); per_task holds the per-class
/// values (NaN for a class absent from the labels).
TaskMetric macro_roc_auc_ovr(std::span<const double> probabilities, std::span<const double> labels, std::int64_t n,
                             std::int64_t classes);

}  // namespace gatkit::train
