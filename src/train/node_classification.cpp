#include "gatkit/train/node_classification.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "gatkit/nn/functional.hpp"
#include "gatkit/nn/random.hpp"
#include "gatkit/util/error.hpp"
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
  c.in_dim = data.features.cols();
  c.num_classes = data.num_classes;
  return c;
}

}  // namespace

RunResult train_node_classifier(const NodeDataset& data, const TrainOptions& options, std::uint64_t seed,
                                TrainedModel* best, const EpochCallback& on_epoch) {
  GATKIT_REQUIRE(!data.train.empty(), "training: the data set has no training nodes");
  GATKIT_REQUIRE(!data.val.empty(), "training: the data set has no validation nodes (needed for early stopping)");
  GATKIT_REQUIRE(data.features.rows() == data.graph.num_nodes(), "training: features and graph disagree on the node count");
  GATKIT_REQUIRE(options.max_epochs >= 1 && options.patience >= 1, "training: epochs and patience must be positive");
  const auto start = Clock::now();

  const FeatureMatrix<float> x = prepared_features(data, options.normalize_features);
  GatModel<float> model(model_config_for(data, options.model));
  model.initialize(seed);
  Parameters<float>& params = model.parameters();
  const Graph graph = model.prepare_graph(data.graph);
  Adam adam(options.optimizer, params.size());

  // Early stopping of the GAT reference implementation: the patience counter resets whenever the
  // validation accuracy reaches its maximum or the validation loss its minimum; the weights are kept
  // from the last epoch where both did at once.
  double max_val_acc = 0.0, min_val_loss = std::numeric_limits<double>::infinity();
  Vector<float> best_values = params.values();
  int best_epoch = 0, waited = 0, epoch = 0;
  std::vector<double> step_ms;
  RowMatrix<float> d_logits;
  for (epoch = 1; epoch <= options.max_epochs; ++epoch) {
    EpochStats stats;
    stats.epoch = epoch;
    const auto t0 = Clock::now();
    params.zero_grads();
    const RowMatrix<float>& logits = model.forward(graph, x, /*training=*/true, derive_seed(seed, 0x5eed0000ull + epoch));
    stats.train_loss = softmax_cross_entropy(logits, data.labels, data.train, &d_logits);
    stats.train_accuracy = accuracy(logits, data.labels, data.train);
    model.backward(graph, x, d_logits);
    detail::check_finite_step(stats.train_loss, params, epoch, 0);
    adam.step(params);
    stats.step_ms = milliseconds(t0, Clock::now());
    step_ms.push_back(stats.step_ms);

    const RowMatrix<float>& eval = model.forward(graph, x, /*training=*/false, 0);
    stats.val_loss = softmax_cross_entropy<float>(eval, data.labels, data.val, nullptr);
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
  }

  params.values() = best_values;
  const RowMatrix<float>& eval = model.forward(graph, x, /*training=*/false, 0);
  RunResult result;
  result.seed = seed;
  result.epochs = std::min(epoch, options.max_epochs);
  result.best_epoch = best_epoch;
  result.val_loss = softmax_cross_entropy<float>(eval, data.labels, data.val, nullptr);
  result.val_accuracy = accuracy(eval, data.labels, data.val);
  result.test_accuracy = data.test.empty() ? 0.0 : accuracy(eval, data.labels, data.test);
  result.train_step_ms_median = median(step_ms);
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (best) {
    best->config = model.config();
    best->normalize_features = options.normalize_features;
    best->class_names = data.class_names;
    best->parameters = best_values;
  }
  return result;
}

MatrixF predict_probabilities(const TrainedModel& trained, const NodeDataset& data) {
  GATKIT_REQUIRE(data.features.cols() == trained.config.in_dim,
                 "predict: the model expects " + std::to_string(trained.config.in_dim) +
                     " features per node, the data has " + std::to_string(data.features.cols()));
  GatModel<float> model(trained.config);
  GATKIT_REQUIRE(model.parameters().size() == trained.parameters.size(), "predict: parameter count mismatch");
  model.parameters().values() = trained.parameters;
  const FeatureMatrix<float> x = prepared_features(data, trained.normalize_features);
  const Graph graph = model.prepare_graph(data.graph);
  return softmax_rows<float>(model.forward(graph, x, /*training=*/false, 0));
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
  s.train_step_ms_median = median(steps);
  return s;
}

}  // namespace gatkit
