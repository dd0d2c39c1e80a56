// gatkit-graphs JSON reader and writer: golden files (molecules, generic graphs, a mix), write/read round
// trips, every validation error with its JSON path, hostile input (deep nesting, empty, truncated, wrong
// root) and, when ../shared is present, ESOL molecules SDF -> JSON -> read back.
#include <unistd.h>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gatkit/chem/json_format.hpp"
#include "gatkit/chem/sdf.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit::io {
namespace {

using chem::BondOrder;
using chem::Molecule;

const std::filesystem::path data_dir = std::filesystem::path(GATKIT_TEST_DATA) / "chem" / "json";

// The files temp_file named, removed when the process ends (ctest runs every test in a process of its own).
struct TempFiles {
  std::vector<std::filesystem::path> paths;
  ~TempFiles() {
    for (const auto& path : paths) {
      std::error_code ec;
      std::filesystem::remove(path, ec);
    }
  }
};

// Unique per process and test: ctest runs the tests of this binary in parallel processes.
std::filesystem::path temp_file(const std::string& name) {
  static TempFiles files;
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::filesystem::path path = std::filesystem::path(testing::TempDir()) /
                                     ("gatkit_json_" + std::to_string(::getpid()) + "_" + (test ? test->name() : "") + "_" + name);
  files.paths.push_back(path);
  return path;
}

std::filesystem::path write_text(const std::string& name, const std::string& text) {
  const auto path = temp_file(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

/// The message of the ParseError that reading `text` throws ("" when nothing is thrown).
std::string error_of(const std::string& text) {
  const auto path = write_text("error.json", text);
  try {
    read_graph_json(path);
  } catch (const ParseError& e) {
    EXPECT_EQ(e.file(), path);
    return e.what();
  }
  return "";
}

/// A file with one molecule entry whose body (after "type") is `body`.
std::string molecule_file(const std::string& body) {
  return R"({"format": "gatkit-graphs", "version": 1, "graphs": [{"type": "molecule", )" + body + "}]}";
}
std::string graph_file(const std::string& body) {
  return R"({"format": "gatkit-graphs", "version": 1, "graphs": [{"type": "molecule", "atoms": []}, {"type": "graph", )" +
         body + "}]}";
}

#define EXPECT_ERROR(text, expected)                                        \
  do {                                                                      \
    const std::string message_ = error_of(text);                            \
    EXPECT_NE(message_.find(expected), std::string::npos) << message_;      \
  } while (0)

void expect_same(const Molecule& a, const Molecule& b) {
  EXPECT_EQ(a.name, b.name);
  ASSERT_EQ(a.atoms.size(), b.atoms.size()) << a.name;
  for (std::size_t i = 0; i < a.atoms.size(); ++i) {
    const auto &x = a.atoms[i], &y = b.atoms[i];
    EXPECT_EQ(x.atomic_number, y.atomic_number) << a.name << " atom " << i;
    EXPECT_EQ(x.symbol, y.symbol);
    EXPECT_EQ(x.formal_charge, y.formal_charge);
    EXPECT_EQ(x.isotope, y.isotope);
    EXPECT_EQ(x.radical, y.radical);
    EXPECT_EQ(x.explicit_hydrogens, y.explicit_hydrogens);
    EXPECT_EQ(x.aromatic, y.aromatic);
    EXPECT_EQ(x.x, y.x);
    EXPECT_EQ(x.y, y.y);
    EXPECT_EQ(x.z, y.z);
  }
  ASSERT_EQ(a.bonds.size(), b.bonds.size());
  for (std::size_t i = 0; i < a.bonds.size(); ++i) {
    EXPECT_EQ(a.bonds[i].begin, b.bonds[i].begin);
    EXPECT_EQ(a.bonds[i].end, b.bonds[i].end);
    EXPECT_EQ(a.bonds[i].order, b.bonds[i].order);
    EXPECT_EQ(a.bonds[i].stereo, b.bonds[i].stereo);
    EXPECT_EQ(a.bonds[i].aromatic, b.bonds[i].aromatic);
  }
  EXPECT_EQ(a.properties, b.properties);
}

// ---- golden files ----------------------------------------------------------------------------------

TEST(JsonFormat, GoldenMolecules) {
  const GraphFile f = read_graph_json(data_dir / "molecules.json");
  ASSERT_EQ(f.molecules.size(), 3u);
  EXPECT_TRUE(f.graphs.empty());
  EXPECT_EQ(f.molecule_ids, (std::vector<std::string>{"mol1", "", "ion"}));
  const Molecule& ethanol = f.molecules[0];
  EXPECT_EQ(ethanol.name, "ethanol");
  EXPECT_EQ(ethanol.record, 1u);
  ASSERT_EQ(ethanol.atoms.size(), 3u);
  EXPECT_EQ(ethanol.atoms[0].atomic_number, 6);
  EXPECT_EQ(ethanol.atoms[0].explicit_hydrogens, 3);
  EXPECT_EQ(ethanol.atoms[2].atomic_number, 8);
  EXPECT_DOUBLE_EQ(ethanol.atoms[2].y, 1.3);
  EXPECT_DOUBLE_EQ(ethanol.atoms[2].z, -0.25);
  ASSERT_EQ(ethanol.bonds.size(), 2u);
  EXPECT_EQ(ethanol.bonds[1].begin, 1);
  EXPECT_EQ(ethanol.bonds[1].end, 2);
  EXPECT_EQ(ethanol.bonds[1].order, BondOrder::single);
  const std::vector<std::pair<std::string, std::string>> props = {
      {"p_np", "1"}, {"smiles", "CCO"}, {"logS", "-0.77"}, {"NR-AR", ""}, {"active", "1"}};
  EXPECT_EQ(ethanol.properties, props);

  const Molecule& benzene = f.molecules[1];
  EXPECT_EQ(benzene.record, 2u);
  ASSERT_EQ(benzene.bonds.size(), 6u);
  for (const auto& b : benzene.bonds) {
    EXPECT_EQ(b.order, BondOrder::aromatic);
    EXPECT_TRUE(b.aromatic);
  }
  for (const auto& a : benzene.atoms) EXPECT_TRUE(a.aromatic);

  const Molecule& ion = f.molecules[2];
  EXPECT_EQ(ion.atoms[0].formal_charge, 1);
  EXPECT_EQ(ion.atoms[0].isotope, 15);
  EXPECT_EQ(ion.atoms[0].explicit_hydrogens, 4);
  EXPECT_EQ(ion.atoms[1].symbol, "Cl");
  EXPECT_EQ(ion.atoms[1].atomic_number, 17);
  EXPECT_EQ(ion.atoms[1].formal_charge, -1);
  EXPECT_EQ(ion.atoms[2].symbol, "*");
  EXPECT_EQ(ion.atoms[2].atomic_number, 0);
  EXPECT_TRUE(ion.bonds.empty());

  EXPECT_EQ(read_molecule_json(data_dir / "molecules.json").size(), 3u);
}

TEST(JsonFormat, NitroWithoutChargesIsCleanedUpAsInSdf) {
  const auto path = write_text("nitro.json", molecule_file(
      R"("atoms": [{"element": "C"}, {"element": "N"}, {"element": "O"}, {"element": "O"}],
         "bonds": [{"atoms": [0, 1], "order": 1}, {"atoms": [1, 2], "order": 2}, {"atoms": [1, 3], "order": 2}])"));
  const auto molecules = read_molecule_json(path);
  ASSERT_EQ(molecules.size(), 1u);
  const Molecule& m = molecules[0];
  EXPECT_EQ(m.atoms[1].formal_charge, 1);
  EXPECT_EQ(m.atoms[2].formal_charge + m.atoms[3].formal_charge, -1);
  int doubles = 0;
  for (const auto& b : m.bonds) doubles += b.order == BondOrder::double_bond;
  EXPECT_EQ(doubles, 1);
}

TEST(JsonFormat, GoldenGraphs) {
  const GraphFile f = read_graph_json(data_dir / "graphs.json");
  EXPECT_TRUE(f.molecules.empty());
  ASSERT_EQ(f.graphs.size(), 2u);
  const GraphRecord& g = f.graphs[0];
  EXPECT_EQ(g.id, "g0");
  EXPECT_EQ(g.num_nodes, 3);
  ASSERT_EQ(g.node_features.size(), 3u);
  EXPECT_EQ(g.node_features[1], (std::vector<float>{0.0f, -2.25f}));
  EXPECT_EQ(g.node_features[2], (std::vector<float>{3e-3f, 100.0f}));
  EXPECT_EQ(g.edges, (std::vector<Edge>{{0, 1}, {1, 2}, {2, 0}}));
  EXPECT_EQ(g.edge_features, (std::vector<std::vector<float>>{{1.0f}, {2.0f}, {0.25f}}));
  EXPECT_EQ(g.node_labels, (std::vector<std::optional<double>>{0.0, 1.0, std::nullopt}));
  const std::vector<std::pair<std::string, std::optional<double>>> labels = {
      {"y", 1.5}, {"toxic", std::nullopt}, {"flag", 1.0}};
  EXPECT_EQ(g.labels, labels);
  const GraphRecord& h = f.graphs[1];
  EXPECT_EQ(h.id, "");
  EXPECT_EQ(h.num_nodes, 2);
  EXPECT_TRUE(h.edges.empty() && h.node_features.empty() && h.node_labels.empty() && h.labels.empty());
  EXPECT_THROW(read_molecule_json(data_dir / "graphs.json"), ParseError);
}

TEST(JsonFormat, GoldenMixedKeepsFileOrder) {
  const GraphFile f = read_graph_json(data_dir / "mixed.json");
  ASSERT_EQ(f.graphs.size(), 2u);
  ASSERT_EQ(f.molecules.size(), 1u);
  using K = GraphFileEntry::Kind;
  EXPECT_EQ(f.order, (std::vector<GraphFileEntry>{{K::graph, 0}, {K::molecule, 0}, {K::graph, 1}}));
  EXPECT_EQ(f.graphs[0].id, "first");
  EXPECT_EQ(f.graphs[0].edges, (std::vector<Edge>{{0, 0}}));  // self-loops are allowed in generic graphs
  EXPECT_EQ(f.molecule_ids[0], "water");
  EXPECT_EQ(f.molecules[0].record, 2u);
  EXPECT_EQ(f.graphs[1].id, "third");
  try {
    read_molecule_json(data_dir / "mixed.json");
    FAIL() << "a graph entry was accepted as a molecule";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("graphs[0]: expected a molecule entry"), std::string::npos) << e.what();
  }
}

// ---- round trips -----------------------------------------------------------------------------------

TEST(JsonFormat, RoundTripGoldenFiles) {
  for (const char* name : {"molecules.json", "graphs.json", "mixed.json"}) {
    const GraphFile a = read_graph_json(data_dir / name);
    const auto out = temp_file(std::string("roundtrip_") + name);
    write_graph_json(out, a);
    const GraphFile b = read_graph_json(out);
    EXPECT_EQ(a.graphs, b.graphs) << name;
    EXPECT_EQ(a.order, b.order) << name;
    EXPECT_EQ(a.molecule_ids, b.molecule_ids) << name;
    ASSERT_EQ(a.molecules.size(), b.molecules.size()) << name;
    for (std::size_t i = 0; i < a.molecules.size(); ++i) expect_same(a.molecules[i], b.molecules[i]);
    EXPECT_FALSE(std::filesystem::exists(out.string() + ".tmp"));
  }
}

TEST(JsonFormat, RoundTripValuesExactly) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> uniform(-1e3, 1e3);
  GraphRecord g;
  g.id = "random \"quoted\" \u00e9";
  g.num_nodes = 50;
  for (int i = 0; i < 50; ++i) {
    std::vector<float> row;
    for (int j = 0; j < 7; ++j) row.push_back(static_cast<float>(uniform(rng)) * (j == 6 ? 1e-30f : 1.0f));
    g.node_features.push_back(row);
    g.node_labels.push_back(i % 5 == 0 ? std::nullopt : std::optional<double>(uniform(rng)));
    g.edges.push_back({i, (i * 7) % 50});
    g.edge_features.push_back({static_cast<float>(uniform(rng))});
  }
  g.labels = {{"a", 0.1}, {"b", std::nullopt}, {"c", -3.0}, {"d", 1e-300}};
  Molecule m;
  m.name = "odd";
  m.atoms.resize(2);
  m.atoms[0].symbol = "C";
  m.atoms[0].atomic_number = 6;
  m.atoms[0].x = 0.1 + 0.2;
  m.atoms[0].radical = 2;
  m.atoms[1].symbol = "";  // written from the atomic number
  m.atoms[1].atomic_number = 8;
  m.bonds.push_back({0, 1, BondOrder::double_bond, 3, false});
  m.properties = {{"int", "42"}, {"float", "0.30000000000000004"}, {"padded", "01"}, {"sci", "1e5"},
                  {"text", "a\nb"}, {"missing", ""}, {"neg", "-7"}, {"big", "123456789012345678901234"}};
  GraphFile f;
  f.graphs = {g};
  f.molecules = {m};
  f.molecule_ids = {"m"};
  f.order = {{GraphFileEntry::Kind::graph, 0}, {GraphFileEntry::Kind::molecule, 0}};
  const auto out = temp_file("values.json");
  write_graph_json(out, f);
  const GraphFile back = read_graph_json(out);
  ASSERT_EQ(back.graphs.size(), 1u);
  EXPECT_EQ(back.graphs[0], g);
  EXPECT_EQ(back.order, f.order);
  ASSERT_EQ(back.molecules.size(), 1u);
  m.atoms[1].symbol = "O";
  expect_same(back.molecules[0], m);
  EXPECT_EQ(back.molecule_ids, f.molecule_ids);

  // Molecule-only helpers.
  write_molecule_json(out, {m, m});
  const auto mols = read_molecule_json(out);
  ASSERT_EQ(mols.size(), 2u);
  expect_same(mols[1], m);
  EXPECT_EQ(mols[1].record, 2u);
}

TEST(JsonFormat, WriterRefusesBadRecords) {
  const auto out = temp_file("refused.json");
  std::filesystem::remove(out);
  GraphFile f;
  f.graphs.resize(1);
  f.graphs[0].num_nodes = 2;
  f.graphs[0].edges = {{0, 2}};
  EXPECT_THROW(write_graph_json(out, f), InvalidArgument);
  f.graphs[0].edges = {{0, 1}};
  f.graphs[0].node_features = {{1, 2}, {3}};
  EXPECT_THROW(write_graph_json(out, f), InvalidArgument);
  f.graphs[0].node_features = {{1, 2}, {3, NAN}};
  EXPECT_THROW(write_graph_json(out, f), InvalidArgument);
  f.graphs[0].node_features.clear();
  f.order = {{GraphFileEntry::Kind::graph, 0}, {GraphFileEntry::Kind::graph, 0}};
  EXPECT_THROW(write_graph_json(out, f), InvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(out));
}

// ---- errors name the JSON path ---------------------------------------------------------------------

TEST(JsonFormatErrors, MoleculeValues) {
  EXPECT_ERROR(molecule_file(R"("atoms": [{"element": "C"}, {"element": 12}])"),
               "graphs[0].atoms[1].element: expected an element symbol, found 12");
  EXPECT_ERROR(molecule_file(R"("atoms": [{"element": "Xx"}])"),
               "graphs[0].atoms[0].element: expected an element symbol, found \"Xx\"");
  EXPECT_ERROR(molecule_file(R"("atoms": [{"element": "c"}])"), "graphs[0].atoms[0].element");
  EXPECT_ERROR(molecule_file(R"("atoms": [{"charge": 1}])"), "graphs[0].atoms[0]: missing \"element\"");
  EXPECT_ERROR(molecule_file(R"("atoms": [{"element": "N", "charge": 0.5}])"),
               "graphs[0].atoms[0].charge: expected an integer charge, found 0.5");
  EXPECT_ERROR(molecule_file(R"("atoms": [{"element": "N", "charge": "1"}])"), "graphs[0].atoms[0].charge");
  EXPECT_ERROR(molecule_file(R"("atoms": [{"element": "N", "hydrogens": -1}])"), "graphs[0].atoms[0].hydrogens");
  EXPECT_ERROR(molecule_file(R"("atoms": [{"element": "N", "aromatic": 1}])"), "graphs[0].atoms[0].aromatic");
  EXPECT_ERROR(molecule_file(R"("atoms": [{"element": "N", "x": "1.0"}])"),
               "graphs[0].atoms[0].x: expected a number, found \"1.0\"");
  EXPECT_ERROR(molecule_file(R"("atoms": {})"), "graphs[0].atoms: expected an array, found an object");
  EXPECT_ERROR(molecule_file(R"("bonds": [])"), "graphs[0]: missing \"atoms\"");
  const std::string two = R"("atoms": [{"element": "C"}, {"element": "O"}], )";
  EXPECT_ERROR(molecule_file(two + R"("bonds": [{"atoms": [0, 1], "order": 1}, {"atoms": [0, 2], "order": 1}])"),
               "graphs[0].bonds[1].atoms[1]: expected atom index in [0, 1], found 2");
  EXPECT_ERROR(molecule_file(two + R"("bonds": [{"atoms": [-1, 1], "order": 1}])"), "graphs[0].bonds[0].atoms[0]");
  EXPECT_ERROR(molecule_file(two + R"("bonds": [{"atoms": [1, 1], "order": 1}])"),
               "graphs[0].bonds[0].atoms: a bond joins atom 1 to itself");
  EXPECT_ERROR(molecule_file(two + R"("bonds": [{"atoms": [0], "order": 1}])"),
               "graphs[0].bonds[0].atoms: expected two atom indices");
  for (const char* order : {"4", "0", "2.5", "\"double\"", "null"})
    EXPECT_ERROR(molecule_file(two + R"("bonds": [{"atoms": [0, 1], "order": )" + order + "}]"),
                 std::string("graphs[0].bonds[0].order: expected a bond order (1, 2, 3, 1.5 or \"aromatic\"), found ") +
                     (std::string(order) == "4" ? "4" : ""));
  EXPECT_ERROR(molecule_file(two + R"("bonds": [{"atoms": [0, 1]}])"), "graphs[0].bonds[0]: missing \"order\"");
  EXPECT_ERROR(molecule_file(two + R"("properties": {"a": [1]})"),
               "graphs[0].properties.a: expected a number, string, true, false or null, found an array");
  EXPECT_ERROR(molecule_file(R"("atoms": [], "name": 3)"), "graphs[0].name: expected a string, found 3");
  EXPECT_ERROR(molecule_file(R"("atoms": [], "id": null)"), "graphs[0].id: expected a string, found null");
}

TEST(JsonFormatErrors, GraphValues) {
  EXPECT_ERROR(graph_file(R"("edges": [])"), "graphs[1]: missing \"num_nodes\"");
  EXPECT_ERROR(graph_file(R"("num_nodes": -1)"), "graphs[1].num_nodes: expected node count in [0, 2147483647], found -1");
  EXPECT_ERROR(graph_file(R"("num_nodes": 100000001)"), "graphs[1].num_nodes");
  EXPECT_ERROR(graph_file(R"("num_nodes": 1e30)"), "graphs[1].num_nodes");
  EXPECT_ERROR(graph_file(R"("num_nodes": 2.5)"), "graphs[1].num_nodes: expected an integer node count, found 2.5");
  EXPECT_ERROR(graph_file(R"("num_nodes": 3, "edges": [[0, 1], [2, 3]])"),
               "graphs[1].edges[1][1]: expected node index in [0, 2], found 3");
  EXPECT_ERROR(graph_file(R"("num_nodes": 3, "edges": [[0, 1], [2]])"), "graphs[1].edges[1]: expected [src, dst]");
  EXPECT_ERROR(graph_file(R"("num_nodes": 0, "edges": [[0, 0]])"), "graphs[1].edges[0]: the graph has no nodes");
  EXPECT_ERROR(graph_file(R"("num_nodes": 2, "node_features": [[1, 2], [3]])"),
               "graphs[1].node_features[1]: expected 2 values like row 0, found 1 (ragged rows)");
  EXPECT_ERROR(graph_file(R"("num_nodes": 3, "node_features": [[1], [3]])"),
               "graphs[1].node_features: expected 3 rows (num_nodes), found 2");
  EXPECT_ERROR(graph_file(R"("num_nodes": 2, "node_features": [[1], ["x"]])"),
               "graphs[1].node_features[1][0]: expected a number, found \"x\"");
  EXPECT_ERROR(graph_file(R"("num_nodes": 1, "node_features": [[1e300]])"), "graphs[1].node_features[0][0]");
  EXPECT_ERROR(graph_file(R"("num_nodes": 2, "edges": [[0, 1]], "edge_features": [[1], [2]])"),
               "graphs[1].edge_features: expected 1 rows (one per edge), found 2");
  EXPECT_ERROR(graph_file(R"("num_nodes": 2, "node_labels": [1])"),
               "graphs[1].node_labels: expected 2 labels (num_nodes), found 1");
  EXPECT_ERROR(graph_file(R"("num_nodes": 2, "node_labels": [1, "a"])"),
               "graphs[1].node_labels[1]: expected a number or null, found \"a\"");
  EXPECT_ERROR(graph_file(R"("num_nodes": 2, "labels": {"y": "high"})"),
               "graphs[1].labels.y: expected a number, true, false or null, found \"high\"");
  EXPECT_ERROR(graph_file(R"("num_nodes": 2, "labels": [])"), "graphs[1].labels: expected an object, found an array");
}

TEST(JsonFormatErrors, Envelope) {
  EXPECT_ERROR(R"([1, 2])", "expected a JSON object at the top level, found an array");
  EXPECT_ERROR(R"("text")", "expected a JSON object at the top level");
  EXPECT_ERROR(R"({"version": 1, "graphs": []})", "missing \"format\"");
  EXPECT_ERROR(R"({"format": "gatkit-graph", "version": 1, "graphs": []})",
               "format: expected \"gatkit-graphs\", found \"gatkit-graph\"");
  EXPECT_ERROR(R"({"format": "gatkit-graphs", "version": 2, "graphs": []})", "version: expected version 1, found 2");
  EXPECT_ERROR(R"({"format": "gatkit-graphs", "version": "1", "graphs": []})", "version: expected version 1");
  EXPECT_ERROR(R"({"format": "gatkit-graphs", "version": 1})", "missing \"graphs\"");
  EXPECT_ERROR(R"({"format": "gatkit-graphs", "version": 1, "graphs": {}})", "graphs: expected an array");
  EXPECT_ERROR(R"({"format": "gatkit-graphs", "version": 1, "graphs": [3]})", "graphs[0]: expected an object, found 3");
  EXPECT_ERROR(R"({"format": "gatkit-graphs", "version": 1, "graphs": [{"atoms": []}]})", "graphs[0]: missing \"type\"");
  EXPECT_ERROR(R"({"format": "gatkit-graphs", "version": 1, "graphs": [{"type": "protein"}]})",
               "graphs[0].type: expected \"molecule\" or \"graph\", found \"protein\"");
  // A valid empty file.
  EXPECT_EQ(error_of(R"({"format": "gatkit-graphs", "version": 1, "graphs": []})"), "");
}

TEST(JsonFormatErrors, HostileInput) {
  EXPECT_ERROR("", "empty file");
  EXPECT_ERROR("  \n\t ", "empty file");
  const std::string truncated = "{\"format\": \"gatkit-graphs\",\n\"version\": 1,\n\"graphs\": [{\"type\": \"gra";
  const std::string message = error_of(truncated);
  EXPECT_NE(message.find("invalid JSON"), std::string::npos) << message;
  EXPECT_NE(message.find(":3:"), std::string::npos) << message;  // the line of the offset
  EXPECT_ERROR(R"({"format": "gatkit-graphs", "version": 1, "graphs": []} trailing)",
               "unexpected text after the top-level object");
  EXPECT_ERROR("{\"format\": \"gatkit-graphs\", \"version\": 1, \"graphs\": [], \"x\": \"\xff\"}", "invalid JSON");
  EXPECT_ERROR(std::string(100000, '[') + std::string(100000, ']'), "nested more than 64 levels deep");
  EXPECT_ERROR(std::string(100000, '['), "nested more than 64 levels deep");
  std::string objects;
  for (int i = 0; i < 50000; ++i) objects += "{\"a\":";
  EXPECT_ERROR(objects, "nested more than 64 levels deep");
  // Brackets inside strings do not count.
  EXPECT_EQ(error_of(molecule_file(R"("atoms": [], "name": ")" + std::string(1000, '[') + "\"")), "");
  EXPECT_THROW(read_graph_json(temp_file("does_not_exist.json")), ParseError);
}

// ---- real data (../shared) --------------------------------------------------------------------------

// With a skipped list, a bad entry is passed over and the entries after it keep their record numbers.
TEST(JsonFormatErrors, SkippedEntriesKeepRecordNumbers) {
  const auto path = write_text("skip.json", R"({"format": "gatkit-graphs", "version": 1, "graphs": [
    {"type": "molecule", "id": "first", "atoms": [{"element": "C"}]},
    {"type": "molecule", "id": "bad", "atoms": [{"element": "Xx"}]},
    {"type": "graph", "num_nodes": 2, "edges": [[0, 5]]},
    "not an object",
    {"type": "molecule", "id": "last", "atoms": [{"element": "N"}, {"element": "O"}], "bonds": [{"atoms": [0, 1], "order": 1}]}
  ]})");
  EXPECT_THROW(read_graph_json(path), ParseError);
  std::vector<SkippedEntry> skipped;
  const GraphFile file = read_graph_json(path, &skipped);
  ASSERT_EQ(file.molecules.size(), 2u);
  EXPECT_EQ(file.molecule_ids, (std::vector<std::string>{"first", "last"}));
  EXPECT_EQ(file.molecules[0].record, 1u);
  EXPECT_EQ(file.molecules[1].record, 5u);
  EXPECT_EQ(file.molecules[1].atoms.size(), 2u);
  EXPECT_TRUE(file.graphs.empty());
  ASSERT_EQ(skipped.size(), 3u);
  EXPECT_EQ(skipped[0].record, 2u);
  EXPECT_NE(skipped[0].error.find("graphs[1].atoms[0].element"), std::string::npos) << skipped[0].error;
  EXPECT_EQ(skipped[1].record, 3u);
  EXPECT_NE(skipped[1].error.find("graphs[2]"), std::string::npos) << skipped[1].error;
  EXPECT_EQ(skipped[2].record, 4u);
  // Problems of the file as a whole are not entries: they still throw.
  const auto broken = write_text("broken.json", R"({"format": "gatkit-graphs", "version": 1, "graphs": [)");
  EXPECT_THROW(read_graph_json(broken, &skipped), ParseError);
}

TEST(JsonFormatRealData, EsolSdfToJsonAndBack) {
  const auto sdf = std::filesystem::path(GATKIT_SHARED_DATASETS) / "molecules/moleculenet/esol/esol.sdf";
  if (!std::filesystem::exists(sdf)) GTEST_SKIP() << sdf << " is absent";
  chem::SdfReader reader(sdf);
  std::vector<Molecule> mols;
  Molecule m;
  while (mols.size() < 20 && reader.next(m)) mols.push_back(m);
  ASSERT_EQ(mols.size(), 20u);
  const auto out = temp_file("esol.json");
  write_molecule_json(out, mols);
  const auto back = read_molecule_json(out);
  ASSERT_EQ(back.size(), mols.size());
  for (std::size_t i = 0; i < mols.size(); ++i) {
    expect_same(mols[i], back[i]);
    EXPECT_FALSE(back[i].properties.empty());
    if (::testing::Test::HasFailure()) break;
  }
}

}  // namespace
}  // namespace gatkit::io

namespace gatkit::io {
namespace {

// Found by fuzzing (fuzz/regressions/json): RapidJSON 1.1.0's full-precision parser hit undefined
// behaviour (__builtin_clzll(0)) on a zero with an exponent; such numbers are read as 0.
TEST(JsonZeroExponent, ZeroWithAnExponentReadsAsZero) {
  const auto file = temp_file("zero_exponent.json");
  {
    std::ofstream out(file);
    out << R"({"format": "gatkit-graphs", "version": 1, "graphs": [)"
        << R"({"type": "graph", "num_nodes": 2, "node_features": [[0e308, -0.000E+400], [0.0e-5, 1e2]],)"
        << R"( "labels": {"y": 0E0}}]})";
  }
  const GraphFile g = read_graph_json(file);
  ASSERT_EQ(g.graphs.size(), 1u);
  EXPECT_EQ(g.graphs[0].node_features, (std::vector<std::vector<float>>{{0.0f, -0.0f}, {0.0f, 100.0f}}));
  ASSERT_EQ(g.graphs[0].labels.size(), 1u);
  EXPECT_EQ(g.graphs[0].labels[0].second, 0.0);
  std::filesystem::remove(file);
  // A zero with many decimals (no exponent) takes the same path in RapidJSON.
  {
    std::ofstream out(file);
    out << R"({"format": "gatkit-graphs", "version": 1, "graphs": [{"type": "graph", "num_nodes": 1,)"
        << R"( "node_features": [[0.)" << std::string(300, '0') << "]]}]}";
  }
  EXPECT_EQ(read_graph_json(file).graphs.at(0).node_features, (std::vector<std::vector<float>>{{0.0f}}));
  // Malformed numbers stay malformed.
  {
    std::ofstream out(file);
    out << R"({"format": "gatkit-graphs", "version": 1, "graphs": [00e5]})";
  }
  EXPECT_THROW(read_graph_json(file), ParseError);
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace gatkit::io

namespace gatkit::io {
namespace {

// Found by fuzzing (fuzz/regressions/sdf): an SDF title in Latin-1 went into the JSON as is, and the
// JSON reader (rightly) refused the file write_molecule_json had written: gatkit convert made files
// gatkit could not read. Invalid bytes are now written as U+FFFD.
TEST(JsonWriterEncoding, TextThatIsNotUtf8IsWrittenAsReplacementCharacters) {
  const auto file = temp_file("latin1.json");
  chem::Molecule m;
  m.name = "caf\xe9 na\xc3\xafve \xed\xa0\x80";  // Latin-1, valid UTF-8, a UTF-16 surrogate
  m.atoms.resize(1);
  m.atoms[0].atomic_number = 6;
  m.atoms[0].symbol = "C";
  m.properties = {{"note\xff", "\xfe"}};
  write_molecule_json(file, {m});
  const std::vector<chem::Molecule> back = read_molecule_json(file);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].name, "caf\xef\xbf\xbd na\xc3\xafve \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  ASSERT_EQ(back[0].properties.size(), 1u);
  EXPECT_EQ(back[0].properties[0].first, "note\xef\xbf\xbd");
  EXPECT_EQ(back[0].properties[0].second, "\xef\xbf\xbd");
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace gatkit::io

namespace gatkit::io {
namespace {

// Found by fuzzing (fuzz/regressions/sdf): the SDF reader keeps pseudo-atoms ("R#", "A", an unknown
// "O "), the JSON writer wrote their symbols as they were, and the JSON reader refused its own output.
TEST(JsonWriterEncoding, PseudoAtomsAreWrittenAsStar) {
  const auto file = temp_file("pseudo.json");
  chem::Molecule m;
  m.atoms.resize(3);
  m.atoms[0].symbol = "R#";
  m.atoms[1].symbol = "O ";
  m.atoms[2].symbol = "C";
  m.atoms[2].atomic_number = 6;
  write_molecule_json(file, {m});
  const std::vector<chem::Molecule> back = read_molecule_json(file);
  ASSERT_EQ(back.size(), 1u);
  ASSERT_EQ(back[0].atoms.size(), 3u);
  EXPECT_EQ(back[0].atoms[0].symbol, "*");
  EXPECT_EQ(back[0].atoms[1].symbol, "*");
  EXPECT_EQ(back[0].atoms[2].symbol, "C");
  std::filesystem::remove(file);
}

// Numbers are converted by std::from_chars, not by RapidJSON 1.1.0, whose full-precision path read outside
// its table of powers on a number of many digits near the top of the double range (found by fuzzing:
// fuzz/regressions/json/many_digits_near_max_cached_power_oob.json) and rounded some numbers wrongly.
TEST(JsonNumbers, ReadExactlyAndRefusedBeyondTheDoubleRange) {
  const auto file = temp_file("numbers.json");
  auto label = [&](const std::string& number) {
    {
      std::ofstream out(file);
      out << R"({"format": "gatkit-graphs", "version": 1, "graphs": [)"
          << R"({"type": "graph", "num_nodes": 1, "node_features": [[1]], "labels": {"y": )" << number << "}}]}";
    }
    const GraphFile g = read_graph_json(file);
    return g.graphs.at(0).labels.at(0).second.value();
  };
  // Correctly rounded, as strtod (RapidJSON issue 340 gave half of the first one).
  for (const char* number : {"2.220446049250313e-16", "0.1", "128.74836467836484838364836483643636483648e-336",
                             "1.7976931348623157e308", "4.9e-324", "-123456789012345678901234567890"})
    EXPECT_EQ(label(number), std::strtod(number, nullptr)) << number;
  EXPECT_EQ(label("4294967296"), 4294967296.0);  // integers of every width
  EXPECT_EQ(label("-2147483649"), -2147483649.0);
  EXPECT_EQ(label("1e-400"), 0.0);  // below the smallest double: zero, as strtod
  EXPECT_TRUE(std::signbit(label("-1e-400")));
  // Beyond the largest double: an error naming the line, never a read outside a table.
  {
    std::ofstream out(file);
    out << R"({"format": "gatkit-graphs", "version": 1,)" << "\n"
        << R"("graphs": [{"type": "graph", "num_nodes": 1, "node_features": [[)" << std::string(88, '2') << "1e308]]}]}";
  }
  try {
    (void)read_graph_json(file);
    ADD_FAILURE() << "a number beyond the double range was read";
  } catch (const ParseError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr(file.string() + ":2: invalid JSON: a number beyond the range of a double"));
  }
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace gatkit::io
