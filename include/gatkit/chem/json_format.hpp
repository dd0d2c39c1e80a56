#pragma once
// gatkit's JSON format for molecules and generic graphs (docs/formats.md is the specification):
//   {"format": "gatkit-graphs", "version": 1, "graphs": [ {"type": "molecule", ...}, {"type": "graph", ...} ]}
// One file holds any mix of molecule entries (read into chem::Molecule, the type the SDF reader fills) and
// generic graph entries (read into io::GraphRecord). The whole file is read into memory (files of 2 GiB
// or more are refused) and parsed with RapidJSON's iterative parser after a nesting-depth check, so
// hostile input ([[[[... 100000 levels) gives a ParseError, not a stack overflow.
// Every error is a gatkit::ParseError naming the file and the JSON path of the bad value, for example
// "mols.json: graphs[3].atoms[7].element: expected an element symbol, found 12"; syntax errors carry
// the line instead ("mols.json:4: invalid JSON: missing a comma or ']' after an array element").
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gatkit/chem/molecule.hpp"
#include "gatkit/graph/graph.hpp"
#include "gatkit/util/limits.hpp"

namespace gatkit::io {

/// A generic graph entry ("type": "graph"). Rows are std::vector<float> (not a matrix) so that a file
/// entry maps 1:1 onto the record; empty vectors mean "absent in the file".
struct GraphRecord {
  std::string id;                                   ///< "" when the entry has none
  std::int64_t num_nodes = 0;                       ///< 0..Limits::max_nodes
  std::vector<std::vector<float>> node_features;    ///< empty, or num_nodes rows of one common length
  std::vector<Edge> edges;                          ///< src, dst in [0, num_nodes); order kept
  std::vector<std::vector<float>> edge_features;    ///< empty, or edges.size() rows of one common length
  std::vector<std::optional<double>> node_labels;   ///< empty, or num_nodes values (nullopt = unlabelled)
  /// Per-graph labels in file order: task -> value (nullopt = missing).
  std::vector<std::pair<std::string, std::optional<double>>> labels;

  friend bool operator==(const GraphRecord&, const GraphRecord&) = default;
};

/// Where the k-th entry of the file's "graphs" array went.
struct GraphFileEntry {
  enum class Kind : std::uint8_t { molecule, graph };
  Kind kind = Kind::molecule;
  std::size_t index = 0;  ///< into GraphFile::molecules or GraphFile::graphs
  friend bool operator==(const GraphFileEntry&, const GraphFileEntry&) = default;
};

struct GraphFile {
  /// Molecule entries. Molecule::record is the 1-based position in "graphs" and Molecule::line is 0
  /// (the DOM keeps no positions).
  std::vector<chem::Molecule> molecules;
  std::vector<std::string> molecule_ids;  ///< parallel to molecules; "" when an entry has no "id"
  std::vector<GraphRecord> graphs;
  /// File order of all entries. The writer accepts an empty order (molecules first, then graphs);
  /// otherwise it must name every molecule and graph exactly once.
  std::vector<GraphFileEntry> order;
};

/// A bad entry that read_graph_json passed over on request.
struct SkippedEntry {
  std::uint64_t record = 0;  ///< 1-based position in "graphs" (the number Molecule::record would have had)
  std::string error;         ///< the ParseError's message: file, JSON path, reason
};

/// Reads a gatkit-graphs file. Throws ParseError (file, JSON path, reason) on any problem. With
/// `skipped`, a bad entry is appended there and passed over instead, so the entries after it keep their
/// record numbers; problems of the file as a whole (syntax, "format", "version") still throw.
/// `limits`: max_json_depth, max_atoms (atoms and bonds of a molecule), max_nodes, max_edges and
/// max_feature_dim (row width) of a graph entry.
GraphFile read_graph_json(const std::filesystem::path& file, std::vector<SkippedEntry>* skipped = nullptr,
                          const Limits& limits = default_limits());

/// Writes `graphs` (one entry per line) through a temporary file and a rename. Molecule properties
/// whose text is a canonical number ("1", "-0.77") are written as JSON numbers, empty ones as null,
/// the rest as strings, so reading the file back gives the same strings (JSON is UTF-8: a byte of a
/// string that is not valid UTF-8, as in an SDF file written in Latin-1, is written as U+FFFD, so that
/// every file written reads back). Atoms are written with their element's symbol, pseudo-atoms (atomic
/// number 0: SDF "R#", "A", "*", ...) as "*". Throws InvalidArgument for a
/// bad order, non-finite numbers or records the reader would refuse (edges out of range, ragged rows).
void write_graph_json(const std::filesystem::path& file, const GraphFile& graphs);

/// Molecule-only convenience: every entry must be a molecule (a "graph" entry is a ParseError).
std::vector<chem::Molecule> read_molecule_json(const std::filesystem::path& file, const Limits& limits = default_limits());
void write_molecule_json(const std::filesystem::path& file, const std::vector<chem::Molecule>& molecules);

}  // namespace gatkit::io
