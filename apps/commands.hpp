#pragma once
// Sub-commands of the gatkit program that live in their own files.
#include <string>
#include <vector>

namespace gatkit::cli {

/// `gatkit train --data FILE` for a molecule file (.sdf, .mol, .json): graph-level binary tasks.
int cmd_train_molecules(const std::vector<std::string>& argv);

}  // namespace gatkit::cli
