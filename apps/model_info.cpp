// gatkit info --model FILE [--json]: what a checkpoint holds, without data. A model (node classifier or
// molecule model) is loaded and so validated as predict would; then its kind, what it predicts (classes,
// or task and targets), ensemble members, parameter count and the configuration JSON it was saved with
// (docs/checkpoints.md) are printed. A training state (--checkpoint) shows its kind and configuration.
#include <iostream>
#include <string>
#include <vector>

#include <rapidjson/rapidjson.h>

#include "cli_args.hpp"
#include "commands.hpp"
#include "gatkit/train/graph_predictor.hpp"
#include "gatkit/train/node_classification.hpp"
#include "gatkit/util/error.hpp"
#include "output.hpp"

namespace gatkit::cli {
namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out.append(out.empty() ? "" : ", ").append(name);
  return out;
}

}  // namespace

int cmd_info_model(const std::vector<std::string>& argv) {
  const Args args(argv, {"model"}, {"json"});
  const std::string file = args.required("model");
  const std::string kind = checkpoint_kind(file);
  // What the model predicts, and its size; loading validates the whole file.
  std::string predicts;
  std::vector<std::string> names;
  std::int64_t parameters = -1;
  int members = 1;
  if (kind == "graph_model") {
    const TrainedGraphModel m = load_graph_model(file);
    names = m.targets;
    predicts = to_string(m.task) + ", " + std::to_string(names.size()) + " target" + (names.size() == 1 ? "" : "s");
    if (m.task == GraphTask::multiclass) predicts += " of " + std::to_string(m.config.num_tasks) + " classes";
    members = m.members;
    parameters = m.config.parameter_count();
  } else if (kind == "node_classifier") {
    const TrainedModel m = load_model(file);
    names = m.class_names;
    predicts = "node classes, " + std::to_string(names.size());
    parameters = m.config.parameter_count();
  }
  const std::string config = checkpoint_config(file);

  if (args.flag("json")) {
    rapidjson::StringBuffer b;
    PrettyJsonWriter w(b);
    w.StartObject();
    w.Key("file"); w.String(file.c_str());
    w.Key("kind"); w.String(kind.c_str());
    if (parameters >= 0) {
      w.Key(kind == "graph_model" ? "targets" : "classes");
      w.StartArray();
      for (const auto& name : names) w.String(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
      w.EndArray();
      w.Key("members"); w.Int(members);
      w.Key("parameters_per_member"); w.Int64(parameters);
    }
    // The configuration as checkpoint_config wrote it (compact), not parsed again: RapidJSON's default
    // number conversion would change the last digit of about one double in five.
    w.Key("config");
    w.RawValue(config.data(), config.size(), rapidjson::kObjectType);
    w.EndObject();
    std::cout << b.GetString() << "\n";
    return 0;
  }
  std::cout << "model       " << file << " (" << kind << ")\n";
  if (parameters >= 0) {
    std::cout << "predicts    " << predicts << ": " << joined(names) << "\n"
              << "members     " << members << (members > 1 ? " (an ensemble: predictions are their mean)" : "") << "\n"
              << "parameters  " << parameters << (members > 1 ? " per member" : "") << "\n";
  }
  std::cout << "config      " << config << "\n";
  return 0;
}

}  // namespace gatkit::cli
