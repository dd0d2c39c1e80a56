#pragma once
// Chemistry perceived from the connection table, without RDKit: ring membership (Boost.Graph), total
// hydrogen counts from a default-valence model, aromaticity on Kekulé input, conjugation, hybridisation.
// The reference for every rule is RDKit's behaviour on the MoleculeNet SDFs (bench/rdkit_agreement.py).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gatkit/chem/molecule.hpp"

namespace gatkit::chem {

enum class Hybridisation : std::uint8_t { other = 0, s, sp, sp2, sp3, sp3d, sp3d2 };

/// Per-atom and per-bond facts derived from a molecule.
struct Perception {
  std::vector<int> implicit_hydrogens;   ///< per atom, from the default valence model
  std::vector<int> total_hydrogens;      ///< implicit + explicit (folded) hydrogens
  std::vector<int> heavy_degree;         ///< bonded non-hydrogen atoms
  std::vector<bool> atom_in_ring;
  std::vector<bool> atom_aromatic;
  std::vector<Hybridisation> hybridisation;
  /// Unpaired electrons per atom: the input's radical, or for an atom with no implicit hydrogens what
  /// its valence leaves (RDKit's assignRadicals: [CH2] has 2, [Cl] 1).
  std::vector<int> radical_electrons;
  std::vector<bool> bond_in_ring;
  std::vector<bool> bond_aromatic;
  std::vector<bool> bond_conjugated;
  std::vector<std::vector<std::int32_t>> rings;  ///< smallest set of smallest rings (atom indices)
};

/// Gives the aromatic bonds of `molecule` (order 4 or flagged) single and double orders, and clears every
/// aromatic flag, so that perceive() judges aromaticity by its own model, as RDKit does with SMILES. An
/// aromatic atom takes one double bond when its default valence has one to spare after its H count,
/// its other bonds and one per aromatic bond (a maximum matching, Edmonds' algorithm, Boost.Graph).
/// Throws InvalidArgument when no such assignment exists (RDKit: "Can't kekulize mol").
void kekulize(Molecule& molecule);

/// RDKit's sanitisation clean-up, for input that writes these groups without charges: a neutral
/// five-valent N with a double bond to a terminal O (nitro, N-oxides) or a triple bond to a terminal N
/// (azides) becomes N+ and O- (N-); a neutral 3-, 5- or 7-valent Cl, Br or I bonded to oxygens only
/// gives each double-bonded terminal O a single bond and a negative charge (perchlorate: Cl+3).
void clean_up(Molecule& molecule);

/// An atom whose bonds and hydrogens exceed what its element allows at its charge.
struct ValenceProblem {
  int atom;            ///< 0-based index
  std::string reason;  ///< "valence 5 is more than the 4 that N with charge +1 allows"
};

/// RDKit's valence check (the strict explicit- and implicit-valence rules of its sanitisation, with its
/// 2022.09 valence lists): the first atom whose valence no allowed valence of its element holds at its
/// charge (C with five bonds, neutral four-bonded N, [B-] with five bonds); none for the d and f blocks,
/// which take any valence. A plain H atom with one single bond to a heavy atom is not checked itself
/// (readers fold it into its neighbour's H count). Call it after clean_up(), so that nitro groups written
/// N(=O)=O pass. The SMILES readers refuse such molecules, as RDKit does; the SDF reader if asked.
std::optional<ValenceProblem> find_valence_problem(const Molecule& molecule);

/// The problem as readers report it, atoms numbered from 1: "atom 3 (N): valence 4 is more than the 3
/// that N allows".
std::string valence_message(const Molecule& molecule, const ValenceProblem& problem);

/// Perceives everything above. Input bonds of order 4 (aromatic) are respected as aromatic.
Perception perceive(const Molecule& molecule);

}  // namespace gatkit::chem
