#pragma once
// Readers for node-level graph data. Every reader:
//  - throws gatkit::ParseError naming the file, the 1-based line and what was expected;
//  - accepts LF and CRLF line ends and a missing final newline;
//  - never trusts a size declared in a file beyond what the file can actually hold, and refuses files
//    beyond the limits it is given (gatkit::Limits: nodes, edges, line length, feature dimension);
//  - reads ASCII or UTF-8 text (a UTF-8 byte order mark is skipped; UTF-16 and NUL bytes are errors).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "gatkit/graph/graph.hpp"
#include "gatkit/tensor.hpp"
#include "gatkit/util/limits.hpp"

namespace gatkit::io {

// ---- edge lists (SNAP style) ------------------------------------------------------------------
// One edge per line: "src dst" or "src dst weight", separated by spaces, tabs or a comma; lines starting
// with '#' or '%' and blank lines are skipped. Ids are integers (possibly negative or huge).

struct EdgeListOptions {
  /// true: arbitrary integer ids are remapped to 0..n-1 in ascending order of the original id (so
  /// ids that are already 0..n-1 keep their value). false: ids are node indices and must lie in
  /// [0, num_nodes).
  bool remap_ids = true;
  /// With remap_ids == false: the node count (-1: largest id + 1).
  std::int64_t num_nodes = -1;
  /// max_nodes (distinct ids, or largest id + 1), max_edges, max_line_length.
  Limits limits = default_limits();
};

struct EdgeList {
  std::int64_t num_nodes = 0;
  std::vector<Edge> edges;             ///< in file order, remapped
  std::vector<float> weights;          ///< one per edge if the file has a weight column, else empty
  std::vector<std::int64_t> node_ids;  ///< original id of each node (remap_ids), else empty
};

EdgeList read_edge_list(const std::filesystem::path& file, const EdgeListOptions& options = {});

// ---- svmlight / LIBSVM --------------------------------------------------------------------------
// "label idx:value idx:value ...  # optional comment", indices strictly ascending within a line.

enum class IndexBase { zero, one, automatic };  ///< automatic: one-based unless an index 0 appears

struct SvmlightOptions {
  IndexBase index_base = IndexBase::automatic;
  std::int64_t num_features = -1;  ///< -1: largest index + 1 (after the base shift)
  /// max_nodes (samples), max_feature_dim (feature indices), max_line_length.
  Limits limits = default_limits();
};

struct SvmlightData {
  std::vector<double> labels;  ///< one per line
  SparseMatrixF features;      ///< lines x num_features
};

SvmlightData read_svmlight(const std::filesystem::path& file, const SvmlightOptions& options = {});

// ---- split files ----------------------------------------------------------------------------------
/// One node index per line (blank lines and '#' comments skipped); every index must be < num_nodes and
/// appear once.
std::vector<NodeId> read_split(const std::filesystem::path& file, std::int64_t num_nodes,
                               const Limits& limits = default_limits());

/// Node ids as the input files write them (`node_ids`: NodeDataset::node_ids), one per line ('#'
/// comments, blank lines, surrounding blanks and a UTF-8 byte order mark skipped), as positions into
/// node_ids in the file's order. `refuse` (optional) returns why a listed node may not be listed, or "".
/// Throws ParseError naming the file and line for an id that is not in node_ids, an id listed twice (with
/// the line of its first listing), a refused node, a line longer than limits.max_line_length and a file
/// that lists no node.
std::vector<NodeId> read_node_id_list(const std::filesystem::path& file, const std::vector<std::string>& node_ids,
                                      const std::function<std::string(NodeId)>& refuse = {},
                                      const Limits& limits = default_limits());

/// One integer per line (for labels.txt files); `-1` is allowed and means "no label". At most
/// limits.max_nodes values.
std::vector<std::int64_t> read_integer_column(const std::filesystem::path& file, const Limits& limits = default_limits());

// ---- NumPy .npy (format 1.0 / 2.0 / 3.0, C order, little endian) --------------------------------
/// A 2-D float32 or float64 array (a 1-D array reads as n x 1), converted to float; at most
/// limits.max_nodes rows and limits.max_feature_dim columns.
MatrixF read_npy_matrix(const std::filesystem::path& file, const Limits& limits = default_limits());
/// A 1-D integer array (int8/16/32/64, uint8/16/32), converted to int64; at most limits.max_nodes values.
std::vector<std::int64_t> read_npy_integers(const std::filesystem::path& file, const Limits& limits = default_limits());
/// Writes a 2-D float32 array (C order), atomically (temporary file and rename).
void write_npy_matrix(const std::filesystem::path& file, const MatrixF& m);

/// Writes a 2-D float32 .npy to a seekable stream row by row, when the row count is known only at the
/// end (gatkit embed streams its rows so): the constructor writes the header, finish() rewrites it with
/// the rows written (the header has one length, 128 bytes, whatever the shape).
class NpyRowWriter {
 public:
  NpyRowWriter(std::ostream& out, std::int64_t cols);
  /// Appends one row of `cols` values.
  void write_row(const float* row);
  /// Writes the final shape into the header and leaves the stream at the end.
  void finish();
  std::int64_t rows() const { return rows_; }

 private:
  std::ostream& out_;
  std::int64_t cols_ = 0, rows_ = 0;
  std::streampos start_;
  std::vector<char> block_;
};

// ---- LINQS .content + .cites ----------------------------------------------------------------------
// .content: "<paper id> <w_1> ... <w_F> <class label>" (tab or space separated, F identical on every
// line); .cites: "<cited paper id> <citing paper id>". Paper ids are strings.

struct LinqsData {
  std::vector<std::string> node_ids;     ///< paper id of each node, in .content order
  SparseMatrixF features;                ///< nodes x F, only non-zero words stored
  std::vector<std::int32_t> labels;      ///< index into class_names
  std::vector<std::string> class_names;  ///< sorted alphabetically
  std::vector<Edge> edges;               ///< citing -> cited
  std::int64_t dangling_citations = 0;   ///< .cites lines naming a paper absent from .content (skipped)
  std::vector<std::string> dangling_examples;  ///< the first few such ids, for the report
};

/// At most limits.max_nodes papers, limits.max_feature_dim words and limits.max_edges citations.
LinqsData read_linqs(const std::filesystem::path& content, const std::filesystem::path& cites,
                     const Limits& limits = default_limits());

}  // namespace gatkit::io
