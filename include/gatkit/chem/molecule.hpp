#pragma once
// A molecule as read from a file (SDF/MOL V2000 or V3000, or gatkit's JSON format): atoms, bonds and the
// record's data items, before any featurisation. Hydrogens are usually folded into their heavy atom
// (Atom::explicit_hydrogens); perception (rings, aromaticity, implicit hydrogens) lives in chem/perception.hpp.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace gatkit::chem {

enum class BondOrder : std::uint8_t { single = 1, double_bond = 2, triple = 3, aromatic = 4 };

struct Atom {
  std::uint8_t atomic_number = 0;  ///< 1..118; 0 for a pseudo-atom or unknown symbol (see symbol)
  std::string symbol;              ///< as written in the file ("C", "Cl", "*", "R#", ...)
  int formal_charge = 0;
  int isotope = 0;                 ///< mass number; 0 = natural abundance
  int radical = 0;                 ///< 0 none, 1 singlet, 2 doublet, 3 triplet (M  RAD / RAD=)
  int explicit_hydrogens = 0;      ///< hydrogen atoms of the input folded into this atom
  double x = 0, y = 0, z = 0;
  bool aromatic = false;           ///< from the input (aromatic bonds) or from perception
  /// explicit_hydrogens is the whole H count: no implicit hydrogens are added (a SMILES bracket atom).
  bool no_implicit_hydrogens = false;
};

struct Bond {
  std::int32_t begin = 0, end = 0;  ///< 0-based atom indices, begin != end
  BondOrder order = BondOrder::single;
  int stereo = 0;                   ///< the file's stereo field, kept for writing back
  bool aromatic = false;            ///< order == aromatic in the input, or set by perception
};

struct Molecule {
  std::string name;                 ///< SDF title line / JSON "name"
  std::vector<Atom> atoms;
  std::vector<Bond> bonds;
  /// SD data items (or JSON properties) in file order: name -> value (multi-line values joined with
  /// '\n'; an item with no data line has an empty value, which means "missing").
  std::vector<std::pair<std::string, std::string>> properties;
  std::uint64_t record = 0;         ///< 1-based record number in its file
  std::uint64_t line = 0;           ///< 1-based line where the record starts

  /// The value of data item `key`, or nullptr when absent.
  const std::string* property(const std::string& key) const {
    for (const auto& [k, v] : properties)
      if (k == key) return &v;
    return nullptr;
  }
};

/// Per atom: for a plain hydrogen atom (no isotope, charge or radical) with one single bond, to a heavy
/// atom, that heavy atom's index; -1 for every other atom. These are the atoms fold_hydrogens() folds.
/// Bonds that do not join two atoms of the molecule are ignored.
std::vector<std::int32_t> hydrogen_folds(const Molecule& molecule);

/// Folds the hydrogen atoms of hydrogen_folds() into their heavy atom's explicit_hydrogens, and
/// renumbers the remaining atoms and bonds.
void fold_hydrogens(Molecule& molecule);

/// Atomic number of an element symbol ("C" -> 6, "Cl" -> 17; case-sensitive as in MDL files), 0 if
/// unknown. Covers H..Og.
std::uint8_t atomic_number(const std::string& symbol);
/// The symbol of an atomic number (1..118), "" otherwise.
const char* element_symbol(int atomic_number);

}  // namespace gatkit::chem
