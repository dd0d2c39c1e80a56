#pragma once
// Training and inference for node classification with the GAT protocol of Velickovic et al. (2018):
// full-batch Adam on the labelled training nodes, early stopping on the validation set (patience on
// validation loss and accuracy; the weights of the best epoch are restored), test accuracy reported.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gatkit/explain/attention_weights.hpp"
#include "gatkit/io/dataset.hpp"
#include "gatkit/nn/model.hpp"
#include "gatkit/train/adam.hpp"
#include "gatkit/train/training_state.hpp"

namespace gatkit {

struct TrainOptions {
  ModelConfig model;            ///< in_dim and num_classes are taken from the data
  AdamConfig optimizer;
  int max_epochs = 100000;      ///< the GAT reference code's limit; early stopping ends runs long before
  int patience = 100;           ///< epochs without improvement of validation loss or accuracy
  bool normalize_features = true;  ///< divide every feature row by its sum (GAT/GCN preprocessing)
  /// Weight each training node's loss by balanced_class_weights of the training nodes (nn/class_weights.hpp);
  /// the validation loss uses the same weights. model.kind chooses GAT or the MLP baseline (nn/mlp.hpp).
  bool balanced_class_weights = false;
  /// The positional encoding (model.positional) of the data's graph, computed once and shared by runs
  /// (compute_positional_values); null: each run computes it. Ignored unless its encoding matches.
  std::shared_ptr<const PositionalValues> positional_values;
  /// Resumable training (train/training_state.hpp): when state_every > 0, save_state receives the
  /// trainer's state at the end of every state_every-th epoch that training goes on after. With
  /// `resume`, training continues from that state (written with the same seed, data, options and
  /// `fingerprint`) and ends as the uninterrupted run would have, bit for bit.
  int state_every = 0;
  StateFilter state_wanted;  ///< optional; replaces state_every (training_state.hpp)
  StateCallback save_state;
  const TrainingState* resume = nullptr;
  std::string fingerprint;  ///< what a state must carry to be resumed here (the caller's description)
};

/// What one epoch did; handed to the progress callback.
struct EpochStats {
  int epoch = 0;               ///< 1-based
  double train_loss = 0, train_accuracy = 0;
  double val_loss = 0, val_accuracy = 0;
  double step_ms = 0;          ///< forward + backward + Adam update
  bool improved = false;       ///< the best model so far was taken from this epoch
};

struct RunResult {
  std::uint64_t seed = 0;
  int epochs = 0;              ///< epochs trained before stopping
  int best_epoch = 0;          ///< epoch whose weights were restored
  double val_accuracy = 0, val_loss = 0;  ///< of the restored model
  double test_accuracy = 0;
  double val_macro_f1 = 0, test_macro_f1 = 0;  ///< macro-averaged F1 (train/metrics.hpp)
  /// ROC-AUC of the class-1 probability for two-class data; NaN otherwise (or when a set lacks a class).
  double val_roc_auc = 0, test_roc_auc = 0;
  double train_step_ms_median = 0;
  double seconds = 0;          ///< wall time of the run
};

/// A trained model with everything needed to apply it to new data.
struct TrainedModel {
  ModelConfig config;
  bool normalize_features = true;
  std::vector<std::string> class_names;
  /// The structural feature kinds (io/structural_features.hpp) the command line added to the training
  /// data (`--structural-features`; empty: none), which predict and explain add again unless told
  /// otherwise; absent when the data's own (a manifest's) were used.
  std::optional<std::vector<std::string>> structural_features;
  /// The label column given on the command line (`--label-column`, a manifest's label table), which
  /// predict and explain read again unless told otherwise; absent when the manifest's was used.
  std::optional<std::string> label_column;
  Vector<float> parameters;    ///< the flat parameter buffer of GatModel<float>
};

using EpochCallback = std::function<void(const EpochStats&)>;

/// Trains one model with `seed` (initialisation and dropout). `best` (optional) receives the restored
/// model. Throws InvalidArgument when the data has no training or validation nodes.
RunResult train_node_classifier(const NodeDataset& data, const TrainOptions& options, std::uint64_t seed,
                                TrainedModel* best = nullptr, const EpochCallback& on_epoch = {});

/// Class probabilities (num_nodes x num_classes) of a trained model on a data set with the same
/// number of features (throws InvalidArgument otherwise).
MatrixF predict_probabilities(const TrainedModel& model, const NodeDataset& data);

/// A trained model's figures on some nodes of a data set, computed as training computes its test
/// figures (the same code, from the same evaluation-mode forward pass as predict_probabilities).
struct NodeEvaluation {
  std::int64_t labelled = 0;    ///< nodes scored: those of the selection with a label
  std::int64_t unlabelled = 0;  ///< nodes of the selection without a label (left out)
  double accuracy = 0;          ///< of the arg-max class; NaN when no node is labelled
  double macro_f1 = 0;          ///< train::macro_f1; NaN when no node is labelled
  double roc_auc = 0;           ///< two classes: of the class-1 probability; NaN otherwise or with one class
};

/// The model's accuracy, macro-F1 and (two classes) ROC-AUC on the labelled nodes among `nodes`. The
/// data's labels are matched to the model's classes by name (data.class_names, model.class_names), so
/// data that lacks a class or orders them differently is scored right; a labelled node of a class the
/// model does not know throws InvalidArgument naming the class. Throws as predict_probabilities for data
/// of another feature width, and for a node index out of range.
NodeEvaluation evaluate_node_model(const TrainedModel& model, const NodeDataset& data, std::span<const NodeId> nodes);

/// Node embeddings (num_nodes x hidden width): what the output layer reads, from the evaluation-mode
/// forward pass predict_probabilities runs (the last hidden layer's ELU output, or the last transformer
/// block's output; for an MLP model its last hidden layer). Throws InvalidArgument for a model of one
/// layer (it has no hidden representation) or data of another feature width.
MatrixF node_embeddings(const TrainedModel& model, const NodeDataset& data);

/// The attention weights of every layer of a trained GAT on `data`, from the evaluation-mode forward pass
/// predict_probabilities runs (same features, positional encoding and attention graph). Throws
/// InvalidArgument for an MLP model (it has no attention) or data of another feature width.
explain::AttentionWeights node_attention(const TrainedModel& model, const NodeDataset& data);

/// Summary of several runs (seeds seed0 .. seed0 + runs - 1).
struct ExperimentSummary {
  std::string metric = "accuracy";
  double test_mean = 0, test_std = 0;     ///< population std over runs
  double val_mean = 0;
  double test_macro_f1_mean = 0, test_macro_f1_std = 0;
  double test_roc_auc_mean = 0, test_roc_auc_std = 0;   ///< NaN unless every run has a test ROC-AUC
  double train_step_ms_median = 0;        ///< median over runs of each run's median training step
  std::vector<RunResult> runs;
};

ExperimentSummary summarize(const std::vector<RunResult>& runs);

/// Writes the model to `file` through a temporary file and a rename: a checkpoint with a format
/// version, the configuration (JSON) and the weights, protected by a checksum.
void save_model(const TrainedModel& model, const std::filesystem::path& file);
/// Reads a checkpoint; a corrupt, truncated, foreign or mismatched file is a gatkit::Error naming it.
TrainedModel load_model(const std::filesystem::path& file);

}  // namespace gatkit
