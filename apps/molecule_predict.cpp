// gatkit predict on a molecule file: applies a graph_model checkpoint to every record of an SDF/MOL or
// JSON file (molecules, or the generic graph entries of a model trained on them) and writes one CSV
// row per record, in file order:
//   record,name,<task>,<task>_probability,...      (binary tasks: class 0/1 and P(class 1))
//   record,name,<task>,...                         (regression: the value in the targets' units)
//   record,name,<task>,<task>_probability,<task>_p0,<task>_p1,...
//                                                  (multi-class: the most probable class, its probability
//                                                   and the probability of every class)
// With --member-std (ensembles) the rows end with <column>_std for each value (<task>, or <task>_p<c>):
// the standard deviation of that probability or value over the ensemble's members.
// With --on-error skip a bad record (unreadable, or not featurisable) keeps its row, with empty
// predictions and the reason in a last column `error`, so that rows and records stay aligned whatever
// a downstream tool does with them; stderr names each skipped record and a final line counts them.
// Records are processed in chunks (for_each_featurized_chunk: read, featurised in parallel, scored), so
// memory follows the chunk, not the file, apart from the CSV text itself.
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "cli_args.hpp"
#include "commands.hpp"
#include "gatkit/train/graph_predictor.hpp"
#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"
#include "molecule_files.hpp"
#include "output.hpp"

namespace gatkit::cli {
namespace {

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// The names of the columns of GraphPredictor::predict's values: the task (its probability of class 1, or
// its value), or for a multi-class task <task>_p<c>.
std::vector<std::string> value_names(const TrainedGraphModel& model) {
  if (model.task != GraphTask::multiclass) return model.targets;
  std::vector<std::string> names;
  for (int c = 0; c < model.config.num_tasks; ++c) names.push_back(model.targets.front() + "_p" + std::to_string(c));
  return names;
}

// Lines are built with append() rather than chained operator+ (GCC 12 -Wrestrict false positives).
std::string csv_header(const TrainedGraphModel& model, bool error_column, bool member_std) {
  std::string line = "record,name";
  for (const auto& target : model.targets) {
    line.append(",").append(csv_field(target));
    if (model.task != GraphTask::regression) line.append(",").append(csv_field(target + "_probability"));
    if (model.task == GraphTask::multiclass)
      for (int c = 0; c < model.config.num_tasks; ++c)
        line.append(",").append(csv_field(target + "_p" + std::to_string(c)));
  }
  if (member_std)
    for (const auto& name : value_names(model)) line.append(",").append(csv_field(name + "_std"));
  return line.append(error_column ? ",error\n" : "\n");
}

/// Appends the prediction fields of one molecule (`values`: its row of GraphPredictor::predict), or
/// as many empty fields when `values` is null.
void append_predictions(std::string& line, const TrainedGraphModel& model, const double* values) {
  for (std::size_t t = 0; t < model.targets.size(); ++t) {
    switch (model.task) {
      case GraphTask::binary:
        if (values) line.append(values[t] >= 0.5 ? ",1," : ",0,").append(number_text(values[t]));
        else line.append(",,");
        break;
      case GraphTask::regression:
        line.append(",");
        if (values) line.append(number_text(values[t]));
        break;
      case GraphTask::multiclass: {  // one target; values holds the class probabilities
        const int classes = model.config.num_tasks;
        if (!values) {
          line.append(static_cast<std::size_t>(classes + 2), ',');
          break;
        }
        const int best = static_cast<int>(std::max_element(values, values + classes) - values);
        line.append(",").append(std::to_string(best)).append(",").append(number_text(values[best]));
        for (int c = 0; c < classes; ++c) line.append(",").append(number_text(values[c]));
        break;
      }
    }
  }
}

}  // namespace

int cmd_predict_molecules(const std::vector<std::string>& argv) {
  const Args args(argv, {"model", "data", "out", "on-error", "threads", "smiles-column", "name-column"}, {"member-std"});
  const auto threads = args.integer("threads", 0);
  GATKIT_REQUIRE(threads >= 0, "--threads must be >= 0");
  set_num_threads(static_cast<int>(threads));
  const OnError on_error = on_error_option(args);
  const std::filesystem::path file = args.required("data");
  GraphPredictor predictor(load_graph_model(args.required("model")));
  const TrainedGraphModel& model = predictor.model();
  const bool skip = on_error == OnError::skip;
  const bool member_std = args.flag("member-std");
  GATKIT_REQUIRE(!member_std || model.members > 1,
                 "--member-std needs an ensemble; " + args.str("model") + " is a single model (train --ensemble M)");

  std::string csv = csv_header(model, skip, member_std);
  std::vector<SkippedRecord> skipped;
  std::uint64_t records = 0;
  for_each_featurized_chunk(file, on_error, predictor, smiles_csv_options(args),
                            [&](std::vector<MoleculeRecord>& chunk, std::vector<chem::MoleculeGraph>& good) {
    RowMatrix<double> spread;
    const RowMatrix<double> values =
        predictor.predict(std::span<const chem::MoleculeGraph>(good), 256, member_std ? &spread : nullptr);
    // One row per record: the k-th good record takes the k-th row of values.
    Eigen::Index next = 0;
    for (MoleculeRecord& r : chunk) {
      ++records;
      std::string line = std::to_string(r.number);
      line.append(",").append(csv_field(r.name()));  // empty when the record could not be read
      if (r.ok()) {
        append_predictions(line, model, values.row(next).data());
        if (member_std)
          for (Eigen::Index c = 0; c < spread.cols(); ++c) line.append(",").append(number_text(spread(next, c)));
        ++next;
        if (skip) line.append(",");
      } else {
        append_predictions(line, model, nullptr);
        if (member_std) line.append(value_names(model).size(), ',');
        line.append(",").append(csv_field(r.error));
        std::cerr << "skipped record " << r.number << ": " << r.error << "\n";
        skipped.push_back({r.number, r.error});
      }
      csv.append(line).append("\n");
    }
  });

  if (args.has("out")) write_file_atomically(args.str("out"), csv);
  else std::cout << csv << std::flush;
  std::cerr << "predicted " << records - skipped.size() << " of " << records << " records"
              << (skipped.empty() ? std::string() : "; " + skipped_line(skipped, records)) << "\n";
  return 0;
}

}  // namespace gatkit::cli
