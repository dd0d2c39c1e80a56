#pragma once
// Resumable `gatkit train` (node data and molecules):
//   --checkpoint FILE         write the training state (train/training_state.hpp) to FILE every
//                             --checkpoint-every epochs (default 10), atomically; removed when the
//                             command completes
//   --resume FILE             go on from such a state: the same command line (options in any order;
//                             --threads, --quiet, --log, --summary, --save and these four may differ) ends
//                             with the same results and weights as the uninterrupted command. Goes on
//                             writing states to --checkpoint, or to FILE itself.
//   --stop-after-epochs N     stop after N epochs (counted over all runs of this invocation), with the
//                             state written: for job queues with time slices; exit status 3.
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cli_args.hpp"
#include "gatkit/train/graph_predictor.hpp"
#include "gatkit/train/node_classification.hpp"
#include "gatkit/train/training_state.hpp"

namespace gatkit::cli {

/// Thrown (and turned into exit status 3 by the commands) when --stop-after-epochs is reached.
struct Interrupted {
  std::string message;
};

class ResumableRuns {
 public:
  /// The options of this header, for Args.
  static const std::set<std::string>& options() {
    static const std::set<std::string> names = {"checkpoint", "checkpoint-every", "resume", "stop-after-epochs"};
    return names;
  }

  /// `trainer`: "node_classifier" or "graph_model".
  ResumableRuns(const Args& args, std::string trainer) : trainer_(std::move(trainer)) {
    std::set<std::string> ignored = options();
    ignored.insert({"threads", "quiet", "log", "summary", "save"});
    fingerprint_ = args.fingerprint(ignored);
    every_ = args.integer("checkpoint-every", 10);
    budget_ = args.integer("stop-after-epochs", -1);
    GATKIT_REQUIRE(every_ >= 1, "--checkpoint-every must be >= 1");
    GATKIT_REQUIRE(!args.has("stop-after-epochs") || budget_ >= 1, "--stop-after-epochs must be >= 1");
    if (args.has("resume")) {
      file_ = args.str("resume");
      loaded_ = load_training_state(file_);
      if (loaded_->trainer != trainer_)
        throw InvalidArgument(file_.string() + ": the state was written by `gatkit train` on " +
                              (loaded_->trainer == "graph_model" ? "molecules" : "node data") + ", not on this data");
      if (loaded_->fingerprint != fingerprint_)
        throw InvalidArgument(file_.string() + ": the state was written by another command line:\n  " +
                              loaded_->fingerprint + "\nthis one:\n  " + fingerprint_ +
                              "\n(resume with the same options; only --threads, --quiet, --log, --summary, --save "
                              "and the checkpoint options may differ)");
    }
    if (args.has("checkpoint")) file_ = args.str("checkpoint");
    GATKIT_REQUIRE(budget_ < 0 || !file_.empty(), "--stop-after-epochs needs --checkpoint FILE (or --resume FILE)");
  }

  bool active() const { return !file_.empty(); }
  const std::optional<TrainingState>& loaded() const { return loaded_; }
  /// The first run to train: the loaded state's, or 0.
  int first_run() const { return loaded_ ? loaded_->run : 0; }

  /// Sets the state hooks of trainer options (TrainOptions, GraphTrainOptions) for run `run`: resumes
  /// from the loaded state when it belongs to this run; `fill` adds the caller's multi-run fields.
  template <class Options>
  void attach(Options& o, int run, std::function<void(TrainingState&)> fill) {
    o.fingerprint = fingerprint_;
    o.resume = loaded_ && loaded_->run == run ? &*loaded_ : nullptr;
    if (!active()) return;
    int members = 1;
    if constexpr (requires { o.ensemble; }) members = o.ensemble;
    // Every epoch training goes on after counts towards --stop-after-epochs; the trainer builds a state
    // only for the epochs written (every --checkpoint-every, and the one that stops).
    o.state_wanted = [this](int epoch) {
      ++epochs_;
      stop_ = budget_ > 0 && epochs_ >= budget_;
      return stop_ || epoch % every_ == 0;
    };
    o.save_state = [this, run, members, fill = std::move(fill)](const TrainingState& s) {
      const bool stop = stop_;
      TrainingState state = s;
      fill(state);
      state.run = run;
      save_training_state(state, file_);
      if (stop)
        throw Interrupted{"stopped after " + std::to_string(epochs_) + " epoch(s) as asked (--stop-after-epochs), at epoch " +
                          std::to_string(s.epoch) + (s.refitting ? " of the refit" : "") +
                          (members > 1 ? " of ensemble member " + std::to_string(s.member + 1) + "/" + std::to_string(members) : "") +
                          " of run " + std::to_string(run + 1) + "; the state is in " +
                          file_.string() + ": go on with the same command and --resume " + file_.string()};
    };
  }

  /// The command completed: its outputs are written, so the state is no longer needed.
  void finish() const {
    if (active()) std::filesystem::remove(file_);
  }

 private:
  std::string trainer_, fingerprint_;
  std::filesystem::path file_;
  std::optional<TrainingState> loaded_;
  std::int64_t every_ = 10, budget_ = -1, epochs_ = 0;
  bool stop_ = false;  // the epoch state_wanted was last asked about ends the --stop-after-epochs budget
};

// What a kept model holds besides its weights that differs between runs (the state's `kept_values`),
// and what it takes from any later run (the configuration, alike in every run of a command).
inline std::vector<double> kept_values(const TrainedModel&) { return {}; }
inline void restore_kept_values(const std::vector<double>&, TrainedModel&) {}
inline void adopt_configuration(TrainedModel& kept, const TrainedModel& run) {
  kept.config = run.config;
  kept.normalize_features = run.normalize_features;
  kept.class_names = run.class_names;
}
/// Regression models keep their run's target scaling: the means, then the standard deviations.
inline std::vector<double> kept_values(const TrainedGraphModel& m) {
  std::vector<double> v(m.target_mean.data(), m.target_mean.data() + m.target_mean.size());
  v.insert(v.end(), m.target_std.data(), m.target_std.data() + m.target_std.size());
  return v;
}
inline void restore_kept_values(const std::vector<double>& v, TrainedGraphModel& m) {
  const auto half = static_cast<Eigen::Index>(v.size() / 2);
  m.target_mean = Eigen::Map<const Vector<double>>(v.data(), half);
  m.target_std = Eigen::Map<const Vector<double>>(v.data() + half, half);
}
inline void adopt_configuration(TrainedGraphModel& kept, const TrainedGraphModel& run) {
  kept.config = run.config;
  kept.task = run.task;
}

/// The runs a command has finished and the model of the best one (what --save writes), carried
/// across --resume in the state's `finished`, `kept_run`, `kept_parameters` and `kept_values`.
template <class Result, class Model>
class FinishedRuns {
 public:
  /// `better(a, b)`: whether run result a beats b (the best so far).
  explicit FinishedRuns(std::function<bool(const Result&, const Result&)> better) : better_(std::move(better)) {}

  const std::vector<Result>& results() const { return results_; }
  /// The best run's index (-1 before the first run) and model.
  int best_run() const { return best_run_; }
  Model& best() { return best_; }

  /// The finished runs of a loaded state; `decode` turns its encoded results back into Results.
  template <class Decode>
  void restore(const TrainingState& s, Decode decode) {
    for (const auto& f : s.finished) results_.push_back(decode(f));
    if (s.kept_run < 0) return;
    GATKIT_REQUIRE(static_cast<std::size_t>(s.kept_run) < results_.size(),
                   "--resume: the state keeps run " + std::to_string(s.kept_run + 1) + " of " +
                       std::to_string(results_.size()) + " finished");
    best_run_ = s.kept_run;
    best_.parameters = s.kept_parameters;
    restore_kept_values(s.kept_values, best_);
    best_from_state_ = true;
  }

  /// Writes the finished runs and the kept model into a state about to be saved.
  void store(TrainingState& s) const {
    for (const auto& r : results_) s.finished.push_back(encode_run_result(r));
    s.kept_run = best_run_;
    if (best_run_ < 0) return;
    s.kept_parameters = best_.parameters;
    s.kept_values = kept_values(best_);
  }

  /// Adds the next run; its model is kept when it is the first or beats the best so far.
  void add(Result result, Model&& model) {
    results_.push_back(std::move(result));
    if (best_run_ < 0 || better_(results_.back(), results_[static_cast<std::size_t>(best_run_)])) {
      best_run_ = static_cast<int>(results_.size() - 1);
      best_ = std::move(model);
      best_from_state_ = false;
    } else if (best_from_state_) {  // the state held the weights; the configuration is every run's
      adopt_configuration(best_, model);
    }
  }

 private:
  std::function<bool(const Result&, const Result&)> better_;
  std::vector<Result> results_;
  Model best_;
  int best_run_ = -1;
  bool best_from_state_ = false;
};

}  // namespace gatkit::cli
