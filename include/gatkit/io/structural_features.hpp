#pragma once
// Structural node features for graphs published without node features (email-Eu-core) or to add to
// existing ones. See docs/features.md ("Structural node features").
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gatkit/graph/graph.hpp"
#include "gatkit/io/dataset.hpp"
#include "gatkit/tensor.hpp"

namespace gatkit {

/// Columns of degree_one_hot: exact degrees 0..7, then the power-of-two ranges [8, 16), [16, 32), ...,
/// [512, 1024), and [1024, infinity): 16 columns whatever the graph, so that a model trained on one
/// graph applies to another.
inline constexpr std::int64_t degree_buckets = 16;

/// The bucket (column) of a node of degree d (see degree_buckets).
std::int64_t degree_bucket(std::int64_t degree);

/// n x 16 sparse one-hot rows of the in-degree (distinct neighbours; the graph of a NodeDataset is
/// symmetrised and without self-loops, so this is the undirected degree).
SparseMatrixF degree_one_hot(const Graph& graph);

/// n x n sparse identity: one free embedding per node (transductive only: a model trained with it
/// applies to the same nodes only).
SparseMatrixF identity_features(std::int64_t n);

/// Whether `kind` names a structural feature kind: "degree" or "identity".
bool is_structural_feature_kind(std::string_view kind);

/// "degree", "identity" or a comma-separated list of them; "none" or "" gives an empty list. Throws
/// InvalidArgument naming the unknown kind.
std::vector<std::string> parse_structural_features(const std::string& text);

/// Appends the listed structural features (in order) as columns after the existing ones; a data set
/// without features (0 columns) gets exactly them. Sparse stays sparse; dense input is densified
/// with them. No-op for an empty list.
void add_structural_features(NodeDataset& data, const std::vector<std::string>& kinds);

}  // namespace gatkit
