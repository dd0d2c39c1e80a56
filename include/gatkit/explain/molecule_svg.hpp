#pragma once
// A molecule drawn from its file's 2D coordinates, atoms and bonds shaded by attention (`gatkit explain
// --svg`). What the shades mean (docs/attention.md, "Seeing the attention"):
//   atom: the attention it receives in the chosen layer: the sum, over the edges j -> i it is the source j of
//         (its bonded neighbours attending to it, its own self-loop, and range edges beyond 1-hop), of
//         alpha_ij, for one head or averaged over heads. Under softmax the mean over a molecule's atoms is
//         exactly 1, so a value above 1 means the atom draws more than its share.
//   bond: the mean of the weights of its two directions (i attending to j, j attending to i), for one
//         head or averaged over heads; in [0, 1].
// The drawing: a dark skeleton (heteroatom symbols with their hydrogens and charges, double and triple
// bonds as parallel lines, aromatic bonds of the input as a line with a dashed inner line) over
// coloured halos: a circle per atom (white -> orange -> dark red) and a wide stroke per bond (grey ->
// blue), each scale running from the smallest to the largest value in the molecule and shown in a
// legend with its numeric range.
//
// SVG structure (tests count on it): one <circle class="atom"> per atom and one <line class="bond"> per
// bond, in input order, and one <g class="legend">.
#include <string>
#include <vector>

#include "gatkit/chem/molecule.hpp"
#include "gatkit/explain/attention_weights.hpp"

namespace gatkit::explain {

/// What each atom and bond of a molecule is shaded by.
struct MoleculeShading {
  std::vector<double> atom;  ///< per atom, input order
  std::vector<double> bond;  ///< per bond, input order (molecule.bonds)
};

/// The shades above for `layer` and `head` (-1: mean over heads). `weights` must come from the molecule
/// alone (node k of weights.graph is atom k); throws InvalidArgument otherwise.
MoleculeShading molecule_shading(const chem::Molecule& molecule, const AttentionWeights& weights, int layer, int head);

/// Whether the atoms have 2D coordinates: some x or y differs from the first atom's (a one-atom molecule
/// always has).
bool has_2d_coordinates(const chem::Molecule& molecule);

/// Replaces the coordinates with a computed 2D layout: per connected component, stress majorisation on
/// the bond-path distances (bond length 1.5, as in MDL files), components side by side. A schematic
/// layout, not a chemist's depiction (rings come out roughly regular, crossings are possible).
/// Leaves z untouched.
void compute_2d_layout(chem::Molecule& molecule);

struct MoleculeSvgCaption {
  std::string title;     ///< e.g. "record 3: Nc1ccccc1" (first legend line)
  std::string subtitle;  ///< e.g. "layer 3 of 3, mean of 4 heads" (second legend line)
};

/// The SVG document (UTF-8). Throws InvalidArgument unless shading has one value per atom and bond and
/// the molecule has 2D coordinates (has_2d_coordinates, or call compute_2d_layout first).
std::string molecule_svg(const chem::Molecule& molecule, const MoleculeShading& shading, const MoleculeSvgCaption& caption);

}  // namespace gatkit::explain
