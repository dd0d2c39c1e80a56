#pragma once
// Training of the graph-level GAT on featurised molecules, for binary tasks (masked BCE, mean ROC-AUC),
// one multi-class task (softmax cross-entropy, accuracy) or regression (targets standardised with the
// training set's mean and std, masked MSE, RMSE reported in the original units); binary and regression
// may have several tasks, and labels may be missing (NaN). Shuffled mini-batches packed into one
// block-diagonal graph each, Adam with an optional reduce-on-plateau learning-rate schedule, early
// stopping on the validation metric (ties broken by the lower validation loss) with the best weights
// restored.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gatkit/chem/featurize.hpp"
#include "gatkit/nn/graph_model.hpp"
#include "gatkit/train/adam.hpp"
#include "gatkit/train/splits.hpp"
#include "gatkit/train/training_state.hpp"

namespace gatkit {

enum class GraphTask { binary, regression, multiclass };

std::string to_string(GraphTask task);

struct TrainedGraphModel;  // graph_predictor.hpp

/// What early stopping (and the choice of the restored weights) follows on the validation set:
///  - metric:   the task's metric (ROC-AUC, accuracy or RMSE), ties broken by the lower loss;
///  - loss:     the training loss (BCE, cross-entropy, MSE on standardised targets);
///  - accuracy: accuracy (classification only), ties broken by the lower loss.
enum class Selection { metric, loss, accuracy };

std::string to_string(Selection selection);
/// "metric", "loss" or "accuracy"; throws InvalidArgument otherwise.
Selection parse_selection(std::string_view name);

struct GraphTrainOptions {
  GraphTask task = GraphTask::binary;
  GraphModelConfig model;        ///< in_dim, edge_dim and num_tasks are taken from the data
  AdamConfig optimizer{.learning_rate = 1e-3, .weight_decay = 0.0};
  int max_epochs = 200;
  int patience = 30;             ///< epochs without a better validation score (see selection)
  int batch_size = 128;
  /// Multi-class: number of classes, the model's outputs (0: 1 + the largest label in the data).
  int num_classes = 0;
  Selection selection = Selection::metric;
  /// Ensemble size: this many models, trained one after another from the seeds
  /// ensemble_member_seed(seed, 0 .. ensemble - 1), each with its own early stopping; the run is
  /// evaluated (and saved) as the mean of their predictions (probabilities, or values in the targets'
  /// units). 1: one model. A training state belongs to one member (TrainingState::member) and carries
  /// the finished members' weights, so an ensemble resumes like a single model.
  int ensemble = 1;
  /// Refit: after early stopping, each member is trained again from the same initial weights on the
  /// training and validation molecules together, for the epochs of its best validation score, with
  /// the learning rates its first pass used in those epochs. The refitted weights are the run's model:
  /// evaluated on the test set, returned in `trained` and saved. The validation figures stay those of
  /// the early-stopped weights (the refitted model has seen the validation set). Regression targets
  /// keep the training set's mean and std. Costs the best epochs' training once more.
  bool refit = false;
  /// Reduce-on-plateau schedule: after lr_patience epochs without a better validation score the
  /// learning rate is multiplied by lr_decay (not below min_learning_rate). 1: a constant rate.
  double lr_decay = 1.0;
  int lr_patience = 10;
  double min_learning_rate = 1e-5;
  /// Resumable training, as TrainOptions (node_classification.hpp): the state of every state_every-th
  /// epoch goes to save_state; `resume` continues from one, ending bit for bit as the uninterrupted run.
  int state_every = 0;
  StateFilter state_wanted;  ///< optional; replaces state_every (training_state.hpp)
  StateCallback save_state;
  const TrainingState* resume = nullptr;
  std::string fingerprint;
};

/// The seed of an ensemble's member `member`: member 0 is `seed` itself (an ensemble of one is the single
/// model), the others are derived from it.
std::uint64_t ensemble_member_seed(std::uint64_t seed, int member);

struct GraphRunResult {
  std::uint64_t seed = 0;
  int epochs = 0, best_epoch = 0;            ///< an ensemble: the members' mean, rounded down
  std::string metric;                        ///< "roc_auc" (binary), "rmse" (regression), "accuracy" (multi-class)
  double val_metric = 0, test_metric = 0;    ///< mean over tasks (ROC-AUC: tasks with both classes)
  /// Binary: accuracy at probability 0.5, all tasks pooled; multi-class: arg-max accuracy.
  double test_accuracy = 0;
  double val_accuracy = 0;                   ///< the same on the validation set (NaN for regression)
  /// Further test metrics (NaN where they do not apply or there is no test set):
  double test_roc_auc = 0;                   ///< binary: = test_metric; multi-class: macro one-vs-rest
  double test_pr_auc = 0;                    ///< binary: average precision, mean over tasks
  double test_mae = 0;                       ///< regression: mean over tasks, original units
  /// Per task: binary ROC-AUC, regression RMSE; multi-class: one-vs-rest ROC-AUC per class. NaN where
  /// undefined (a task with one class only in the test set).
  std::vector<double> test_per_task;
  int num_classes = 0;                       ///< multi-class: the model's outputs
  double final_learning_rate = 0;            ///< after the schedule's reductions
  double train_graphs_per_second = 0;        ///< forward + backward + update, median epoch
  double seconds = 0;
};

/// A model's metrics on a set of labelled graphs, as training reports them on its test set (the same code).
/// NaN where a metric does not apply to the task or is undefined on the labels (see train/metrics.hpp).
struct GraphMetrics {
  std::string metric;                        ///< "roc_auc" (binary), "rmse" (regression), "accuracy" (multi-class)
  double value = 0;                          ///< that metric, the mean over tasks (ROC-AUC: tasks with both classes)
  /// Binary: accuracy at probability 0.5, all tasks pooled; multi-class: arg-max accuracy.
  double accuracy = 0;
  double roc_auc = 0;                        ///< binary: = value; multi-class: macro one-vs-rest
  double pr_auc = 0;                         ///< binary: average precision, mean over tasks
  double rmse = 0, mae = 0;                  ///< regression: means over tasks, in the targets' units
  /// Per task: binary ROC-AUC, regression RMSE; multi-class: one-vs-rest ROC-AUC per class.
  std::vector<double> per_task;
};

/// The metrics of `predictions` (n x outputs, row-major, as GraphPredictor::predict returns them: binary
/// probabilities of class 1, regression values in the targets' units, multi-class class probabilities)
/// against `labels` (row-major n x outputs; multi-class: n class indices). A NaN label is missing.
/// Throws InvalidArgument for a binary label other than 0 or 1, or a class index out of range.
GraphMetrics graph_metrics(GraphTask task, std::span<const double> predictions, std::span<const double> labels,
                           std::int64_t n, std::int64_t outputs);

/// Trains on molecules[split.train], selects on split.val, reports on split.test. `targets` is
/// molecules.size() x T: 0, 1 or NaN (missing) for binary tasks, any value or NaN for regression, and
/// for multi-class T = 1 with class indices 0, 1, ... or NaN.
/// `trained` (optional) receives the restored model (the best validation epoch's weights, or with
/// refit the refitted ones; an ensemble's members one after another): its config, task, members, parameters and, for regression, the target
/// mean/std; the caller, which featurised the
/// molecules, adds the target names and the featuriser options before saving it.
GraphRunResult train_graph_classifier(const std::vector<chem::MoleculeGraph>& molecules, const RowMatrix<double>& targets,
                                      const train::Split& split, const GraphTrainOptions& options, std::uint64_t seed,
                                      TrainedGraphModel* trained = nullptr,
                                      const std::function<void(int epoch, double val_metric)>& on_epoch = {});

}  // namespace gatkit
