// gatkit predict on a molecule file: applies a graph_model checkpoint to every record of an SDF/MOL or
// JSON file (molecules, or the generic graph entries of a model trained on them) and writes one CSV
// row per record, in file order:
//   record,name,<task>,<task>_probability,...      (binary tasks: class 0/1 and P(class 1))
//   record,name,<task>,...                         (regression: the value in the targets' units)
//   record,name,<task>,<task>_probability,<task>_p0,<task>_p1,...
//                                                  (multi-class: the most probable class, its probability
//                                                   and the probability of every class)
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

// Lines are built with append() rather than chained operator+ (GCC 12 -Wrestrict false positives).
std::string csv_header(const TrainedGraphModel& model, bool error_column) {
  std::string line = "record,name";
  for (const auto& target : model.targets) {
    line.append(",").append(csv_field(target));
    if (model.task != GraphTask::regression) line.append(",").append(csv_field(target + "_probability"));
    if (model.task == GraphTask::multiclass)
      for (int c = 0; c < model.config.num_tasks; ++c)
        line.append(",").append(csv_field(target + "_p" + std::to_string(c)));
  }
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
  const Args args(argv, {"model", "data", "out", "on-error", "threads", "smiles-column", "name-column"}, {});
  const auto threads = args.integer("threads", 0);
  GATKIT_REQUIRE(threads >= 0, "--threads must be >= 0");
  set_num_threads(static_cast<int>(threads));
  const OnError on_error = on_error_option(args);
  const std::filesystem::path file = args.required("data");
  GraphPredictor predictor(load_graph_model(args.required("model")));
  const TrainedGraphModel& model = predictor.model();
  const bool skip = on_error == OnError::skip;

  std::string csv = csv_header(model, skip);
  std::vector<SkippedRecord> skipped;
  std::uint64_t records = 0;
  for_each_featurized_chunk(file, on_error, predictor, smiles_csv_options(args),
                            [&](std::vector<MoleculeRecord>& chunk, std::vector<chem::MoleculeGraph>& good) {
    const RowMatrix<double> values = predictor.predict(std::span<const chem::MoleculeGraph>(good));
    // One row per record: the k-th good record takes the k-th row of values.
    Eigen::Index next = 0;
    for (MoleculeRecord& r : chunk) {
      ++records;
      std::string line = std::to_string(r.number);
      line.append(",").append(csv_field(r.name()));  // empty when the record could not be read
      if (r.ok()) {
        append_predictions(line, model, values.row(next++).data());
        if (skip) line.append(",");
      } else {
        append_predictions(line, model, nullptr);
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
