#pragma once
// Limits on what an input file may make gatkit build. A file can declare anything (a counts line of
// 99999 atoms, an npy shape of 10^12 rows, a feature index of 2^31); every reader checks such sizes
// against these limits and against what the file can actually hold before allocating, and refuses the
// file with a ParseError naming the limit. The defaults fit every data set gatkit is meant for; raise
// them per call (the readers' options take a Limits) or for the whole process (set_default_limits, or
// the command line's --max-nodes, --max-edges, --max-atoms, --max-line-length, --max-json-depth,
// --max-features).
#include <cstdint>
#include <string>

namespace gatkit {

struct Limits {
  /// Nodes of one graph: rows of a feature matrix, distinct ids of an edge list, papers of a LINQS
  /// .content file, labels, num_nodes of a JSON graph.
  std::int64_t max_nodes = 100'000'000;
  /// Edges of one graph: lines of an edge list or a LINQS .cites file, edges of a JSON graph.
  std::int64_t max_edges = 2'000'000'000;
  /// Atoms, and bonds, of one molecule (SDF counts lines, JSON atoms and bonds).
  std::int64_t max_atoms = 100'000;
  /// Bytes of one line of a text file (also of one joined V3000 line).
  std::int64_t max_line_length = std::int64_t{64} << 20;
  /// Nesting of JSON arrays and objects (gatkit-graphs files, checkpoint configurations).
  std::int64_t max_json_depth = 64;
  /// Columns of a feature matrix: svmlight feature indices, LINQS words, .npy columns, JSON feature rows.
  std::int64_t max_feature_dim = 1'000'000;

  /// Throws InvalidArgument unless every limit is positive.
  void validate() const;
};

/// The limits readers use when the caller gives none: Limits{} unless set_default_limits changed them.
/// Read at the start of each read; set them before reading files (not while another thread reads).
const Limits& default_limits();
void set_default_limits(const Limits& limits);

namespace detail {
/// "exceeds the limit of N <what> (Limits::<field>; raise it with --<flag>)", for reader messages.
std::string limit_note(std::int64_t limit, const char* what, const char* field, const char* flag);
}  // namespace detail

}  // namespace gatkit
