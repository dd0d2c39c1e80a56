#pragma once
// Sub-commands of the gatkit program that live in their own files.
#include <string>
#include <vector>

namespace gatkit::cli {

/// `gatkit train --data FILE` for a molecule file (.sdf, .mol, .json): graph-level binary or regression
/// tasks; --save writes a graph_model checkpoint.
int cmd_train_molecules(const std::vector<std::string>& argv);
/// `gatkit predict --model FILE --data FILE` for a molecule file: CSV, one row per record.
int cmd_predict_molecules(const std::vector<std::string>& argv);
/// `gatkit convert --data IN --out OUT`: molecules between SDF/MOL and gatkit JSON.
int cmd_convert(const std::vector<std::string>& argv);
/// `gatkit info --data FILE` for a molecule file: counts, elements, rings, target balance.
int cmd_info_molecules(const std::vector<std::string>& argv);
/// `gatkit explain --model MODEL --data PATH`: attention weights per layer, head and edge (CSV/JSON),
/// a node's top-k neighbours (--node), molecule drawings shaded by attention (--svg).
int cmd_explain(const std::vector<std::string>& argv);
/// `gatkit embed --model MODEL --data PATH [--out FILE.csv|FILE.npy]`: the learned representation of every
/// molecule (pooled readout, or the head's last hidden layer) or node (the output layer's input).
int cmd_embed(const std::vector<std::string>& argv);
/// `gatkit evaluate --model MODEL --data PATH [--summary S.json]`: a saved model's figures on labelled
/// molecules (every labelled record) or nodes (--nodes, default the test split).
int cmd_evaluate(const std::vector<std::string>& argv);
/// `gatkit info --model FILE [--json]`: what a checkpoint holds (kind, targets or classes, members,
/// parameters, configuration), after validating it.
int cmd_info_model(const std::vector<std::string>& argv);

}  // namespace gatkit::cli
