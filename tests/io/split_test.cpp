// read_split, read_node_id_list and read_integer_column: golden files and broken inputs.
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

TEST(NodeIdList, ReadsIdsOfTheInputFilesInFileOrder) {
  const std::vector<std::string> ids = {"alice", "bob", "carol", "dave", "7"};
  testing::ScratchDir dir;
  // A byte order mark, a comment, blank lines, blanks around ids, CRLF, no final newline.
  const auto list = dir.write("list.txt", "\xEF\xBB\xBF# picked\r\n dave \n\n7\r\nalice\tbob\nbob");
  EXPECT_PARSE_ERROR(read_node_id_list(list, ids), list, 5, "node id 'alice\\x09bob' is not a node of the data set");
  const auto good = dir.write("good.txt", "\xEF\xBB\xBF# picked\r\n dave \n\n7\r\nalice\nbob");
  EXPECT_EQ(read_node_id_list(good, ids), (std::vector<NodeId>{3, 4, 0, 1}));
  // A refused node names its reason; ids are compared as text ("07" is not "7").
  const auto refuse = [](NodeId i) { return i == 0 ? std::string("has no label") : std::string(); };
  EXPECT_PARSE_ERROR(read_node_id_list(good, ids, refuse), good, 5, "node 'alice' has no label");
  const auto padded = dir.write("padded.txt", "dave\n07\n");
  EXPECT_PARSE_ERROR(read_node_id_list(padded, ids), padded, 2, "node id '07' is not a node of the data set");
  const auto twice = dir.write("twice.txt", "carol\nbob\n\ncarol\n");
  EXPECT_PARSE_ERROR(read_node_id_list(twice, ids), twice, 4, "node 'carol' is listed twice (first on line 1)");
  const auto empty = dir.write("empty.txt", "");
  EXPECT_PARSE_ERROR(read_node_id_list(empty, ids), empty, 0, "the file is empty; expected node ids");
  const auto comments = dir.write("comments.txt", "# none\n\n");
  EXPECT_PARSE_ERROR(read_node_id_list(comments, ids), comments, 0, "lists no node");
  Limits limits;
  limits.max_line_length = 8;
  const auto long_line = dir.write("long.txt", "bob\n" + std::string(100, 'x') + "\n");
  EXPECT_PARSE_ERROR(read_node_id_list(long_line, ids, {}, limits), long_line, 2, "exceeds the limit of 8 bytes per line");
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
