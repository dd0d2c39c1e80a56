#include "gatkit/train/graph_classification.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "gatkit/nn/losses.hpp"
#include "gatkit/train/graph_predictor.hpp"
#include "gatkit/util/parallel.hpp"
#include "gatkit/train/metrics.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit {
namespace {

struct PreparedBatch {
  std::vector<std::int64_t> items;  // molecule indices
  GraphGat<float>::Input input;
  FeatureMatrix<float> x;
  std::vector<std::int64_t> offsets;
  RowMatrix<float> targets;
};

PreparedBatch prepare(const GraphGat<float>& model, const std::vector<chem::MoleculeGraph>& molecules,
                      const RowMatrix<double>& targets, std::vector<std::int64_t> items) {
  PreparedBatch b;
  std::vector<const chem::MoleculeGraph*> graphs;
  for (auto m : items) graphs.push_back(&molecules[static_cast<std::size_t>(m)]);
  chem::MoleculeBatch batch = chem::batch_molecules(graphs);
  b.input = model.prepare(batch.batch.graph, &batch.edge_features);
  b.x = FeatureMatrix<float>(std::move(batch.atom_features));
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

// The validation/test metric of the model on prepared evaluation batches: mean ROC-AUC of the
// probabilities (binary) or mean RMSE in the original units (regression; predictions are un-standardised
// with `mean` and `scale`).
double evaluate(GraphGat<float>& model, std::vector<PreparedBatch>& batches, std::int64_t tasks, GraphTask task,
                const Vector<double>& mean, const Vector<double>& scale, double* accuracy = nullptr) {
  std::vector<double> scores, labels;
  for (auto& b : batches) {
    const RowMatrix<float>& out = model.forward(b.input, b.x, b.offsets, false, 0);
    for (Eigen::Index i = 0; i < out.rows(); ++i)
      for (Eigen::Index t = 0; t < out.cols(); ++t) {
        const double z = static_cast<double>(out(i, t));
        scores.push_back(task == GraphTask::binary ? 1.0 / (1.0 + std::exp(-z)) : z * scale(t) + mean(t));
        labels.push_back(task == GraphTask::binary ? static_cast<double>(b.targets(i, t))
                                                   : static_cast<double>(b.targets(i, t)) * scale(t) + mean(t));
      }
  }
  const auto n = static_cast<std::int64_t>(scores.size()) / tasks;
  if (accuracy && task == GraphTask::binary) *accuracy = train::binary_accuracy(scores, labels);
  return task == GraphTask::binary ? train::mean_roc_auc(scores, labels, n, tasks).mean
                                   : train::mean_rmse(scores, labels, n, tasks).mean;
}

}  // namespace

GraphRunResult train_graph_classifier(const std::vector<chem::MoleculeGraph>& molecules, const RowMatrix<double>& targets,
                                      const train::Split& split, const GraphTrainOptions& options, std::uint64_t seed,
                                      TrainedGraphModel* trained, const std::function<void(int, double)>& on_epoch) {
  GATKIT_REQUIRE(!molecules.empty() && targets.rows() == static_cast<Eigen::Index>(molecules.size()),
                 "graph training: one target row per molecule");
  GATKIT_REQUIRE(!split.train.empty() && !split.val.empty(), "graph training: empty training or validation set");
  GATKIT_REQUIRE(options.batch_size >= 1 && options.max_epochs >= 1 && options.patience >= 1,
                 "graph training: batch size, epochs and patience must be positive");
  const auto start = std::chrono::steady_clock::now();
  GraphModelConfig config = options.model;
  config.in_dim = molecules.front().atom_features.cols();
  config.edge_dim = molecules.front().edge_features.cols();
  config.num_tasks = static_cast<int>(targets.cols());
  GraphGat<float> model(config);
  model.initialize(seed);
  Adam adam(options.optimizer, model.parameters().size());
  // Regression targets are standardised with the training rows' statistics (per task, ignoring missing
  // values); binary targets are used as they are.
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

  Rng rng(derive_seed(seed, 0xba7c));
  std::vector<std::int64_t> order = split.train;
  GraphRunResult result;
  result.seed = seed;
  result.metric = regression ? "rmse" : "roc_auc";
  const double sign = regression ? -1.0 : 1.0;  // early stopping maximises sign * metric
  double best = -std::numeric_limits<double>::infinity();
  Vector<float> best_values = model.parameters().values();
  std::vector<double> rates;
  RowMatrix<float> d_out;
  int waited = 0, epoch = 0;
  for (epoch = 1; epoch <= options.max_epochs; ++epoch) {
    for (std::size_t k = order.size(); k > 1; --k) std::swap(order[k - 1], order[rng.below(k)]);  // Fisher-Yates
    const auto t0 = std::chrono::steady_clock::now();
    std::uint64_t step = 0;
    for (std::size_t first = 0; first < order.size(); first += static_cast<std::size_t>(options.batch_size)) {
      const std::size_t last = std::min(order.size(), first + static_cast<std::size_t>(options.batch_size));
      PreparedBatch b = prepare(model, molecules, scaled, {order.begin() + static_cast<std::ptrdiff_t>(first), order.begin() + static_cast<std::ptrdiff_t>(last)});
      model.parameters().zero_grads();
      const RowMatrix<float>& logits = model.forward(b.input, b.x, b.offsets, true, derive_seed(seed, (static_cast<std::uint64_t>(epoch) << 32) + ++step));
      if (regression) masked_mse(logits, b.targets, &d_out);
      else masked_bce_with_logits(logits, b.targets, &d_out);
      model.backward(b.input, b.x, b.offsets, d_out);
      adam.step(model.parameters());
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rates.push_back(static_cast<double>(order.size()) / std::max(seconds, 1e-9));
    const double metric = evaluate(model, val, config.num_tasks, options.task, mean, scale);
    if (on_epoch) on_epoch(epoch, metric);
    if (sign * metric > best) {
      best = sign * metric;
      best_values = model.parameters().values();
      result.best_epoch = epoch;
      waited = 0;
    } else if (++waited >= options.patience) {
      break;
    }
  }
  model.parameters().values() = best_values;
  if (trained) {
    trained->config = config;
    trained->task = options.task;
    trained->parameters = best_values;
    trained->target_mean = regression ? mean : Vector<double>();
    trained->target_std = regression ? scale : Vector<double>();
  }
  result.epochs = std::min(epoch, options.max_epochs);
  result.val_metric = evaluate(model, val, config.num_tasks, options.task, mean, scale);
  result.test_accuracy = std::numeric_limits<double>::quiet_NaN();
  result.test_metric = test.empty() ? std::numeric_limits<double>::quiet_NaN()
                                    : evaluate(model, test, config.num_tasks, options.task, mean, scale, &result.test_accuracy);
  std::nth_element(rates.begin(), rates.begin() + static_cast<std::ptrdiff_t>(rates.size() / 2), rates.end());
  result.train_graphs_per_second = rates[rates.size() / 2];
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace gatkit
