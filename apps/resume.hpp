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

#include "cli_args.hpp"
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
    o.state_every = 1;  // every epoch reaches the callback, which decides what to write
    o.save_state = [this, run, fill = std::move(fill)](const TrainingState& s) {
      ++epochs_;
      const bool stop = budget_ > 0 && epochs_ >= budget_;
      if (s.epoch % every_ != 0 && !stop) return;
      TrainingState state = s;
      fill(state);
      state.run = run;
      save_training_state(state, file_);
      if (stop)
        throw Interrupted{"stopped after " + std::to_string(epochs_) + " epoch(s) as asked (--stop-after-epochs), at epoch " +
                          std::to_string(s.epoch) + " of run " + std::to_string(run + 1) + "; the state is in " +
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
};

}  // namespace gatkit::cli
