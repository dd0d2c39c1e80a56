#pragma once
// Chemistry perceived from the connection table, without RDKit: ring membership (Boost.Graph), total
// hydrogen counts from a default-valence model, aromaticity on Kekulé input, conjugation, hybridisation.
// The reference for every rule is RDKit's behaviour on the MoleculeNet SDFs (bench/rdkit_agreement.py).
#include <cstdint>
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
  std::vector<bool> bond_in_ring;
  std::vector<bool> bond_aromatic;
  std::vector<bool> bond_conjugated;
  std::vector<std::vector<std::int32_t>> rings;  ///< smallest set of smallest rings (atom indices)
};

/// Perceives everything above. Input bonds of order 4 (aromatic) are respected as aromatic.
Perception perceive(const Molecule& molecule);

}  // namespace gatkit::chem
