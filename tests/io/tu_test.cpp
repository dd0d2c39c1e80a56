// The TU Dortmund format reader: records, one-hot encodings, labels, duplicate edges, widening, and a
// ParseError with file and line for every kind of broken file; MUTAG's TU files against mutag.sdf.
#include "gatkit/io/tu.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>

#include "gatkit/chem/sdf.hpp"
#include "io_test_util.hpp"

namespace gatkit::io {
namespace {

using testing::ScratchDir;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

/// Two graphs: a triangle 1-2-3 (both directions) and an edge 4 -> 5 with a self-loop on 5.
struct Tiny {
  std::map<std::string, std::string> files = {
      {"A", "1, 2\n2, 1\n2, 3\n3, 2\n3, 1\n1, 3\n4, 5\n5, 5\n"},
      {"graph_indicator", "1\n1\n1\n2\n2\n"},
      {"graph_labels", "-1\n1\n"},
      {"node_labels", "0\n2\n0\n1\n0\n"},
      {"edge_labels", "1\n1\n0\n0\n1\n1\n2\n0\n"},
  };
  TuFiles write(const ScratchDir& dir) const {
    for (const auto& [suffix, text] : files) dir.write("T_" + suffix + ".txt", text);
    return TuFiles{dir.path(), "T"};
  }
};

TEST(Tu, ReadsGraphsWithOneHotLabelsAndClassIndices) {
  ScratchDir dir;
  const TuDataset d = read_tu_dataset(Tiny{}.write(dir));
  EXPECT_EQ(d.name, "T");
  ASSERT_EQ(d.graphs.size(), 2u);
  EXPECT_EQ(d.node_label_width, 3);
  EXPECT_EQ(d.edge_label_width, 3);
  EXPECT_EQ(d.node_attributes, 0);
  EXPECT_THAT(d.class_values, ElementsAre(-1, 1));
  const GraphRecord& a = d.graphs[0];
  EXPECT_EQ(a.id, "T_1");
  EXPECT_EQ(a.num_nodes, 3);
  EXPECT_THAT(a.node_features, ElementsAre(ElementsAre(1, 0, 0), ElementsAre(0, 0, 1), ElementsAre(1, 0, 0)));
  EXPECT_THAT(a.edges, ElementsAre(Edge{0, 1}, Edge{1, 0}, Edge{1, 2}, Edge{2, 1}, Edge{2, 0}, Edge{0, 2}));
  ASSERT_EQ(a.edge_features.size(), 6u);
  EXPECT_THAT(a.edge_features[2], ElementsAre(1, 0, 0));
  EXPECT_THAT(a.edge_features[0], ElementsAre(0, 1, 0));
  ASSERT_EQ(a.labels.size(), 2u);
  EXPECT_EQ(a.labels[0].first, "class");
  EXPECT_EQ(a.labels[0].second, 0.0);
  EXPECT_EQ(a.labels[1].first, "label");
  EXPECT_EQ(a.labels[1].second, -1.0);
  const GraphRecord& b = d.graphs[1];
  EXPECT_EQ(b.id, "T_2");
  EXPECT_EQ(b.num_nodes, 2);
  EXPECT_THAT(b.edges, ElementsAre(Edge{0, 1}, Edge{1, 1}));  // local node indices; the self-loop is kept
  EXPECT_THAT(b.edge_features[0], ElementsAre(0, 0, 1));
  EXPECT_EQ(b.labels[0].second, 1.0);
  EXPECT_EQ(b.labels[1].second, 1.0);
}

TEST(Tu, AttributesComeBeforeTheOneHotLabelAndGraphAttributesAreLabels) {
  ScratchDir dir;
  Tiny t;
  t.files["node_attributes"] = "0.5, 1\n1.5, 2\n2.5, 3\n3.5, 4\n4.5, 5\n";
  t.files["edge_attributes"] = "1\n2\n3\n4\n5\n6\n7\n8\n";
  t.files["graph_attributes"] = "0.25, 7\n-1e3, 8.123456789012345\n";
  const TuDataset d = read_tu_dataset(t.write(dir));
  EXPECT_EQ(d.node_attributes, 2);
  EXPECT_EQ(d.edge_attributes, 1);
  EXPECT_EQ(d.graph_attributes, 2);
  EXPECT_THAT(d.graphs[0].node_features[1], ElementsAre(1.5f, 2, 0, 0, 1));
  EXPECT_THAT(d.graphs[1].edge_features[1], ElementsAre(8, 1, 0, 0));
  const auto& labels = d.graphs[1].labels;
  ASSERT_EQ(labels.size(), 4u);
  EXPECT_EQ(labels[2].first, "attribute_1");
  EXPECT_EQ(labels[2].second, -1000.0);
  EXPECT_EQ(labels[3].first, "attribute_2");
  EXPECT_EQ(labels[3].second, 8.123456789012345);  // targets keep every digit (a float would give 8.123457)
}

TEST(Tu, OneGraphAttributeColumnIsNamedAttributeAndOnlyAIndicatorIsRequired) {
  ScratchDir dir;
  dir.write("U_graph_indicator.txt", "1\n2\n2\n");
  dir.write("U_A.txt", "2, 3\n");
  dir.write("U_graph_attributes.txt", "1.5\n2.5\n");
  const TuDataset d = read_tu_dataset({dir.path(), "U"});
  ASSERT_EQ(d.graphs.size(), 2u);
  EXPECT_TRUE(d.graphs[0].node_features.empty());  // no labels, no attributes: the model's constant column
  EXPECT_TRUE(d.graphs[0].edges.empty());
  EXPECT_TRUE(d.graphs[1].edge_features.empty());
  ASSERT_EQ(d.graphs[1].labels.size(), 1u);
  EXPECT_EQ(d.graphs[1].labels[0].first, "attribute");
  EXPECT_EQ(d.graphs[1].labels[0].second, 2.5);
}

TEST(Tu, MinimumWidthsWidenTheOneHotColumns) {
  ScratchDir dir;
  TuOptions options;
  options.min_node_width = 5;
  options.min_edge_width = 2;  // narrower than the file's: no change
  const TuDataset d = read_tu_dataset(Tiny{}.write(dir), options);
  EXPECT_EQ(d.node_label_width, 5);
  EXPECT_EQ(d.edge_label_width, 3);
  EXPECT_THAT(d.graphs[0].node_features[1], ElementsAre(0, 0, 1, 0, 0));
}

TEST(Tu, AnEdgeListedTwiceIsReadOnceUnlessItsLabelDiffers) {
  ScratchDir dir;
  Tiny t;
  t.files["A"] += "2, 3\n";
  t.files["edge_labels"] += "0\n";
  const TuDataset d = read_tu_dataset(t.write(dir));
  EXPECT_EQ(d.duplicate_edges, 1);
  EXPECT_EQ(d.graphs[0].edges.size(), 6u);
  t.files["edge_labels"] = "1\n1\n0\n0\n1\n1\n2\n0\n2\n";
  EXPECT_PARSE_ERROR(read_tu_dataset(t.write(dir)), dir.path() / "T_A.txt", 9, "listed again (first on line 3)");
}

TEST(Tu, FindsTheDataSetOfAFolderOrAPrefix) {
  ScratchDir dir;
  EXPECT_FALSE(find_tu_dataset(dir.path()));
  Tiny{}.write(dir);
  const auto by_folder = find_tu_dataset(dir.path());
  ASSERT_TRUE(by_folder);
  EXPECT_EQ(by_folder->name, "T");
  const auto by_prefix = find_tu_dataset(dir.path() / "T");
  ASSERT_TRUE(by_prefix);
  EXPECT_EQ(by_prefix->folder, dir.path());
  EXPECT_FALSE(find_tu_dataset(dir.path() / "S"));
  EXPECT_FALSE(find_tu_dataset(dir.path() / "T_A.txt"));
  dir.write("S_graph_indicator.txt", "1\n");
  try {
    find_tu_dataset(dir.path());
    ADD_FAILURE() << "two data sets in one folder";
  } catch (const InvalidArgument& e) {
    EXPECT_THAT(e.what(), HasSubstr("several TU data sets (S, T)"));
  }
  EXPECT_EQ(find_tu_dataset(dir.path() / "S")->name, "S");
}

// Every broken file is refused with file, line and reason. With skipping (--on-error skip), a problem of
// the file as a whole (whole_file) is refused the same way; a problem of one graph's line passes that
// graph over with the same error (Tu.SkippingPassesOverTheGraphOfABadLine checks what is kept).
TEST(Tu, BrokenFilesNameTheFileTheLineAndWhatWasExpected) {
  struct Case {
    std::string file, text;
    std::uint64_t line;
    std::string reason;
    bool whole_file;
  };
  const Case cases[] = {
      {"graph_indicator", "", 0, "no nodes", true},
      {"graph_indicator", "1\n1\n3\n3\n3\n", 3, "graph id 3, expected 1 or 2", true},
      {"graph_indicator", "2\n2\n2\n2\n2\n", 1, "graph id 2, expected 1", true},
      {"graph_indicator", "1\n1\n1\n2\n1\n", 5, "each graph's nodes on consecutive lines", true},
      {"graph_indicator", "1\n1\n\n1\n2\n2\n", 3, "blank line before more values", true},
      {"graph_indicator", "1, 1\n", 1, "expected one graph id per line", true},
      {"graph_indicator", "one\n", 1, "expected a graph id (an integer)", true},
      {"node_labels", "0\n2\n0\n1\n", 0, "4 lines, expected 5 (one per node: 5 in T_graph_indicator.txt)", true},
      {"node_labels", "0\n2\n0\n1\n0\n0\n", 6, "more lines than expected: 5", true},
      {"node_labels", "0\n\n2\n0\n1\n0\n", 2, "blank line before more values", true},
      {"node_labels", "0\n-2\n0\n1\n0\n", 2, "label -2 is negative", false},
      {"node_labels", "0\n2.5\n0\n1\n0\n", 2, "expected a label (an integer)", false},
      {"node_labels", "0\n2000000\n0\n1\n0\n", 2, "one-hot column exceeds the limit of 1000000 features", false},
      {"node_labels", "0\n2 1\n0\n1\n0\n", 2, "gatkit reads one label column", false},
      {"node_attributes", "1\n1, 2\n1\n1\n1\n", 2, "2 values, expected 1 (as on the first line)", false},
      {"node_attributes", "1\nnan\n1\n1\n1\n", 2, "not a finite number", false},
      {"node_attributes", "nan\n1\n1\n1\n1\n", 1, "not a finite number", true},  // the first line sets the width
      {"A", "1, 2\n2, 4\n", 2, "edge 2 -> 4 joins graph 1 to graph 2", false},
      {"A", "1, 2\n2, 6\n", 2, "node id 6 is out of range: expected 1..5", true},
      {"A", "1, 2\n0, 1\n", 2, "node id 0 is out of range", true},
      {"A", "1\n", 1, "expected an edge 'row, col' (two node ids), found 1 values", true},
      {"edge_labels", "1\n", 0, "1 lines, expected 8 (one per edge: 8 in T_A.txt)", true},
      {"graph_labels", "1\n", 0, "1 lines, expected 2 (one per graph", true},
      {"graph_labels", "1\n0\n1\n", 3, "more lines than expected: 2", true},
      {"graph_attributes", "1\nx\n", 2, "expected an attribute (a number)", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file + ": " + c.reason);
    ScratchDir dir;
    Tiny t;
    t.files[c.file] = c.text;
    if (c.file == "A") t.files.erase("edge_labels");
    const std::filesystem::path file = dir.path() / ("T_" + c.file + ".txt");
    EXPECT_PARSE_ERROR(read_tu_dataset(t.write(dir)), file, c.line, c.reason);
    std::vector<SkippedEntry> skipped;
    if (c.whole_file) {
      EXPECT_PARSE_ERROR(read_tu_dataset(t.write(dir), {}, &skipped), file, c.line, c.reason);
    } else {
      EXPECT_NO_THROW(read_tu_dataset(t.write(dir), {}, &skipped));
      EXPECT_THAT(skipped, Contains(Field(&SkippedEntry::error,
                                          AllOf(HasSubstr("T_" + c.file + ".txt:" + std::to_string(c.line) + ": "),
                                                HasSubstr(c.reason)))));
    }
  }
}

// With a `skipped` list, a problem that belongs to one graph passes that graph over: it keeps its place
// (its id only), the error names file, line and reason, and the other graph reads as without the problem.
TEST(Tu, SkippingPassesOverTheGraphOfABadLine) {
  struct Case {
    std::string file, text;
    std::uint64_t graph, line;
    std::string reason;
  };
  const Case cases[] = {
      {"node_labels", "0\n-2\n0\n1\n0\n", 1, 2, "label -2 is negative"},
      {"node_labels", "0\n2\n0\n1\n2.5\n", 2, 5, "expected a label (an integer)"},
      {"node_labels", "0\n2\n0\n2000000\n0\n", 2, 4, "one-hot column exceeds the limit of 1000000 features"},
      {"node_attributes", "1\n1, 2\n1\n1\n1\n", 1, 2, "2 values, expected 1 (as on the first line)"},
      {"node_attributes", "1\n1\n1\n1\nnan\n", 2, 5, "not a finite number"},
      {"edge_labels", "1\n1\n0\n0\n1\n1\nx\n0\n", 2, 7, "expected a label (an integer)"},
      {"edge_labels", "1\n1\n0\n-1\n1\n1\n2\n0\n", 1, 4, "label -1 is negative"},
      {"graph_labels", "-1\nx\n", 2, 2, "expected a label (an integer)"},
      {"graph_attributes", "1\n2, 3\n", 2, 2, "2 values, expected 1"},
  };
  ScratchDir good_dir;
  const TuDataset good = read_tu_dataset(Tiny{}.write(good_dir));
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file + ": " + c.reason);
    ScratchDir dir;
    Tiny t;
    t.files[c.file] = c.text;
    EXPECT_PARSE_ERROR(read_tu_dataset(t.write(dir)), dir.path() / ("T_" + c.file + ".txt"), c.line, c.reason);
    std::vector<SkippedEntry> skipped;
    const TuDataset d = read_tu_dataset(t.write(dir), {}, &skipped);
    ASSERT_EQ(skipped.size(), 1u);
    EXPECT_EQ(skipped[0].record, c.graph);
    EXPECT_THAT(skipped[0].error, HasSubstr("T_" + c.file + ".txt:" + std::to_string(c.line) + ": "));
    EXPECT_THAT(skipped[0].error, HasSubstr(c.reason));
    ASSERT_EQ(d.graphs.size(), 2u);
    const GraphRecord& bad = d.graphs[c.graph - 1];
    EXPECT_EQ(bad.id, "T_" + std::to_string(c.graph));
    EXPECT_EQ(bad.num_nodes, 0);
    EXPECT_TRUE(bad.edges.empty() && bad.node_features.empty() && bad.labels.empty());
    const std::size_t other = c.graph == 1 ? 1 : 0;
    EXPECT_EQ(d.graphs[other].num_nodes, good.graphs[other].num_nodes);
    EXPECT_EQ(d.graphs[other].edges, good.graphs[other].edges);
    EXPECT_EQ(d.graphs[other].node_features.size(), good.graphs[other].node_features.size());
    EXPECT_EQ(d.graphs[other].edge_features.size(), good.graphs[other].edge_features.size());
    if (c.file == "graph_labels") {  // the skipped graph's label takes no part in the classes
      EXPECT_THAT(d.class_values, ElementsAre(-1));
    }
  }
  // An edge between the two graphs passes over both; a listed-again edge with another label, its graph.
  {
    ScratchDir dir;
    Tiny t;
    t.files["A"] = "1, 2\n2, 1\n2, 3\n3, 2\n3, 1\n1, 3\n4, 5\n5, 2\n";
    std::vector<SkippedEntry> skipped;
    const TuDataset d = read_tu_dataset(t.write(dir), {}, &skipped);
    ASSERT_EQ(skipped.size(), 2u);
    EXPECT_EQ(skipped[0].record, 1u);
    EXPECT_EQ(skipped[1].record, 2u);
    EXPECT_THAT(skipped[1].error, HasSubstr("T_A.txt:8: edge 5 -> 2 joins graph 2 to graph 1"));
    EXPECT_TRUE(d.class_values.empty());
  }
  {
    ScratchDir dir;
    Tiny t;
    t.files["A"] += "4, 5\n";
    t.files["edge_labels"] += "0\n";
    std::vector<SkippedEntry> skipped;
    const TuDataset d = read_tu_dataset(t.write(dir), {}, &skipped);
    ASSERT_EQ(skipped.size(), 1u);
    EXPECT_EQ(skipped[0].record, 2u);
    EXPECT_THAT(skipped[0].error, HasSubstr("T_A.txt:9: edge 4 -> 5 is listed again (first on line 7)"));
    EXPECT_EQ(d.graphs[0].edges, good.graphs[0].edges);
    EXPECT_EQ(d.duplicate_edges, 0);
  }
  {  // over max_edges: the graph is passed over, the next one read
    ScratchDir dir;
    TuOptions options;
    options.limits.max_edges = 5;
    std::vector<SkippedEntry> skipped;
    const TuDataset d = read_tu_dataset(Tiny{}.write(dir), options, &skipped);
    ASSERT_EQ(skipped.size(), 1u);
    EXPECT_EQ(skipped[0].record, 1u);
    EXPECT_THAT(skipped[0].error, HasSubstr("T_A.txt:6: graph 1 has more edges than"));
    EXPECT_EQ(d.graphs[1].edges, good.graphs[1].edges);
    EXPECT_EQ(d.graphs[1].edge_features, good.graphs[1].edge_features);
  }
}

TEST(Tu, LimitsAreCheckedBeforeBuilding) {
  ScratchDir dir;
  TuOptions options;
  options.limits.max_nodes = 2;
  EXPECT_PARSE_ERROR(read_tu_dataset(Tiny{}.write(dir), options), dir.path() / "T_graph_indicator.txt", 3,
                     "graph 1 has more nodes than");
  options.limits = Limits{};
  options.limits.max_edges = 5;
  EXPECT_PARSE_ERROR(read_tu_dataset(Tiny{}.write(dir), options), dir.path() / "T_A.txt", 6, "graph 1 has more edges than");
  // Labels that are really ids: 300 nodes one-hot over 10^6 values would be 3 x 10^8 floats.
  ScratchDir big;
  std::string indicator, labels;
  for (int i = 0; i < 300; ++i) {
    indicator += "1\n";
    labels += i == 299 ? "999999\n" : "0\n";
  }
  big.write("B_graph_indicator.txt", indicator);
  big.write("B_node_labels.txt", labels);
  big.write("B_A.txt", "1, 2\n");
  EXPECT_PARSE_ERROR(read_tu_dataset({big.path(), "B"}), big.path() / "B_node_labels.txt", 0,
                     "300 labels over 1000000 values would make a one-hot encoding of more than 2^28 values");
}

TEST(Tu, MissingFilesAreNamed) {
  ScratchDir dir;
  Tiny t;
  t.files.erase("A");
  EXPECT_PARSE_ERROR(read_tu_dataset(t.write(dir)), dir.path() / "T_A.txt", 0, "cannot open");
}

// MUTAG's TU files and the SDF conversion of them (both bundled in datasets/molecules/mutag) describe the
// same graphs: atoms and elements in node order, bonds and their types, labels.
TEST(Tu, MutagTuFilesAgreeWithMutagSdf) {
  const std::filesystem::path folder = std::filesystem::path(GATKIT_BUNDLED_DATASETS) / "molecules" / "mutag";
  const TuDataset d = read_tu_dataset(*find_tu_dataset(folder / "tu"));
  EXPECT_EQ(d.graphs.size(), 188u);
  EXPECT_EQ(d.duplicate_edges, 0);
  EXPECT_EQ(d.node_label_width, 7);
  EXPECT_EQ(d.edge_label_width, 4);
  EXPECT_THAT(d.class_values, ElementsAre(-1, 1));
  const char* elements[] = {"C", "N", "O", "F", "I", "Cl", "Br"};
  const int bond_of_label[] = {4, 1, 2, 3};  // TU edge label -> SDF bond type (4 = aromatic)
  chem::SdfReader sdf(folder / "mutag.sdf");
  chem::Molecule mol;
  std::int64_t bonds = 0;
  for (const GraphRecord& g : d.graphs) {
    ASSERT_TRUE(sdf.next(mol));
    SCOPED_TRACE(g.id);
    EXPECT_EQ(mol.name, g.id);
    ASSERT_EQ(static_cast<std::int64_t>(mol.atoms.size()), g.num_nodes);
    for (std::int64_t i = 0; i < g.num_nodes; ++i) {
      const auto& row = g.node_features[static_cast<std::size_t>(i)];
      const auto label = std::find(row.begin(), row.end(), 1.0f) - row.begin();
      EXPECT_STREQ(chem::element_symbol(mol.atoms[static_cast<std::size_t>(i)].atomic_number), elements[label]);
    }
    // Every bond appears in both directions with the bond's type.
    ASSERT_EQ(g.edges.size(), 2 * mol.bonds.size());
    std::map<std::pair<int, int>, int> type;
    for (const auto& b : mol.bonds) type[{std::min(b.begin, b.end), std::max(b.begin, b.end)}] = static_cast<int>(b.order);
    for (std::size_t e = 0; e < g.edges.size(); ++e) {
      const auto& row = g.edge_features[e];
      const auto label = std::find(row.begin(), row.end(), 1.0f) - row.begin();
      const auto key = std::make_pair(std::min<int>(g.edges[e].src, g.edges[e].dst), std::max<int>(g.edges[e].src, g.edges[e].dst));
      ASSERT_TRUE(type.count(key));
      EXPECT_EQ(type[key], bond_of_label[label]);
    }
    bonds += static_cast<std::int64_t>(mol.bonds.size());
    ASSERT_NE(mol.property("class"), nullptr);
    EXPECT_EQ(std::to_string(static_cast<int>(*g.labels[0].second)), *mol.property("class"));
  }
  EXPECT_FALSE(sdf.next(mol));
  EXPECT_EQ(bonds, 3721);
}

}  // namespace
}  // namespace gatkit::io
