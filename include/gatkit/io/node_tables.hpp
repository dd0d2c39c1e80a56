#pragma once
// Tables of a node-classification data set as published (edges, node features, node labels), read with
// node ids kept as the strings written in the file. Joining them into a NodeDataset is the job of
// join_node_tables (manifest.hpp). Every reader throws gatkit::ParseError naming the file, the line
// (or the JSON path) and what was expected; no size written in a file is trusted.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gatkit/graph/graph.hpp"
#include "gatkit/tensor.hpp"

namespace gatkit::io {

/// Distinct node ids in order of first appearance; index k is the k-th distinct id.
class NodeIdTable {
 public:
  /// The index of `id`, added when new.
  std::int64_t intern(std::string_view id);
  /// The index of `id`, or -1.
  std::int64_t find(std::string_view id) const;
  std::int64_t size() const { return static_cast<std::int64_t>(ids_.size()); }
  const std::string& id(std::int64_t k) const { return ids_[static_cast<std::size_t>(k)]; }
  const std::vector<std::string>& ids() const { return ids_; }

 private:
  std::vector<std::string> ids_;
  std::unordered_map<std::string, std::int64_t> index_;
};

/// Where the columns of a table are: by name for CSV tables with a header, by 0-based position for
/// whitespace-separated tables without one.
enum class TableFormat {
  csv,         ///< RFC 4180 CSV with a header row (csv.hpp)
  whitespace,  ///< fields separated by spaces or tabs; blank lines and lines starting with '#' or '%' skipped
};

// ---- edges -------------------------------------------------------------------------------------

struct EdgeTableOptions {
  TableFormat format = TableFormat::csv;
  std::string source_column;   ///< csv: name ("" = the first column)
  std::string target_column;   ///< csv: name ("" = the second column)
  int source_index = 0;        ///< whitespace: position
  int target_index = 1;        ///< whitespace: position
};

struct EdgeTable {
  NodeIdTable ids;             ///< the node ids named by the edges
  std::vector<Edge> edges;     ///< in file order, as indices into ids (self-loops and repeats included)
  std::int64_t self_loops = 0; ///< rows whose two ends are the same id
};

EdgeTable read_edge_table(const std::filesystem::path& file, const EdgeTableOptions& options = {});

// ---- node features -------------------------------------------------------------------------------
// Feature ids are non-negative integers < 2^31 - 1 and are the column indices (so that two files with
// the same feature ids give the same columns); the width is the largest id + 1, or num_features.

/// What to do with a (node, feature) pair written twice in a long table.
enum class DuplicateFeatures {
  once,   ///< keep the first value (a binary bag of words stays binary)
  sum,    ///< add the values (what scipy's COO -> CSR conversion does)
  error,  ///< a ParseError naming both lines
};

struct FeatureTableOptions {
  std::string node_column = "node_id";     ///< long CSV
  std::string feature_column = "feature_id";
  std::string value_column = "value";      ///< "" = every listed feature has value 1
  DuplicateFeatures duplicates = DuplicateFeatures::once;
  std::int64_t num_features = -1;          ///< -1: largest feature id + 1
};

struct FeatureTable {
  NodeIdTable ids;                  ///< row k of features belongs to ids.id(k)
  FeatureMatrix<float> features;    ///< ids.size() x width; sparse except for .npy input
  std::int64_t duplicates = 0;      ///< (node, feature) pairs written more than once (long CSV, JSON)
  std::vector<std::string> duplicate_examples;  ///< the first few, "node 12 feature 7 (lines 3 and 9)"
};

/// Long format: one row per non-zero, "node_id,feature_id,value" (CSV with a header; column names in
/// options). Zero values are kept out of the matrix but count for the width.
FeatureTable read_feature_long_csv(const std::filesystem::path& file, const FeatureTableOptions& options = {});

/// MUSAE JSON: one object mapping each node id to the array of its active feature ids (value 1), e.g.
/// {"0": [3, 17], "1": []}. A feature listed twice for a node is a duplicate (options.duplicates).
/// Errors name the JSON path ("facebook.json: \"12\"[3]: expected a feature id ...").
FeatureTable read_feature_json(const std::filesystem::path& file, const FeatureTableOptions& options = {});

/// svmlight (0-based indices, labels ignored) or .npy (2-D float): row k is node id "k".
FeatureTable read_feature_rows(const std::filesystem::path& file, const FeatureTableOptions& options = {});

// ---- labels ----------------------------------------------------------------------------------------

struct LabelTableOptions {
  TableFormat format = TableFormat::csv;
  std::string id_column;       ///< csv: name ("" = "id" when present, else the first column)
  std::string label_column;    ///< csv: name ("" = the last column)
  int id_index = 0;            ///< whitespace: position
  int label_index = 1;         ///< whitespace: position
};

struct LabelTable {
  NodeIdTable ids;                        ///< row k of the table (ids are distinct)
  std::vector<std::int32_t> labels;       ///< class index per id, -1 for an empty label field
  std::vector<std::string> class_names;   ///< index -> name
  std::int64_t unlabelled = 0;            ///< rows with an empty label
  std::string column;                     ///< the label column used ("" for whitespace tables)
};

/// Labels as written: integer classes are ordered numerically ("2" before "10"), any other set of names
/// alphabetically (byte order); an empty field means "no label". An id listed twice is an error.
LabelTable read_label_table(const std::filesystem::path& file, const LabelTableOptions& options = {});

}  // namespace gatkit::io
