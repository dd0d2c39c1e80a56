// gatkit::Limits in the readers (each limit set low so that small files cross it), the text encodings
// LineReader accepts and refuses, and the process-wide default limits.
#include <string>

#include "gatkit/chem/json_format.hpp"
#include "gatkit/chem/sdf.hpp"
#include "gatkit/io/dataset.hpp"
#include "gatkit/io/readers.hpp"
#include "gatkit/util/limits.hpp"
#include "io_test_util.hpp"

namespace gatkit::io {
namespace {

using testing::ScratchDir;

Limits tiny() {
  Limits l;
  l.max_nodes = 3;
  l.max_edges = 2;
  l.max_atoms = 2;
  l.max_line_length = 32;
  l.max_json_depth = 4;
  l.max_feature_dim = 4;
  return l;
}

TEST(Limits, EdgeList) {
  ScratchDir dir;
  EdgeListOptions o;
  o.limits = tiny();
  const auto edges = dir.write("e.txt", "1 2\n2 3\n3 4\n");
  EXPECT_PARSE_ERROR(read_edge_list(edges, o), edges, 3,
                     "edge 3 exceeds the limit of 2 edges (Limits::max_edges; raise it with --max-edges)");
  const auto nodes = dir.write("n.txt", "1 2\n3 4\n");
  EXPECT_PARSE_ERROR(read_edge_list(nodes, o), nodes, 0, "more than 3 distinct node ids");
  o.remap_ids = false;
  const auto index = dir.write("i.txt", "0 1\n1 7\n");
  EXPECT_PARSE_ERROR(read_edge_list(index, o), index, 2, "node id 7 exceeds the limit of 3 nodes");
  const auto longer = dir.write("l.txt", "1 2\n" + std::string(40, '1') + " 2\n");
  EXPECT_PARSE_ERROR(read_edge_list(longer, o), longer, 2,
                     "the line exceeds the limit of 32 bytes per line (Limits::max_line_length");
  o.limits = Limits{};
  o.remap_ids = true;
  EXPECT_EQ(read_edge_list(edges, o).edges.size(), 3u);  // the defaults are far above
}

TEST(Limits, SvmlightSplitLabelsLinqsNpy) {
  ScratchDir dir;
  SvmlightOptions s;
  s.limits = tiny();
  const auto wide = dir.write("w.svmlight", "1 1:1 5:1\n");
  EXPECT_PARSE_ERROR(read_svmlight(wide, s), wide, 1, "feature index 5 exceeds the limit of 4 features");
  const auto tall = dir.write("t.svmlight", "1 1:1\n0\n1\n0\n");
  EXPECT_PARSE_ERROR(read_svmlight(tall, s), tall, 4, "sample 4 exceeds the limit of 3 samples (nodes)");
  const auto labels = dir.write("labels.txt", "0\n1\n0\n1\n");
  EXPECT_PARSE_ERROR(read_integer_column(labels, tiny()), labels, 4, "value 4 exceeds the limit of 3 values");
  const auto content = dir.write("d.content", "p1 1 0 1 1 1 A\n");
  const auto cites = dir.write("d.cites", "p1 p1\n");
  EXPECT_PARSE_ERROR(read_linqs(content, cites, tiny()), content, 1, "5 word values exceeds the limit of 4 features");
  MatrixF m = MatrixF::Zero(2, 5);
  write_npy_matrix(dir.path() / "m.npy", m);
  EXPECT_PARSE_ERROR(read_npy_matrix(dir.path() / "m.npy", tiny()), dir.path() / "m.npy", 0,
                     "5 columns exceeds the limit of 4 features");
  write_npy_matrix(dir.path() / "r.npy", MatrixF::Zero(5, 1));
  EXPECT_PARSE_ERROR(read_npy_matrix(dir.path() / "r.npy", tiny()), dir.path() / "r.npy", 0,
                     "5 rows exceeds the limit of 3 rows (nodes)");
}

TEST(Limits, SdfAtomsAndJoinedV3000Lines) {
  ScratchDir dir;
  chem::SdfOptions o;
  o.limits.max_atoms = 2;
  const auto sdf = dir.write("m.sdf", "m\n\n\n  3  0  0  0  0  0  0  0  0  0999 V2000\n");
  EXPECT_PARSE_ERROR(chem::read_sdf(sdf, o), sdf, 4, "counts line claims 3 atoms and 0 bonds, which exceeds the limit of 2");
  // Continuation lines are joined: each is short, the joined line is not.
  o.limits = Limits{};
  o.limits.max_line_length = 40;
  std::string v3000 = "m\n\n\n  0  0  0     0  0            999 V3000\nM  V30 BEGIN CTAB\nM  V30 COUNTS 1 0 0 0 0\n";
  v3000 += "M  V30 BEGIN ATOM\n";
  for (int k = 0; k < 6; ++k) v3000 += "M  V30 1 C 0 0 0 0 -\n";
  v3000 += "M  V30 X=1\n";
  const auto joined = dir.write("j.sdf", v3000);
  EXPECT_PARSE_ERROR(chem::read_sdf(joined, o), joined, 8, "V3000 line joined from continuation lines exceeds the limit of 40");
}

TEST(Limits, JsonDepthAtomsNodesEdgesFeatures) {
  ScratchDir dir;
  const std::string head = R"({"format": "gatkit-graphs", "version": 1, "graphs": [)";
  const auto deep = dir.write("deep.json", head + "[[[[]]]]]}");
  EXPECT_PARSE_ERROR(read_graph_json(deep, nullptr, tiny()), deep, 1, "nested more than 4 levels deep");
  Limits l = tiny();
  l.max_json_depth = 8;  // entries nest 5 levels
  const auto atoms = dir.write("atoms.json", head + R"({"type": "molecule", "atoms": [{"element": "C"}, {"element": "C"}, {"element": "O"}]}]})");
  EXPECT_PARSE_ERROR(read_graph_json(atoms, nullptr, l), atoms, 0, "graphs[0].atoms: 3 atoms exceeds the limit of 2 atoms");
  const auto nodes = dir.write("nodes.json", head + R"({"type": "graph", "num_nodes": 4}]})");
  EXPECT_PARSE_ERROR(read_graph_json(nodes, nullptr, l), nodes, 0, "graphs[0].num_nodes: 4 nodes exceeds the limit of 3");
  const auto edges = dir.write("edges.json", head + R"({"type": "graph", "num_nodes": 2, "edges": [[0, 1], [1, 0], [0, 1]]}]})");
  EXPECT_PARSE_ERROR(read_graph_json(edges, nullptr, l), edges, 0, "graphs[0].edges: 3 edges exceeds the limit of 2");
  const auto wide = dir.write("wide.json", head + R"({"type": "graph", "num_nodes": 1, "node_features": [[1, 2, 3, 4, 5]]}]})");
  EXPECT_PARSE_ERROR(read_graph_json(wide, nullptr, l), wide, 0, "graphs[0].node_features[0]: 5 features exceeds the limit of 4");
}

TEST(Limits, DatasetPassesItsLimitsToEveryReader) {
  NodeDatasetOptions o;
  o.limits = tiny();
  const auto folder = testing::data_path("planetoid_tiny");
  try {
    load_node_dataset(folder, o);
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("exceeds the limit of")) << e.what();
  }
  EXPECT_NO_THROW(load_node_dataset(folder));
}

TEST(Limits, DefaultLimitsAreProcessWide) {
  ScratchDir dir;
  const auto labels = dir.write("labels.txt", "0\n1\n0\n1\n");
  const Limits saved = default_limits();
  Limits l;
  l.max_nodes = 2;
  set_default_limits(l);
  EXPECT_PARSE_ERROR(read_integer_column(labels), labels, 3, "value 3 exceeds the limit of 2 values");
  set_default_limits(saved);
  EXPECT_EQ(read_integer_column(labels).size(), 4u);
  l.max_nodes = 0;
  EXPECT_THROW(set_default_limits(l), InvalidArgument);
}

TEST(TextEncoding, Utf8ByteOrderMarkIsSkipped) {
  ScratchDir dir;
  const auto file = dir.write("bom.txt", "\xef\xbb\xbf" "3\n1\n");
  EXPECT_EQ(read_integer_column(file), (std::vector<std::int64_t>{3, 1}));
  const auto json = dir.write("bom.json", "\xef\xbb\xbf" R"({"format": "gatkit-graphs", "version": 1, "graphs": []})");
  EXPECT_TRUE(read_graph_json(json).order.empty());
}

TEST(TextEncoding, Utf16AndNulBytesAreRefusedByName) {
  ScratchDir dir;
  const auto utf16 = dir.write("u16.txt", std::string("\xff\xfe" "1\0\n\0", 6));
  EXPECT_PARSE_ERROR(read_integer_column(utf16), utf16, 1, "UTF-16 (or UTF-32) byte order mark");
  const auto nul = dir.write("nul.txt", std::string("1\n2\0x\n", 6));
  EXPECT_PARSE_ERROR(read_integer_column(nul), nul, 2, "unexpected NUL byte in column 2");
  const auto latin1 = dir.write("latin1.txt", "caf\xe9\n");
  EXPECT_PARSE_ERROR(read_integer_column(latin1), latin1, 1, "found 'caf\\xe9'");  // printable message
  const auto utf8 = dir.write("utf8.txt", "caf\xc3\xa9\n");
  EXPECT_PARSE_ERROR(read_integer_column(utf8), utf8, 1, "found 'caf\xc3\xa9'");  // valid UTF-8 shown as is
}

}  // namespace
}  // namespace gatkit::io
