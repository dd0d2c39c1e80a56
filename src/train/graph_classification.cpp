#include "gatkit/train/graph_classification.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "gatkit/nn/functional.hpp"
#include "gatkit/nn/losses.hpp"
#include "gatkit/train/graph_predictor.hpp"
#include "gatkit/util/parallel.hpp"
#include "gatkit/train/metrics.hpp"
#include "gatkit/util/error.hpp"
#include "checkpoint_file.hpp"
#include "finite_check.hpp"

namespace gatkit {

std::string to_string(GraphTask task) {
  switch (task) {
    case GraphTask::binary: return "binary";
    case GraphTask::regression: return "regression";
    case GraphTask::multiclass: return "multiclass";
  }
  return "?";
}

std::string to_string(Selection selection) {
  switch (selection) {
    case Selection::metric: return "metric";
    case Selection::loss: return "loss";
    case Selection::accuracy: return "accuracy";
  }
  return "?";
}

Selection parse_selection(std::string_view name) {
  if (name == "metric") return Selection::metric;
  if (name == "loss") return Selection::loss;
  if (name == "accuracy") return Selection::accuracy;
  throw InvalidArgument("selection: expected metric, loss or accuracy, got '" + std::string(name) + "'");
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct PreparedBatch {
  std::vector<std::int64_t> items;  // molecule indices
  GraphGat<float>::Input input;
  FeatureMatrix<float> x;
  std::vector<std::int64_t> offsets;
  RowMatrix<float> targets;
};

// `flip_seed` (training batches with Laplacian encodings): the eigenvectors' signs are drawn from it, per
// connected component and column.
PreparedBatch prepare(const GraphGat<float>& model, const std::vector<chem::MoleculeGraph>& molecules,
                      const RowMatrix<double>& targets, std::vector<std::int64_t> items,
                      const std::uint64_t* flip_seed = nullptr) {
  PreparedBatch b;
  std::vector<const chem::MoleculeGraph*> graphs;
  for (auto m : items) graphs.push_back(&molecules[static_cast<std::size_t>(m)]);
  chem::MoleculeBatch batch = chem::batch_molecules(graphs);
  b.input = model.prepare(batch.batch.graph, &batch.edge_features, batch.batch.offsets);
  b.x = FeatureMatrix<float>(std::move(batch.atom_features));
  const PositionalEncoding& pe = model.config().positional;
  if (pe.enabled()) {
    std::vector<std::int32_t> groups;
    RowMatrix<float> values = positional_encoding<float>(batch.batch.graph, pe, &groups);
    if (flip_seed && pe.kind == PositionalKind::laplacian) flip_signs(values, groups, *flip_seed);
    b.x = append_columns(b.x, values);
  }
  b.offsets = std::move(batch.batch.offsets);
  b.targets.resize(static_cast<Eigen::Index>(items.size()), targets.cols());
  for (std::size_t k = 0; k < items.size(); ++k) b.targets.row(static_cast<Eigen::Index>(k)) = targets.row(items[k]).cast<float>();
  b.items = std::move(items);
  return b;
}

std::vector<PreparedBatch> prepare_all(const GraphGat<float>& model, const std::vector<chem::MoleculeGraph>& molecules,
                                       const RowMatrix<double>& targets, const std::vector<std::int64_t>& items, int batch_size) {
  std::vector<PreparedBatch> batches;
  for (std::size_t first = 0; first < items.size(); first += static_cast<std::size_t>(batch_size)) {
    const std::size_t last = std::min(items.size(), first + static_cast<std::size_t>(batch_size));
    batches.push_back(prepare(model, molecules, targets, {items.begin() + static_cast<std::ptrdiff_t>(first), items.begin() + static_cast<std::ptrdiff_t>(last)}));
  }
  return batches;
}

// Everything measured on a set of prepared evaluation batches. Scores are probabilities (binary:
// sigmoid per task; multi-class: softmax over the classes) or predictions in the original units
// (regression: un-standardised with `mean` and `scale`).
// `value` is the selection metric (mean ROC-AUC, mean RMSE or accuracy); every figure is NaN when the set
// is empty.
struct Evaluation : GraphMetrics {
  double loss = 0;  // the training loss (standardised units for regression), mean over labels present
};

// The name of a task's metric, as GraphRunResult::metric and GraphMetrics::metric give it.
const char* metric_of(GraphTask task) {
  switch (task) {
    case GraphTask::binary: return "roc_auc";
    case GraphTask::regression: return "rmse";
    case GraphTask::multiclass: return "accuracy";
  }
  return "";
}

// A model's scores on a set of prepared evaluation batches (row-major: item x output), the labels in
// the same layout (multi-class: one label per item), and the mean training loss over the labels present.
struct Scored {
  std::vector<double> scores, labels;
  Eigen::Index outputs = 0;
  double loss = 0;
};

Scored score(GraphGat<float>& model, std::vector<PreparedBatch>& batches, GraphTask task, const Vector<double>& mean,
             const Vector<double>& scale) {
  Scored s;
  double loss_sum = 0, labels_present = 0;
  for (auto& b : batches) {
    const RowMatrix<float>& out = model.forward(b.input, b.x, b.offsets, false, 0);
    s.outputs = out.cols();
    const double present = static_cast<double>(b.targets.unaryExpr([](float y) { return std::isnan(y) ? 0.0f : 1.0f; }).sum());
    const double loss = task == GraphTask::binary       ? masked_bce_with_logits<float>(out, b.targets, nullptr)
                        : task == GraphTask::regression ? masked_mse<float>(out, b.targets, nullptr)
                                                        : masked_softmax_cross_entropy<float>(out, b.targets, nullptr);
    loss_sum += loss * present;
    labels_present += present;
    if (task == GraphTask::multiclass) {
      const RowMatrix<float> p = softmax_rows(out);
      for (Eigen::Index i = 0; i < out.rows(); ++i) {
        for (Eigen::Index c = 0; c < out.cols(); ++c) s.scores.push_back(static_cast<double>(p(i, c)));
        s.labels.push_back(static_cast<double>(b.targets(i, 0)));
      }
      continue;
    }
    for (Eigen::Index i = 0; i < out.rows(); ++i)
      for (Eigen::Index t = 0; t < out.cols(); ++t) {
        const double z = static_cast<double>(out(i, t)), y = static_cast<double>(b.targets(i, t));
        s.scores.push_back(task == GraphTask::binary ? 1.0 / (1.0 + std::exp(-z)) : z * scale(t) + mean(t));
        s.labels.push_back(task == GraphTask::binary ? y : y * scale(t) + mean(t));
      }
  }
  s.loss = labels_present > 0 ? loss_sum / labels_present : 0.0;
  return s;
}

Evaluation metrics(const Scored& s, GraphTask task) {
  Evaluation e;
  if (s.labels.empty()) {  // no evaluation set
    e.metric = metric_of(task);
    e.value = e.accuracy = e.roc_auc = e.pr_auc = e.rmse = e.mae = kNaN;
  } else {
    const auto n = static_cast<std::int64_t>(s.labels.size()) / (task == GraphTask::multiclass ? 1 : s.outputs);
    static_cast<GraphMetrics&>(e) = graph_metrics(task, s.scores, s.labels, n, s.outputs);
  }
  e.loss = s.loss;
  return e;
}

Evaluation evaluate(GraphGat<float>& model, std::vector<PreparedBatch>& batches, GraphTask task,
                    const Vector<double>& mean, const Vector<double>& scale) {
  return metrics(score(model, batches, task, mean, scale), task);
}

/// An ensemble's evaluation (or a single model's, as an ensemble of one): the members' scores averaged
/// (summed in member order), their losses too.
Evaluation evaluate_ensemble(GraphGat<float>& model, const std::vector<Vector<float>>& members,
                             std::vector<PreparedBatch>& batches, GraphTask task, const Vector<double>& mean,
                             const Vector<double>& scale) {
  Scored total;
  for (std::size_t m = 0; m < members.size(); ++m) {
    model.parameters().values() = members[m];
    Scored s = score(model, batches, task, mean, scale);
    if (m == 0) {
      total = std::move(s);
      continue;
    }
    for (std::size_t k = 0; k < s.scores.size(); ++k) total.scores[k] += s.scores[k];
    total.loss += s.loss;
  }
  const auto count = static_cast<double>(members.size());
  for (double& v : total.scores) v /= count;
  total.loss /= count;
  return metrics(total, task);
}

/// Refuses a state whose training order is not a permutation of `set`, this run's `name`.
void check_state_order(const std::vector<std::int64_t>& order, std::vector<std::int64_t> set, const std::string& name) {
  GATKIT_REQUIRE(order.size() == set.size(), "resume: the state's " + name + " has " + std::to_string(order.size()) +
                                                 " molecules, this run's " + std::to_string(set.size()));
  std::vector<std::int64_t> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  std::sort(set.begin(), set.end());
  GATKIT_REQUIRE(sorted == set, "resume: the state's " + name + " is not this run's");
}

/// Members' weight vectors of `size` values each, one after another.
Vector<float> concatenated(const std::vector<Vector<float>>& members, Eigen::Index size) {
  Vector<float> all(static_cast<Eigen::Index>(members.size()) * size);
  for (std::size_t m = 0; m < members.size(); ++m) all.segment(static_cast<Eigen::Index>(m) * size, size) = members[m];
  return all;
}

}  // namespace

GraphMetrics graph_metrics(GraphTask task, std::span<const double> predictions, std::span<const double> labels,
                           std::int64_t n, std::int64_t outputs) {
  GATKIT_REQUIRE(n >= 0 && outputs >= 1, "graph_metrics: bad shape");
  const auto label_count = task == GraphTask::multiclass ? n : n * outputs;
  GATKIT_REQUIRE(static_cast<std::int64_t>(predictions.size()) == n * outputs &&
                     static_cast<std::int64_t>(labels.size()) == label_count,
                 "graph_metrics: " + std::to_string(predictions.size()) + " predictions and " +
                     std::to_string(labels.size()) + " labels for " + std::to_string(n) + " graphs x " +
                     std::to_string(outputs) + " outputs");
  GraphMetrics m;
  m.metric = metric_of(task);
  m.accuracy = m.roc_auc = m.pr_auc = m.rmse = m.mae = kNaN;
  if (task == GraphTask::multiclass) {
    m.accuracy = m.value = train::multiclass_accuracy(predictions, labels, n, outputs);
    const train::TaskMetric auc = train::macro_roc_auc_ovr(predictions, labels, n, outputs);
    m.roc_auc = auc.mean;
    m.per_task = auc.per_task;
  } else if (task == GraphTask::binary) {
    const train::TaskMetric auc = train::mean_roc_auc(predictions, labels, n, outputs);
    m.value = m.roc_auc = auc.mean;
    m.per_task = auc.per_task;
    m.accuracy = train::binary_accuracy(predictions, labels);
    m.pr_auc = train::mean_pr_auc(predictions, labels, n, outputs).mean;
  } else {
    const train::TaskMetric rmse = train::mean_rmse(predictions, labels, n, outputs);
    m.value = m.rmse = rmse.mean;
    m.per_task = rmse.per_task;
    m.mae = train::mean_mae(predictions, labels, n, outputs).mean;
  }
  return m;
}

std::uint64_t ensemble_member_seed(std::uint64_t seed, int member) {
  GATKIT_REQUIRE(member >= 0, "ensemble member index must be >= 0");
  return member == 0 ? seed : derive_seed(seed, 0xe45e'0000ULL + static_cast<std::uint64_t>(member));
}

GraphRunResult train_graph_classifier(const std::vector<chem::MoleculeGraph>& molecules, const RowMatrix<double>& targets,
                                      const train::Split& split, const GraphTrainOptions& options, std::uint64_t seed,
                                      TrainedGraphModel* trained, const std::function<void(int, double)>& on_epoch) {
  GATKIT_REQUIRE(!molecules.empty() && targets.rows() == static_cast<Eigen::Index>(molecules.size()),
                 "graph training: one target row per molecule");
  GATKIT_REQUIRE(!split.train.empty() && !split.val.empty(), "graph training: empty training or validation set");
  GATKIT_REQUIRE(options.batch_size >= 1 && options.max_epochs >= 1 && options.patience >= 1,
                 "graph training: batch size, epochs and patience must be positive");
  GATKIT_REQUIRE(options.selection != Selection::accuracy || options.task != GraphTask::regression,
                 "graph training: selection on accuracy needs a classification task");
  GATKIT_REQUIRE(options.lr_decay > 0 && options.lr_decay <= 1 && options.lr_patience >= 1 && options.min_learning_rate > 0,
                 "graph training: learning-rate decay must be in (0, 1], its patience and floor positive");
  GATKIT_REQUIRE(options.ensemble >= 1 && options.ensemble <= kMaxEnsembleMembers,
                 "graph training: an ensemble has 1 to " + std::to_string(kMaxEnsembleMembers) + " members, not " +
                     std::to_string(options.ensemble));
  GATKIT_REQUIRE(!options.resume || options.resume->member < options.ensemble,
                 "resume: the state is of ensemble member " + std::to_string(options.resume ? options.resume->member + 1 : 0) +
                     ", this run has " + std::to_string(options.ensemble));
  const auto start = std::chrono::steady_clock::now();
  GraphModelConfig config = options.model;
  config.in_dim = molecules.front().atom_features.cols() + options.model.positional.columns();
  config.edge_dim = molecules.front().edge_features.cols();
  config.num_tasks = static_cast<int>(targets.cols());
  const bool multiclass = options.task == GraphTask::multiclass;
  if (multiclass) {
    GATKIT_REQUIRE(targets.cols() == 1, "graph training: multi-class training takes one target (got " +
                                            std::to_string(targets.cols()) + ")");
    double largest = -1;
    for (Eigen::Index i = 0; i < targets.rows(); ++i) {
      const double y = targets(i, 0);
      if (std::isnan(y)) continue;
      GATKIT_REQUIRE(y >= 0 && y == std::floor(y) && y < 1e6,
                     "graph training: multi-class label " + std::to_string(y) + " of item " + std::to_string(i) +
                         " is not a class index 0, 1, ...");
      largest = std::max(largest, y);
    }
    config.num_tasks = options.num_classes > 0 ? options.num_classes : static_cast<int>(largest) + 1;
    GATKIT_REQUIRE(config.num_tasks >= 2 && largest < config.num_tasks,
                   "graph training: multi-class needs at least 2 classes and labels below num_classes");
  }
  GraphGat<float> model(config);
  // A molecule too large for the range is refused before any training, by its index.
  for (std::size_t i = 0; i < molecules.size(); ++i)
    check_range_size(config.range, molecules[i].graph.num_nodes(), "graph training: molecule " + std::to_string(i));
  // Regression targets are standardised with the training rows' statistics (per task, ignoring missing
  // values); binary and class targets are used as they are.
  const bool regression = options.task == GraphTask::regression;
  Vector<double> mean = Vector<double>::Zero(targets.cols()), scale = Vector<double>::Ones(targets.cols());
  if (regression) {
    for (Eigen::Index t = 0; t < targets.cols(); ++t) {
      double sum = 0, sq = 0;
      std::int64_t count = 0;
      for (auto i : split.train)
        if (!std::isnan(targets(i, t))) {
          sum += targets(i, t);
          sq += targets(i, t) * targets(i, t);
          ++count;
        }
      GATKIT_REQUIRE(count > 0, "graph training: task " + std::to_string(t) + " has no training targets");
      mean(t) = sum / static_cast<double>(count);
      const double var = sq / static_cast<double>(count) - mean(t) * mean(t);
      scale(t) = var > 1e-24 ? std::sqrt(var) : 1.0;
    }
  }
  RowMatrix<double> scaled = targets;
  for (Eigen::Index t = 0; t < targets.cols(); ++t) scaled.col(t) = (targets.col(t).array() - mean(t)) / scale(t);
  std::vector<PreparedBatch> val = prepare_all(model, molecules, scaled, split.val, 512);
  std::vector<PreparedBatch> test = prepare_all(model, molecules, scaled, split.test, 512);

  GraphRunResult result;
  result.seed = seed;
  result.metric = metric_of(options.task);
  result.num_classes = multiclass ? config.num_tasks : 0;
  // Early stopping maximises (score, -loss) lexicographically: score = the metric (negated for RMSE), accuracy, or
  // -loss alone (then the tie-break is moot).
  const auto score_of = [&](const Evaluation& e) {
    switch (options.selection) {
      case Selection::metric: return regression ? -e.value : e.value;
      case Selection::loss: return -e.loss;
      case Selection::accuracy: return e.accuracy;
    }
    return e.value;
  };
  // An ensemble trains its members one after another, each from its own seed and with its own early
  // stopping; member 0 is the single model of `seed`. With refit, each member is then trained again on
  // the training and validation sets (refit_pass).
  std::vector<Vector<float>> kept;     // every member's best weights (early-stopped on validation)
  std::vector<Vector<float>> refitted;  // with refit, every member's refitted weights
  std::vector<double> rates;
  RowMatrix<float> d_out;
  int epochs_sum = 0, best_epoch_sum = 0;
  double seconds_before = 0;
  // A state resumes its own member; the members before it are finished and come from the state.
  const int first_member = options.resume ? options.resume->member : 0;
  if (const TrainingState* s = options.resume) {
    detail::check_resumable(*s, detail::kGraphModelKind, options.fingerprint, seed, model.parameters().size(),
                            options.max_epochs);
    GATKIT_REQUIRE(s->refit == options.refit, std::string("resume: the state is of a run ") +
                                                  (s->refit ? "with" : "without") + " refit, this run is not");
    const std::int64_t p = model.parameters().size();
    GATKIT_REQUIRE(s->member_parameters.size() == s->member * p &&
                       s->member_refit_parameters.size() == (s->refit ? s->member * p : 0),
                   "resume: the state's finished ensemble members do not have this model's weights");
    for (int m = 0; m < s->member; ++m) kept.push_back(s->member_parameters.segment(m * p, p));
    if (s->refit)
      for (int m = 0; m < s->member; ++m) refitted.push_back(s->member_refit_parameters.segment(m * p, p));
    epochs_sum = s->member_epochs;
    best_epoch_sum = s->member_best_epochs;
  }
  // The fields every state shares; the passes add their own.
  const auto base_state = [&](int member, int epoch, const Adam& adam, const Rng& rng, const std::vector<std::int64_t>& order) {
    TrainingState state;
    state.trainer = detail::kGraphModelKind;
    state.fingerprint = options.fingerprint;
    state.seed = seed;
    state.epoch = epoch;
    detail::capture_optimizer(state, model.parameters().values(), adam);
    state.shuffle_state = rng.state();
    state.order = order;
    state.timings = rates;
    state.seconds = seconds_before + std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.member = member;
    state.member_parameters = concatenated(kept, model.parameters().size());
    state.member_epochs = epochs_sum;
    state.member_best_epochs = best_epoch_sum;
    state.refit = options.refit;
    if (options.refit) state.member_refit_parameters = concatenated(refitted, model.parameters().size());
    return state;
  };
  // One epoch of training on `order` (shuffled first): dropout and encoding signs drawn from
  // (stream_seed, epoch, step).
  const auto train_epoch = [&](std::vector<std::int64_t>& order, Rng& rng, Adam& adam, std::uint64_t stream_seed, int epoch) {
    for (std::size_t k = order.size(); k > 1; --k) std::swap(order[k - 1], order[rng.below(k)]);  // Fisher-Yates
    std::uint64_t step = 0;
    for (std::size_t first = 0; first < order.size(); first += static_cast<std::size_t>(options.batch_size)) {
      const std::size_t last = std::min(order.size(), first + static_cast<std::size_t>(options.batch_size));
      const std::uint64_t step_seed = derive_seed(stream_seed, (static_cast<std::uint64_t>(epoch) << 32) + ++step);
      const std::uint64_t flip_seed = derive_seed(step_seed, 0xf11b);
      PreparedBatch b = prepare(model, molecules, scaled, {order.begin() + static_cast<std::ptrdiff_t>(first), order.begin() + static_cast<std::ptrdiff_t>(last)}, &flip_seed);
      model.parameters().zero_grads();
      const RowMatrix<float>& logits = model.forward(b.input, b.x, b.offsets, true, step_seed);
      const double loss = regression ? masked_mse(logits, b.targets, &d_out)
                          : multiclass ? masked_softmax_cross_entropy(logits, b.targets, &d_out)
                                       : masked_bce_with_logits(logits, b.targets, &d_out);
      model.backward(b.input, b.x, b.offsets, d_out);
      detail::check_finite_step(loss, model.parameters(), epoch, static_cast<std::int64_t>(step));
      adam.step(model.parameters());
    }
  };
  // The refit of a member: from the member's initial weights, `epochs` epochs on training + validation
  // molecules with the early-stopped pass's learning rates; shuffling and dropout from a stream of
  // their own. `resume`: a state of this pass.
  std::vector<std::int64_t> train_and_val = split.train;
  train_and_val.insert(train_and_val.end(), split.val.begin(), split.val.end());
  std::sort(train_and_val.begin(), train_and_val.end());
  const auto refit_pass = [&](int member, std::uint64_t member_seed, const Vector<float>& selected, int epochs,
                              const std::vector<double>& learning_rates, const TrainingState* resume) {
    GATKIT_REQUIRE(learning_rates.size() > static_cast<std::size_t>(epochs),
                   "graph training: the refit needs a learning rate per epoch of the first pass and its final one");
    model.initialize(member_seed);
    Adam adam(options.optimizer, model.parameters().size());
    const std::uint64_t stream_seed = derive_seed(member_seed, 0x4ef1);
    Rng rng(derive_seed(stream_seed, 0xba7c));
    std::vector<std::int64_t> order = train_and_val;
    int epoch = 1;
    if (resume) {
      check_state_order(resume->order, train_and_val, "refit set (training + validation)");
      detail::restore_optimizer(*resume, model.parameters().values(), adam);
      rng = Rng(resume->shuffle_state);
      order = resume->order;
      epoch = resume->epoch + 1;
    }
    for (; epoch <= epochs; ++epoch) {
      adam.set_learning_rate(learning_rates[static_cast<std::size_t>(epoch - 1)]);
      train_epoch(order, rng, adam, stream_seed, epoch);
      if (epoch < epochs && detail::state_due(options, epoch)) {
        TrainingState state = base_state(member, epoch, adam, rng, order);
        state.refitting = true;
        state.best_parameters = selected;
        state.best_epoch = epochs;
        state.learning_rates = learning_rates;
        options.save_state(state);
      }
    }
    return model.parameters().values();
  };
  for (int member = first_member; member < options.ensemble; ++member) {
    const std::uint64_t member_seed = ensemble_member_seed(seed, member);
    const TrainingState* resume = member == first_member ? options.resume : nullptr;
    if (resume && resume->refitting) {  // the early-stopped pass is done and counted in the state
      rates = resume->timings;
      seconds_before = resume->seconds;
      result.final_learning_rate = resume->learning_rates.back();
      refitted.push_back(refit_pass(member, member_seed, resume->best_parameters, resume->best_epoch,
                                    resume->learning_rates, resume));
      kept.push_back(resume->best_parameters);
      continue;
    }
    model.initialize(member_seed);
    Adam adam(options.optimizer, model.parameters().size());
    Rng rng(derive_seed(member_seed, 0xba7c));
    std::vector<std::int64_t> order = split.train;
    double best = -std::numeric_limits<double>::infinity(), best_loss = std::numeric_limits<double>::infinity();
    Vector<float> best_values = model.parameters().values();
    int waited = 0, waited_for_rate = 0, epoch = 0, best_epoch = 0;
    std::vector<double> learning_rates;  // per epoch, for a refit
    if (const TrainingState* s = resume) {
      check_state_order(s->order, order, "training set");
      detail::restore_optimizer(*s, model.parameters().values(), adam);
      best_values = s->best_parameters;
      best_epoch = s->best_epoch;
      waited = s->waited;
      waited_for_rate = s->waited_for_rate;
      best = s->best_score;
      best_loss = s->best_loss;
      rng = Rng(s->shuffle_state);
      order = s->order;
      rates = s->timings;
      seconds_before = s->seconds;
      learning_rates = s->learning_rates;
    }
    for (epoch = resume ? resume->epoch + 1 : 1; epoch <= options.max_epochs; ++epoch) {
      if (options.refit) learning_rates.push_back(adam.learning_rate());
      const auto t0 = std::chrono::steady_clock::now();
      train_epoch(order, rng, adam, member_seed, epoch);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      rates.push_back(static_cast<double>(order.size()) / std::max(seconds, 1e-9));
      const Evaluation v = evaluate(model, val, options.task, mean, scale);
      if (on_epoch) on_epoch(epoch, v.value);
      // Better: a higher score, or the same with a lower loss (small validation sets give many ties in
      // ROC-AUC and accuracy; the loss then prefers the better calibrated model).
      const double score = score_of(v);
      if (score > best || (score == best && v.loss < best_loss)) {
        best = score;
        best_loss = v.loss;
        best_values = model.parameters().values();
        best_epoch = epoch;
        waited = waited_for_rate = 0;
      } else {
        if (++waited >= options.patience) break;
        if (options.lr_decay < 1 && ++waited_for_rate >= options.lr_patience) {
          adam.set_learning_rate(std::max(options.min_learning_rate, adam.learning_rate() * options.lr_decay));
          waited_for_rate = 0;
        }
      }
      if (detail::state_due(options, epoch)) {
        TrainingState state = base_state(member, epoch, adam, rng, order);
        state.best_parameters = best_values;
        state.best_epoch = best_epoch;
        state.waited = waited;
        state.waited_for_rate = waited_for_rate;
        state.best_score = best;
        state.best_loss = best_loss;
        state.learning_rates = learning_rates;
        options.save_state(state);
      }
    }
    epochs_sum += std::min(epoch, options.max_epochs);
    best_epoch_sum += best_epoch;
    result.final_learning_rate = adam.learning_rate();
    if (options.refit) {  // (its states hold the finished members before this one, as the first pass's)
      learning_rates.push_back(adam.learning_rate());  // the pass's final rate ends the refit's record
      refitted.push_back(refit_pass(member, member_seed, best_values, best_epoch, learning_rates, nullptr));
    }
    kept.push_back(best_values);
  }
  if (trained) {
    trained->config = config;
    trained->task = options.task;
    trained->members = options.ensemble;
    trained->parameters = concatenated(options.refit ? refitted : kept, kept.front().size());
    trained->target_mean = regression ? mean : Vector<double>();
    trained->target_std = regression ? scale : Vector<double>();
  }
  // An ensemble reports its members' mean epoch counts (rounded down).
  result.epochs = epochs_sum / options.ensemble;
  result.best_epoch = best_epoch_sum / options.ensemble;
  // (One member: its own scores, divided by 1, which is exact.)
  const Evaluation v = evaluate_ensemble(model, kept, val, options.task, mean, scale);
  const Evaluation t = evaluate_ensemble(model, options.refit ? refitted : kept, test, options.task, mean, scale);
  result.val_metric = v.value;
  result.val_accuracy = v.accuracy;
  result.test_metric = t.value;
  result.test_accuracy = t.accuracy;
  result.test_roc_auc = t.roc_auc;
  result.test_pr_auc = t.pr_auc;
  result.test_mae = t.mae;
  result.test_per_task = t.per_task;
  std::nth_element(rates.begin(), rates.begin() + static_cast<std::ptrdiff_t>(rates.size() / 2), rates.end());
  result.train_graphs_per_second = rates[rates.size() / 2];
  result.seconds = seconds_before + std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace gatkit
