// gatkit embed: the learned representations of a trained model, for downstream tools (clustering,
// similarity search, another model):
//   molecule models: one row per record of the file, the pooled row of the readouts (--embedding readout,
//                    default) or the input of the head's output layer (--embedding head); an ensemble's
//                    members learn unrelated spaces, so one member is embedded (--member K, 1-based);
//   node models:     one row per node, the input of the output layer (the last hidden layer's output).
// Written as CSV (record,name,emb_0,... / node_id,emb_0,...; float32 values with 7 significant digits) or,
// when --out ends in .npy, as a float32 NumPy matrix: row k is record k + 1 (a record skipped under
// --on-error skip is a row of NaN, so rows and records stay aligned) or node k of the data. Molecule
// rows are written as their chunk is computed: a file goes through a temporary and a rename (a failure
// leaves no partial file), standard output receives the rows before a failing record.
#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <limits>
#include <optional>
#include <ostream>

#include "cli_args.hpp"
#include "commands.hpp"
#include "gatkit/io/readers.hpp"
#include "gatkit/train/graph_predictor.hpp"
#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"
#include "molecule_files.hpp"
#include "node_data.hpp"
#include "output.hpp"

namespace gatkit::cli {
namespace {

bool npy_output(const Args& args) {
  const std::string out = args.str("out");
  return out.size() >= 4 && out.compare(out.size() - 4, 4, ".npy") == 0;
}

void append_values(std::string& line, const float* values, std::int64_t width) {
  char buf[32];
  for (std::int64_t j = 0; j < width; ++j) {
    std::snprintf(buf, sizeof buf, ",%.7g", static_cast<double>(values[j]));
    line.append(buf);
  }
}

std::string embedding_columns(std::int64_t width) {
  std::string header;
  for (std::int64_t j = 0; j < width; ++j) header.append(",emb_").append(std::to_string(j));
  return header;
}

int embed_molecules(const Args& args) {
  refuse_node_data_options(args);
  const OnError on_error = on_error_option(args);
  const bool skip = on_error == OnError::skip;
  const std::filesystem::path file = args.required("data");
  GraphPredictor predictor(load_graph_model(args.required("model")));
  const GraphEmbedding which = parse_graph_embedding(args.str("embedding", "readout"));
  // An ensemble's members learn unrelated spaces; one is embedded.
  const int member = member_option(args, predictor.model().members, "embeddings");
  const std::int64_t width = predictor.embedding_width(which);
  const bool npy = npy_output(args);

  // Rows are written as they are computed (a file through a temporary and a rename), so memory follows
  // the chunk of records, not the file.
  std::vector<SkippedRecord> skipped;
  std::uint64_t records = 0;
  auto emit = [&](std::ostream& out) {
    std::optional<io::NpyRowWriter> npy_rows;
    if (npy) npy_rows.emplace(out, width);
    else out << "record,name" << embedding_columns(width) << (skip ? ",error\n" : "\n");
    const std::vector<float> nan_row(static_cast<std::size_t>(width), std::numeric_limits<float>::quiet_NaN());
    for_each_featurized_chunk(file, on_error, predictor, smiles_csv_options(args),
                              [&](std::vector<MoleculeRecord>& chunk, std::vector<chem::MoleculeGraph>& good) {
      const MatrixF values = predictor.embed(good, which, member).cast<float>();
      Eigen::Index next = 0;  // the k-th good record takes the k-th row of values
      std::string lines;
      for (MoleculeRecord& r : chunk) {
        ++records;
        const float* row = r.ok() ? values.row(next++).data() : nullptr;
        if (!r.ok()) {
          std::cerr << "skipped record " << r.number << ": " << r.error << "\n";
          skipped.push_back({r.number, r.error});
        }
        if (npy) {
          npy_rows->write_row(row ? row : nan_row.data());
          continue;
        }
        lines.append(std::to_string(r.number)).append(",").append(csv_field(r.name()));  // name: empty when unread
        if (row) {
          append_values(lines, row, width);
          if (skip) lines.append(",");
        } else {
          lines.append(static_cast<std::size_t>(width), ',').append(",").append(csv_field(r.error));
        }
        lines.append("\n");
      }
      out << lines;
    });
    if (npy) npy_rows->finish();
  };
  write_output(args.str("out"), emit);
  if (!args.flag("quiet"))
    std::cerr << "embedded " << records - skipped.size() << " of " << records << " records (" << width
            << " columns, " << to_string(which) << ")"
            << (skipped.empty() ? std::string() : "; " + skipped_line(skipped, records)) << "\n";
  return 0;
}

int embed_nodes(const Args& args) {
  GATKIT_REQUIRE(!args.has("embedding") && !args.has("member") && !args.has("on-error") &&
                     !args.has("smiles-column") && !args.has("name-column"),
                 "--embedding, --member, --on-error, --smiles-column and --name-column apply to molecule models; " +
                     args.str("model") + " is a node classifier");
  const TrainedModel model = load_model(args.required("model"));
  const NodeDataset data = load_node_data(args, args.flag("quiet"), &model);
  const std::vector<NodeId> nodes = selected_nodes(args, data);
  const MatrixF values = node_embeddings(model, data);
  const bool npy = npy_output(args);
  auto emit = [&](std::ostream& out) {
    if (npy) {
      io::NpyRowWriter rows(out, values.cols());
      for (const NodeId i : nodes) rows.write_row(values.row(i).data());
      rows.finish();
      return;
    }
    out << "node_id" << embedding_columns(values.cols()) << "\n";
    for (const NodeId i : nodes) {
      std::string line = csv_field(data.node_ids[static_cast<std::size_t>(i)]);
      append_values(line, values.row(i).data(), values.cols());
      out << line << "\n";
    }
  };
  write_output(args.str("out"), emit);
  if (!args.flag("quiet"))
    std::cerr << "embedded " << nodes.size() << " of " << values.rows() << " nodes (" << values.cols() << " columns)\n";
  return 0;
}

}  // namespace

int cmd_embed(const std::vector<std::string>& argv) {
  std::set<std::string> options = {"model", "out", "threads", "on-error", "smiles-column", "name-column",
                                   "embedding", "member", "nodes"};
  options.insert(node_data_options.begin(), node_data_options.end());
  const Args args(argv, options, {"quiet"});
  const std::string kind = model_kind_for_command(args);
  if (kind == "graph_model") return embed_molecules(args);
  return embed_nodes(args);
}

}  // namespace gatkit::cli
