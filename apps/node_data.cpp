#include "node_data.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <numeric>
#include <optional>

#include "gatkit/io/graph_nodes.hpp"
#include "gatkit/io/manifest.hpp"
#include "gatkit/io/node_split.hpp"
#include "gatkit/io/readers.hpp"
#include "gatkit/io/structural_features.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit::cli {

void refuse_node_data_options(const Args& args) {
  for (const std::string& option : node_data_options)
    GATKIT_REQUIRE(option == "data" || !args.has(option), "--" + option + " applies to node data, not to molecule files");
  GATKIT_REQUIRE(!args.has("nodes"), "--nodes applies to node data, not to molecule files");
}

std::vector<NodeId> selected_nodes(const Args& args, const NodeDataset& data, const std::string& absent) {
  std::vector<NodeId> nodes;
  const auto num_nodes = static_cast<NodeId>(data.node_ids.size());
  if (!args.has("nodes") && absent.empty()) {
    nodes.resize(static_cast<std::size_t>(num_nodes));
    std::iota(nodes.begin(), nodes.end(), NodeId{0});
    return nodes;
  }
  const std::string spec = args.str("nodes", absent);
  GATKIT_REQUIRE(!spec.empty(), "--nodes needs train, val, test, unlabelled or a file of node ids");
  if (spec == "train" || spec == "val" || spec == "test") {
    nodes = spec == "train" ? data.train : spec == "val" ? data.val : data.test;
    std::sort(nodes.begin(), nodes.end());
  } else if (spec == "unlabelled") {
    for (NodeId i = 0; i < num_nodes; ++i)
      if (data.labels[static_cast<std::size_t>(i)] < 0) nodes.push_back(i);
  } else {
    if (!std::filesystem::exists(spec))
      throw InvalidArgument("--nodes '" + spec +
                            "': expected train, val, test, unlabelled or a file of node ids, and there is no such file");
    nodes = io::read_node_id_list(spec, data.node_ids);
  }
  return nodes;
}

NodeDataset load_node_data(const Args& args, bool quiet, const TrainedModel* model) {
  const std::string path = args.required("data");
  const auto split_seed = args.integer("split-seed", 0);
  GATKIT_REQUIRE(split_seed >= 0, "--split-seed must be >= 0");
  std::optional<SplitFractions> fractions;
  if (args.has("split")) {
    const std::string split = args.str("split");
    if (!is_split_fractions(split))
      throw InvalidArgument("--split for node data takes fractions TRAIN,VAL,TEST such as 0.6,0.2,0.2, got '" + split +
                            "' (random, scaffold and kfold:K are the molecule splits)");
    fractions = parse_split_fractions(split);
  }
  std::optional<std::vector<std::string>> structural;
  if (model) structural = model->structural_features;
  if (args.has("structural-features")) structural = parse_structural_features(args.str("structural-features"));

  // A gatkit-graphs JSON file of one generic graph entry with node_labels (io/graph_nodes.hpp).
  if (const std::optional<io::GraphRecord>& record = node_graph_file(path)) {
    if (args.has("label-column"))
      throw InvalidArgument("--label-column applies to a node data manifest; " + path + " is a graph entry with node_labels");
    NodeDatasetOptions options;
    options.split_seed = static_cast<std::uint64_t>(split_seed);
    NodeDataset data;
    try {
      data = io::node_dataset_from_graph(*record, std::filesystem::path(path).stem().string(), options);
    } catch (const InvalidArgument& e) {
      throw Error(path + ": graphs[0]: " + e.what());
    }
    if (data.features.cols() == 0 && (!structural || structural->empty()))
      throw InvalidArgument(path + ": the graph has no node_features; add --structural-features degree|identity");
    if (structural) add_structural_features(data, *structural);
    if (fractions) make_stratified_split(data, *fractions, static_cast<std::uint64_t>(split_seed));
    return data;
  }
  if (is_node_manifest(path)) {
    NodeManifestOverrides overrides;
    if (model) overrides.label_column = model->label_column;
    if (args.has("label-column")) overrides.label_column = args.str("label-column");
    overrides.structural_features = structural;
    overrides.split_fractions = fractions;
    overrides.split_seed = static_cast<std::uint64_t>(split_seed);
    LoadedNodeData loaded = load_node_manifest(path, overrides);
    if (!quiet)
      for (const std::string& line : loaded.report.lines()) std::cerr << "note: " << line << "\n";
    return std::move(loaded.data);
  }
  if (args.has("label-column"))
    throw InvalidArgument("--label-column applies to a node data manifest (a .json file naming a label table); " + path +
                          " is not one");
  NodeDatasetOptions options;
  options.split_seed = static_cast<std::uint64_t>(split_seed);
  NodeDataset data = load_node_dataset(path, options);
  if (structural) add_structural_features(data, *structural);
  if (fractions) make_stratified_split(data, *fractions, static_cast<std::uint64_t>(split_seed));
  return data;
}

void keep_node_data_options(const Args& args, TrainedModel& model) {
  if (args.has("structural-features")) model.structural_features = parse_structural_features(args.str("structural-features"));
  if (args.has("label-column")) model.label_column = args.str("label-column");
}

bool is_node_manifest_arg(const std::vector<std::string>& args) {
  const std::string value = raw_option(args, "data");
  return !value.empty() && is_node_manifest(value);
}

const std::optional<io::GraphRecord>& node_graph_file(const std::string& path) {
  static std::string read_path;
  static std::optional<io::GraphRecord> record;
  static bool read = false;
  if (!read || read_path != path) {
    record = io::node_graph_of(path);
    read_path = path;
    read = true;
  }
  return record;
}

}  // namespace gatkit::cli
