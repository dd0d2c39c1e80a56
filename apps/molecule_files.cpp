#include "molecule_files.hpp"

#include <cmath>
#include <iostream>
#include <limits>
#include <sstream>

#include "gatkit/chem/json_format.hpp"
#include "gatkit/chem/sdf.hpp"
#include "gatkit/io/manifest.hpp"
#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"

namespace gatkit::cli {

OnError on_error_option(const Args& args) {
  const std::string value = args.str("on-error", "fail");
  if (value == "fail") return OnError::fail;
  if (value == "skip") return OnError::skip;
  throw InvalidArgument("--on-error expects fail or skip, got '" + value + "'");
}

bool is_molecule_path(const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  return ext == ".sdf" || ext == ".sd" || ext == ".mol" || ext == ".json" || ext == ".csv" || ext == ".smi" ||
         ext == ".smiles";
}

std::string model_kind_for_command(const Args& args) {
  const auto threads = args.integer("threads", 0);
  GATKIT_REQUIRE(threads >= 0, "--threads must be >= 0");
  set_num_threads(static_cast<int>(threads));
  const std::string kind = checkpoint_kind(args.required("model"));
  refuse_data_of_the_other_kind(kind, args.required("data"), args.str("model"));
  return kind;
}

chem::SmilesCsvOptions smiles_csv_options(const Args& args) {
  chem::SmilesCsvOptions options;
  options.smiles_column = args.str("smiles-column", "");
  options.name_column = args.str("name-column", "");
  return options;
}

bool is_tu_path(const std::filesystem::path& path) { return io::find_tu_dataset(path).has_value(); }

void refuse_data_of_the_other_kind(const std::string& kind, const std::filesystem::path& data, const std::string& model) {
  std::error_code ec;
  const bool molecule_file = is_molecule_path(data) && data.extension() != ".json";
  if (kind == "graph_model") {
    const bool node_data = (std::filesystem::is_directory(data, ec) && !is_tu_path(data)) || is_node_manifest(data);
    if (node_data)
      throw InvalidArgument(model + " holds a graph-level (molecule) model; " + data.string() +
                            " is node data: give a molecule file (.sdf, .mol, .json, .csv) or a TU data set");
  } else if (molecule_file || (!is_molecule_path(data) && is_tu_path(data))) {
    throw InvalidArgument(model + " holds a node classifier; " + data.string() + " is " +
                          (molecule_file ? "a molecule file" : "a TU graph data set") +
                          ": give a node data folder or manifest");
  }
}

namespace {

/// A TU data set rather than a molecule file (which a file named like one always is).
bool is_tu_input(const std::filesystem::path& file) { return !is_molecule_path(file) && is_tu_path(file); }

/// The graphs of a TU data set as records numbered by graph id; under skip, a graph with a bad line is a
/// record with its error (io::read_tu_dataset).
void for_each_tu_record(const std::filesystem::path& path, OnError on_error, const std::function<void(MoleculeRecord&)>& visit,
                        bool accept_graphs, const io::TuOptions& options) {
  if (!accept_graphs)
    throw InvalidArgument(path.string() + " is a TU data set of generic graphs; this command takes molecules (SDF/MOL or JSON)");
  std::vector<io::SkippedEntry> skipped;
  io::TuDataset set = io::read_tu_dataset(*io::find_tu_dataset(path), options, on_error == OnError::skip ? &skipped : nullptr);
  std::size_t next_skipped = 0;  // skipped is in graph order
  MoleculeRecord record;
  for (std::size_t k = 0; k < set.graphs.size(); ++k) {
    record = MoleculeRecord{};
    record.number = k + 1;
    record.id = set.graphs[k].id;
    if (next_skipped < skipped.size() && skipped[next_skipped].record == k + 1)
      record.error = std::move(skipped[next_skipped++].error);
    else
      record.graph = std::move(set.graphs[k]);
    visit(record);
  }
}

/// Whether a reader can go on after a bad record: an SDF reader always can, a SMILES table not after a
/// problem of the table itself.
bool can_go_on(const chem::SdfReader&) { return true; }
bool can_go_on(const chem::SmilesCsvReader& reader) { return reader.recoverable(); }
bool can_go_on(const chem::SmiFileReader& reader) { return reader.recoverable(); }

/// The records of a streaming reader (SdfReader, SmilesCsvReader), bad ones with their error under skip.
template <class Reader>
void for_each_streamed_record(Reader& reader, OnError on_error, const std::function<void(MoleculeRecord&)>& visit) {
  MoleculeRecord record;
  while (true) {
    record.error.clear();
    try {
      if (!reader.next(record.molecule)) break;
    } catch (const ParseError& e) {
      if (on_error == OnError::fail || !can_go_on(reader)) throw;
      record.error = e.what();
      record.molecule = chem::Molecule{};
    }
    record.number = reader.record_number();
    visit(record);
  }
}

void for_each_json_record(const std::filesystem::path& file, OnError on_error,
                          const std::function<void(MoleculeRecord&)>& visit, bool accept_graphs) {
  std::vector<io::SkippedEntry> skipped;
  io::GraphFile all = io::read_graph_json(file, on_error == OnError::skip ? &skipped : nullptr);
  // Every entry of the file is either in all.order (read) or in `skipped` (sorted by record number):
  // walk the positions and take each from the one it is in.
  const std::uint64_t total = all.order.size() + skipped.size();
  std::size_t next_read = 0, next_skipped = 0;
  MoleculeRecord record;
  for (std::uint64_t number = 1; number <= total; ++number) {
    record = MoleculeRecord{};
    record.number = number;
    if (next_skipped < skipped.size() && skipped[next_skipped].record == number) {
      record.error = std::move(skipped[next_skipped++].error);
    } else if (const io::GraphFileEntry& entry = all.order[next_read++];
               entry.kind == io::GraphFileEntry::Kind::graph && accept_graphs) {
      record.graph = std::move(all.graphs[entry.index]);
      record.id = record.graph->id;
    } else if (entry.kind == io::GraphFileEntry::Kind::graph) {
      const ParseError error = entry_error(file, number, "expected a molecule entry, found a \"graph\" entry");
      if (on_error == OnError::fail) throw error;
      record.error = error.what();
    } else {
      record.molecule = std::move(all.molecules[entry.index]);
      record.id = std::move(all.molecule_ids[entry.index]);
    }
    visit(record);
  }
}

}  // namespace

void for_each_record(const std::filesystem::path& file, OnError on_error,
                     const std::function<void(MoleculeRecord&)>& visit, bool accept_graphs, const io::TuOptions& tu,
                     const chem::SmilesCsvOptions& csv) {
  if (is_tu_input(file)) for_each_tu_record(file, on_error, visit, accept_graphs, tu);
  else if (file.extension() == ".json") for_each_json_record(file, on_error, visit, accept_graphs);
  else if (file.extension() == ".csv") {
    chem::SmilesCsvReader reader(file, csv);
    for_each_streamed_record(reader, on_error, visit);
  } else if (file.extension() == ".smi" || file.extension() == ".smiles") {
    chem::SmiFileReader reader(file);
    for_each_streamed_record(reader, on_error, visit);
  } else {
    chem::SdfReader reader(file);
    for_each_streamed_record(reader, on_error, visit);
  }
}

io::TuOptions tu_options(const TrainedGraphModel& model) {
  // A TU data set's one-hot label columns are as wide as its largest label: widened to the model's
  // rows, a file without the training set's largest labels still fits.
  io::TuOptions options;
  options.min_node_width = generic_node_width(model);
  options.min_edge_width = model.config.edge_dim;
  return options;
}

double molecule_target(const chem::Molecule& molecule, const std::string& name, const std::filesystem::path& file) {
  const std::string* value = molecule.property(name);
  double y = std::numeric_limits<double>::quiet_NaN();
  if (!value || value->empty()) return y;
  std::size_t used = 0;
  try {
    y = std::stod(*value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value->size() || !std::isfinite(y))
    throw ParseError(file, molecule.line,
                     "record " + std::to_string(molecule.record) + ": target " + name + " = '" + *value + "' is not a number");
  return y;
}

double graph_target(const io::GraphRecord& graph, const std::string& name, bool* named) {
  for (const auto& [label, value] : graph.labels)
    if (label == name) {
      if (named) *named = true;
      return value ? *value : std::numeric_limits<double>::quiet_NaN();
    }
  return std::numeric_limits<double>::quiet_NaN();
}

ParseError entry_error(const std::filesystem::path& file, std::uint64_t number, const std::string& why) {
  if (is_tu_input(file)) return ParseError(file, 0, "graph " + std::to_string(number) + ": " + why);
  return ParseError(file, 0, "graphs[" + std::to_string(number - 1) + "]: " + why);
}

MoleculeSet read_molecule_set(const std::filesystem::path& file, OnError on_error, bool quiet, bool accept_graphs,
                              const chem::SmilesCsvOptions& csv) {
  MoleculeSet set;
  for_each_record(file, on_error, [&](MoleculeRecord& r) {
    if (!r.ok()) {
      if (!quiet) std::cerr << "skipped record " << r.number << ": " << r.error << "\n";
      set.skipped.push_back({r.number, std::move(r.error)});
      return;
    }
    if (r.graph) {
      set.graphs.push_back(std::move(*r.graph));
      set.graph_records.push_back(r.number);
      return;
    }
    set.molecules.push_back(std::move(r.molecule));
    set.ids.push_back(std::move(r.id));
  }, accept_graphs, {}, csv);
  return set;
}

void for_each_featurized_chunk(
    const std::filesystem::path& file, OnError on_error, const GraphPredictor& predictor,
    const chem::SmilesCsvOptions& csv,
    const std::function<void(std::vector<MoleculeRecord>&, std::vector<chem::MoleculeGraph>&)>& visit,
    std::size_t chunk_records) {
  const TrainedGraphModel& model = predictor.model();
  std::vector<MoleculeRecord> chunk;
  auto flush = [&] {
    // Featurise the readable records in parallel; a failure makes the record bad, never shifts others.
    std::vector<chem::MoleculeGraph> graphs(chunk.size());
    parallel_rows(static_cast<std::int64_t>(chunk.size()), 8, [&](std::int64_t begin, std::int64_t end) {
      for (auto i = static_cast<std::size_t>(begin); i < static_cast<std::size_t>(end); ++i) {
        if (!chunk[i].ok()) continue;
        try {
          graphs[i] = chunk[i].graph ? predictor.graph(*chunk[i].graph) : predictor.featurize(chunk[i].molecule);
        } catch (const InvalidArgument& e) {
          // A generic graph entry (JSON) is named by its position in "graphs", as the reader names it.
          chunk[i].error = chunk[i].graph ? entry_error(file, chunk[i].number, e.what()).what()
                                          : ParseError(file, chunk[i].molecule.line, e.what()).what();
        }
      }
    });
    std::vector<chem::MoleculeGraph> good;
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      if (chunk[i].ok()) good.push_back(std::move(graphs[i]));
      else if (on_error == OnError::fail) throw Error(chunk[i].error);  // reading errors threw already
    }
    visit(chunk, good);
    chunk.clear();
  };
  // A model trained on generic graph entries reads them; a molecule entry is then a bad record (and
  // a generic graph entry one for a molecule model), with the predictor's reason.
  for_each_record(file, on_error, [&](MoleculeRecord& r) {
    chunk.push_back(std::move(r));
    if (chunk.size() == chunk_records) flush();
  }, /*accept_graphs=*/model.input == GraphInput::graphs, tu_options(model), csv);
  flush();
}

int member_option(const Args& args, int members, const std::string& what) {
  const auto member = args.integer("member", 1);
  GATKIT_REQUIRE(member >= 1 && member <= members,
                 "--member " + std::to_string(member) + ": the model has " + std::to_string(members) + " member" +
                     (members == 1 ? "" : "s") + " (1-based)");
  if (members > 1 && !args.has("member") && !args.flag("quiet"))
    std::cerr << "note: the model is an ensemble of " << members << "; these are the " << what << " of member 1 "
              << "(--member K for another)\n";
  return static_cast<int>(member - 1);
}

std::string skipped_line(const std::vector<SkippedRecord>& skipped, std::uint64_t records) {
  std::string line = "skipped " + std::to_string(skipped.size()) + " of " + std::to_string(records) + " records";
  for (std::size_t k = 0; k < skipped.size() && k < 20; ++k)
    line += (k ? ", " : ": ") + std::to_string(skipped[k].number);
  if (skipped.size() > 20) line += ", ...";
  return line;
}

std::vector<std::string> target_names(const Args& args) {
  std::vector<std::string> names;
  std::stringstream list(args.required("target"));
  std::string name;
  while (std::getline(list, name, ','))
    if (!name.empty()) names.push_back(name);
  GATKIT_REQUIRE(!names.empty(), "--target names no data item");
  return names;
}

}  // namespace gatkit::cli
