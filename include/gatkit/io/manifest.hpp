#pragma once
// Node-classification data described by a manifest: a small JSON file naming the edge, feature and label
// tables of a graph as published, their formats and columns (docs/formats.md, "Node data manifest").
// join_node_tables joins the tables through one mapping of node ids and reports every id that is not
// in every table; load_node_manifest does it all: manifest -> tables -> NodeDataset.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gatkit/io/dataset.hpp"
#include "gatkit/io/node_split.hpp"
#include "gatkit/io/node_tables.hpp"

namespace gatkit {

inline constexpr const char* node_manifest_format = "gatkit-node-manifest";

struct NodeManifest {
  std::filesystem::path file;          ///< the manifest itself
  std::string name;                    ///< "name", else the manifest's folder name

  std::filesystem::path edges_file;    ///< paths are resolved against the manifest's folder
  io::EdgeTableOptions edges;
  bool directed = false;               ///< false: edges are symmetrised (the default)

  std::string features_format;         ///< "" (none), "long-csv", "musae-json", "svmlight" or "npy"
  std::filesystem::path features_file;
  io::FeatureTableOptions features;

  std::filesystem::path labels_file;
  io::LabelTableOptions labels;

  std::vector<std::string> structural_features;  ///< e.g. {"degree"} (structural_features.hpp)

  std::optional<SplitFractions> split_fractions;       ///< "split": {"fractions": [...]}
  std::filesystem::path train_file, val_file, test_file;  ///< "split": {"train": ..., "val": ..., "test": ...}

  bool strict_join = false;            ///< "join": "strict": every id must be in every table
};

/// Reads and checks a manifest (unknown keys, wrong types and missing members are ParseErrors naming
/// the manifest and the JSON path). The tables are not opened.
NodeManifest read_node_manifest(const std::filesystem::path& file);

/// True when `file` is a regular file of at most 1 MiB that contains "gatkit-node-manifest" (then it is
/// read as a manifest, whose parser reports what is wrong with it); molecule JSON files are not.
bool is_node_manifest(const std::filesystem::path& file);

/// Ids of the joined node set that are missing from one table.
struct MissingIds {
  std::string table;                   ///< "edges", "features" or "labels"
  std::int64_t count = 0;
  std::vector<std::string> examples;   ///< the first few, in node order
};

struct JoinReport {
  std::int64_t nodes = 0;
  std::vector<MissingIds> missing;           ///< one entry per table with missing ids
  std::int64_t only_in_one_table = 0;        ///< ids present in exactly one of the tables (2 or 3 tables)
  std::vector<std::string> only_in_one_examples;
  std::vector<std::string> notes;            ///< duplicates, self-loops, unlabelled rows, ...
  /// Human-readable lines: everything above.
  std::vector<std::string> lines() const;
};

/// Joins the tables on node id: the node set is the union of the ids of all tables (an id absent from
/// the features gets an all-zero row, from the labels no label (-1), from the edges no edge), numbered
/// in ascending numeric order when every id is a canonical integer and in order of first appearance
/// (edges, features, labels) otherwise. With `strict` an id missing from any table is a ParseError
/// naming the table's file. `features` may be null (0 feature columns). Graph: symmetrised unless
/// `directed`, repeated edges and self-loops removed. No split is made.
NodeDataset join_node_tables(const io::EdgeTable& edges, const io::FeatureTable* features, const io::LabelTable& labels,
                             bool directed, bool strict, JoinReport& report,
                             const std::filesystem::path& edges_file = {},
                             const std::filesystem::path& features_file = {},
                             const std::filesystem::path& labels_file = {});

/// Options of load_node_manifest that override the manifest (the command line's).
struct NodeManifestOverrides {
  std::optional<std::string> label_column;                      ///< --label-column
  std::optional<std::vector<std::string>> structural_features;  ///< --structural-features
  std::optional<SplitFractions> split_fractions;                ///< --split 0.6,0.2,0.2
  std::uint64_t split_seed = 0;                                 ///< --split-seed
};

struct LoadedNodeData {
  NodeDataset data;    ///< layout "manifest"
  JoinReport report;
};

/// Reads the manifest and its tables, joins them, adds structural features and makes the split:
/// fractions (overrides, else the manifest's) drawn with split_seed; else the manifest's split files
/// (original node ids, one per line; validation may repeat training nodes, for protocols with very
/// few labels; test must be disjoint from both); else the Planetoid split of load_node_dataset.
/// Throws when no node has features and no structural features are asked for.
LoadedNodeData load_node_manifest(const std::filesystem::path& file, const NodeManifestOverrides& overrides = {});

}  // namespace gatkit
