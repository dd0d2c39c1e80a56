#pragma once
// Node-classification data for train, predict and info: a data folder (load_node_dataset) or a node
// data manifest (load_node_manifest), with the command-line options that shape it:
//   --split TRAIN,VAL,TEST     stratified random fractions (drawn with --split-seed)
//   --split-seed S             seed of drawn splits (fractions, or the Planetoid default)
//   --label-column NAME        the label column of a manifest's label table
//   --structural-features K    degree, identity, degree,identity or none
#include <optional>
#include <string>
#include <vector>

#include "cli_args.hpp"
#include "gatkit/chem/json_format.hpp"
#include "gatkit/io/dataset.hpp"
#include "gatkit/train/node_classification.hpp"

namespace gatkit::cli {

/// The option names load_node_data reads (for the Args of each command).
inline const std::vector<std::string> node_data_options = {"data", "split", "split-seed", "label-column",
                                                           "structural-features"};

/// Refuses the node data options (but --data) and --nodes for a command working on a molecule file.
void refuse_node_data_options(const Args& args);

/// Loads --data; the manifest's join report goes to stderr unless quiet. `model` (predict, explain):
/// the structural features and the manifest label column it was trained with, used where
/// --structural-features and --label-column are not given.
NodeDataset load_node_data(const Args& args, bool quiet, const TrainedModel* model = nullptr);

/// The other half (train --save): keeps in `model` the --structural-features and --label-column given,
/// which load_node_data applies again for it.
void keep_node_data_options(const Args& args, TrainedModel& model);

/// --nodes (predict, embed, evaluate): the nodes whose rows are written, in this order; every node when absent.
/// train, val, test: the data's split (ascending ids); unlabelled: the nodes without a label (ascending);
/// anything else names a file of node ids, one per line, as the input files write them
/// (io::read_node_id_list), whose order the rows follow. A file named like a keyword: ./test. Without
/// --nodes, `absent` is the selection (evaluate: "test").
std::vector<NodeId> selected_nodes(const Args& args, const NodeDataset& data, const std::string& absent = "");

/// Whether --data names a node data manifest (a JSON file, see io/manifest.hpp).
bool is_node_manifest_arg(const std::vector<std::string>& args);

/// io::node_graph_of(path), read once per process: the command line asks before choosing the command
/// (gatkit.cpp) and load_node_data asks again.
const std::optional<io::GraphRecord>& node_graph_file(const std::string& path);

}  // namespace gatkit::cli
