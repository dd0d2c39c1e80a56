#include "gatkit/train/node_classification.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "gatkit/nn/class_weights.hpp"
#include "gatkit/nn/functional.hpp"
#include "gatkit/nn/mlp.hpp"
#include "gatkit/nn/random.hpp"
#include "gatkit/train/metrics.hpp"
#include "gatkit/util/error.hpp"
#include "checkpoint_file.hpp"
#include "finite_check.hpp"

namespace gatkit {
namespace {

using Clock = std::chrono::steady_clock;

double milliseconds(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  double m = v[mid];
  if (v.size() % 2 == 0) m = (m + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid))) / 2;
  return m;
}

FeatureMatrix<float> prepared_features(const NodeDataset& data, bool normalize) {
  FeatureMatrix<float> x = data.features;
  if (normalize) normalize_rows_l1(x);
  return x;
}

ModelConfig model_config_for(const NodeDataset& data, const ModelConfig& requested) {
  ModelConfig c = requested;
  c.in_dim = data.features.cols() + requested.positional.columns();
  c.num_classes = data.num_classes;
  return c;
}

/// Macro-F1 and (two classes) ROC-AUC of the class-1 probability over `nodes`, whose labels are
/// labels[node] (classes of the model's outputs).
void score(const RowMatrix<float>& logits, const std::vector<std::int32_t>& node_labels, std::span<const NodeId> nodes,
           double& f1, double& auc) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  f1 = nan;
  auc = nan;
  if (nodes.empty()) return;
  std::vector<std::int64_t> predicted, labels;
  std::vector<double> scores, binary;
  for (NodeId i : nodes) {
    Eigen::Index best;
    logits.row(i).maxCoeff(&best);
    predicted.push_back(best);
    labels.push_back(node_labels[static_cast<std::size_t>(i)]);
    if (logits.cols() == 2) {  // P(class 1) = sigmoid(z1 - z0)
      scores.push_back(1.0 / (1.0 + std::exp(static_cast<double>(logits(i, 0)) - static_cast<double>(logits(i, 1)))));
      binary.push_back(labels.back() == 1 ? 1.0 : 0.0);
    }
  }
  f1 = train::macro_f1(predicted, labels);
  if (logits.cols() == 2) auc = train::roc_auc(scores, binary);
}

/// The model input: the prepared features with the positional encoding of the graph appended (the
/// encoding and its sign-flip groups also kept apart, for training's flips), and the attention graph.
/// `cached`: the encoding computed beforehand, used when it is the model's. Errors name the data set.
struct ModelInput {
  FeatureMatrix<float> x;
  RowMatrix<float> positional;
  std::vector<std::int32_t> groups;
  Graph graph;
};

template <class Model>
ModelInput model_input(const NodeDataset& data, const Model& model, bool normalize,
                       const PositionalValues* cached = nullptr) {
  ModelInput in;
  try {
    const PositionalEncoding& pe = model.config().positional;
    in.x = prepared_features(data, normalize);
    if (pe.enabled()) {
      if (cached && cached->encoding == pe && cached->values.rows() == data.graph.num_nodes()) {
        in.positional = cached->values;
        in.groups = cached->groups;
      } else {
        in.positional = positional_encoding<float>(data.graph, pe, &in.groups);
      }
      in.x = append_columns(in.x, in.positional);
    }
    in.graph = model.prepare_graph(data.graph);
  } catch (const InvalidArgument& e) {
    throw InvalidArgument(data.name + ": " + e.what());
  }
  return in;
}


/// The training loop, shared by GatModel and MlpModel (same optimizer, early stopping and head).
template <class Model>
RunResult train_model(const NodeDataset& data, const TrainOptions& options, std::uint64_t seed, TrainedModel* best,
                      const EpochCallback& on_epoch) {
  GATKIT_REQUIRE(!data.train.empty(), "training: the data set has no training nodes");
  GATKIT_REQUIRE(!data.val.empty(), "training: the data set has no validation nodes (needed for early stopping)");
  GATKIT_REQUIRE(data.features.rows() == data.graph.num_nodes(), "training: features and graph disagree on the node count");
  GATKIT_REQUIRE(options.max_epochs >= 1 && options.patience >= 1, "training: epochs and patience must be positive");
  const auto start = Clock::now();

  Model model(model_config_for(data, options.model));
  const std::vector<double> weights =
      options.balanced_class_weights ? balanced_class_weights(data.labels, data.train, data.num_classes) : std::vector<double>{};
  auto loss = [&](const RowMatrix<float>& logits, const std::vector<NodeId>& nodes, RowMatrix<float>* d) {
    return weights.empty() ? softmax_cross_entropy<float>(logits, data.labels, nodes, d)
                           : weighted_softmax_cross_entropy<float>(logits, data.labels, nodes, weights, d);
  };
  model.initialize(seed);
  Parameters<float>& params = model.parameters();
  const ModelInput input = model_input(data, model, options.normalize_features, options.positional_values.get());
  const FeatureMatrix<float>& x = input.x;
  const Graph& graph = input.graph;
  // Laplacian eigenvectors have no preferred sign: training sees them with random signs, drawn per
  // epoch, component and column (evaluation and prediction use the fixed signs).
  const bool flip = model.config().positional.kind == PositionalKind::laplacian;
  FeatureMatrix<float> x_flipped = flip ? x : FeatureMatrix<float>();
  RowMatrix<float> flipped;
  Adam adam(options.optimizer, params.size());

  // Early stopping of the GAT reference implementation: the patience counter resets whenever the
  // validation accuracy reaches its maximum or the validation loss its minimum; the weights are kept
  // from the last epoch where both did at once.
  double max_val_acc = 0.0, min_val_loss = std::numeric_limits<double>::infinity();
  Vector<float> best_values = params.values();
  int best_epoch = 0, waited = 0, epoch = 0;
  std::vector<double> step_ms;
  double seconds_before = 0;
  if (const TrainingState* s = options.resume) {
    detail::check_resumable(*s, detail::kNodeClassifierKind, options.fingerprint, seed, params.size(), options.max_epochs);
    detail::restore_optimizer(*s, params.values(), adam);
    best_values = s->best_parameters;
    best_epoch = s->best_epoch;
    waited = s->waited;
    max_val_acc = s->best_score;
    min_val_loss = s->best_loss;
    step_ms = s->timings;
    seconds_before = s->seconds;
  }
  const int first_epoch = options.resume ? options.resume->epoch + 1 : 1;
  RowMatrix<float> d_logits;
  for (epoch = first_epoch; epoch <= options.max_epochs; ++epoch) {
    EpochStats stats;
    stats.epoch = epoch;
    const auto t0 = Clock::now();
    params.zero_grads();
    if (flip) {
      flipped = input.positional;
      flip_signs(flipped, input.groups, derive_seed(seed, 0xf11b0000ull + epoch));
      set_appended_columns(x_flipped, flipped);
    }
    const FeatureMatrix<float>& x_train = flip ? x_flipped : x;
    const RowMatrix<float>& logits = model.forward(graph, x_train, /*training=*/true, derive_seed(seed, 0x5eed0000ull + epoch));
    stats.train_loss = loss(logits, data.train, &d_logits);
    stats.train_accuracy = accuracy(logits, data.labels, data.train);
    model.backward(graph, x_train, d_logits);
    detail::check_finite_step(stats.train_loss, params, epoch, 0);
    adam.step(params);
    stats.step_ms = milliseconds(t0, Clock::now());
    step_ms.push_back(stats.step_ms);

    const RowMatrix<float>& eval = model.forward(graph, x, /*training=*/false, 0);
    stats.val_loss = loss(eval, data.val, nullptr);
    stats.val_accuracy = accuracy(eval, data.labels, data.val);
    if (!std::isfinite(stats.val_loss))
      throw Error("training stopped at epoch " + std::to_string(epoch) + ": the validation loss is " +
                  (std::isnan(stats.val_loss) ? "NaN" : "infinite") + "; no model is saved (lower the learning rate)");

    if (stats.val_accuracy >= max_val_acc || stats.val_loss <= min_val_loss) {
      if (stats.val_accuracy >= max_val_acc && stats.val_loss <= min_val_loss) {
        best_values = params.values();
        best_epoch = epoch;
        stats.improved = true;
      }
      max_val_acc = std::max(max_val_acc, stats.val_accuracy);
      min_val_loss = std::min(min_val_loss, stats.val_loss);
      waited = 0;
    } else {
      ++waited;
    }
    if (on_epoch) on_epoch(stats);
    if (waited >= options.patience) break;
    if (detail::state_due(options, epoch)) {
      TrainingState state;
      state.trainer = detail::kNodeClassifierKind;
      state.fingerprint = options.fingerprint;
      state.seed = seed;
      state.epoch = epoch;
      detail::capture_optimizer(state, params.values(), adam);
      state.best_parameters = best_values;
      state.best_epoch = best_epoch;
      state.waited = waited;
      state.best_score = max_val_acc;
      state.best_loss = min_val_loss;
      state.timings = step_ms;
      state.seconds = seconds_before + std::chrono::duration<double>(Clock::now() - start).count();
      options.save_state(state);
    }
  }

  params.values() = best_values;
  const RowMatrix<float>& eval = model.forward(graph, x, /*training=*/false, 0);
  RunResult result;
  result.seed = seed;
  result.epochs = std::min(epoch, options.max_epochs);
  result.best_epoch = best_epoch;
  result.val_loss = loss(eval, data.val, nullptr);
  result.val_accuracy = accuracy(eval, data.labels, data.val);
  result.test_accuracy = data.test.empty() ? 0.0 : accuracy(eval, data.labels, data.test);
  score(eval, data.labels, data.val, result.val_macro_f1, result.val_roc_auc);
  score(eval, data.labels, data.test, result.test_macro_f1, result.test_roc_auc);
  result.train_step_ms_median = median(step_ms);
  result.seconds = seconds_before + std::chrono::duration<double>(Clock::now() - start).count();
  if (best) {
    best->config = model.config();
    best->normalize_features = options.normalize_features;
    best->class_names = data.class_names;
    best->parameters = best_values;
  }
  return result;
}

// The evaluation-mode forward pass of a trained model on `data`: the class probabilities, or with
// `embeddings` the input of the output layer; `logits` the output layer's scores before the softmax.
enum class Output { probabilities, embeddings, logits };

template <class Model>
MatrixF evaluate_with(const TrainedModel& trained, const NodeDataset& data, Output what) {
  Model model(trained.config);
  GATKIT_REQUIRE(model.parameters().size() == trained.parameters.size(), "predict: parameter count mismatch");
  GATKIT_REQUIRE(what != Output::embeddings || trained.config.layers >= 2,
                 "the model has one attention layer, so no hidden representation to embed (its input is the features)");
  model.parameters().values() = trained.parameters;
  const ModelInput input = model_input(data, model, trained.normalize_features);
  const RowMatrix<float>& logits = model.forward(input.graph, input.x, /*training=*/false, 0);
  switch (what) {
    case Output::embeddings: return model.penultimate();
    case Output::logits: return logits;
    case Output::probabilities: break;
  }
  return softmax_rows<float>(logits);
}

MatrixF evaluate_trained(const TrainedModel& trained, const NodeDataset& data, Output what) {
  if (trained.config.kind == NodeModelKind::mlp) return evaluate_with<MlpModel<float>>(trained, data, what);
  return evaluate_with<GatModel<float>>(trained, data, what);
}

}  // namespace

RunResult train_node_classifier(const NodeDataset& data, const TrainOptions& options, std::uint64_t seed,
                                TrainedModel* best, const EpochCallback& on_epoch) {
  if (options.model.kind == NodeModelKind::mlp) return train_model<MlpModel<float>>(data, options, seed, best, on_epoch);
  return train_model<GatModel<float>>(data, options, seed, best, on_epoch);
}

namespace {

// Refuses data whose feature width is not the model's, naming the structural features the model was
// trained with (the usual cause: predicting with other --structural-features).
void check_feature_width(const TrainedModel& trained, const NodeDataset& data, const char* what) {
  const std::int64_t expected = trained.config.in_dim - trained.config.positional.columns();
  if (data.features.cols() == expected) return;
  std::string message = std::string(what) + ": the model expects " + std::to_string(expected) +
                        " features per node, the data has " + std::to_string(data.features.cols());
  if (trained.structural_features) {
    std::string kinds;
    for (const auto& kind : *trained.structural_features) kinds += (kinds.empty() ? "" : ",") + kind;
    message += " (the model was trained with structural features '" + (kinds.empty() ? "none" : kinds) + "')";
  }
  throw InvalidArgument(message);
}

}  // namespace

MatrixF predict_probabilities(const TrainedModel& trained, const NodeDataset& data) {
  check_feature_width(trained, data, "predict");
  return evaluate_trained(trained, data, Output::probabilities);
}

MatrixF node_embeddings(const TrainedModel& trained, const NodeDataset& data) {
  check_feature_width(trained, data, "embed");
  return evaluate_trained(trained, data, Output::embeddings);
}

NodeEvaluation evaluate_node_model(const TrainedModel& trained, const NodeDataset& data, std::span<const NodeId> nodes) {
  check_feature_width(trained, data, "evaluate");
  // The data's class c is the model's class model_class[c], matched by name.
  std::vector<std::int32_t> model_class(data.class_names.size(), -1);
  for (std::size_t c = 0; c < data.class_names.size(); ++c) {
    const auto found = std::find(trained.class_names.begin(), trained.class_names.end(), data.class_names[c]);
    if (found != trained.class_names.end()) model_class[c] = static_cast<std::int32_t>(found - trained.class_names.begin());
  }
  const auto num_nodes = static_cast<std::int64_t>(data.labels.size());
  std::vector<std::int32_t> labels(data.labels.size(), -1);
  std::vector<NodeId> labelled;
  NodeEvaluation e;
  for (const NodeId i : nodes) {
    GATKIT_REQUIRE(i >= 0 && i < num_nodes, "evaluate: node index " + std::to_string(i) + " is out of range (" +
                                                std::to_string(num_nodes) + " nodes)");
    const std::int32_t label = data.labels[static_cast<std::size_t>(i)];
    if (label < 0) {
      ++e.unlabelled;
      continue;
    }
    const std::int32_t mapped = model_class[static_cast<std::size_t>(label)];
    if (mapped < 0) {
      std::string known;
      for (const std::string& name : trained.class_names) known += (known.empty() ? "'" : ", '") + name + "'";
      throw InvalidArgument("evaluate: node '" + data.node_ids[static_cast<std::size_t>(i)] + "' has class '" +
                            data.class_names[static_cast<std::size_t>(label)] +
                            "', which the model does not know (its classes: " + known + ")");
    }
    labels[static_cast<std::size_t>(i)] = mapped;
    labelled.push_back(i);
  }
  e.labelled = static_cast<std::int64_t>(labelled.size());
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  e.accuracy = e.macro_f1 = e.roc_auc = nan;
  if (labelled.empty()) return e;
  const RowMatrix<float> logits = evaluate_trained(trained, data, Output::logits);
  e.accuracy = accuracy(logits, labels, labelled);
  score(logits, labels, labelled, e.macro_f1, e.roc_auc);
  return e;
}

explain::AttentionWeights node_attention(const TrainedModel& trained, const NodeDataset& data) {
  GATKIT_REQUIRE(trained.config.kind == NodeModelKind::gat,
                 "explain: the model is an MLP baseline (--model mlp), which has no attention weights");
  check_feature_width(trained, data, "explain");
  GatModel<float> model(trained.config);
  GATKIT_REQUIRE(model.parameters().size() == trained.parameters.size(), "explain: parameter count mismatch");
  model.parameters().values() = trained.parameters;
  ModelInput input = model_input(data, model, trained.normalize_features);
  model.forward(input.graph, input.x, /*training=*/false, 0);
  explain::AttentionWeights w;
  for (int l = 0; l < model.num_layers(); ++l)
    w.layers.push_back({trained.config.layer(l).heads, model.attention_weights(l)});
  w.graph = std::move(input.graph);
  w.check_complete();
  return w;
}

ExperimentSummary summarize(const std::vector<RunResult>& runs) {
  ExperimentSummary s;
  s.runs = runs;
  if (runs.empty()) return s;
  std::vector<double> steps;
  for (const auto& r : runs) {
    s.test_mean += r.test_accuracy / static_cast<double>(runs.size());
    s.val_mean += r.val_accuracy / static_cast<double>(runs.size());
    steps.push_back(r.train_step_ms_median);
  }
  double var = 0;
  for (const auto& r : runs) var += (r.test_accuracy - s.test_mean) * (r.test_accuracy - s.test_mean);
  s.test_std = std::sqrt(var / static_cast<double>(runs.size()));
  auto mean_std = [&](double RunResult::*field, double& mean, double& sd) {
    mean = 0;
    for (const auto& r : runs) mean += r.*field / static_cast<double>(runs.size());
    double v = 0;
    for (const auto& r : runs) v += (r.*field - mean) * (r.*field - mean);
    sd = std::sqrt(v / static_cast<double>(runs.size()));  // NaN propagates: undefined in any run, undefined here
  };
  mean_std(&RunResult::test_macro_f1, s.test_macro_f1_mean, s.test_macro_f1_std);
  mean_std(&RunResult::test_roc_auc, s.test_roc_auc_mean, s.test_roc_auc_std);
  s.train_step_ms_median = median(steps);
  return s;
}

}  // namespace gatkit
