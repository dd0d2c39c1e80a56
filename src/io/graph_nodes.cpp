// Node classification on a generic graph entry; see graph_nodes.hpp.
#include "gatkit/io/graph_nodes.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "gatkit/util/error.hpp"

namespace gatkit::io {

NodeDataset node_dataset_from_graph(const GraphRecord& record, const std::string& name, const NodeDatasetOptions& options) {
  const std::int64_t n = record.num_nodes;
  GATKIT_REQUIRE(n >= 1, "a graph needs at least one node for node classification");
  GATKIT_REQUIRE(!record.node_labels.empty(),
                 "the graph has no node_labels; node classification needs them (graph-level labels train with --target)");
  GATKIT_REQUIRE(static_cast<std::int64_t>(record.node_labels.size()) == n,
                 "node_labels: " + std::to_string(record.node_labels.size()) + " values for " + std::to_string(n) + " nodes");
  NodeDataset data;
  data.name = name;
  data.layout = "json";
  data.labels.assign(static_cast<std::size_t>(n), -1);
  std::int32_t largest = -1;
  for (std::int64_t i = 0; i < n; ++i) {
    const std::optional<double>& label = record.node_labels[static_cast<std::size_t>(i)];
    if (!label) continue;
    // Class indices only: a model's output has one column per class up to the largest.
    GATKIT_REQUIRE(*label >= 0 && *label < 100000 && std::floor(*label) == *label,
                   "node_labels[" + std::to_string(i) + "]: expected a class index 0, 1, 2, ... (below 100000) or null, found " +
                       std::to_string(*label));
    data.labels[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(*label);
    largest = std::max(largest, data.labels[static_cast<std::size_t>(i)]);
  }
  GATKIT_REQUIRE(largest >= 0, "node_labels: every node is unlabelled (null)");
  data.num_classes = largest + 1;
  for (std::int32_t c = 0; c < data.num_classes; ++c) data.class_names.push_back(std::to_string(c));
  for (std::int64_t i = 0; i < n; ++i) data.node_ids.push_back(std::to_string(i));
  data.graph = build_graph(n, record.edges, {},
                           {.symmetrize = options.symmetrize, .deduplicate = true, .self_loops = SelfLoops::remove});
  if (record.node_features.empty()) {
    data.features = FeatureMatrix<float>(MatrixF(n, 0));
  } else {
    const auto width = static_cast<Eigen::Index>(record.node_features.front().size());
    MatrixF x(n, width);
    for (std::int64_t i = 0; i < n; ++i) {
      const auto& row = record.node_features[static_cast<std::size_t>(i)];
      GATKIT_REQUIRE(static_cast<Eigen::Index>(row.size()) == width, "node_features: ragged rows");
      for (Eigen::Index c = 0; c < width; ++c) x(i, c) = row[static_cast<std::size_t>(c)];
    }
    data.features = FeatureMatrix<float>(std::move(x));
  }
  make_planetoid_split(data, options.split_seed);
  return data;
}

std::optional<GraphRecord> node_graph_of(const std::filesystem::path& file) {
  if (file.extension() != ".json") return std::nullopt;
  try {
    GraphFile all = read_graph_json(file);
    if (all.order.size() != 1 || all.graphs.size() != 1 || all.graphs.front().node_labels.empty()) return std::nullopt;
    return std::move(all.graphs.front());
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace gatkit::io
