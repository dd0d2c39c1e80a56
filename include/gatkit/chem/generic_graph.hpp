#pragma once
// Generic graph entries of the JSON format (io::GraphRecord, docs/formats.md) as the graph models take
// them: the same MoleculeGraph a featurised molecule gives, with the entry's own feature rows.
//  - An edge [src, dst] lets dst attend to src (the CSR is over in-edges); list both directions for an
//    undirected graph. A self-loop is allowed (the model keeps it as the node's one self-loop); an edge
//    listed twice is an error (its two feature rows would compete).
//  - Node features: the entry's rows; an entry without node_features gets one constant column of ones.
//  - Edge features: the entry's rows, reordered to the CSR's edge order; none: zero columns.
#include <cstdint>
#include <string>

#include "gatkit/chem/featurize.hpp"
#include "gatkit/chem/json_format.hpp"

namespace gatkit::chem {

/// Node feature columns of `record` as model_graph gives them: its row length, or 1 without rows.
std::int64_t generic_node_width(const io::GraphRecord& record);
/// Edge feature columns of `record`: its row length, or 0 without rows.
std::int64_t generic_edge_width(const io::GraphRecord& record);

/// `record` as a model graph (see above). Throws InvalidArgument for a graph without nodes or an edge
/// listed twice (naming it), and for rows the JSON reader would refuse (wrong counts, ragged rows,
/// edges out of range), as records built in C++ may have them. A graph without edges gets an edge
/// feature matrix of 0 rows and `edge_columns` columns.
MoleculeGraph model_graph(const io::GraphRecord& record);
MoleculeGraph model_graph(const io::GraphRecord& record, std::int64_t edge_columns);

/// Whether `record` has these feature widths (what a model trained on other graphs reads). A graph
/// without edges has every edge width: it has no edge rows to tell.
bool has_widths(const io::GraphRecord& record, std::int64_t node_width, std::int64_t edge_width);

/// model_graph for a model of these widths: InvalidArgument "N node and M edge feature columns,
/// <expected> X and Y" (expected: "the model was trained on", ...) unless has_widths.
MoleculeGraph model_graph(const io::GraphRecord& record, std::int64_t node_width, std::int64_t edge_width,
                          const std::string& expected);

/// Columns append_degree_columns adds: gatkit::degree_buckets (exact in-degrees 0..7, then ranges).
inline constexpr std::int64_t kDegreeColumns = 16;

/// Appends the one-hot bucket of every node's in-degree (its distinct sources, a self-loop not counted;
/// gatkit::degree_bucket) after its feature columns (`--structural-features degree` for generic graphs).
/// Attention averages what a node reads, so without such columns a model cannot tell how many neighbours
/// a node has.
void append_degree_columns(MoleculeGraph& graph);

}  // namespace gatkit::chem
