#pragma once
// The TU Dortmund graph collection's text format (TUDataset: MUTAG, PROTEINS, NCI1, ...), read into the
// generic graph records of the JSON format (io::GraphRecord), which the graph-level models train on.
//
// A data set DS is a set of comma-separated text files in one folder (1-based node and graph ids):
//   DS_A.txt                  m lines "row, col": an edge from node row to node col (required)
//   DS_graph_indicator.txt    n lines: the graph id of node i (required); ids are 1, 2, 3, ... in node
//                             order, so that each graph's nodes are one run of lines
//   DS_graph_labels.txt       N lines: a class label per graph (integers)
//   DS_graph_attributes.txt   N lines: one or more regression values per graph
//   DS_node_labels.txt        n lines: a categorical label per node (an integer >= 0)
//   DS_node_attributes.txt    n lines: a feature vector per node
//   DS_edge_labels.txt        m lines: a categorical label per edge (an integer >= 0)
//   DS_edge_attributes.txt    m lines: a feature vector per edge
// What a record holds (docs/formats.md):
//  - node features: the node's attributes, then a one-hot encoding of its label over 0..L-1, where L is
//    the largest label of the file + 1 (or more, TuOptions); an edge's features likewise;
//  - edges as listed: row is the source (the node attended to), col the destination, so an undirected
//    graph lists both directions, as the TU files do; an edge listed twice with the same label and
//    attributes is kept once, with different ones it is an error;
//  - per-graph labels: "class" (the index of the graph's label among the file's distinct labels in
//    ascending order: MUTAG's -1 / 1 become 0 / 1), "label" (the label as written), and "attribute"
//    ("attribute_1", "attribute_2", ... with several columns);
//  - id "DS_<graph id>".
// Every error is a gatkit::ParseError naming the file and the line; sizes are checked against Limits
// before anything is allocated for them.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gatkit/chem/json_format.hpp"
#include "gatkit/util/limits.hpp"

namespace gatkit::io {

/// The files of one TU data set.
struct TuFiles {
  std::filesystem::path folder;
  std::string name;  ///< DS
  std::filesystem::path file(const std::string& suffix) const { return folder / (name + "_" + suffix + ".txt"); }
};

/// The TU data set `path` names: a folder holding one DS_graph_indicator.txt, or the prefix
/// FOLDER/DS of one. nullopt when it names neither; throws InvalidArgument for a folder that holds
/// several data sets (name one as FOLDER/DS).
std::optional<TuFiles> find_tu_dataset(const std::filesystem::path& path);

struct TuOptions {
  /// The one-hot columns of node (edge) labels are widened, if need be, so that a node (edge) row has at
  /// least this many columns: a model trained on a file with more label values can read this one.
  std::int64_t min_node_width = 0;
  std::int64_t min_edge_width = 0;
  /// max_nodes and max_edges (of one graph), max_feature_dim (attributes and one-hot columns),
  /// max_line_length.
  Limits limits = default_limits();
};

struct TuDataset {
  std::string name;
  std::vector<GraphRecord> graphs;  ///< graph id k is graphs[k - 1]
  std::int64_t node_attributes = 0, node_label_width = 0;  ///< node row = attributes, then one-hot
  std::int64_t edge_attributes = 0, edge_label_width = 0;
  std::vector<std::int64_t> class_values;  ///< distinct graph labels, ascending ("class" k is class_values[k])
  std::int64_t graph_attributes = 0;       ///< columns of DS_graph_attributes.txt
  std::int64_t duplicate_edges = 0;        ///< edges listed again (same label and attributes), read once
                                           ///< (graphs passed over not counted)
};

/// Reads a TU data set (see above). Throws ParseError (file, line, reason) for any problem of its files.
/// With `skipped`, a problem that belongs to one graph (a bad value on a node, edge or graph line; an
/// edge joining two graphs; a graph over max_edges; an edge listed again with another label) passes that
/// graph over instead: it is appended there (record = graph id, error = the first problem found), keeps
/// its place in `graphs` as a record with only its id, and its label takes no part in class_values.
/// Problems of a file as a whole (line counts, blank lines, the graph indicator, an edge line whose
/// node ids cannot be read, a bad first line of an attribute file, which sets the width) still throw.
TuDataset read_tu_dataset(const TuFiles& files, const TuOptions& options = {},
                          std::vector<SkippedEntry>* skipped = nullptr);

}  // namespace gatkit::io
