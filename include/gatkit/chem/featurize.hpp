#pragma once
// Molecule -> graph + dense 0/1 features, for graph-attention models on molecules (MoleculeNet).
// The feature list and the reasons for it are in docs/features.md; it follows DGL-LifeSci's
// CanonicalAtomFeaturizer / CanonicalBondFeaturizer and PyG's `from_smiles` x/edge_attr, restricted to
// what perceive() derives without RDKit (no chirality, no partial charges).
//
// Atom row (in this order; widths in brackets, total kAtomFeatureWidth, or
// kAtomFeatureWidthNoHybridisation when FeaturizeOptions::hybridisation is false):
//   element      [14] H B C N O F Si P S Cl Br I Se, other
//   degree       [6]  heavy-atom neighbours 0 1 2 3 4 >=5 (the last column is "degree=5")
//   charge       [5]  formal charge -2 -1 0 +1 +2, clamped into that range
//   hydrogens    [5]  total hydrogens (implicit + folded) 0 1 2 3 >=4 (last column "hydrogens=4")
//   aromatic     [1]
//   in_ring      [1]
//   hybridisation[7]  s sp sp2 sp3 sp3d sp3d2 other   (optional, last)
// Bond row (kBondFeatureWidth = 6): order single double triple aromatic (aromatic as perceived, which
// overrides the Kekulé order), in_ring, conjugated.
//
// Names: atom_feature_names()[c] is "group=value" for one-hot groups ("element=C", "degree=2",
// "charge=-1", "hydrogens=3", "hybridisation=sp2") and the plain name for flags ("aromatic", "in_ring").
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "gatkit/chem/molecule.hpp"
#include "gatkit/graph/graph.hpp"
#include "gatkit/nn/readout.hpp"
#include "gatkit/tensor.hpp"

namespace gatkit::chem {

struct FeaturizeOptions {
  bool hybridisation = true;  ///< append the 7 hybridisation columns to every atom row
};

inline constexpr std::int64_t kAtomFeatureWidthNoHybridisation = 14 + 6 + 5 + 5 + 1 + 1;  // 32
inline constexpr std::int64_t kAtomFeatureWidth = kAtomFeatureWidthNoHybridisation + 7;   // 39
inline constexpr std::int64_t kBondFeatureWidth = 4 + 1 + 1;                              // 6

/// Width of an atom row under `options` (39 by default, 32 without hybridisation).
std::int64_t atom_feature_width(const FeaturizeOptions& options = {});
/// One name per atom column, in column order; size atom_feature_width(options).
std::vector<std::string> atom_feature_names(const FeaturizeOptions& options = {});
/// One name per bond column: "order=single", "order=double", "order=triple", "order=aromatic",
/// "in_ring", "conjugated".
std::vector<std::string> bond_feature_names();

/// A featurised molecule. Nodes are atoms in input order.
struct MoleculeGraph {
  /// Symmetric: every bond gives i -> j and j -> i; no self-loops; no weights; CSR over in-edges.
  Graph graph;
  /// num_atoms x atom_feature_width(options), 0/1.
  MatrixF atom_features;
  /// graph.num_edges() x kBondFeatureWidth, 0/1; row e describes the bond of in-edge e (so the rows
  /// follow the CSR order: destination ascending, then source ascending). Both directions of a bond
  /// carry equal rows.
  MatrixF edge_features;
};

/// Featurises `molecule` (runs perceive() on it). Throws InvalidArgument for a bond whose atom index is
/// out of range, a bond from an atom to itself, or two bonds between the same pair of atoms.
MoleculeGraph featurize(const Molecule& molecule, const FeaturizeOptions& options = {});

/// Several featurised molecules as one block-diagonal graph (see batch_graphs).
struct MoleculeBatch {
  GraphBatch batch;
  MatrixF atom_features;  ///< batch.graph.num_nodes() x atom width: molecule k's rows at offsets[k]..
  MatrixF edge_features;  ///< batch.graph.num_edges() x kBondFeatureWidth, in batch.graph's in-edge order
};

/// Batches `molecules` (non-null, all with the same atom and bond widths; throws InvalidArgument
/// otherwise). An empty span gives an empty batch with 0-column feature matrices.
MoleculeBatch batch_molecules(std::span<const MoleculeGraph* const> molecules);

}  // namespace gatkit::chem
