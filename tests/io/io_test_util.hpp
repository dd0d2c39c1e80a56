#pragma once
// Shared helpers of the io tests: paths of the test files and a checker for ParseError.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "gatkit/util/error.hpp"

namespace gatkit::io::testing {

/// A file or folder under tests/data/io.
inline std::filesystem::path data_path(const std::string& relative) {
  return std::filesystem::path(GATKIT_TEST_DATA) / "io" / relative;
}

/// Runs `f` and checks that it throws ParseError for `file` at `line` (0: no line) with a reason
/// containing `reason`; what() must show "FILE:LINE:".
template <class F>
void expect_parse_error(F&& f, const std::filesystem::path& file, std::uint64_t line,
                        const std::string& reason) {
  try {
    f();
    ADD_FAILURE() << "expected a ParseError mentioning '" << reason << "', nothing was thrown";
  } catch (const ParseError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.line(), line) << what;
    EXPECT_EQ(e.file().filename(), file.filename()) << what;
    EXPECT_THAT(what, ::testing::HasSubstr(file.filename().string()));
    if (line > 0) {
      EXPECT_THAT(what, ::testing::HasSubstr(file.filename().string() + ":" + std::to_string(line) + ": "));
    }
    EXPECT_THAT(e.reason(), ::testing::HasSubstr(reason)) << what;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected a ParseError, got another exception: " << e.what();
  }
}

#define EXPECT_PARSE_ERROR(statement, file, line, reason)                                            \
  do {                                                                                               \
    SCOPED_TRACE(#statement);                                                                        \
    ::gatkit::io::testing::expect_parse_error([&] { (void)(statement); }, (file), (line), (reason)); \
  } while (0)

/// A fresh folder under the GoogleTest temporary directory, removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::path(::testing::TempDir()) /
            ("gatkit_io_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" +
             std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  /// Writes `bytes` to a file in the folder and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& bytes) const {
    const std::filesystem::path p = path_ / name;
    std::ofstream out(p, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return p;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace gatkit::io::testing
