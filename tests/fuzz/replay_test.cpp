// Replays every file of fuzz/corpus/<harness>/ and fuzz/regressions/<harness>/ through its fuzz harness
// (fuzz/harness.hpp). regressions/ keeps the inputs that once crashed a harness, so that the bug stays
// fixed in every build, sanitizer builds included; a harness aborts on a bug, so a failure here is a
// crash of the test program naming the file last printed.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "harness.hpp"

namespace gatkit::fuzz {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs(const std::string& harness) {
  std::vector<fs::path> files;
  for (const char* kind : {"corpus", "regressions"}) {
    const fs::path dir = fs::path(GATKIT_FUZZ_DIR) / kind / harness;
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string bytes_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class Replay : public ::testing::TestWithParam<NamedHarness> {};

TEST_P(Replay, EveryKeptInputRunsCleanly) {
  const NamedHarness h = GetParam();
  const std::vector<fs::path> files = inputs(h.name);
  EXPECT_FALSE(files.empty()) << "no seed corpus in fuzz/corpus/" << h.name;
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.string());
    std::fprintf(stderr, "replaying %s\n", file.c_str());
    const std::string bytes = bytes_of(file);
    EXPECT_EQ(h.run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Fuzz, Replay, ::testing::ValuesIn(all_harnesses().begin(), all_harnesses().end()),
                         [](const ::testing::TestParamInfo<NamedHarness>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace gatkit::fuzz
