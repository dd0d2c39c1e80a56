// CsvReader (RFC 4180 quoting, CRLF, BOM, empty lines, broken tables) and the node tables: edge tables,
// long-format and MUSAE JSON features, label tables. Golden files in tests/data/io/social/club; broken
// tables are written inline so that each test shows the bytes it feeds.
#include "gatkit/io/csv.hpp"
#include "gatkit/io/node_tables.hpp"
#include "gatkit/io/readers.hpp"

#include <string>
#include <vector>

#include "io_test_util.hpp"

namespace gatkit::io {
namespace {

using testing::data_path;
using testing::ScratchDir;

EdgeTableOptions whitespace_edges() {
  EdgeTableOptions o;
  o.format = TableFormat::whitespace;
  return o;
}

LabelTableOptions whitespace_labels() {
  LabelTableOptions o;
  o.format = TableFormat::whitespace;
  return o;
}

std::vector<std::vector<std::string>> all_records(CsvReader& csv) {
  std::vector<std::vector<std::string>> rows;
  while (csv.next()) {
    rows.emplace_back();
    for (std::size_t k = 0; k < csv.header().size(); ++k) rows.back().emplace_back(csv.field(k));
  }
  return rows;
}

// ---- CsvReader ------------------------------------------------------------------------------------

TEST(Csv, QuotingCrlfBomAndEmptyLines) {
  CsvReader csv(data_path("social/club/edges.csv"));
  EXPECT_EQ(csv.header(), (std::vector<std::string>{"source", "target"}));  // BOM stripped
  const auto rows = all_records(csv);
  ASSERT_EQ(rows.size(), 7u);                                                // the empty line skipped
  EXPECT_EQ(rows[1], (std::vector<std::string>{"bob", "carol"}));            // quotes removed
  EXPECT_EQ(rows[2], (std::vector<std::string>{"carol", "dave"}));           // space after ',' trimmed
  EXPECT_EQ(rows[5], (std::vector<std::string>{"o'neil, jr.", "alice"}));    // embedded comma
  EXPECT_EQ(rows[6][1], "frank");                                            // no '\r' left
  EXPECT_EQ(csv.line_number(), 9u);
}

TEST(Csv, DoubledQuotesAndLineBreaksInsideQuotes) {
  CsvReader csv(data_path("social/club/labels.csv"));
  const auto rows = all_records(csv);
  ASSERT_EQ(rows.size(), 7u);
  EXPECT_EQ(rows[0][1], "Alice \"Al\" Smith");
  EXPECT_EQ(rows[2][1], "Carol, C.");
  EXPECT_EQ(rows[3][2], "");  // empty last field
  EXPECT_EQ(rows[6][1], "Yan\n(two lines)");
  EXPECT_EQ(csv.line_number(), 8u);  // where the two-line record starts
}

TEST(Csv, EmptyFieldsAndTrailingDelimiter) {
  ScratchDir dir;
  CsvReader csv(dir.write("t.csv", "a,b,c\n,,\n1,\"\",3\n"));
  const auto rows = all_records(csv);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"", "", ""}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "", "3"}));
}

TEST(Csv, ColumnLookup) {
  ScratchDir dir;
  CsvReader csv(dir.write("t.csv", "id,label,label\n1,a,b\n"));
  EXPECT_EQ(csv.column("id", "node id column"), 0u);
  EXPECT_EQ(csv.find_column("nope"), -1);
  EXPECT_PARSE_ERROR(csv.column("class", "label column"), dir.path() / "t.csv", 1,
                     "no column 'class' (the label column); the header has 3 columns: 'id', 'label', 'label'");
  EXPECT_PARSE_ERROR(csv.column("label", "label column"), dir.path() / "t.csv", 1, "ambiguous");
}

TEST(Csv, BrokenTables) {
  ScratchDir dir;
  const auto p = dir.write("unterminated.csv", "a,b\n1,\"open\n2,3\n");
  EXPECT_PARSE_ERROR(([&] { CsvReader c(p); while (c.next()) {} }()), p, 2,
                     "quoted field opened on line 2 is not closed before the end of the file");
  const auto q = dir.write("after_quote.csv", "a,b\n\"x\"y,2\n");
  EXPECT_PARSE_ERROR(([&] { CsvReader c(q); while (c.next()) {} }()), q, 2, "after a closing quote");
  const auto r = dir.write("stray_quote.csv", "a,b\nx\"y,2\n");
  EXPECT_PARSE_ERROR(([&] { CsvReader c(r); while (c.next()) {} }()), r, 2, "a quote inside the unquoted field");
  const auto s = dir.write("fields.csv", "a,b\n1,2\n1,2,3\n");
  EXPECT_PARSE_ERROR(([&] { CsvReader c(s); while (c.next()) {} }()), s, 3,
                     "expected 2 fields (2 columns: 'a', 'b'), found 3");
  const auto t = dir.write("short.csv", "a,b\r\n\r\n1\r\n");
  EXPECT_PARSE_ERROR(([&] { CsvReader c(t); while (c.next()) {} }()), t, 3, "expected 2 fields");
  const auto e = dir.write("empty.csv", "");
  EXPECT_PARSE_ERROR(CsvReader(e), e, 0, "the file is empty");
  const auto blank = dir.write("blank.csv", "\n  \n");
  EXPECT_PARSE_ERROR(CsvReader(blank), blank, 0, "no header row");
  EXPECT_PARSE_ERROR(CsvReader(dir.path() / "absent.csv"), dir.path() / "absent.csv", 0, "cannot open");
}

// ---- edge tables ------------------------------------------------------------------------------------

TEST(EdgeTable, CsvWithStringIds) {
  EdgeTableOptions o;
  o.source_column = "source";
  o.target_column = "target";
  const EdgeTable t = read_edge_table(data_path("social/club/edges.csv"), o);
  EXPECT_EQ(t.ids.ids(), (std::vector<std::string>{"alice", "bob", "carol", "dave", "o'neil, jr.", "eve", "frank"}));
  ASSERT_EQ(t.edges.size(), 7u);  // as read: the self-loop and the repeat are the join's business
  EXPECT_EQ(t.edges[3], (Edge{0, 0}));
  EXPECT_EQ(t.self_loops, 1);
}

TEST(EdgeTable, WhitespaceEdgeListWithCommentsAndCrlf) {
  ScratchDir dir;
  const auto p = dir.write("e.txt", "# comment\r\n10 20\r\n\r\n20\t30 7\r\n30 10");
  const EdgeTable t = read_edge_table(p, whitespace_edges());
  EXPECT_EQ(t.ids.ids(), (std::vector<std::string>{"10", "20", "30"}));
  EXPECT_EQ(t.edges, (std::vector<Edge>{{0, 1}, {1, 2}, {2, 0}}));
  const auto bad = dir.write("bad.txt", "1 2\n3\n");
  EXPECT_PARSE_ERROR(read_edge_table(bad, whitespace_edges()), bad, 2,
                     "expected a target node id in field 2, found only 1 field");
}

TEST(EdgeTable, MissingColumnsAndEmptyIds) {
  ScratchDir dir;
  const auto p = dir.write("e.csv", "id_1,id_2\n1,2\n");
  EdgeTableOptions o;
  o.source_column = "src";
  EXPECT_PARSE_ERROR(read_edge_table(p, o), p, 1, "no column 'src' (the source column)");
  const auto one = dir.write("one.csv", "id\n1\n");
  EXPECT_PARSE_ERROR(read_edge_table(one), one, 1, "expected at least two columns");
  const auto empty = dir.write("empty_id.csv", "a,b\n1,\n");
  EXPECT_PARSE_ERROR(read_edge_table(empty), empty, 2, "found an empty target");
  const auto header_only = dir.write("header.csv", "a,b\n");
  EXPECT_PARSE_ERROR(read_edge_table(header_only), header_only, 0, "no edges");
}

// ---- features ----------------------------------------------------------------------------------------

TEST(FeatureTable, LongCsvDuplicatesOnceOrSum) {
  const auto file = data_path("social/club/features.csv");
  const FeatureTable once = read_feature_long_csv(file);
  EXPECT_EQ(once.ids.ids(), (std::vector<std::string>{"alice", "bob", "carol", "o'neil, jr.", "dave", "eve", "zed"}));
  ASSERT_TRUE(once.features.is_sparse());
  const SparseMatrixF& m = once.features.sparse();
  EXPECT_EQ(m.rows(), 7);
  EXPECT_EQ(m.cols(), 4);
  EXPECT_EQ(m.nonZeros(), 8);
  EXPECT_EQ(m.coeff(0, 2), 0.5f);
  EXPECT_EQ(m.coeff(1, 1), 1.0f);
  EXPECT_EQ(m.coeff(2, 3), 2.0f);
  EXPECT_EQ(once.duplicates, 1);
  ASSERT_EQ(once.duplicate_examples.size(), 1u);
  EXPECT_EQ(once.duplicate_examples[0], "node bob feature 1 (lines 4 and 5)");

  FeatureTableOptions sum;
  sum.duplicates = DuplicateFeatures::sum;
  EXPECT_EQ(read_feature_long_csv(file, sum).features.sparse().coeff(1, 1), 2.0f);
  FeatureTableOptions error;
  error.duplicates = DuplicateFeatures::error;
  EXPECT_PARSE_ERROR(read_feature_long_csv(file, error), file, 0, "node bob feature 1 (lines 4 and 5)");
  FeatureTableOptions narrow;
  narrow.num_features = 3;
  EXPECT_PARSE_ERROR(read_feature_long_csv(file, narrow), file, 0, "feature id 3 is out of range: num_features is 3");
}

TEST(FeatureTable, LongCsvBroken) {
  ScratchDir dir;
  const auto no_value = dir.write("a.csv", "node_id,feature_id\n1,2\n");
  EXPECT_PARSE_ERROR(read_feature_long_csv(no_value), no_value, 1, "no column 'value' (the value column)");
  FeatureTableOptions binary;
  binary.value_column = "";
  EXPECT_EQ(read_feature_long_csv(no_value, binary).features.sparse().coeff(0, 2), 1.0f);
  const auto text_id = dir.write("b.csv", "node_id,feature_id,value\n1,x7,1\n");
  EXPECT_PARSE_ERROR(read_feature_long_csv(text_id), text_id, 2, "expected a feature id (an integer 0..");
  const auto negative = dir.write("c.csv", "node_id,feature_id,value\n1,-1,1\n");
  EXPECT_PARSE_ERROR(read_feature_long_csv(negative), negative, 2, "found '-1'");
  const auto text_value = dir.write("d.csv", "node_id,feature_id,value\n1,1,1.0\n1,2,yes\n");
  EXPECT_PARSE_ERROR(read_feature_long_csv(text_value), text_value, 3, "expected a finite number (a 32-bit float) in column 'value', found 'yes'");
  const auto nan = dir.write("e.csv", "node_id,feature_id,value\n1,1,nan\n");
  EXPECT_PARSE_ERROR(read_feature_long_csv(nan), nan, 2, "found 'nan'");
  const auto no_node = dir.write("f.csv", "node_id,feature_id,value\n,1,1\n");
  EXPECT_PARSE_ERROR(read_feature_long_csv(no_node), no_node, 2, "found an empty field");
}

TEST(FeatureTable, MusaeJson) {
  const auto file = data_path("social/club/features.json");
  const FeatureTable t = read_feature_json(file);
  EXPECT_EQ(t.ids.ids(), (std::vector<std::string>{"alice", "bob", "carol", "o'neil, jr.", "dave", "eve", "zed"}));
  EXPECT_EQ(t.features.cols(), 4);
  EXPECT_EQ(t.features.sparse().nonZeros(), 8);
  EXPECT_EQ(t.features.sparse().coeff(0, 2), 1.0f);
  EXPECT_EQ(t.duplicates, 1);
  EXPECT_EQ(t.duplicate_examples[0], "node bob feature 1 (positions 0 and 1 of \"bob\")");
}

TEST(FeatureTable, MusaeJsonBroken) {
  ScratchDir dir;
  const auto syntax = dir.write("a.json", "{\"1\": [1, 2],\n \"2\": [3,]}\n");
  EXPECT_PARSE_ERROR(read_feature_json(syntax), syntax, 2, "invalid JSON");
  const auto not_object = dir.write("b.json", "[[1, 2]]");
  EXPECT_PARSE_ERROR(read_feature_json(not_object), not_object, 0, "expected a JSON object mapping node ids");
  const auto not_array = dir.write("c.json", "{\"7\": 3}");
  EXPECT_PARSE_ERROR(read_feature_json(not_array), not_array, 0, "\"7\": expected an array of feature ids");
  const auto bad_id = dir.write("d.json", "{\"7\": [1, -4]}");
  EXPECT_PARSE_ERROR(read_feature_json(bad_id), bad_id, 0, "\"7\"[1]: expected a feature id");
  const auto text_id = dir.write("e.json", "{\"7\": [\"1\"]}");
  EXPECT_PARSE_ERROR(read_feature_json(text_id), text_id, 0, "\"7\"[0]: expected a feature id");
  const auto twice = dir.write("f.json", "{\"7\": [1], \"7\": [2]}");
  EXPECT_PARSE_ERROR(read_feature_json(twice), twice, 0, "\"7\": node id listed twice");
  const auto empty = dir.write("g.json", "");
  EXPECT_PARSE_ERROR(read_feature_json(empty), empty, 0, "the file is empty");
}

TEST(FeatureTable, RowsOfSvmlight) {
  const FeatureTable t = read_feature_rows(data_path("planetoid_tiny/features.svmlight"));
  EXPECT_EQ(t.ids.size(), 6);
  EXPECT_EQ(t.ids.id(5), "5");
  EXPECT_EQ(t.features.cols(), 8);
}

TEST(FeatureTable, RowsOfNpy) {
  ScratchDir dir;
  MatrixF m(3, 2);
  m << 1, 2, 3, 4, 5, 6;
  const auto p = dir.path() / "x.npy";
  write_npy_matrix(p, m);
  const FeatureTable t = read_feature_rows(p);
  ASSERT_FALSE(t.features.is_sparse());
  EXPECT_EQ(t.features.dense(), m);
  EXPECT_EQ(t.ids.ids(), (std::vector<std::string>{"0", "1", "2"}));
  FeatureTableOptions wrong;
  wrong.num_features = 3;
  EXPECT_PARSE_ERROR(read_feature_rows(p, wrong), p, 0, "has 2 columns, expected num_features = 3");
}

// ---- labels -------------------------------------------------------------------------------------------

TEST(LabelTable, StringClassesInAlphabeticalOrder) {
  LabelTableOptions o;
  o.label_column = "likes";
  const LabelTable t = read_label_table(data_path("social/club/labels.csv"), o);
  EXPECT_EQ(t.class_names, (std::vector<std::string>{"maybe", "no", "yes"}));
  EXPECT_EQ(t.ids.ids(), (std::vector<std::string>{"alice", "bob", "carol", "dave", "o'neil, jr.", "eve", "yan"}));
  EXPECT_EQ(t.labels, (std::vector<std::int32_t>{2, 1, 2, -1, 1, 0, 1}));
  EXPECT_EQ(t.unlabelled, 1);
  EXPECT_EQ(t.column, "likes");
  // Another column of the same table: the names, one class each.
  o.label_column = "name";
  EXPECT_EQ(read_label_table(data_path("social/club/labels.csv"), o).class_names.front(), "Alice \"Al\" Smith");
}

TEST(LabelTable, IntegerClassesInNumericOrder) {
  ScratchDir dir;
  const auto p = dir.write("l.csv", "id,target\n7,10\n3,2\n5,-1\n");
  const LabelTable t = read_label_table(p);  // defaults: "id" and the last column
  EXPECT_EQ(t.class_names, (std::vector<std::string>{"-1", "2", "10"}));
  EXPECT_EQ(t.labels, (std::vector<std::int32_t>{2, 1, 0}));
  const auto pairs = dir.write("l.txt", "0 1\r\n1 21\r\n2 3");
  const LabelTable w = read_label_table(pairs, whitespace_labels());
  EXPECT_EQ(w.class_names, (std::vector<std::string>{"1", "3", "21"}));
  EXPECT_EQ(w.labels, (std::vector<std::int32_t>{0, 2, 1}));
}

TEST(LabelTable, Broken) {
  ScratchDir dir;
  const auto p = dir.write("l.csv", "id,page_type\n1,tv\n2,company\n1,tv\n");
  EXPECT_PARSE_ERROR(read_label_table(p), p, 4, "node id '1' is labelled twice (first on line 2)");
  LabelTableOptions unknown;
  unknown.label_column = "page_kind";
  EXPECT_PARSE_ERROR(read_label_table(p, unknown), p, 1, "no column 'page_kind' (the label column)");
  LabelTableOptions same;
  same.label_column = "id";
  EXPECT_PARSE_ERROR(read_label_table(p, same), p, 1, "is also the node id column");
  const auto none = dir.write("none.csv", "id,label\n1,\n2,\n");
  EXPECT_PARSE_ERROR(read_label_table(none), none, 0, "no labelled node");
  const auto one_column = dir.write("one.csv", "id\n1\n");
  EXPECT_PARSE_ERROR(read_label_table(one_column), one_column, 1, "expected a node id column and a label column");
}

}  // namespace
}  // namespace gatkit::io
