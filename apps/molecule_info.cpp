// gatkit info on a molecule file: records read and skipped, atoms and bonds, elements, charged and
// aromatic atoms, rings (as perceived for featurisation), the data items present, and for each
// --target its present/missing counts with the class balance (0/1 values) or the value statistics.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <map>
#include <optional>

#include "cli_args.hpp"
#include "commands.hpp"
#include "gatkit/chem/featurize.hpp"
#include "gatkit/chem/generic_graph.hpp"
#include "gatkit/chem/perception.hpp"
#include "gatkit/util/error.hpp"
#include "molecule_files.hpp"
#include "output.hpp"

namespace gatkit::cli {
namespace {

struct Count {  ///< total, mean and max of a per-molecule count
  std::int64_t total = 0, max = 0;
  void add(std::int64_t n) {
    total += n;
    max = std::max(max, n);
  }
  double mean(std::size_t molecules) const { return molecules ? static_cast<double>(total) / static_cast<double>(molecules) : 0.0; }
};

struct TargetStats {
  std::string name;
  std::int64_t present = 0, missing = 0, non_numeric = 0;
  std::map<double, std::int64_t> counts;  ///< value -> molecules, while the values look like classes
  bool classes = true;                    ///< every value an integer, at most kMaxClasses distinct ones
  double sum = 0, sum_sq = 0;
  double min = std::numeric_limits<double>::infinity(), max = -std::numeric_limits<double>::infinity();

  static constexpr std::size_t kMaxClasses = 20;
  std::int64_t numeric() const { return present - non_numeric; }
  bool binary() const {
    return classes && numeric() > 0 &&
           std::all_of(counts.begin(), counts.end(), [](const auto& c) { return c.first == 0 || c.first == 1; });
  }
  double mean() const { return sum / static_cast<double>(numeric()); }
  double stddev() const { return std::sqrt(std::max(0.0, sum_sq / static_cast<double>(numeric()) - mean() * mean())); }

  void add(const std::string* value) {
    if (!value || value->empty()) {  // absent or empty: a missing label, as for training
      ++missing;
      return;
    }
    ++present;
    double y = 0;
    std::size_t used = 0;
    try {
      y = std::stod(*value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != value->size() || !std::isfinite(y)) {
      ++non_numeric;
      return;
    }
    add_number(y);
  }

  /// A generic graph entry's label: absent or null is missing.
  void add(const std::optional<double>* value) {
    if (!value || !*value) {
      ++missing;
      return;
    }
    ++present;
    add_number(**value);
  }

 private:
  void add_number(double y) {
    sum += y;
    sum_sq += y * y;
    min = std::min(min, y);
    max = std::max(max, y);
    if (classes) {
      ++counts[y];
      if (y != std::trunc(y) || counts.size() > kMaxClasses) {
        classes = false;
        counts.clear();
      }
    }
  }
};

struct MoleculeStats {
  std::size_t molecules = 0;
  std::size_t graphs = 0;  ///< JSON generic graph entries
  Count nodes, edges;      ///< of the generic graphs
  Count atoms, bonds, rings;
  std::int64_t hydrogens = 0;
  std::int64_t charged_atoms = 0, charged_molecules = 0, aromatic_atoms = 0, aromatic_molecules = 0, ring_molecules = 0;
  /// Molecules read with an atom over its element's valences (RDKit's sanitisation refuses them), and
  /// the first few reasons.
  std::vector<std::uint64_t> over_valence_records;
  std::vector<std::string> over_valence_examples;
  std::map<std::string, std::int64_t> elements;
  std::vector<std::pair<std::string, std::int64_t>> properties;  ///< data item -> molecules with it, first-seen order
  std::vector<TargetStats> targets;
  std::vector<SkippedRecord> skipped;
  std::uint64_t records = 0;

  void add(const chem::Molecule& m, const chem::Perception& p) {
    ++molecules;
    atoms.add(static_cast<std::int64_t>(m.atoms.size()));
    bonds.add(static_cast<std::int64_t>(m.bonds.size()));
    rings.add(static_cast<std::int64_t>(p.rings.size()));
    if (!p.rings.empty()) ++ring_molecules;
    std::int64_t charged = 0, aromatic = 0;
    for (std::size_t i = 0; i < m.atoms.size(); ++i) {
      ++elements[m.atoms[i].symbol];
      hydrogens += p.total_hydrogens[i];
      charged += m.atoms[i].formal_charge != 0;
      aromatic += p.atom_aromatic[i];
    }
    charged_atoms += charged;
    charged_molecules += charged > 0;
    aromatic_atoms += aromatic;
    aromatic_molecules += aromatic > 0;
    for (const auto& [key, value] : m.properties) count_property(key);
    for (auto& t : targets) t.add(m.property(t.name));
    if (auto problem = chem::find_valence_problem(m)) {
      over_valence_records.push_back(m.record);
      if (over_valence_examples.size() < 3)
        over_valence_examples.push_back("record " + std::to_string(m.record) + ": " + chem::valence_message(m, *problem));
    }
  }

  void add(const io::GraphRecord& g) {
    ++graphs;
    nodes.add(g.num_nodes);
    edges.add(static_cast<std::int64_t>(g.edges.size()));
    for (const auto& [key, value] : g.labels) count_property(key);
    for (auto& t : targets) {
      const auto it = std::find_if(g.labels.begin(), g.labels.end(), [&](const auto& l) { return l.first == t.name; });
      t.add(it == g.labels.end() ? nullptr : &it->second);
    }
  }

  /// One more record with data item (or label) `key`.
  void count_property(const std::string& key) {
    auto it = std::find_if(properties.begin(), properties.end(), [&](const auto& e) { return e.first == key; });
    if (it == properties.end()) properties.emplace_back(key, 1);
    else ++it->second;
  }

  std::vector<std::pair<std::string, std::int64_t>> elements_by_count() const {
    std::vector<std::pair<std::string, std::int64_t>> e(elements.begin(), elements.end());
    std::stable_sort(e.begin(), e.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    return e;
  }
};

std::string class_name(double value) { return std::to_string(static_cast<std::int64_t>(value)); }

void print_json(const MoleculeStats& s, const std::filesystem::path& file) {
  rapidjson::StringBuffer b;
  PrettyJsonWriter w(b);
  auto count = [&](const char* key, const Count& c) {
    w.Key(key); w.StartObject();
    w.Key("total"); w.Int64(c.total);
    w.Key("mean"); w.Double(c.mean(s.molecules));
    w.Key("max"); w.Int64(c.max);
    w.EndObject();
  };
  w.StartObject();
  w.Key("file"); w.String(file.string().c_str());
  w.Key("records"); w.Uint64(s.records);
  w.Key("molecules"); w.Uint64(s.molecules);
  if (s.graphs > 0) {  // a file with generic graph entries
    w.Key("graphs"); w.Uint64(s.graphs);
    w.Key("nodes"); w.StartObject();
    w.Key("total"); w.Int64(s.nodes.total);
    w.Key("mean"); w.Double(s.nodes.mean(s.graphs));
    w.Key("max"); w.Int64(s.nodes.max);
    w.EndObject();
    w.Key("edges"); w.StartObject();
    w.Key("total"); w.Int64(s.edges.total);
    w.Key("mean"); w.Double(s.edges.mean(s.graphs));
    w.Key("max"); w.Int64(s.edges.max);
    w.EndObject();
  }
  w.Key("skipped_records"); w.StartArray();
  for (const auto& r : s.skipped) {
    w.StartObject();
    w.Key("record"); w.Uint64(r.number);
    w.Key("error"); w.String(r.error.c_str());
    w.EndObject();
  }
  w.EndArray();
  count("atoms", s.atoms);
  count("bonds", s.bonds);
  count("rings", s.rings);
  w.Key("molecules_with_rings"); w.Int64(s.ring_molecules);
  w.Key("hydrogens"); w.Int64(s.hydrogens);
  w.Key("charged_atoms"); w.Int64(s.charged_atoms);
  w.Key("charged_molecules"); w.Int64(s.charged_molecules);
  w.Key("aromatic_atoms"); w.Int64(s.aromatic_atoms);
  w.Key("aromatic_molecules"); w.Int64(s.aromatic_molecules);
  w.Key("over_valence_molecules"); w.Uint64(s.over_valence_records.size());
  w.Key("over_valence_records"); w.StartArray();
  for (const auto r : s.over_valence_records) w.Uint64(r);
  w.EndArray();
  w.Key("over_valence_examples"); w.StartArray();
  for (const auto& e : s.over_valence_examples) w.String(e.c_str());
  w.EndArray();
  w.Key("elements"); w.StartObject();
  for (const auto& [symbol, n] : s.elements_by_count()) {
    w.Key(symbol.c_str()); w.Int64(n);
  }
  w.EndObject();
  w.Key("properties"); w.StartObject();
  for (const auto& [name, n] : s.properties) {
    w.Key(name.c_str()); w.Int64(n);
  }
  w.EndObject();
  w.Key("targets"); w.StartArray();
  for (const auto& t : s.targets) {
    w.StartObject();
    w.Key("name"); w.String(t.name.c_str());
    w.Key("present"); w.Int64(t.present);
    w.Key("missing"); w.Int64(t.missing);
    w.Key("non_numeric"); w.Int64(t.non_numeric);
    w.Key("kind"); w.String(t.numeric() == 0 ? "none" : t.binary() ? "binary" : "values");
    if (t.classes && t.numeric() > 0) {
      w.Key("counts"); w.StartObject();
      for (const auto& [value, n] : t.counts) {
        w.Key(class_name(value).c_str()); w.Int64(n);
      }
      w.EndObject();
    }
    if (t.numeric() > 0 && !t.binary()) {
      w.Key("mean"); w.Double(t.mean());
      w.Key("std"); w.Double(t.stddev());
      w.Key("min"); w.Double(t.min);
      w.Key("max"); w.Double(t.max);
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  std::cout << b.GetString() << "\n";
}

void print_text(const MoleculeStats& s, const std::filesystem::path& file) {
  auto count = [&](const Count& c) {
    return "total " + std::to_string(c.total) + ", mean " + fixed(c.mean(s.molecules), 2) + ", max " +
           std::to_string(c.max) + " per molecule";
  };
  std::cout << "file        " << file.string() << "\n";
  if (s.molecules == 0 && s.graphs > 0)  // generic graphs only (JSON graph entries, TU data sets)
    std::cout << "records     " << s.records;
  else
    std::cout << "molecules   " << s.molecules << " of " << s.records << " records";
  if (!s.skipped.empty()) std::cout << " (" << skipped_line(s.skipped, s.records) << ")";
  if (s.graphs > 0)
    std::cout << "\n"
              << "graphs      " << s.graphs << " generic graph entries\n"
              << "nodes       total " << s.nodes.total << ", mean " << fixed(s.nodes.mean(s.graphs), 2) << ", max "
              << s.nodes.max << " per graph\n"
              << "edges       total " << s.edges.total << ", mean " << fixed(s.edges.mean(s.graphs), 2) << ", max "
              << s.edges.max << " per graph";
  if (s.molecules > 0 || s.graphs == 0) {  // a file of generic graphs has no chemistry to show
    std::cout << "\n"
              << "atoms       " << count(s.atoms) << "\n"
              << "bonds       " << count(s.bonds) << "\n"
              << "rings       " << count(s.rings) << "; " << s.ring_molecules << " molecules with rings\n"
              << "hydrogens   " << s.hydrogens << " (implicit and folded)\n"
              << "charged     " << s.charged_atoms << " atoms in " << s.charged_molecules << " molecules\n"
              << "aromatic    " << s.aromatic_atoms << " atoms in " << s.aromatic_molecules << " molecules\n";
    if (!s.over_valence_records.empty()) {
      std::cout << "valence     " << s.over_valence_records.size()
                << " molecules with an atom over its element's valences (read as written; RDKit refuses them)";
      for (const auto& e : s.over_valence_examples) std::cout << "\n              " << e;
      std::cout << "\n";
    }
    std::cout
              << "elements   ";
    for (const auto& [symbol, n] : s.elements_by_count()) std::cout << " " << symbol << " " << n;
  }
  std::cout << "\n"
            << "data items ";
  for (const auto& [name, n] : s.properties) std::cout << " " << name << " (" << n << ")";
  std::cout << "\n";
  for (const auto& t : s.targets) {
    std::cout << "target      " << t.name << ": " << t.present << " present, " << t.missing << " missing";
    if (t.non_numeric) std::cout << ", " << t.non_numeric << " not numbers";
    if (t.classes && t.numeric() > 0) {
      std::cout << (t.binary() ? "; binary" : "; classes");
      for (const auto& [value, n] : t.counts)
        std::cout << " " << class_name(value) << ": " << n << " ("
                  << fixed(100.0 * static_cast<double>(n) / static_cast<double>(t.numeric()), 1) << " %)";
    }
    if (t.numeric() > 0 && !t.binary())
      std::cout << "; mean " << fixed(t.mean(), 4) << ", std " << fixed(t.stddev(), 4) << ", min " << fixed(t.min, 4)
                << ", max " << fixed(t.max, 4);
    std::cout << "\n";
  }
}

}  // namespace

int cmd_info_molecules(const std::vector<std::string>& argv) {
  const Args args(argv, {"data", "target", "on-error", "smiles-column", "name-column"}, {"json"});
  const std::filesystem::path file = args.required("data");
  const OnError on_error = on_error_option(args);
  MoleculeStats stats;
  if (args.has("target"))
    for (const auto& name : target_names(args)) stats.targets.emplace_back().name = name;
  for_each_record(file, on_error, [&](MoleculeRecord& r) {
    ++stats.records;
    if (r.ok() && r.graph) {  // generic graph entries: the checks of training (chem::model_graph) too
      try {
        (void)chem::model_graph(*r.graph);
        stats.add(*r.graph);
        return;
      } catch (const InvalidArgument& e) {
        const ParseError error = entry_error(file, r.number, e.what());
        if (on_error == OnError::fail) throw error;
        r.error = error.what();
      }
    } else if (r.ok()) {
      // The checks of featurisation (bonds between distinct, existing atoms, at most one per pair) come
      // first: a molecule train and predict would refuse is a bad record here too.
      try {
        (void)chem::featurize(r.molecule);
        stats.add(r.molecule, chem::perceive(r.molecule));
        return;
      } catch (const InvalidArgument& e) {
        if (on_error == OnError::fail) throw ParseError(file, r.molecule.line, e.what());
        r.error = ParseError(file, r.molecule.line, e.what()).what();
      }
    }
    std::cerr << "skipped record " << r.number << ": " << r.error << "\n";
    stats.skipped.push_back({r.number, r.error});
  }, /*accept_graphs=*/true, {}, smiles_csv_options(args));
  if (args.flag("json")) print_json(stats, file);
  else print_text(stats, file);
  return 0;
}

}  // namespace gatkit::cli
