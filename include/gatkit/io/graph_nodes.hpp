#pragma once
// Node classification on a generic graph entry of the JSON format (docs/formats.md): the entry's
// node_labels are the classes, its node_features the features, its edges the graph.
#include <filesystem>
#include <optional>
#include <string>

#include "gatkit/chem/json_format.hpp"
#include "gatkit/io/dataset.hpp"

namespace gatkit::io {

/// `record` as a node-classification data set named `name` (layout "json"):
///  - labels: node_labels, each an integer >= 0 (a class index) or null (unlabelled); classes 0..K-1
///    with K = the largest label + 1, named "0", "1", ...;
///  - features: node_features (dense), or none (0 columns: add structural features);
///  - graph: the edges, symmetrised unless options.symmetrize is false, repeats and self-loops removed
///    (as the node loaders read theirs); node ids "0", "1", ... (the entry's node indices);
///  - split: the Planetoid protocol drawn with options.split_seed (make_planetoid_split).
/// Throws InvalidArgument for an entry without node_labels, a label that is not a class index, or no
/// labelled node.
NodeDataset node_dataset_from_graph(const GraphRecord& record, const std::string& name,
                                    const NodeDatasetOptions& options = {});

/// The generic graph entry of `file` when the file is a gatkit-graphs JSON file holding exactly one
/// entry, a graph with node_labels: what `gatkit train --data FILE` without --target trains a node
/// classifier on. nullopt for anything else, an unreadable file included (the graph-level readers then
/// report it).
std::optional<GraphRecord> node_graph_of(const std::filesystem::path& file);

}  // namespace gatkit::io
