#pragma once
// Training of the graph-level GAT on featurised molecules, for binary tasks (masked BCE, mean ROC-AUC)
// or regression (targets standardised with the training set's mean and std, masked MSE, RMSE reported
// in the original units); one or several tasks, labels may be missing (NaN). Shuffled mini-batches
// packed into one block-diagonal graph each, Adam, early stopping on the validation metric with the
// best weights restored.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gatkit/chem/featurize.hpp"
#include "gatkit/nn/graph_model.hpp"
#include "gatkit/train/adam.hpp"
#include "gatkit/train/splits.hpp"

namespace gatkit {

enum class GraphTask { binary, regression };

struct TrainedGraphModel;  // graph_predictor.hpp

struct GraphTrainOptions {
  GraphTask task = GraphTask::binary;
  GraphModelConfig model;        ///< in_dim, edge_dim and num_tasks are taken from the data
  AdamConfig optimizer{.learning_rate = 1e-3, .weight_decay = 0.0};
  int max_epochs = 200;
  int patience = 30;             ///< epochs without a better validation ROC-AUC
  int batch_size = 128;
};

struct GraphRunResult {
  std::uint64_t seed = 0;
  int epochs = 0, best_epoch = 0;
  std::string metric;                        ///< "roc_auc" (binary) or "rmse" (regression)
  double val_metric = 0, test_metric = 0;    ///< mean over tasks (ROC-AUC: tasks with both classes)
  double test_accuracy = 0;                  ///< binary tasks: accuracy at probability 0.5, all tasks pooled
  double train_graphs_per_second = 0;        ///< forward + backward + update, median epoch
  double seconds = 0;
};

/// Trains on molecules[split.train], selects on split.val, reports on split.test. `targets` is
/// molecules.size() x T: 0, 1 or NaN (missing) for binary tasks, any value or NaN for regression.
/// `trained` (optional) receives the restored model (the best validation epoch's weights): its config,
/// task, parameters and, for regression, the target mean/std; the caller, which featurised the
/// molecules, adds the target names and the featuriser options before saving it.
GraphRunResult train_graph_classifier(const std::vector<chem::MoleculeGraph>& molecules, const RowMatrix<double>& targets,
                                      const train::Split& split, const GraphTrainOptions& options, std::uint64_t seed,
                                      TrainedGraphModel* trained = nullptr,
                                      const std::function<void(int epoch, double val_metric)>& on_epoch = {});

}  // namespace gatkit
