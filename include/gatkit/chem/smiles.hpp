#pragma once
// SMILES strings (OpenSMILES), CSV tables with a SMILES column (the form MoleculeNet publishes its
// data sets in) and SMILES files (.smi: a SMILES and a name per line), read into molecules without RDKit.
//
// What a SMILES string gives (docs/formats.md, "SMILES"):
//  - atoms: the organic subset (B C N O P S F Cl Br I, aromatic b c n o p s), '*', and bracket atoms
//    [isotope symbol chirality H-count charge :class] with any element and the aromatic symbols
//    b c n o p s se as te; a bracket atom's H count is complete (Atom::no_implicit_hydrogens);
//  - bonds: - = # : and / \ (read as single: stereochemistry is not kept); an unwritten bond is
//    aromatic between two aromatic atoms when it lies on a ring, single otherwise (as RDKit reads
//    biphenyl "c1ccccc1c1ccccc1"); ring closures 0-9, %nn and %(n...); branches; '.' between parts;
//  - hydrogen atoms written as [H] on one heavy atom are folded into its H count (SdfOptions' rule;
//    after the valence check, so that its messages number atoms as written);
//  - then, as RDKit's sanitisation does: charge-separated nitro, N-oxide, azide and halogen-oxide groups
//    (chem::clean_up); the valence check (chem::find_valence_problem: "C(C)(C)(C)(C)C" or a neutral
//    four-bonded "C[N](C)(C)C" is an error, as in RDKit); and the aromatic bonds turned into a Kekulé
//    structure (chem::kekulize), so that perceive() finds aromaticity with the same model as for SDF
//    input. A string that cannot be kekulized (pyrrole written "c1ccnc1" instead of "c1cc[nH]c1") is an
//    error, as in RDKit.
// Quadruple bonds ('$') are refused. Chirality and atom classes are read and dropped.
//
// Errors are SmilesError ("position P: why", P 1-based); the CSV reader turns them into ParseErrors
// naming the file, the line, the record and the column.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "gatkit/chem/molecule.hpp"
#include "gatkit/util/error.hpp"
#include "gatkit/util/limits.hpp"

namespace gatkit::chem {

/// A SMILES string that cannot be read; what() reads "position P: why".
class SmilesError : public Error {
 public:
  SmilesError(std::size_t position, const std::string& why)
      : Error(position ? "position " + std::to_string(position) + ": " + why : why), position_(position) {}
  std::size_t position() const { return position_; }  ///< 1-based character position; 0: the whole string

 private:
  std::size_t position_;
};

struct SmilesOptions {
  bool fold_hydrogens = true;  ///< [H] atoms on exactly one heavy atom become its explicit_hydrogens
  Limits limits = default_limits();  ///< max_atoms (atoms and bonds)
};

/// Parses one SMILES string (no surrounding spaces, no name after it). Throws SmilesError.
Molecule parse_smiles(std::string_view smiles, const SmilesOptions& options = {});

struct SmilesCsvOptions {
  /// The SMILES column; "" takes the column named "smiles" in any case (an error when there is none).
  std::string smiles_column;
  /// The column whose value names each molecule (predictions, conversions); "": the SMILES itself.
  std::string name_column;
  char delimiter = ',';
  SmilesOptions smiles;
};

/// A CSV table (io/csv.hpp: header row, RFC 4180 quoting, empty lines skipped), one molecule per
/// record, streamed. Every column, the SMILES one included, becomes a property of the molecule
/// (name -> value; an empty value is a missing label). Molecule::record is the 1-based record number
/// (the header not counted) and Molecule::line the file line it starts on.
class SmilesCsvReader {
 public:
  /// Opens the file and finds its columns; throws ParseError (header problems, no SMILES column).
  SmilesCsvReader(const std::filesystem::path& file, const SmilesCsvOptions& options = {});
  ~SmilesCsvReader();
  SmilesCsvReader(const SmilesCsvReader&) = delete;
  SmilesCsvReader& operator=(const SmilesCsvReader&) = delete;

  /// Reads the next record; false at the end of the file. Throws ParseError for a record that cannot be
  /// read (a bad SMILES, a wrong number of fields); the next call reads the record after it. A problem
  /// of the table itself (an unclosed quote, an over-long record) throws too, and recoverable() is
  /// then false: the rest of the file cannot be read.
  bool next(Molecule& molecule);
  /// 1-based number of the record last read (or attempted).
  std::uint64_t record_number() const;
  /// False after an error that the reader cannot go on from.
  bool recoverable() const;
  const std::filesystem::path& file() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// A SMILES file (.smi, .smiles), as screening libraries come: one molecule per line, its SMILES and,
/// after spaces or a tab, an optional name (the rest of the line); no header; empty lines are skipped.
/// Streamed. A molecule has the data items "smiles" and, when there is one, "name"; its name is the
/// name or else the SMILES. Molecule::record counts the non-empty lines.
class SmiFileReader {
 public:
  /// Opens the file; throws ParseError when it cannot.
  SmiFileReader(const std::filesystem::path& file, const SmilesOptions& options = {});
  ~SmiFileReader();
  SmiFileReader(const SmiFileReader&) = delete;
  SmiFileReader& operator=(const SmiFileReader&) = delete;

  /// Reads the next molecule; false at the end of the file. Throws ParseError (file, line, record, the
  /// SMILES, the position) for a bad SMILES, after which the next call reads the next line; a line over
  /// the length limit throws too, and recoverable() is then false.
  bool next(Molecule& molecule);
  std::uint64_t record_number() const;
  bool recoverable() const;
  const std::filesystem::path& file() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace gatkit::chem
