// Training-state files: kind "training_state" in the checkpoint container of checkpoint_file.cpp. The
// configuration JSON holds the scalars and short vectors (numbers that may be NaN or infinite are written
// as the strings "nan", "inf", "-inf"); the float32 payload holds, one after another, the weights, Adam's
// two moments, the best weights, the kept weights and the finished ensemble members' weights, with their
// sizes in the JSON. The ensemble fields are written only for members after the first, so that a single
// model's state is what earlier versions wrote.
#include "gatkit/train/training_state.hpp"

#include <cmath>
#include <limits>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "checkpoint_file.hpp"
#include "gatkit/train/graph_classification.hpp"
#include "gatkit/train/graph_predictor.hpp"
#include "gatkit/train/node_classification.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit {
namespace {

constexpr const char* kTrainingStateKind = "training_state";
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using detail::ConfigReader;

void write_number(Writer& w, double x) {
  if (std::isnan(x)) w.String("nan");
  else if (std::isinf(x)) w.String(x > 0 ? "inf" : "-inf");
  else w.Double(x);
}

void write_numbers(Writer& w, const std::vector<double>& xs) {
  w.StartArray();
  for (double x : xs) write_number(w, x);
  w.EndArray();
}

double read_number(const ConfigReader& r, const rapidjson::Value& v, const std::string& what) {
  if (v.IsNumber()) return v.GetDouble();
  if (v.IsString()) {
    const std::string s(v.GetString(), v.GetStringLength());
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
  }
  r.fail(what + " is not a number");
}

std::vector<double> read_numbers(const ConfigReader& r, const rapidjson::Value& v, const std::string& what) {
  if (!v.IsArray()) r.fail(what + " is not an array");
  std::vector<double> out;
  out.reserve(v.Size());
  for (const auto& x : v.GetArray()) out.push_back(read_number(r, x, what));
  return out;
}

// The payload's vectors, in file order.
struct Payload {
  Eigen::Index parameters, best, kept;
};

}  // namespace

void save_training_state(const TrainingState& s, const std::filesystem::path& file) {
  const Eigen::Index p = s.parameters.size();
  GATKIT_REQUIRE(s.adam_m.size() == p && s.adam_v.size() == p && s.best_parameters.size() == p,
                 "training state: the weights, Adam's moments and the best weights differ in size");
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("kind"); w.String(kTrainingStateKind);
  // With their lengths: a fingerprint read from a file may hold "\u0000", which c_str() would cut.
  w.Key("trainer"); w.String(s.trainer.data(), static_cast<rapidjson::SizeType>(s.trainer.size()));
  w.Key("fingerprint"); w.String(s.fingerprint.data(), static_cast<rapidjson::SizeType>(s.fingerprint.size()));
  w.Key("seed"); w.Uint64(s.seed);
  w.Key("epoch"); w.Int(s.epoch);
  w.Key("parameters"); w.Int64(p);
  w.Key("adam_steps"); w.Int64(s.adam_steps);
  w.Key("learning_rate"); write_number(w, s.learning_rate);
  w.Key("best_epoch"); w.Int(s.best_epoch);
  w.Key("waited"); w.Int(s.waited);
  w.Key("waited_for_rate"); w.Int(s.waited_for_rate);
  w.Key("best_score"); write_number(w, s.best_score);
  w.Key("best_loss"); write_number(w, s.best_loss);
  w.Key("shuffle_state"); w.Uint64(s.shuffle_state);
  w.Key("order"); w.StartArray();
  for (auto i : s.order) w.Int64(i);
  w.EndArray();
  w.Key("timings"); write_numbers(w, s.timings);
  w.Key("seconds"); write_number(w, s.seconds);
  w.Key("run"); w.Int(s.run);
  w.Key("finished"); w.StartArray();
  for (const auto& r : s.finished) write_numbers(w, r);
  w.EndArray();
  w.Key("kept_run"); w.Int(s.kept_run);
  w.Key("kept_parameters"); w.Int64(s.kept_parameters.size());
  w.Key("kept_values"); write_numbers(w, s.kept_values);
  GATKIT_REQUIRE(s.member >= 0 && s.member_parameters.size() == s.member * p,
                 "training state: the finished ensemble members' weights are not member x the parameters");
  if (s.member > 0 || s.refitting) {
    w.Key("member"); w.Int(s.member);
    w.Key("member_epochs"); w.Int(s.member_epochs);
    w.Key("member_best_epochs"); w.Int(s.member_best_epochs);
  }
  GATKIT_REQUIRE(s.member_refit_parameters.size() == (s.refit ? s.member * p : 0) && (s.refit || !s.refitting),
                 "training state: the finished members' refitted weights are not member x the parameters");
  if (s.refit) {
    w.Key("refit"); w.Bool(true);
    w.Key("refitting"); w.Bool(s.refitting);
    w.Key("learning_rates"); write_numbers(w, s.learning_rates);
  }
  w.EndObject();

  Vector<float> payload(4 * p + s.kept_parameters.size() + s.member_parameters.size() +
                        s.member_refit_parameters.size());
  payload << s.parameters, s.adam_m, s.adam_v, s.best_parameters, s.kept_parameters, s.member_parameters,
      s.member_refit_parameters;
  detail::write_checkpoint(file, buffer.GetString(), payload);
}

TrainingState load_training_state(const std::filesystem::path& file) {
  const detail::CheckpointFile checkpoint(file);
  const ConfigReader r(file, checkpoint.config(), "config");
  if (checkpoint.kind() != kTrainingStateKind)
    checkpoint.fail("this checkpoint holds a model (kind " + checkpoint.kind() +
                    "), not a training state; --resume takes the file written by --checkpoint");
  TrainingState s;
  s.trainer = r.string("trainer");
  if (s.trainer != detail::kNodeClassifierKind && s.trainer != detail::kGraphModelKind)
    r.fail("trainer '" + s.trainer + "' is neither node_classifier nor graph_model");
  s.fingerprint = r.string("fingerprint");
  if (!r.member("seed").IsUint64()) r.fail("seed is not an unsigned integer");
  s.seed = r.member("seed").GetUint64();
  constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();
  s.epoch = static_cast<int>(r.integer("epoch", 1, kMaxInt));
  const std::int64_t p = r.integer("parameters", 1, std::int64_t{1} << 40);
  s.adam_steps = r.integer("adam_steps", 0, std::numeric_limits<std::int64_t>::max());
  s.learning_rate = read_number(r, r.member("learning_rate"), "learning_rate");
  if (!(s.learning_rate > 0) || !std::isfinite(s.learning_rate)) r.fail("learning_rate is not a positive number");
  // In a refit pass, best_epoch is that of the early-stopped pass: the refit's length, beyond its epoch.
  const bool refitting = r.has("refitting") && r.member("refitting").IsTrue();
  s.best_epoch = static_cast<int>(r.integer("best_epoch", refitting ? s.epoch + 1 : 0, refitting ? kMaxInt : s.epoch));
  s.waited = static_cast<int>(r.integer("waited", 0, s.epoch));
  s.waited_for_rate = static_cast<int>(r.integer("waited_for_rate", 0, s.epoch));
  s.best_score = read_number(r, r.member("best_score"), "best_score");
  s.best_loss = read_number(r, r.member("best_loss"), "best_loss");
  if (!r.member("shuffle_state").IsUint64()) r.fail("shuffle_state is not an unsigned integer");
  s.shuffle_state = r.member("shuffle_state").GetUint64();
  const auto& order = r.member("order");
  if (!order.IsArray()) r.fail("order is not an array");
  s.order.reserve(order.Size());
  for (const auto& i : order.GetArray()) {
    if (!i.IsInt64() || i.GetInt64() < 0) r.fail("order holds a value that is not an index");
    s.order.push_back(i.GetInt64());
  }
  s.timings = read_numbers(r, r.member("timings"), "timings");
  s.seconds = read_number(r, r.member("seconds"), "seconds");
  s.run = static_cast<int>(r.integer("run", 0, kMaxInt));
  const auto& finished = r.member("finished");
  if (!finished.IsArray() || finished.Size() != static_cast<unsigned>(s.run))
    r.fail("finished does not hold one result per finished run (" + std::to_string(s.run) + ")");
  for (const auto& f : finished.GetArray()) s.finished.push_back(read_numbers(r, f, "finished"));
  s.kept_run = static_cast<int>(r.integer("kept_run", -1, s.run - 1));
  const std::int64_t kept = r.integer("kept_parameters", 0, std::int64_t{1} << 40);
  if ((s.kept_run >= 0) != (kept > 0)) r.fail("kept_run and kept_parameters disagree");
  s.kept_values = read_numbers(r, r.member("kept_values"), "kept_values");
  if (r.has("refit")) {
    if (s.trainer != detail::kGraphModelKind) r.fail("refit: only molecule training refits");
    if (!r.member("refit").IsBool() || !r.member("refitting").IsBool()) r.fail("refit and refitting must be true or false");
    s.refit = r.member("refit").GetBool();
    s.refitting = refitting;
    if (!s.refit) r.fail("refit is written only as true");
    s.learning_rates = read_numbers(r, r.member("learning_rates"), "learning_rates");
    // The early-stopped pass has a rate for each of its epochs: so far, or all that the refit replays.
    if (s.refitting ? s.learning_rates.size() <= static_cast<std::size_t>(s.best_epoch)
                    : s.learning_rates.size() != static_cast<std::size_t>(s.epoch))
      r.fail("learning_rates does not hold one rate per epoch of the early-stopped pass");
    for (const double rate : s.learning_rates)
      if (!(rate > 0) || !std::isfinite(rate)) r.fail("learning_rates holds a value that is not a positive number");
  } else if (refitting) {
    r.fail("refitting without refit");
  }
  if (r.has("member")) {
    if (s.trainer != detail::kGraphModelKind) r.fail("member: only molecule training has ensembles");
    s.member = static_cast<int>(r.integer("member", s.refitting ? 0 : 1, kMaxEnsembleMembers - 1));
    s.member_epochs = static_cast<int>(r.integer("member_epochs", s.member + (s.refitting ? 1 : 0), kMaxInt));
    s.member_best_epochs = static_cast<int>(r.integer("member_best_epochs", 0, s.member_epochs));
  } else if (s.refitting) {
    r.fail("a refit pass's state names its member");
  }
  const std::int64_t members = s.member * p;  // at most 63 x 2^40: no overflow
  const std::int64_t refitted = s.refit ? members : 0;

  // The payload's size follows from the JSON; checked against the file before anything is allocated.
  const Vector<float> all = checkpoint.parameters(4 * p + kept + members + refitted);
  s.parameters = all.segment(0, p);
  s.adam_m = all.segment(p, p);
  s.adam_v = all.segment(2 * p, p);
  s.best_parameters = all.segment(3 * p, p);
  s.kept_parameters = all.segment(4 * p, kept);
  s.member_parameters = all.segment(4 * p + kept, members);
  s.member_refit_parameters = all.segment(4 * p + kept + members, refitted);
  if ((s.adam_v.array() < 0).any()) checkpoint.fail("Adam's second moment holds a negative value");
  return s;
}

// ---- run results --------------------------------------------------------------------------------

std::vector<double> encode_run_result(const RunResult& r) {
  return {static_cast<double>(r.seed), static_cast<double>(r.epochs), static_cast<double>(r.best_epoch), r.val_accuracy,
          r.val_loss, r.test_accuracy, r.val_macro_f1, r.test_macro_f1, r.val_roc_auc, r.test_roc_auc,
          r.train_step_ms_median, r.seconds};
}

RunResult decode_run_result(const std::vector<double>& v) {
  GATKIT_REQUIRE(v.size() == 12, "training state: a finished node run has " + std::to_string(v.size()) +
                                     " numbers, expected 12");
  RunResult r;
  r.seed = static_cast<std::uint64_t>(v[0]);
  r.epochs = static_cast<int>(v[1]);
  r.best_epoch = static_cast<int>(v[2]);
  r.val_accuracy = v[3];
  r.val_loss = v[4];
  r.test_accuracy = v[5];
  r.val_macro_f1 = v[6];
  r.test_macro_f1 = v[7];
  r.val_roc_auc = v[8];
  r.test_roc_auc = v[9];
  r.train_step_ms_median = v[10];
  r.seconds = v[11];
  return r;
}

namespace {
constexpr std::size_t kGraphScalars = 16;
const char* const kGraphMetrics[] = {"roc_auc", "rmse", "accuracy"};
}  // namespace

std::vector<double> encode_run_result(const GraphRunResult& r) {
  double metric = -1;
  for (int k = 0; k < 3; ++k)
    if (r.metric == kGraphMetrics[k]) metric = k;
  GATKIT_REQUIRE(metric >= 0, "training state: unknown metric '" + r.metric + "'");
  std::vector<double> v = {static_cast<double>(r.seed), static_cast<double>(r.epochs), static_cast<double>(r.best_epoch),
                           metric, r.val_metric, r.test_metric, r.test_accuracy, r.val_accuracy, r.test_roc_auc,
                           r.test_pr_auc, r.test_mae, static_cast<double>(r.num_classes), r.final_learning_rate,
                           r.train_graphs_per_second, r.seconds, static_cast<double>(r.test_per_task.size())};
  v.insert(v.end(), r.test_per_task.begin(), r.test_per_task.end());
  return v;
}

GraphRunResult decode_graph_run_result(const std::vector<double>& v) {
  GATKIT_REQUIRE(v.size() >= kGraphScalars && v[15] >= 0 && v.size() == kGraphScalars + static_cast<std::size_t>(v[15]) &&
                     v[3] >= 0 && v[3] <= 2 && v[3] == std::floor(v[3]),
                 "training state: a finished molecule run does not have the expected layout");
  GraphRunResult r;
  r.seed = static_cast<std::uint64_t>(v[0]);
  r.epochs = static_cast<int>(v[1]);
  r.best_epoch = static_cast<int>(v[2]);
  r.metric = kGraphMetrics[static_cast<int>(v[3])];
  r.val_metric = v[4];
  r.test_metric = v[5];
  r.test_accuracy = v[6];
  r.val_accuracy = v[7];
  r.test_roc_auc = v[8];
  r.test_pr_auc = v[9];
  r.test_mae = v[10];
  r.num_classes = static_cast<int>(v[11]);
  r.final_learning_rate = v[12];
  r.train_graphs_per_second = v[13];
  r.seconds = v[14];
  r.test_per_task.assign(v.begin() + kGraphScalars, v.end());
  return r;
}

namespace detail {

void check_resumable(const TrainingState& s, const std::string& trainer, const std::string& fingerprint,
                     std::uint64_t seed, std::int64_t parameters, int max_epochs) {
  GATKIT_REQUIRE(s.trainer == trainer, "resume: the state was written by the " + s.trainer + " trainer, not " + trainer);
  GATKIT_REQUIRE(s.fingerprint == fingerprint,
                 "resume: the state was written with other options or data (its run: " + s.fingerprint +
                     "; this run: " + fingerprint + ")");
  GATKIT_REQUIRE(s.seed == seed, "resume: the state belongs to seed " + std::to_string(s.seed) + ", not " + std::to_string(seed));
  GATKIT_REQUIRE(s.parameters.size() == parameters,
                 "resume: the state holds " + std::to_string(s.parameters.size()) + " weights, the model has " +
                     std::to_string(parameters));
  GATKIT_REQUIRE(s.epoch <= max_epochs, "resume: the state is at epoch " + std::to_string(s.epoch) +
                                            ", beyond the " + std::to_string(max_epochs) + " epochs of this run");
}

void capture_optimizer(TrainingState& state, const Vector<float>& parameters, const Adam& adam) {
  state.parameters = parameters;
  state.adam_m = adam.first_moment();
  state.adam_v = adam.second_moment();
  state.adam_steps = adam.steps();
  state.learning_rate = adam.learning_rate();
}

void restore_optimizer(const TrainingState& state, Vector<float>& parameters, Adam& adam) {
  parameters = state.parameters;
  adam.restore(state.adam_m, state.adam_v, state.adam_steps, state.learning_rate);
}

}  // namespace detail
}  // namespace gatkit
