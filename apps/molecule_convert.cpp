// gatkit convert: molecules from SDF/MOL or gatkit JSON to either, the output format chosen by the
// extension of --out (.sdf/.sd/.mol: V2000 SDF; .json: gatkit-graphs JSON); generic graphs (JSON
// entries, a TU data set) to JSON only. What is written is what the
// readers parsed: atoms, charges, isotopes, radicals, hydrogens, bonds, data items / properties.
// SDF carries hydrogen counts only through the valence model (chem::write_sdf writes no H atoms and no
// counts); an atom whose hydrogen count that model would not give back is reported on stderr.
#include <iostream>

#include "cli_args.hpp"
#include "commands.hpp"
#include "gatkit/chem/json_format.hpp"
#include "gatkit/chem/perception.hpp"
#include "gatkit/chem/sdf.hpp"
#include "gatkit/util/error.hpp"
#include "molecule_files.hpp"

namespace gatkit::cli {
namespace {

/// Atoms of `m` whose total hydrogen count changes when the folded hydrogens are dropped, as they are
/// when the molecule goes through SDF: "atom 3 (N): 2 hydrogens, 1 after SDF".
std::vector<std::string> hydrogens_lost_in_sdf(const chem::Molecule& m) {
  chem::Molecule without = m;
  bool folded = false;
  for (auto& a : without.atoms) {
    folded = folded || a.explicit_hydrogens != 0;
    a.explicit_hydrogens = 0;
  }
  if (!folded) return {};
  const chem::Perception before = chem::perceive(m), after = chem::perceive(without);
  std::vector<std::string> lost;
  for (std::size_t i = 0; i < m.atoms.size(); ++i)
    if (before.total_hydrogens[i] != after.total_hydrogens[i])
      lost.push_back("atom " + std::to_string(i + 1) + " (" + m.atoms[i].symbol + "): " +
                     std::to_string(before.total_hydrogens[i]) + " hydrogens, " +
                     std::to_string(after.total_hydrogens[i]) + " after SDF");
  return lost;
}

void write(const std::filesystem::path& out, bool to_json, const MoleculeSet& set, bool quiet) {
  if (to_json) {
    io::GraphFile file;
    file.molecules = set.molecules;
    file.molecule_ids = set.ids;
    file.graphs = set.graphs;
    // Entries in the input's order: merge molecules and graphs by record number.
    std::size_t m = 0, g = 0;
    while (m < set.molecules.size() || g < set.graphs.size()) {
      const bool molecule_next = g == set.graphs.size() ||
                                 (m < set.molecules.size() && set.molecules[m].record < set.graph_records[g]);
      file.order.push_back(molecule_next ? io::GraphFileEntry{io::GraphFileEntry::Kind::molecule, m++}
                                         : io::GraphFileEntry{io::GraphFileEntry::Kind::graph, g++});
    }
    io::write_graph_json(out, file);
    return;
  }
  std::size_t lost_atoms = 0;
  for (const auto& m : set.molecules)
    for (const auto& what : hydrogens_lost_in_sdf(m))
      if (++lost_atoms <= 20 && !quiet) std::cerr << "warning: record " << m.record << ": " << what << "\n";
  if (lost_atoms > 0)
    std::cerr << "warning: " << lost_atoms << " atom(s) have hydrogen counts that SDF cannot carry\n";
  chem::write_sdf(out, set.molecules);
}

}  // namespace

int cmd_convert(const std::vector<std::string>& argv) {
  const Args args(argv, {"data", "out", "on-error", "smiles-column", "name-column"}, {"quiet"});
  const std::filesystem::path in = args.required("data"), out = args.required("out");
  const bool quiet = args.flag("quiet");
  GATKIT_REQUIRE(is_molecule_path(in) || is_tu_path(in),
                 "--data must be a molecule file (.sdf, .sd, .mol, .json, a .csv table of SMILES or a .smi file) or a TU data set, got " + in.string());
  GATKIT_REQUIRE(is_molecule_path(out) && out.extension() != ".csv" && out.extension() != ".smi" && out.extension() != ".smiles", "--out must end in .sdf, .sd, .mol or .json, got " + out.string());
  const bool to_json = out.extension() == ".json";
  const MoleculeSet set = read_molecule_set(in, on_error_option(args), quiet, /*accept_graphs=*/true, smiles_csv_options(args));
  GATKIT_REQUIRE(to_json || set.graphs.empty(),
                 in.string() + " holds generic graphs, which SDF cannot hold; write a .json");
  GATKIT_REQUIRE(out.extension() != ".mol" || set.molecules.size() <= 1,
                 "a .mol file holds one molecule and " + in.string() + " has " + std::to_string(set.molecules.size()) +
                     "; write a .sdf");
  try {
    write(out, to_json, set, quiet);
  } catch (const InvalidArgument& e) {
    throw Error(e.what());  // a molecule the format cannot hold is a problem of the data, not of the usage
  }

  const std::uint64_t records = set.molecules.size() + set.graphs.size() + set.skipped.size();
  if (!quiet || !set.skipped.empty())
    std::cerr << "converted " << set.molecules.size() << " molecule(s)"
              << (set.graphs.empty() ? std::string() : " and " + std::to_string(set.graphs.size()) + " graph(s)")
              << " to " << out.string()
              << (set.skipped.empty() ? std::string() : "; " + skipped_line(set.skipped, records)) << "\n";
  return 0;
}

}  // namespace gatkit::cli
