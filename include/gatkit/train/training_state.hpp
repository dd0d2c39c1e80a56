#pragma once
// Resumable training. A trainer (train_node_classifier, train_graph_classifier) can hand out its whole
// state at the end of an epoch: weights, Adam's moments and step count, the learning rate, the shuffling
// generator and order, early stopping's counters and best weights, and the timings so far. Training
// started from such a state goes on exactly as the uninterrupted run would have: every random draw of
// the trainers is derived from (seed, epoch, step), never from how many draws came before, so with the
// same seed, data and options the resumed run ends with bitwise the same weights and results.
//
// A state file (save_training_state) uses the checkpoint container (magic, version, JSON, float32
// payload, checksum; docs/checkpoints.md) with kind "training_state". Besides the trainer's state it
// carries what a caller running several runs needs to go on: the index of the current run, the results
// of the finished runs (encoded by encode_run_result) and the weights kept from them.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "gatkit/tensor.hpp"
#include "gatkit/train/adam.hpp"

namespace gatkit {

struct RunResult;       // node_classification.hpp
struct GraphRunResult;  // graph_classification.hpp

struct TrainingState {
  /// "node_classifier" or "graph_model": the trainer that wrote it.
  std::string trainer;
  /// What must be equal to resume (the caller's options and data, in any text form): a state is only
  /// applied to the run it came from. The trainers compare it with their options' fingerprint.
  std::string fingerprint;
  std::uint64_t seed = 0;
  int epoch = 0;                    ///< epochs completed; training resumes with epoch + 1

  Vector<float> parameters;         ///< the weights after `epoch`
  Vector<float> adam_m, adam_v;     ///< Adam's moments (the parameters' size)
  std::int64_t adam_steps = 0;
  double learning_rate = 0;         ///< after any schedule reductions
  Vector<float> best_parameters;    ///< early stopping's best weights so far
  int best_epoch = 0;
  int waited = 0;                   ///< epochs without improvement
  int waited_for_rate = 0;          ///< graph trainer: epochs since the last learning-rate change
  /// Early stopping's records: node trainer: the best validation accuracy and the lowest validation
  /// loss; graph trainer: the best score and its loss.
  double best_score = 0, best_loss = 0;
  std::uint64_t shuffle_state = 0;  ///< graph trainer: the shuffling generator (Rng::state())
  std::vector<std::int64_t> order;  ///< graph trainer: the training order after the last shuffle
  std::vector<double> timings;      ///< per epoch: step ms (node) or training graphs/s (graph)
  double seconds = 0;               ///< wall time spent before the state was taken
  /// Graph trainer with an ensemble (GraphTrainOptions::ensemble): the member being trained (0-based;
  /// the fields above are its own), the finished members' best weights (member x the parameters, one
  /// member after another) and their epochs and best epochs, summed.
  int member = 0;
  Vector<float> member_parameters;
  int member_epochs = 0, member_best_epochs = 0;
  /// Graph trainer with GraphTrainOptions::refit: `refit` is set, member_refit_parameters holds the
  /// finished members' refitted weights (member x the parameters) and learning_rates the rate of every
  /// epoch of the current member's early-stopped pass so far (once the pass has ended, then its final
  /// rate). `refitting`: the state is taken in the
  /// refit pass; then parameters, Adam, shuffle_state, order (training + validation set) and epoch are
  /// the refit's, best_parameters and best_epoch those of the early-stopped pass (the weights evaluated
  /// on validation, and the epochs the refit trains), and member_epochs / member_best_epochs already
  /// count this member.
  bool refit = false, refitting = false;
  Vector<float> member_refit_parameters;
  std::vector<double> learning_rates;

  // Filled by callers that run several runs (the trainers neither read nor write these):
  int run = 0;                                   ///< index of the run this state belongs to
  std::vector<std::vector<double>> finished;     ///< encode_run_result of runs 0 .. run - 1
  int kept_run = -1;                             ///< the finished run whose weights are kept (-1: none)
  Vector<float> kept_parameters;                 ///< its weights
  std::vector<double> kept_values;               ///< its other numbers (e.g. target mean and std)
};

/// Called by a trainer with its state at the end of an epoch (see TrainOptions::state_every).
using StateCallback = std::function<void(const TrainingState&)>;
/// Asked by a trainer at the end of every epoch that training goes on after (1-based epoch of the run,
/// or of the ensemble member): whether to build a state and hand it to the StateCallback. When set, it
/// replaces state_every, so a caller with its own schedule (the CLI writes every --checkpoint-every
/// epochs and stops after --stop-after-epochs) makes the trainer build only the states it keeps.
using StateFilter = std::function<bool(int epoch)>;

/// Writes `state` atomically (temporary file, flush, rename). Throws InvalidArgument when the vectors
/// disagree in size.
void save_training_state(const TrainingState& state, const std::filesystem::path& file);
/// Reads a state file; a corrupt, truncated or forged file, or a checkpoint of another kind, is a
/// gatkit::Error naming the file. Sizes are checked against the file's bytes before allocating.
TrainingState load_training_state(const std::filesystem::path& file);

/// The numbers of a run's result, for TrainingState::finished (NaN allowed), and back. decode_*
/// throws InvalidArgument when the vector does not have the layout encode_* writes.
std::vector<double> encode_run_result(const RunResult& result);
RunResult decode_run_result(const std::vector<double>& values);
std::vector<double> encode_run_result(const GraphRunResult& result);
GraphRunResult decode_graph_run_result(const std::vector<double>& values);

namespace detail {
/// Checks that `state` may resume a run of `trainer` with `fingerprint`, `seed` and `parameters`
/// weights: throws InvalidArgument naming what differs.
void check_resumable(const TrainingState& state, const std::string& trainer, const std::string& fingerprint,
                     std::uint64_t seed, std::int64_t parameters, int max_epochs);
/// Stores the weights and the optimiser in `state`: parameters, Adam's moments, step count and rate.
void capture_optimizer(TrainingState& state, const Vector<float>& parameters, const Adam& adam);
/// The inverse: the weights and the optimiser as `state` holds them (after check_resumable).
void restore_optimizer(const TrainingState& state, Vector<float>& parameters, Adam& adam);
/// Whether a trainer with these options (TrainOptions, GraphTrainOptions) builds and hands on its state
/// after `epoch`, an epoch training goes on after: never past max_epochs nor without save_state; then
/// state_wanted decides when it is set, else every state_every-th epoch.
template <class Options>
bool state_due(const Options& options, int epoch) {
  if (!options.save_state || epoch >= options.max_epochs) return false;
  if (options.state_wanted) return options.state_wanted(epoch);
  return options.state_every > 0 && epoch % options.state_every == 0;
}
}  // namespace detail

}  // namespace gatkit
