// read_split and read_integer_column: golden files and broken inputs.
#include <string>
#include <vector>

#include "gatkit/io/readers.hpp"
#include "io_test_util.hpp"

namespace gatkit::io {
namespace {

using testing::data_path;

TEST(Split, ReadsIdsInFileOrderSkippingCommentsAndBlankLines) {
  // CRLF on one line and no final newline.
  EXPECT_EQ(read_split(data_path("split/train.txt"), 8), (std::vector<NodeId>{3, 0, 7, 5}));
}

TEST(Split, BrokenInputs) {
  auto p = [](const char* name) { return data_path(std::string("split/") + name); };
  EXPECT_PARSE_ERROR(read_split(p("train.txt"), 7), p("train.txt"), 5,
                     "node id 7 is out of range: expected 0..6 (7 nodes)");
  EXPECT_PARSE_ERROR(read_split(p("duplicate.txt"), 10), p("duplicate.txt"), 3,
                     "node id 1 is listed twice (first on line 1)");
  EXPECT_PARSE_ERROR(read_split(p("out_of_range.txt"), 10), p("out_of_range.txt"), 3,
                     "node id 10 is out of range");
  EXPECT_PARSE_ERROR(read_split(p("non_numeric.txt"), 10), p("non_numeric.txt"), 2,
                     "expected a node id (an integer), found 'two'");
  EXPECT_PARSE_ERROR(read_split(p("two_per_line.txt"), 10), p("two_per_line.txt"), 2,
                     "expected one node id per line, found '2 3'");
  EXPECT_PARSE_ERROR(read_split(p("empty.txt"), 10), p("empty.txt"), 0, "the file is empty");
  testing::ScratchDir dir;
  const auto negative = dir.write("neg.txt", "0\n-1\n");
  EXPECT_PARSE_ERROR(read_split(negative, 10), negative, 2, "node id -1 is out of range");
  const auto comments = dir.write("c.txt", "# nothing\n\n");
  EXPECT_PARSE_ERROR(read_split(comments, 10), comments, 0, "no node ids");
}

TEST(IntegerColumn, AllowsMinusOne) {
  EXPECT_EQ(read_integer_column(data_path("split/labels.txt")), (std::vector<std::int64_t>{0, -1, 2, 1}));
}

TEST(IntegerColumn, BrokenInputs) {
  const auto bad = data_path("split/labels_bad.txt");
  EXPECT_PARSE_ERROR(read_integer_column(bad), bad, 2, "expected a value (an integer), found '1.5'");
  const auto empty = data_path("split/empty.txt");
  EXPECT_PARSE_ERROR(read_integer_column(empty), empty, 0, "the file is empty");
}

}  // namespace
}  // namespace gatkit::io
