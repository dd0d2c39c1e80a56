// read_svmlight: index bases, comments, qid, CRLF, CSR layout, and broken inputs.
#include <string>
#include <vector>

#include "gatkit/io/readers.hpp"
#include "io_test_util.hpp"

namespace gatkit::io {
namespace {

using testing::data_path;

/// (row, col, value) of every stored entry, row by row.
struct Entry {
  int row, col;
  float value;
  friend bool operator==(const Entry&, const Entry&) = default;
};
std::vector<Entry> entries(const SparseMatrixF& m) {
  std::vector<Entry> out;
  for (int r = 0; r < m.outerSize(); ++r)
    for (SparseMatrixF::InnerIterator it(m, r); it; ++it)
      out.push_back({r, static_cast<int>(it.col()), it.value()});
  return out;
}
std::ostream& operator<<(std::ostream& os, const Entry& e) {
  return os << "(" << e.row << ", " << e.col << ", " << e.value << ")";
}

TEST(Svmlight, ZeroBasedWithCommentsQidAndEmptyRows) {
  const auto file = data_path("svmlight/zero_based.svmlight");
  const SvmlightData d = read_svmlight(file);  // automatic: index 0 appears, so zero-based
  EXPECT_EQ(d.labels, (std::vector<double>{3, -1, 2.5, 0}));
  EXPECT_EQ(d.features.rows(), 4);
  EXPECT_EQ(d.features.cols(), 8);
  EXPECT_TRUE(d.features.isCompressed());
  // The explicit zero "2:0" is not stored.
  EXPECT_EQ(entries(d.features),
            (std::vector<Entry>{{0, 0, 1}, {0, 4, 0.5f}, {0, 7, 2}, {1, 1, 1}, {3, 5, -3}}));

  SvmlightOptions options;
  options.index_base = IndexBase::zero;
  options.num_features = 20;
  EXPECT_EQ(read_svmlight(file, options).features.cols(), 20);
  options.num_features = 7;
  EXPECT_PARSE_ERROR(read_svmlight(file, options), file, 2, "feature index 7 is out of range for 7 features");
  options.index_base = IndexBase::one;
  options.num_features = -1;
  EXPECT_PARSE_ERROR(read_svmlight(file, options), file, 2,
                     "found feature index 0, but the indices are one-based");
}

TEST(Svmlight, OneBasedCrlfWithoutFinalNewline) {
  const auto file = data_path("svmlight/one_based_crlf.svmlight");
  const SvmlightData d = read_svmlight(file);
  EXPECT_EQ(d.labels, (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(d.features.cols(), 3);
  EXPECT_EQ(entries(d.features), (std::vector<Entry>{{0, 0, 0.25f}, {0, 2, 4}, {2, 1, 1}, {2, 2, 1}}));
  SvmlightOptions options;
  options.index_base = IndexBase::zero;
  const SvmlightData z = read_svmlight(file, options);
  EXPECT_EQ(z.features.cols(), 4);
  EXPECT_EQ(entries(z.features), (std::vector<Entry>{{0, 1, 0.25f}, {0, 3, 4}, {2, 2, 1}, {2, 3, 1}}));
}

TEST(Svmlight, NumFeaturesWithAutomaticBase) {
  SvmlightOptions options;
  options.num_features = 3;
  // No index 0: one-based, so index 3 is the last of 3 features.
  EXPECT_EQ(read_svmlight(data_path("svmlight/index_range.svmlight"), options).features.cols(), 3);
  // Index 3 appears before an index 0 shows the file is zero-based: reported on the line of the 3.
  const auto deferred = data_path("svmlight/deferred_range.svmlight");
  EXPECT_PARSE_ERROR(read_svmlight(deferred, options), deferred, 1, "uses index 0 on line 2");
  options.num_features = 2;
  const auto range = data_path("svmlight/index_range.svmlight");
  EXPECT_PARSE_ERROR(read_svmlight(range, options), range, 2,
                     "feature index 3 is out of range for 2 features");
}

TEST(Svmlight, BrokenInputs) {
  auto p = [](const char* name) { return data_path(std::string("svmlight/") + name); };
  EXPECT_PARSE_ERROR(read_svmlight(p("empty.svmlight")), p("empty.svmlight"), 0, "the file is empty");
  EXPECT_PARSE_ERROR(read_svmlight(p("bad_pair.svmlight")), p("bad_pair.svmlight"), 2,
                     "expected a feature index:value pair, found 'abc'");
  EXPECT_PARSE_ERROR(read_svmlight(p("not_ascending.svmlight")), p("not_ascending.svmlight"), 3,
                     "strictly ascending, found 3 after 5");
  EXPECT_PARSE_ERROR(read_svmlight(p("negative_index.svmlight")), p("negative_index.svmlight"), 1,
                     "expected a non-negative feature index, found '-3'");
  EXPECT_PARSE_ERROR(read_svmlight(p("nan_value.svmlight")), p("nan_value.svmlight"), 2,
                     "expected a feature value, found 'nan' (not a finite number)");
  EXPECT_PARSE_ERROR(read_svmlight(p("bad_label.svmlight")), p("bad_label.svmlight"), 2,
                     "expected a label (a number), found 'x'");
  EXPECT_PARSE_ERROR(read_svmlight(p("trailing_junk.svmlight")), p("trailing_junk.svmlight"), 2,
                     "expected a feature value (a number), found '1x'");
}

TEST(Svmlight, MoreBrokenLines) {
  testing::ScratchDir dir;
  struct Case {
    const char* text;
    std::uint64_t line;
    const char* reason;
  };
  const Case cases[] = {
      {"1 0:1\n0:1 2:1\n", 2, "expected a label before the features"},
      {"1 0:1\n1 5:\n", 2, "expected a feature index:value pair, found '5:'"},
      {"1 :5\n", 1, "expected a feature index:value pair"},
      {"1 1:1 1:2\n", 1, "strictly ascending, found 1 after 1"},
      {"1 99999999999999999999:1\n", 1, "does not fit in a 64-bit integer"},
      {"1 3000000000:1\n", 1, "feature index 3000000000 is too large"},
      {"1 1:inf\n", 1, "(not a finite number)"},
      {"1 1:1e40\n", 1, "out of range for a 32-bit float"},
      {"nan 1:1\n", 1, "expected a label, found 'nan' (not a finite number)"},
      {"1 1:1 qid:3\n", 1, "expected qid:N before the features"},
      {"1 qid:x 1:1\n", 1, "expected a query id (an integer), found 'x'"},
      {"# only a comment\n\n", 0, "no samples found"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    const auto f = dir.write("case.svmlight", c.text);
    EXPECT_PARSE_ERROR(read_svmlight(f), f, c.line, c.reason);
  }
}

}  // namespace
}  // namespace gatkit::io
