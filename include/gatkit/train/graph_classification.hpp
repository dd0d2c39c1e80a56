#pragma once
// Training of the graph-level GAT on featurised molecules for binary tasks (one or several, labels may
// be missing): shuffled mini-batches packed into one block-diagonal graph each, masked BCE, Adam, early
// stopping on the validation mean ROC-AUC with the best weights restored.
#include <cstdint>
#include <functional>
#include <vector>

#include "gatkit/chem/featurize.hpp"
#include "gatkit/nn/graph_model.hpp"
#include "gatkit/train/adam.hpp"
#include "gatkit/train/splits.hpp"

namespace gatkit {

struct GraphTrainOptions {
  GraphModelConfig model;        ///< in_dim, edge_dim and num_tasks are taken from the data
  AdamConfig optimizer{.learning_rate = 1e-3, .weight_decay = 0.0};
  int max_epochs = 200;
  int patience = 30;             ///< epochs without a better validation ROC-AUC
  int batch_size = 128;
};

struct GraphRunResult {
  std::uint64_t seed = 0;
  int epochs = 0, best_epoch = 0;
  double val_roc_auc = 0, test_roc_auc = 0;  ///< mean over tasks with both classes
  double train_graphs_per_second = 0;        ///< forward + backward + update, median epoch
  double seconds = 0;
};

/// Trains on molecules[split.train], selects on split.val, reports on split.test. `targets` is
/// molecules.size() x T with 0, 1 or NaN (missing).
GraphRunResult train_graph_classifier(const std::vector<chem::MoleculeGraph>& molecules, const RowMatrix<double>& targets,
                                      const train::Split& split, const GraphTrainOptions& options, std::uint64_t seed,
                                      const std::function<void(int epoch, double val_roc_auc)>& on_epoch = {});

}  // namespace gatkit
