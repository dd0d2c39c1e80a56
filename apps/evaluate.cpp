// gatkit evaluate: a saved model's figures on labelled data, computed by the code that computes
// training's test figures (graph_metrics, evaluate_node_model), so that a model can be checked on data
// it has never seen, or again after it was saved:
//   molecule models: every record of a molecule file (SDF/MOL, JSON, SMILES table) whose model targets
//     are labelled (SD data items, JSON properties or "labels", table columns; a missing or empty value
//     is a missing label): ROC-AUC, PR-AUC and accuracy (binary), RMSE and MAE (regression), accuracy and
//     one-vs-rest ROC-AUC (multi-class), per task and their mean. --on-error skip leaves out the records
//     that cannot be read, featurised or labelled (a label that is not a number, not 0/1 for a binary
//     task, not a class index of a multi-class one), naming them.
//   node models: the labelled nodes of --nodes (default test: the data's test split): accuracy,
//     macro-F1 and, for two classes, ROC-AUC; labels are matched to the model's classes by name.
// The figures go to standard output; --summary FILE writes them as JSON (null where undefined).
#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "cli_args.hpp"
#include "commands.hpp"
#include "gatkit/train/graph_classification.hpp"
#include "gatkit/train/graph_predictor.hpp"
#include "gatkit/train/node_classification.hpp"
#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"
#include "molecule_files.hpp"
#include "node_data.hpp"
#include "output.hpp"

namespace gatkit::cli {
namespace {

// --summary FILE: {"command": "evaluate", "model", "data", "task", then what `fields` writes}.
void write_summary(const Args& args, const std::string& task, const std::function<void(PrettyJsonWriter&)>& fields) {
  if (!args.has("summary")) return;
  rapidjson::StringBuffer b;
  PrettyJsonWriter w(b);
  w.StartObject();
  w.Key("command"); w.String("evaluate");
  w.Key("model"); w.String(args.str("model").c_str());
  w.Key("data"); w.String(args.str("data").c_str());
  w.Key("task"); w.String(task.c_str());
  fields(w);
  w.EndObject();
  write_file_atomically(args.str("summary"), std::string(b.GetString()) + "\n");
}

// A figure for the text lines: "n/a" where it is undefined.
std::string shown(double v, int digits, double scale = 1) {
  return std::isnan(v) ? std::string("n/a") : fixed(v * scale, digits);
}

// The labels of one good record for the model's targets (multi-class: one class index), NaN where
// missing. A label the task cannot take throws ParseError naming the record.
std::vector<double> record_labels(const MoleculeRecord& r, const TrainedGraphModel& model,
                                  const std::filesystem::path& file) {
  const auto fail = [&](const std::string& why) -> ParseError {
    if (r.graph) return entry_error(file, r.number, why);
    return ParseError(file, r.molecule.line, "record " + std::to_string(r.number) + ": " + why);
  };
  std::vector<double> labels;
  for (const std::string& name : model.targets) {
    const double y = r.graph ? graph_target(*r.graph, name) : molecule_target(r.molecule, name, file);
    if (!std::isnan(y)) {
      char value[32];
      std::snprintf(value, sizeof value, "%.6g", y);
      if (model.task == GraphTask::binary && y != 0.0 && y != 1.0)
        throw fail("target " + name + " = " + std::string(value) + " is not 0 or 1 (the model is a binary classifier)");
      if (model.task == GraphTask::multiclass && (y < 0 || y != std::floor(y) || y >= model.config.num_tasks))
        throw fail("target " + name + " = " + std::string(value) + " is not a class of the model (0.." +
                   std::to_string(model.config.num_tasks - 1) + ")");
    }
    labels.push_back(y);
  }
  return labels;
}

int evaluate_molecules(const Args& args) {
  refuse_node_data_options(args);
  const OnError on_error = on_error_option(args);
  const bool skip = on_error == OnError::skip;
  const bool quiet = args.flag("quiet");
  const std::filesystem::path file = args.required("data");
  GraphPredictor predictor(load_graph_model(args.required("model")));
  const TrainedGraphModel& model = predictor.model();
  const auto tasks = static_cast<std::int64_t>(model.targets.size());
  const std::int64_t outputs = model.config.num_tasks;  // multi-class: the classes

  std::vector<double> predictions, labels;
  std::vector<std::int64_t> labelled(static_cast<std::size_t>(tasks), 0), positive(static_cast<std::size_t>(tasks), 0);
  std::vector<std::int64_t> class_labels(model.task == GraphTask::multiclass ? static_cast<std::size_t>(outputs) : 0, 0);
  std::vector<SkippedRecord> skipped;
  std::uint64_t records = 0;
  std::int64_t scored = 0, labelled_records = 0;
  for_each_featurized_chunk(file, on_error, predictor, smiles_csv_options(args),
                            [&](std::vector<MoleculeRecord>& chunk, std::vector<chem::MoleculeGraph>& good) {
    const RowMatrix<double> values = predictor.predict(std::span<const chem::MoleculeGraph>(good));
    Eigen::Index next = 0;  // the k-th good record takes the k-th row of values
    for (MoleculeRecord& r : chunk) {
      ++records;
      std::vector<double> y;
      if (r.ok()) {
        const Eigen::Index row = next++;
        try {
          y = record_labels(r, model, file);
        } catch (const ParseError& e) {
          if (!skip) throw;
          r.error = e.what();
        }
        if (r.ok()) {
          predictions.insert(predictions.end(), values.row(row).data(), values.row(row).data() + outputs);
          labels.insert(labels.end(), y.begin(), y.end());
          bool any = false;
          for (std::size_t t = 0; t < y.size(); ++t) {
            if (std::isnan(y[t])) continue;
            any = true;
            ++labelled[t];
            positive[t] += y[t] == 1.0;
            if (!class_labels.empty()) ++class_labels[static_cast<std::size_t>(y[t])];
          }
          ++scored;
          labelled_records += any;
          continue;
        }
      }
      if (!quiet) std::cerr << "skipped record " << r.number << ": " << r.error << "\n";
      skipped.push_back({r.number, r.error});
    }
  });
  if (labelled_records == 0) {
    std::string names;
    for (const std::string& name : model.targets) names += (names.empty() ? "" : ", ") + name;
    throw Error(file.string() + ": no record has a label for the model's target" + (tasks > 1 ? "s " : " ") + names +
                " (evaluate compares predictions with labels; gatkit predict scores unlabelled records)");
  }
  const GraphMetrics m = graph_metrics(model.task, predictions, labels, scored, outputs);

  // Text: the mean figures, then one line per task (or class).
  std::string line = "records     " + std::to_string(records) + ": " + std::to_string(scored) + " scored, " +
                     std::to_string(labelled_records) + " of them labelled";
  if (!skipped.empty()) line += "; " + skipped_line(skipped, records);
  std::cout << line << "\n";
  switch (model.task) {
    case GraphTask::binary:
      std::cout << "ROC-AUC     " << shown(m.roc_auc, 4) << (tasks > 1 ? " (mean over tasks)" : "") << "\n"
                << "PR-AUC      " << shown(m.pr_auc, 4) << "\n"
                << "accuracy    " << shown(m.accuracy, 2, 100) << " % (probability >= 0.5)\n";
      break;
    case GraphTask::regression:
      std::cout << "RMSE        " << shown(m.rmse, 4) << (tasks > 1 ? " (mean over tasks)" : "") << "\n"
                << "MAE         " << shown(m.mae, 4) << "\n";
      break;
    case GraphTask::multiclass:
      std::cout << "accuracy    " << shown(m.accuracy, 2, 100) << " %\n"
                << "ROC-AUC     " << shown(m.roc_auc, 4) << " (one-vs-rest, mean over classes)\n";
      break;
  }
  if (model.task == GraphTask::multiclass) {
    for (std::int64_t c = 0; c < outputs; ++c)
      std::cout << "  class " << c << ": ROC-AUC " << shown(m.per_task[static_cast<std::size_t>(c)], 4) << " ("
                << class_labels[static_cast<std::size_t>(c)] << " labels)\n";
  } else if (tasks > 1) {
    for (std::int64_t t = 0; t < tasks; ++t) {
      const auto k = static_cast<std::size_t>(t);
      std::cout << "  " << model.targets[k] << ": " << (model.task == GraphTask::binary ? "ROC-AUC " : "RMSE ")
                << shown(m.per_task[k], 4) << " (" << labelled[k] << " labels"
                << (model.task == GraphTask::binary ? ", " + std::to_string(positive[k]) + " positive" : std::string())
                << ")\n";
    }
  }

  write_summary(args, to_string(model.task), [&](PrettyJsonWriter& w) {
    w.Key("targets"); w.StartArray();
    for (const std::string& name : model.targets) w.String(name.c_str());
    w.EndArray();
    w.Key("metric"); w.String(m.metric.c_str());
    w.Key("value"); json_number(w, m.value);
    w.Key("accuracy"); json_number(w, m.accuracy);
    w.Key("roc_auc"); json_number(w, m.roc_auc);
    w.Key("pr_auc"); json_number(w, m.pr_auc);
    w.Key("rmse"); json_number(w, m.rmse);
    w.Key("mae"); json_number(w, m.mae);
    w.Key("per_task"); w.StartArray();  // binary: ROC-AUC; regression: RMSE; multi-class: per class
    for (double v : m.per_task) json_number(w, v);
    w.EndArray();
    w.Key("labels_per_task"); w.StartArray();
    for (auto n : class_labels.empty() ? labelled : class_labels) w.Int64(n);
    w.EndArray();
    w.Key("records"); w.Uint64(records);
    w.Key("scored"); w.Int64(scored);
    w.Key("labelled"); w.Int64(labelled_records);
    w.Key("skipped"); w.StartArray();
    for (const SkippedRecord& s : skipped) w.Uint64(s.number);
    w.EndArray();
  });
  return 0;
}

int evaluate_nodes(const Args& args) {
  GATKIT_REQUIRE(!args.has("on-error") && !args.has("smiles-column") && !args.has("name-column"),
                 "--on-error, --smiles-column and --name-column apply to molecule models; " + args.str("model") +
                     " is a node classifier");
  const TrainedModel model = load_model(args.required("model"));
  const NodeDataset data = load_node_data(args, args.flag("quiet"), &model);
  const std::string which = args.str("nodes", "test");
  const std::vector<NodeId> scored = selected_nodes(args, data, "test");
  if (scored.empty())
    throw InvalidArgument(which == "test" ? data.name + " has no test nodes; choose the nodes with --nodes train|val|FILE"
                                          : "--nodes " + which + " selects no node of " + data.name);
  const NodeEvaluation e = evaluate_node_model(model, data, scored);
  if (e.labelled == 0)
    throw Error("--nodes " + which + ": none of its " + std::to_string(scored.size()) + " nodes of " + data.name +
                " has a label (evaluate compares predictions with labels; gatkit predict scores unlabelled nodes)");
  std::cout << "nodes       " << e.labelled << " labelled of " << scored.size() << " (" << which << ")"
            << (e.unlabelled > 0 ? "; " + std::to_string(e.unlabelled) + " without a label left out" : std::string())
            << "\n"
            << "accuracy    " << shown(e.accuracy, 2, 100) << " %\n"
            << "macro-F1    " << shown(e.macro_f1, 2, 100) << " %\n";
  if (model.class_names.size() == 2) std::cout << "ROC-AUC     " << shown(e.roc_auc, 4) << "\n";
  write_summary(args, "node", [&](PrettyJsonWriter& w) {
    w.Key("nodes"); w.String(which.c_str());
    w.Key("metric"); w.String("accuracy");
    w.Key("value"); json_number(w, e.accuracy);
    w.Key("accuracy"); json_number(w, e.accuracy);
    w.Key("macro_f1"); json_number(w, e.macro_f1);
    w.Key("roc_auc"); json_number(w, e.roc_auc);
    w.Key("labelled"); w.Int64(e.labelled);
    w.Key("unlabelled"); w.Int64(e.unlabelled);
  });
  return 0;
}

}  // namespace

int cmd_evaluate(const std::vector<std::string>& argv) {
  std::set<std::string> options = {"model", "summary", "threads", "on-error", "smiles-column", "name-column", "nodes"};
  options.insert(node_data_options.begin(), node_data_options.end());
  const Args args(argv, options, {"quiet"});
  const std::string kind = model_kind_for_command(args);
  if (kind == "graph_model") return evaluate_molecules(args);
  return evaluate_nodes(args);
}

}  // namespace gatkit::cli
