// The corrupt-file suite: tests/corrupt/<format>/ holds hand-made broken files (written by
// make_corrupt.py) and expected.tsv, one row per file: the file the error must name, the line it must
// name ('-': none) and a substring the message must contain. Each format's reader must refuse each file
// with a gatkit::ParseError saying exactly that; every file of a folder must have its row.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "gatkit/chem/json_format.hpp"
#include "gatkit/chem/sdf.hpp"
#include "gatkit/io/readers.hpp"
#include "gatkit/train/graph_predictor.hpp"
#include "gatkit/train/node_classification.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit {
namespace {

namespace fs = std::filesystem;

const fs::path kRoot = GATKIT_CORRUPT_DIR;

struct Case {
  std::string file;      ///< the file the error names
  std::uint64_t line;    ///< 0: no line
  std::string expected;  ///< substring of the message
};

std::vector<Case> cases(const std::string& format) {
  std::ifstream in(kRoot / format / "expected.tsv");
  EXPECT_TRUE(in) << "missing " << (kRoot / format / "expected.tsv");
  std::vector<Case> out;
  std::string row;
  while (std::getline(in, row)) {
    if (row.empty() || row[0] == '#') continue;
    const auto a = row.find('\t'), b = row.find('\t', a + 1);
    EXPECT_NE(b, std::string::npos) << "bad expected.tsv row: " << row;
    if (b == std::string::npos) continue;
    const std::string line = row.substr(a + 1, b - a - 1);
    out.push_back({row.substr(0, a), line == "-" ? 0 : std::stoull(line), row.substr(b + 1)});
  }
  return out;
}

/// Loads one case with its format's reader. `file` is the case's file (for LINQS: either file of the
/// pair named by its stem).
void load(const std::string& format, const fs::path& file) {
  const std::string name = file.filename().string();
  if (format == "edge_list") {
    io::read_edge_list(file);
  } else if (format == "svmlight") {
    io::read_svmlight(file);
  } else if (format == "split") {
    io::read_split(file, 10);
  } else if (format == "linqs") {
    fs::path stem = file;
    stem.replace_extension();
    io::read_linqs(fs::path(stem) += ".content", fs::path(stem) += ".cites");
  } else if (format == "npy") {
    if (name.rfind("int_", 0) == 0) io::read_npy_integers(file);
    else io::read_npy_matrix(file);
  } else if (format == "sdf_v2000" || format == "sdf_v3000") {
    chem::read_sdf(file);
  } else if (format == "json") {
    io::read_graph_json(file);
  } else if (format == "checkpoint") {
    if (name.rfind("graph_", 0) == 0) load_graph_model(file);
    else load_model(file);
  } else {
    FAIL() << "unknown format " << format;
  }
}

class Corrupt : public ::testing::TestWithParam<std::string> {};

TEST_P(Corrupt, EveryFileIsRefusedWithItsMessage) {
  const std::string format = GetParam();
  const std::vector<Case> all = cases(format);
  EXPECT_GE(all.size(), 20u) << "the issue asks for at least 20 broken files per format";
  std::set<std::string> listed;
  for (const Case& c : all) {
    listed.insert(c.file);
    const fs::path file = kRoot / format / c.file;
    SCOPED_TRACE(file.string());
    ASSERT_TRUE(fs::exists(file));
    try {
      load(format, file);
      ADD_FAILURE() << "accepted: expected an error containing \"" << c.expected << "\"";
    } catch (const ParseError& e) {
      const std::string what = e.what();
      EXPECT_EQ(e.file().filename().string(), c.file) << what;
      EXPECT_EQ(e.line(), c.line) << what;
      EXPECT_THAT(what, ::testing::HasSubstr(c.file));
      EXPECT_THAT(what, ::testing::HasSubstr(c.expected));
    } catch (const std::exception& e) {
      ADD_FAILURE() << "expected a ParseError, got: " << e.what();
    }
  }
  // Every file is a case (the LINQS pairs: the file the error does not name is the other half).
  for (const auto& entry : fs::directory_iterator(kRoot / format)) {
    const std::string name = entry.path().filename().string();
    if (name == "expected.tsv") continue;
    if (format == "linqs") {
      fs::path stem = entry.path().filename();
      stem.replace_extension();
      EXPECT_TRUE(listed.count(stem.string() + ".content") + listed.count(stem.string() + ".cites") == 1)
          << name << " has no row in expected.tsv";
    } else {
      EXPECT_TRUE(listed.count(name)) << name << " has no row in expected.tsv";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, Corrupt,
                         ::testing::Values("edge_list", "svmlight", "split", "linqs", "npy", "sdf_v2000", "sdf_v3000",
                                           "json", "checkpoint"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace gatkit
