#pragma once
// A node-classification data set on one graph, and the loader that recognises folder layouts.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "gatkit/graph/graph.hpp"
#include "gatkit/tensor.hpp"
#include "gatkit/util/limits.hpp"

namespace gatkit {

struct NodeDataset {
  std::string name;                      ///< folder name, e.g. "cora"
  std::string layout;                    ///< "planetoid", "linqs" or "npy"
  Graph graph;                           ///< as read (symmetrised by default), self-loops removed
  FeatureMatrix<float> features;         ///< num_nodes x num_features, sparse for bag-of-words input
  std::vector<std::int32_t> labels;      ///< class per node, -1 = unlabelled
  std::int32_t num_classes = 0;
  std::vector<std::string> class_names;  ///< num_classes names ("0", "1", ... when the data has none)
  std::vector<std::string> node_ids;     ///< the id of each node in the input files
  std::vector<NodeId> train, val, test;  ///< node indices
};

struct NodeDatasetOptions {
  bool symmetrize = true;          ///< treat the edges as undirected (the Planetoid/GAT convention)
  std::uint64_t split_seed = 0;    ///< for layouts without split files (see load_node_dataset)
  Limits limits = default_limits();  ///< passed to every reader
};

/// Loads a node-classification data set from a folder, recognising:
///  - "planetoid": features.svmlight (0-based indices) + edges.txt + train.txt/val.txt/test.txt
///    (labels from labels.txt when present, else from the svmlight labels);
///  - "linqs": one *.content and one *.cites file;
///  - "npy": edges.txt + features.npy + labels.npy (the layout of shared/bench/gen_graph.py node graphs).
/// Layouts without split files get the Planetoid protocol drawn with split_seed: 20 labelled nodes per
/// class for training, then 500 for validation and 1000 for testing (fewer when the graph is small).
/// Throws gatkit::Error naming the folder and what is missing when no layout matches.
NodeDataset load_node_dataset(const std::filesystem::path& folder, const NodeDatasetOptions& options = {});

/// The Planetoid-style split used by load_node_dataset for layouts without split files.
void make_planetoid_split(NodeDataset& data, std::uint64_t seed, std::int64_t per_class = 20,
                          std::int64_t val = 500, std::int64_t test = 1000);

}  // namespace gatkit
