#pragma once
// SDF / MOL files (MDL CTfile), streamed record by record: memory does not grow with the file.
//  - V2000 and V3000 connection tables: atom block (element, coordinates, mass difference, charge
//    field, valence field), bond block (1 single, 2 double, 3 triple, 4 aromatic), M  CHG, M  ISO,
//    M  RAD, M  END; V3000 CHG=, MASS=, RAD=, VAL=. A stated valence (V2000 vvv, V3000 VAL=) fixes the
//    atom's hydrogen count as RDKit reads it (Atom::no_implicit_hydrogens), and the writer states one
//    for such atoms, so [AlH3] or a SMILES [CH2] keeps its hydrogens through an SDF file;
//  - data items "> <NAME>" and older forms such as ">  <NAME>  (1)" or "> 25  <NAME>", multi-line values,
//    records ended by "$$$$" (a MOL file is one record without it);
//  - CRLF line ends, a missing final newline;
//  - explicit hydrogen atoms folded into their heavy atom's explicit_hydrogens by default.
// A bad record throws gatkit::ParseError naming the file, the line, the record number and the reason;
// the reader then continues with the next record, so callers can skip bad records and keep ids aligned.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "gatkit/chem/molecule.hpp"
#include "gatkit/util/limits.hpp"

namespace gatkit::chem {

struct SdfOptions {
  bool fold_hydrogens = true;  ///< H atoms bonded to exactly one heavy atom become explicit_hydrogens
  /// Refuse a record with an atom over every valence its element allows (chem::find_valence_problem, as
  /// RDKit's sanitisation). Off by default: connection tables converted from graph data sets often drop
  /// charges (MUTAG's nitro groups are neutral N with valence 4), and are read as written; `gatkit info`
  /// counts such records. RDKit's clean-up (neutral N(=O)=O to [N+](=O)[O-]) is always applied.
  bool check_valences = false;
  /// max_atoms: records with more atoms or bonds are errors (a counts line cannot make the reader
  /// allocate); max_line_length, also for V3000 lines joined from continuation lines.
  Limits limits = default_limits();
};

class SdfReader {
 public:
  explicit SdfReader(const std::filesystem::path& file, const SdfOptions& options = {});
  ~SdfReader();
  SdfReader(const SdfReader&) = delete;
  SdfReader& operator=(const SdfReader&) = delete;

  /// Reads the next record into `molecule`; false at the end of the file. Throws ParseError for a bad
  /// record, positioned so that the following call reads the record after it.
  bool next(Molecule& molecule);
  /// 1-based number of the record last read (or attempted).
  std::uint64_t record_number() const;
  const std::filesystem::path& file() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// All records of a file (convenience; throws on the first bad record).
std::vector<Molecule> read_sdf(const std::filesystem::path& file, const SdfOptions& options = {});

/// Writes molecules as V2000 SDF records (folded hydrogens are written as the atoms' H count via
/// implicit valence, i.e. not as atoms), with their data items; through a temporary file and a rename.
void write_sdf(const std::filesystem::path& file, const std::vector<Molecule>& molecules);

}  // namespace gatkit::chem
