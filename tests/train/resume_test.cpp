// Resumable training (train/training_state.hpp): a run interrupted right after a state was saved, and
// resumed from that state read back from its file, ends bitwise as the uninterrupted run (weights,
// epochs, metrics), for the node trainer and the graph trainer (shuffling, learning-rate schedule,
// dropout). States from another run are refused with a message naming what differs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gatkit/chem/featurize.hpp"
#include "gatkit/graph/graph.hpp"
#include "gatkit/io/dataset.hpp"
#include "gatkit/nn/random.hpp"
#include "gatkit/train/graph_classification.hpp"
#include "gatkit/train/graph_predictor.hpp"
#include "gatkit/train/node_classification.hpp"
#include "gatkit/train/training_state.hpp"
#include "gatkit/util/error.hpp"
#include "checkpoint_test_util.hpp"

namespace gatkit {
namespace {

namespace fs = std::filesystem;

struct Interrupted {};  // thrown by a state callback: the process "dies" right after the state was written

fs::path temp_file(const std::string& name) { return fs::temp_directory_path() / ("gatkit_resume_" + name); }

NodeDataset ring_nodes() {
  // 30 nodes on a ring with chords every 5; the class is the position modulo 3, features are noisy
  // one-hots of it, so training moves for many epochs.
  NodeDataset d;
  std::vector<Edge> edges;
  for (NodeId i = 0; i < 30; ++i) {
    edges.push_back({i, (i + 1) % 30});
    if (i % 5 == 0) edges.push_back({i, (i + 7) % 30});
  }
  d.graph = build_graph(30, edges, {}, {.symmetrize = true});
  Rng rng(7);
  MatrixF x(30, 6);
  for (int i = 0; i < 30; ++i)
    for (int j = 0; j < 6; ++j) x(i, j) = static_cast<float>(rng.uniform()) + (j == i % 3 ? 0.6f : 0.0f);
  d.features = FeatureMatrix<float>(x);
  d.num_classes = 3;
  d.class_names = {"a", "b", "c"};
  for (NodeId i = 0; i < 30; ++i) {
    d.labels.push_back(static_cast<std::int32_t>(i % 3));
    (i < 12 ? d.train : i < 21 ? d.val : d.test).push_back(i);
  }
  return d;
}

TrainOptions node_options() {
  TrainOptions o;
  o.max_epochs = 40;
  o.patience = 1000;  // all 40 epochs
  o.model.heads = 2;
  o.model.hidden = 4;
  o.optimizer.learning_rate = 0.01;
  o.fingerprint = "ring";
  return o;
}

TEST(Resume, NodeTrainingResumedFromAFileEndsBitwiseAsTheUninterruptedRun) {
  const NodeDataset data = ring_nodes();
  TrainedModel whole, resumed;
  const RunResult a = train_node_classifier(data, node_options(), 3, &whole);

  const fs::path file = temp_file("node.state");
  TrainOptions first = node_options();
  first.state_every = 7;
  first.save_state = [&](const TrainingState& s) {
    save_training_state(s, file);
    if (s.epoch == 21) throw Interrupted{};
  };
  EXPECT_THROW(train_node_classifier(data, first, 3, nullptr), Interrupted);

  const TrainingState state = load_training_state(file);
  EXPECT_EQ(state.epoch, 21);
  EXPECT_EQ(state.trainer, "node_classifier");
  TrainOptions second = node_options();
  second.resume = &state;
  const RunResult b = train_node_classifier(data, second, 3, &resumed);
  EXPECT_EQ(a.epochs, b.epochs);
  EXPECT_EQ(a.best_epoch, b.best_epoch);
  EXPECT_EQ(a.val_accuracy, b.val_accuracy);
  EXPECT_EQ(a.val_loss, b.val_loss);
  EXPECT_EQ(a.test_accuracy, b.test_accuracy);
  ASSERT_EQ(whole.parameters.size(), resumed.parameters.size());
  EXPECT_TRUE((whole.parameters.array() == resumed.parameters.array()).all());
  fs::remove(file);
}

TEST(Resume, NodeStatesFromAnotherRunAreRefused) {
  const NodeDataset data = ring_nodes();
  std::optional<TrainingState> saved;
  TrainOptions first = node_options();
  first.state_every = 5;
  first.save_state = [&](const TrainingState& s) {
    saved = s;
    throw Interrupted{};
  };
  EXPECT_THROW(train_node_classifier(data, first, 3, nullptr), Interrupted);
  ASSERT_TRUE(saved);

  TrainOptions other = node_options();
  other.resume = &*saved;
  try {
    train_node_classifier(data, other, 4, nullptr);
    FAIL() << "a state of seed 3 resumed seed 4";
  } catch (const InvalidArgument& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("the state belongs to seed 3, not 4"));
  }
  other.fingerprint = "another data set";
  try {
    train_node_classifier(data, other, 3, nullptr);
    FAIL() << "a state of other options was resumed";
  } catch (const InvalidArgument& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("written with other options or data"));
  }
  other.fingerprint = "ring";
  other.model.hidden = 5;
  EXPECT_THROW(train_node_classifier(data, other, 3, nullptr), InvalidArgument);
}

std::vector<chem::MoleculeGraph> chains(RowMatrix<double>& targets) {
  // Carbon chains of 3..8 atoms, some with an oxygen end; the training label is "has oxygen".
  std::vector<chem::MoleculeGraph> graphs;
  targets.resize(18, 1);
  for (int m = 0; m < 18; ++m) {
    chem::Molecule mol;
    const int n = 3 + m % 6;
    mol.atoms.resize(static_cast<std::size_t>(n));
    for (auto& a : mol.atoms) {
      a.atomic_number = 6;
      a.symbol = "C";
    }
    if (m % 3 == 0) {
      mol.atoms.back().atomic_number = 8;
      mol.atoms.back().symbol = "O";
    }
    for (int k = 0; k + 1 < n; ++k) mol.bonds.push_back({k, k + 1, chem::BondOrder::single, 0, false});
    graphs.push_back(chem::featurize(mol));
    // Validation and test molecules (12..17) carry the opposite label: the better training fits, the
    // worse validation gets, so the plateau schedule reduces the learning rate during the run.
    targets(m, 0) = (m % 3 == 0) != (m >= 12) ? 1.0 : 0.0;
  }
  return graphs;
}

GraphTrainOptions graph_options() {
  GraphTrainOptions o;
  o.max_epochs = 24;
  o.patience = 1000;
  o.batch_size = 4;
  o.model.layers = 2;
  o.model.heads = 2;
  o.model.hidden = 4;
  o.model.dropout = 0.2;  // dropout masks are drawn from (seed, epoch, step): resumed runs draw the same
  o.lr_decay = 0.5;       // and the schedule's counters are part of the state
  o.lr_patience = 2;
  o.selection = Selection::loss;
  o.fingerprint = "chains";
  return o;
}

// The chains' split: 12 training, 3 validation, 3 test molecules (the last six carry flipped labels).
train::Split chain_split() {
  train::Split split;
  split.train = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  split.val = {12, 13, 14};
  split.test = {15, 16, 17};
  return split;
}

// A resumed graph run ended as the uninterrupted one: the same epochs, scores, rate and weights.
void expect_same_run(const GraphRunResult& a, const GraphRunResult& b, const TrainedGraphModel& whole,
                     const TrainedGraphModel& resumed, const std::string& what) {
  EXPECT_EQ(a.epochs, b.epochs) << what;
  EXPECT_EQ(a.best_epoch, b.best_epoch) << what;
  EXPECT_EQ(a.val_metric, b.val_metric) << what;
  EXPECT_EQ(a.test_metric, b.test_metric) << what;
  EXPECT_EQ(a.final_learning_rate, b.final_learning_rate) << what;
  ASSERT_EQ(whole.parameters.size(), resumed.parameters.size()) << what;
  EXPECT_TRUE((whole.parameters.array() == resumed.parameters.array()).all()) << what;
}

TEST(Resume, GraphTrainingResumedFromAFileEndsBitwiseAsTheUninterruptedRun) {
  RowMatrix<double> targets;
  const auto graphs = chains(targets);
  const train::Split split = chain_split();
  TrainedGraphModel whole, resumed;
  const GraphRunResult a = train_graph_classifier(graphs, targets, split, graph_options(), 5, &whole);

  const fs::path file = temp_file("graph.state");
  GraphTrainOptions first = graph_options();
  first.state_every = 5;
  first.save_state = [&](const TrainingState& s) {
    save_training_state(s, file);
    if (s.epoch == 15) throw Interrupted{};
  };
  EXPECT_THROW(train_graph_classifier(graphs, targets, split, first, 5, nullptr), Interrupted);
  const TrainingState state = load_training_state(file);
  EXPECT_EQ(state.epoch, 15);
  EXPECT_EQ(state.order.size(), split.train.size());
  GraphTrainOptions second = graph_options();
  second.resume = &state;
  const GraphRunResult b = train_graph_classifier(graphs, targets, split, second, 5, &resumed);
  EXPECT_LT(a.final_learning_rate, 1e-3) << "the schedule should have reduced the rate (else this checks less)";
  expect_same_run(a, b, whole, resumed, "single model");
  fs::remove(file);
}

// An ensemble's state belongs to one member and carries the finished members' weights: resumed from
// a state in member 2 or in member 3 (the member before it early-stopped in another state), the run
// ends bitwise as the uninterrupted ensemble.
TEST(Resume, EnsembleResumedInALaterMemberEndsBitwiseAsTheUninterruptedRun) {
  RowMatrix<double> targets;
  const auto graphs = chains(targets);
  const train::Split split = chain_split();
  GraphTrainOptions options = graph_options();
  options.ensemble = 3;
  options.max_epochs = 10;
  TrainedGraphModel whole;
  const GraphRunResult a = train_graph_classifier(graphs, targets, split, options, 5, &whole);
  ASSERT_EQ(whole.members, 3);

  for (const int stop_member : {1, 2}) {
    const fs::path file = temp_file("ensemble.state");
    GraphTrainOptions first = options;
    first.state_every = 3;
    first.save_state = [&](const TrainingState& s) {
      save_training_state(s, file);
      if (s.member == stop_member && s.epoch == 6) throw Interrupted{};
    };
    EXPECT_THROW(train_graph_classifier(graphs, targets, split, first, 5, nullptr), Interrupted);
    const TrainingState state = load_training_state(file);
    EXPECT_EQ(state.member, stop_member);
    EXPECT_EQ(state.member_parameters.size(), stop_member * state.parameters.size());
    EXPECT_EQ(state.member_epochs, 10 * stop_member);
    GraphTrainOptions second = options;
    second.resume = &state;
    TrainedGraphModel resumed;
    const GraphRunResult b = train_graph_classifier(graphs, targets, split, second, 5, &resumed);
    expect_same_run(a, b, whole, resumed, "stopped in member " + std::to_string(stop_member + 1));

    // A state of member K (0-based) needs an ensemble of more than K members.
    GraphTrainOptions smaller = options;
    smaller.ensemble = stop_member;
    smaller.resume = &state;
    EXPECT_THROW(train_graph_classifier(graphs, targets, split, smaller, 5, nullptr), InvalidArgument);
    fs::remove(file);
  }
}

// With refit, a member's states come from two passes: the early-stopped one, then the refit on
// training + validation molecules (states marked refitting, carrying the early-stopped weights and the
// rate schedule). Resumed from a state of either pass, in the first or the second member, a file round
// trip included, the run ends bitwise as the uninterrupted one.
TEST(Resume, RefitResumedInEitherPassEndsBitwiseAsTheUninterruptedRun) {
  RowMatrix<double> targets;
  const auto graphs = chains(targets);
  for (Eigen::Index m = 0; m < targets.rows(); ++m) targets(m, 0) = m % 3 == 0 ? 1.0 : 0.0;  // none flipped: late best epochs
  const train::Split split = chain_split();
  GraphTrainOptions options = graph_options();
  options.ensemble = 2;
  options.max_epochs = 12;
  options.patience = 4;
  options.selection = Selection::metric;
  options.refit = true;
  TrainedGraphModel whole;
  const GraphRunResult a = train_graph_classifier(graphs, targets, split, options, 5, &whole);
  ASSERT_EQ(whole.members, 2);
  std::vector<std::pair<int, bool>> passes;  // (member, refitting) of every state
  GraphTrainOptions watched = options;
  watched.state_every = 1;
  watched.save_state = [&](const TrainingState& s) {
    if (passes.empty() || passes.back() != std::make_pair(s.member, s.refitting)) passes.emplace_back(s.member, s.refitting);
  };
  (void)train_graph_classifier(graphs, targets, split, watched, 5, nullptr);
  ASSERT_EQ(passes, (std::vector<std::pair<int, bool>>{{0, false}, {0, true}, {1, false}, {1, true}}))
      << "every pass should hand out states (else this checks less)";

  for (const auto& [stop_member, stop_refitting] : passes) {
    const std::string what = "member " + std::to_string(stop_member + 1) + (stop_refitting ? ", refit" : ", first pass");
    const fs::path file = temp_file("refit.state");
    GraphTrainOptions first = options;
    first.state_every = 1;
    first.save_state = [&](const TrainingState& s) {
      save_training_state(s, file);
      if (s.member == stop_member && s.refitting == stop_refitting && s.epoch == 1) throw Interrupted{};
    };
    EXPECT_THROW(train_graph_classifier(graphs, targets, split, first, 5, nullptr), Interrupted) << what;
    const TrainingState state = load_training_state(file);
    EXPECT_TRUE(state.refit) << what;
    EXPECT_EQ(state.refitting, stop_refitting) << what;
    EXPECT_EQ(state.member_refit_parameters.size(), stop_member * state.parameters.size()) << what;
    if (stop_refitting) {
      EXPECT_EQ(state.order.size(), split.train.size() + split.val.size()) << what;
    }
    GraphTrainOptions second = options;
    second.resume = &state;
    TrainedGraphModel resumed;
    const GraphRunResult b = train_graph_classifier(graphs, targets, split, second, 5, &resumed);
    expect_same_run(a, b, whole, resumed, what);

    // A refit's state does not resume a run without refit, nor the other way round.
    GraphTrainOptions plain = options;
    plain.refit = false;
    plain.resume = &state;
    EXPECT_THROW(train_graph_classifier(graphs, targets, split, plain, 5, nullptr), InvalidArgument) << what;
    fs::remove(file);
  }
}

// state_wanted is asked once per epoch that training goes on after (not after the last), and the
// trainer builds a state only for the epochs it wants, in place of state_every.
TEST(Resume, AStateFilterIsAskedEveryEpochAndOnlyTheWantedStatesAreBuilt) {
  const auto wanted = [](int epoch) { return epoch % 10 == 3 || epoch == 17; };
  const NodeDataset data = ring_nodes();
  std::vector<int> asked, saved;
  TrainOptions node = node_options();
  node.state_every = 1;  // ignored: the filter decides
  node.state_wanted = [&](int epoch) {
    asked.push_back(epoch);
    return wanted(epoch);
  };
  node.save_state = [&](const TrainingState& s) { saved.push_back(s.epoch); };
  train_node_classifier(data, node, 3, nullptr);
  std::vector<int> every(39);
  for (int e = 1; e <= 39; ++e) every[static_cast<std::size_t>(e - 1)] = e;
  EXPECT_EQ(asked, every);
  EXPECT_EQ(saved, (std::vector<int>{3, 13, 17, 23, 33}));

  RowMatrix<double> targets;
  const auto graphs = chains(targets);
  GraphTrainOptions graph = graph_options();
  graph.ensemble = 2;
  graph.max_epochs = 20;
  graph.state_every = 1;
  std::vector<std::pair<int, int>> graph_asked, graph_saved;  // (member, epoch)
  int member = 0, last = 0;
  graph.state_wanted = [&](int epoch) {
    if (epoch < last) ++member;  // the epochs of the next member start again at 1
    last = epoch;
    graph_asked.emplace_back(member, epoch);
    return wanted(epoch);
  };
  graph.save_state = [&](const TrainingState& s) { graph_saved.emplace_back(s.member, s.epoch); };
  train_graph_classifier(graphs, targets, chain_split(), graph, 5, nullptr);
  std::vector<std::pair<int, int>> expected_asked, expected_saved;
  for (int m = 0; m < 2; ++m)
    for (int e = 1; e < 20; ++e) {
      expected_asked.emplace_back(m, e);
      if (wanted(e)) expected_saved.emplace_back(m, e);
    }
  EXPECT_EQ(graph_asked, expected_asked);
  EXPECT_EQ(graph_saved, expected_saved);
}

TEST(Resume, StateFilesKeepRunsAndNonFiniteNumbers) {
  TrainingState s;
  s.trainer = "graph_model";
  s.fingerprint = std::string("x\0y", 3);  // a NUL (JSON "\u0000") survives the round trip
  s.seed = 9;
  s.epoch = 3;
  s.parameters = Vector<float>::LinSpaced(5, -1, 1);
  s.adam_m = s.parameters * 0.5f;
  s.adam_v = s.parameters.cwiseAbs();
  s.best_parameters = s.parameters * 2.0f;
  s.adam_steps = 12;
  s.learning_rate = 1e-3;
  s.best_score = -std::numeric_limits<double>::infinity();
  s.best_loss = std::numeric_limits<double>::infinity();
  s.order = {4, 2, 0};
  s.timings = {1.5, 2.25};
  s.run = 1;
  GraphRunResult r;
  r.seed = 4;
  r.metric = "rmse";
  r.test_metric = 0.5;
  r.test_roc_auc = std::numeric_limits<double>::quiet_NaN();
  r.test_per_task = {0.25, 0.75};
  s.finished = {encode_run_result(r)};
  s.kept_run = 0;
  s.kept_parameters = Vector<float>::Constant(5, 3.0f);
  s.kept_values = {1.0, 2.0};
  const fs::path file = temp_file("round.state");
  save_training_state(s, file);
  const TrainingState t = load_training_state(file);
  EXPECT_EQ(t.fingerprint, s.fingerprint);
  EXPECT_EQ(t.best_score, s.best_score);
  EXPECT_EQ(t.best_loss, s.best_loss);
  EXPECT_EQ(t.order, s.order);
  EXPECT_EQ(t.timings, s.timings);
  EXPECT_TRUE((t.adam_v.array() == s.adam_v.array()).all());
  EXPECT_TRUE((t.kept_parameters.array() == 3.0f).all());
  const GraphRunResult back = decode_graph_run_result(t.finished.at(0));
  EXPECT_EQ(back.metric, "rmse");
  EXPECT_EQ(back.test_metric, 0.5);
  EXPECT_TRUE(std::isnan(back.test_roc_auc));
  EXPECT_EQ(back.test_per_task, r.test_per_task);

  // Truncated: the container's checks name the file.
  const auto size = fs::file_size(file);
  fs::resize_file(file, size - 9);
  try {
    load_training_state(file);
    FAIL() << "a truncated state was read";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr(file.string()));
  }
  fs::remove(file);
}

class ResumeFileTest : public test::TempDirTest {
 protected:
  // Saves `s` to `file` and returns a check: the file with `from` replaced by `to` in its JSON (and a
  // payload of `floats` values) is refused with a message that names `says`.
  auto forger(const TrainingState& s, const fs::path& file, std::size_t floats) {
    save_training_state(s, file);
    return [this, json = test::json_of(file), floats](const std::string& from, const std::string& to, const std::string& says) {
      expect_error(to, test::container(test::replaced(json, from, to), std::vector<float>(floats, 0.5f)), says,
                   [](const fs::path& f) { return load_training_state(f); });
    };
  }
};

// A molecule trainer's state of five weights at epoch 3, for the file tests to add fields to.
TrainingState five_weight_state() {
  TrainingState s;
  s.trainer = "graph_model";
  s.fingerprint = "x";
  s.epoch = 3;
  s.parameters = Vector<float>::LinSpaced(5, -1, 1);
  s.adam_m = s.parameters;
  s.adam_v = s.parameters.cwiseAbs();
  s.best_parameters = s.parameters;
  s.learning_rate = 1e-3;
  return s;
}

TEST_F(ResumeFileTest, EnsembleFieldsRoundTripAndForgedOnesAreRefused) {
  TrainingState s = five_weight_state();
  s.member = 2;
  s.member_parameters = Vector<float>::LinSpaced(10, 0, 9);
  s.member_epochs = 17;
  s.member_best_epochs = 11;
  const fs::path file = dir_ / "members.state";
  save_training_state(s, file);
  const TrainingState t = load_training_state(file);
  EXPECT_EQ(t.member, 2);
  EXPECT_EQ(t.member_epochs, 17);
  EXPECT_EQ(t.member_best_epochs, 11);
  EXPECT_TRUE(t.member_parameters == s.member_parameters);

  // A first member's (or a single model's) state has no ensemble fields: what earlier versions wrote.
  TrainingState single = s;
  single.member = 0;
  single.member_parameters.resize(0);
  save_training_state(single, file);
  EXPECT_EQ(test::json_of(file).find("member"), std::string::npos) << test::json_of(file);
  EXPECT_EQ(load_training_state(file).member, 0);
  // Finished members' weights that are not member x the parameters are refused before writing.
  single.member_parameters = Vector<float>::Zero(5);
  EXPECT_THROW(save_training_state(single, file), InvalidArgument);

  const auto expect_refused = forger(s, file, 4 * 5 + 10);
  expect_refused("\"member\":2", "\"member\":3", "parameters");  // a member's weights missing
  expect_refused("\"member\":2", "\"member\":0", "member");
  expect_refused("\"member\":2", "\"member\":64", "member");
  expect_refused("\"member_best_epochs\":11", "\"member_best_epochs\":18", "member_best_epochs");
  expect_refused("\"member_epochs\":17", "\"member_epochs\":1", "member_epochs");
  expect_refused("\"trainer\":\"graph_model\"", "\"trainer\":\"node_classifier\"", "only molecule training");
}

TEST_F(ResumeFileTest, RefitFieldsRoundTripAndForgedOnesAreRefused) {
  TrainingState s = five_weight_state();  // epoch 3 of the refit, whose length is best_epoch
  s.best_epoch = 7;
  s.member = 1;
  s.member_parameters = Vector<float>::LinSpaced(5, 0, 4);
  s.member_epochs = 20;
  s.member_best_epochs = 9;
  s.refit = true;
  s.refitting = true;
  s.member_refit_parameters = Vector<float>::LinSpaced(5, 5, 9);
  s.learning_rates.assign(10, 1e-3);  // the first pass's 9 epochs, then its final rate
  s.learning_rates.back() = 5e-4;
  const fs::path file = dir_ / "refit.state";
  save_training_state(s, file);
  const TrainingState t = load_training_state(file);
  EXPECT_TRUE(t.refit);
  EXPECT_TRUE(t.refitting);
  EXPECT_EQ(t.best_epoch, 7);
  EXPECT_EQ(t.learning_rates, s.learning_rates);
  EXPECT_TRUE(t.member_parameters == s.member_parameters);
  EXPECT_TRUE(t.member_refit_parameters == s.member_refit_parameters);

  // The first member's refit pass names its member (0) and counts its epochs.
  TrainingState first = s;
  first.member = 0;
  first.member_parameters.resize(0);
  first.member_refit_parameters.resize(0);
  first.member_epochs = 9;
  save_training_state(first, file);
  EXPECT_EQ(load_training_state(file).member, 0);
  EXPECT_TRUE(load_training_state(file).refitting);
  // Refitted weights that are not member x the parameters, or a refit pass without refit, are refused.
  TrainingState wrong = s;
  wrong.member_refit_parameters.resize(0);
  EXPECT_THROW(save_training_state(wrong, file), InvalidArgument);
  wrong = s;
  wrong.refit = false;
  wrong.member_refit_parameters.resize(0);
  EXPECT_THROW(save_training_state(wrong, file), InvalidArgument);

  const auto expect_refused = forger(s, file, 4 * 5 + 10);
  expect_refused("\"refit\":true", "\"refit\":false", "refit");
  expect_refused("\"refit\":true", "\"refit\":1", "refit");
  expect_refused("\"refit\":true", "\"refit_\":true", "refitting without refit");
  expect_refused("\"best_epoch\":7", "\"best_epoch\":3", "best_epoch");  // a refit ends after its epoch
  expect_refused("\"best_epoch\":7", "\"best_epoch\":10", "learning_rates");  // a rate per refit epoch
  expect_refused("0.0005]", "-1]", "learning_rates");
  expect_refused("\"trainer\":\"graph_model\"", "\"trainer\":\"node_classifier\"", "only molecule training");
  // Without the refitted weights in the payload the file is short.
  expect_error("payload", test::container(test::json_of(file), std::vector<float>(4 * 5 + 5, 0.5f)), "parameters",
               [](const fs::path& f) { return load_training_state(f); });
}

TEST(Resume, AModelCheckpointIsNotATrainingState) {
  TrainedModel m;
  m.config.in_dim = 3;
  m.config.num_classes = 2;
  m.class_names = {"a", "b"};
  m.parameters = Vector<float>::Zero(m.config.parameter_count());
  const fs::path file = temp_file("model.gatkit");
  save_model(m, file);
  try {
    load_training_state(file);
    FAIL() << "a model was read as a training state";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("not a training state"));
  }
  fs::remove(file);
}

}  // namespace
}  // namespace gatkit
