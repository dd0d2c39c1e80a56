#pragma once
// Molecule files for the molecule commands (train, predict, convert, info): SDF/MOL or gatkit JSON,
// read record by record under --on-error fail|skip. Record numbers are 1-based positions in the file
// (the SDF record, the entry of the JSON "graphs" array), so that a skipped record never shifts the
// numbers, names or predictions of the records after it.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli_args.hpp"
#include "gatkit/chem/json_format.hpp"
#include "gatkit/chem/molecule.hpp"
#include "gatkit/chem/smiles.hpp"
#include "gatkit/io/tu.hpp"
#include "gatkit/train/graph_predictor.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit::cli {

enum class OnError { fail, skip };

/// --on-error fail|skip (default fail).
OnError on_error_option(const Args& args);

/// .sdf, .sd, .mol (SDF/MOL), .json (gatkit-graphs JSON), .csv (a table with a SMILES column) or .smi,
/// .smiles (a SMILES and a name per line).
bool is_molecule_path(const std::filesystem::path& file);

/// Refuses (InvalidArgument, naming both) a --data that a model of checkpoint kind `kind` cannot read, for
/// the commands that choose their path by the model (evaluate, embed, explain): a node data folder or
/// manifest for a graph-level model; a molecule file (.sdf, .sd, .mol, .csv, .smi, .smiles) or a TU data
/// set for a node classifier. JSON graph files are left to the readers (their entries serve both kinds).
void refuse_data_of_the_other_kind(const std::string& kind, const std::filesystem::path& data, const std::string& model);

/// The start of the commands that choose their path by the model (evaluate, embed, explain): applies
/// --threads, reads the checkpoint kind of --model and refuses a --data of the other kind (above).
/// Returns the kind ("graph_model" or "node_classifier").
std::string model_kind_for_command(const Args& args);

/// The columns of a SMILES table: --smiles-column NAME, --name-column NAME (chem/smiles.hpp).
chem::SmilesCsvOptions smiles_csv_options(const Args& args);

/// A TU Dortmund data set (io/tu.hpp): a folder holding one, or its prefix FOLDER/DS. Throws
/// InvalidArgument for a folder of several.
bool is_tu_path(const std::filesystem::path& path);

/// One record of a molecule file.
struct MoleculeRecord {
  std::uint64_t number = 0;  ///< 1-based record number in the file
  std::string id;            ///< the JSON entry's "id"; "" for SDF and CSV records
  chem::Molecule molecule;   ///< valid when ok() and !graph
  /// A JSON generic graph entry (when the caller accepts them; molecule is then empty).
  std::optional<io::GraphRecord> graph;
  std::string error;         ///< why the record could not be read (file, line or JSON path, reason)
  bool ok() const { return error.empty(); }
  /// The name to show: the JSON id, else the SDF title line / JSON "name"; "" when the record could not
  /// be read.
  const std::string& name() const { return id.empty() ? molecule.name : id; }
};

/// Calls visit(record) for every record of `file`, in file order. OnError::fail: the first bad record
/// throws its ParseError. OnError::skip: bad records are visited too, with `error` set. SDF files and
/// SMILES tables (read with `csv`; a problem of the table itself, such as an unclosed quote, is never
/// skipped) are streamed; a JSON file is read whole (as io::read_graph_json does); a JSON "graph" entry is a bad
/// record unless `accept_graphs` (then it is visited with `graph` set). A TU data set (a folder, read
/// whole with `tu` options) holds generic graphs only: record k is graph id k, and without
/// `accept_graphs` it is refused; a problem of its files is one of the whole set, never skipped.
void for_each_record(const std::filesystem::path& file, OnError on_error,
                     const std::function<void(MoleculeRecord&)>& visit, bool accept_graphs = false,
                     const io::TuOptions& tu = {}, const chem::SmilesCsvOptions& csv = {});

/// The TU reading options for a graph model: one-hot columns widened to its rows (io::TuOptions).
io::TuOptions tu_options(const TrainedGraphModel& model);

/// The error of the generic graph with 1-based record number `number`: "FILE: graphs[number - 1]: why"
/// for a JSON entry (the JSON path the reader's own errors give), "FOLDER: graph number: why" for a TU
/// data set.
ParseError entry_error(const std::filesystem::path& file, std::uint64_t number, const std::string& why);

/// Reads `file` as `predictor`'s model reads it (molecules, or generic graph entries; a SMILES table with
/// the columns of `csv`) in chunks of at most `chunk_records` records, so that memory follows the chunk,
/// not the file. For each chunk, visit(records, graphs): the chunk's records in file order and the graphs
/// of its good records, featurised in parallel, in the same order (the k-th good record has graphs[k]).
/// A record that cannot be read or featurised stops the command under OnError::fail; under
/// OnError::skip it keeps its place with `error` set (file, line or JSON path, reason) and never shifts
/// the others.
void for_each_featurized_chunk(
    const std::filesystem::path& file, OnError on_error, const GraphPredictor& predictor,
    const chem::SmilesCsvOptions& csv,
    const std::function<void(std::vector<MoleculeRecord>&, std::vector<chem::MoleculeGraph>&)>& visit,
    std::size_t chunk_records = 1024);

/// --member K of a molecule model with `members` members (1-based, default 1), returned 0-based: one
/// member is used when their outputs cannot be averaged. Without --member an ensemble gets a note on
/// stderr (unless --quiet): "these are the <what> of member 1".
int member_option(const Args& args, int members, const std::string& what);

/// A record that was not used, and why.
struct SkippedRecord {
  std::uint64_t number = 0;
  std::string error;
};

/// The readable records of a file, with bad ones reported on stderr (unless quiet) and listed.
struct MoleculeSet {
  std::vector<chem::Molecule> molecules;  ///< Molecule::record is the record number
  std::vector<std::string> ids;           ///< parallel to molecules (see MoleculeRecord::id)
  /// With accept_graphs: the JSON generic graph entries, and their record numbers.
  std::vector<io::GraphRecord> graphs;
  std::vector<std::uint64_t> graph_records;
  std::vector<SkippedRecord> skipped;
};
MoleculeSet read_molecule_set(const std::filesystem::path& file, OnError on_error, bool quiet,
                              bool accept_graphs = false, const chem::SmilesCsvOptions& csv = {});

/// "skipped 2 of 10 records: 3, 7" (the record numbers, at most 20 listed).
std::string skipped_line(const std::vector<SkippedRecord>& skipped, std::uint64_t records);

/// The target `name` of a molecule (its SD data item, JSON property or table column), NaN when missing or
/// empty (a missing label, never zero). Throws ParseError naming the file, line and record for a value
/// that is not a finite number.
double molecule_target(const chem::Molecule& molecule, const std::string& name, const std::filesystem::path& file);

/// The label `name` of a generic graph entry, NaN when missing or null; `named` (optional) is set to true
/// when the entry has the label, even null.
double graph_target(const io::GraphRecord& graph, const std::string& name, bool* named = nullptr);

/// --target NAME[,NAME...] (required): the names, in order.
std::vector<std::string> target_names(const Args& args);

}  // namespace gatkit::cli
