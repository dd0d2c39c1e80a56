// read_linqs: string ids, alphabetical classes, citing -> cited edges, dangling citations, broken files.
#include <string>
#include <vector>

#include "gatkit/io/readers.hpp"
#include "io_test_util.hpp"

namespace gatkit::io {
namespace {

using testing::data_path;

std::filesystem::path linqs(const char* name) { return data_path(std::string("linqs/") + name); }

TEST(Linqs, TinyGolden) {
  // Tabs and spaces, a CRLF line, a blank line, a non-binary word value, no final newline in .cites.
  const LinqsData d = read_linqs(linqs("tiny.content"), linqs("tiny.cites"));
  EXPECT_EQ(d.node_ids, (std::vector<std::string>{"p1", "p2", "q-3", "p4"}));
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"Agents", "Case_Based", "Theory"}));
  EXPECT_EQ(d.labels, (std::vector<std::int32_t>{2, 1, 2, 0}));
  ASSERT_EQ(d.features.rows(), 4);
  ASSERT_EQ(d.features.cols(), 3);
  EXPECT_EQ(d.features.nonZeros(), 5);
  EXPECT_EQ(d.features.coeff(0, 0), 1.0f);
  EXPECT_EQ(d.features.coeff(1, 2), 1.0f);
  EXPECT_EQ(d.features.coeff(2, 0), 0.0f);
  EXPECT_EQ(d.features.coeff(3, 0), 2.5f);
  // "<cited> <citing>" -> citing -> cited.
  EXPECT_EQ(d.edges, (std::vector<Edge>{{1, 0}, {2, 1}, {0, 3}}));
  EXPECT_EQ(d.dangling_citations, 3);
  EXPECT_EQ(d.dangling_examples, (std::vector<std::string>{"missing", "ghost"}));
}

TEST(Linqs, BrokenInputs) {
  const auto cites = linqs("tiny.cites");
  EXPECT_PARSE_ERROR(read_linqs(linqs("ragged.content"), cites), linqs("ragged.content"), 2,
                     "expected 3 word values (as on line 1), found 2");
  EXPECT_PARSE_ERROR(read_linqs(linqs("duplicate.content"), cites), linqs("duplicate.content"), 3,
                     "paper id 'p1' appears twice (first on line 1)");
  EXPECT_PARSE_ERROR(read_linqs(linqs("bad_value.content"), cites), linqs("bad_value.content"), 2,
                     "expected a value for word 2 (a number), found 'yes'");
  EXPECT_PARSE_ERROR(read_linqs(linqs("empty.content"), cites), linqs("empty.content"), 0,
                     "the file is empty");
  EXPECT_PARSE_ERROR(read_linqs(linqs("tiny.content"), linqs("three_fields.cites")),
                     linqs("three_fields.cites"), 1, "found a third field 'p1'");
  EXPECT_PARSE_ERROR(read_linqs(linqs("tiny.content"), linqs("empty.content")), linqs("empty.content"), 0,
                     "the file is empty; expected LINQS .cites lines");
  testing::ScratchDir dir;
  const auto short_line = dir.write("short.content", "p1\tA\n");
  EXPECT_PARSE_ERROR(read_linqs(short_line, cites), short_line, 1, "found only 2 fields");
  const auto one_id = dir.write("one.cites", "p1\tp2\np1\n");
  EXPECT_PARSE_ERROR(read_linqs(linqs("tiny.content"), one_id), one_id, 2, "found only 'p1'");
}

}  // namespace
}  // namespace gatkit::io
