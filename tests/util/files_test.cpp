// write_file_atomically: an interrupted write never leaves a partial file under the final name.
#include "gatkit/util/files.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "gatkit/util/error.hpp"

namespace gatkit {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(WriteFileAtomically, InterruptedWriteKeepsTheOldFileAndRemovesTheTemporary) {
  const fs::path file = fs::path(::testing::TempDir()) / ("gatkit_atomic_" + std::to_string(::getpid()) + ".csv");
  write_file_atomically(file, std::string("old, complete\n"));
  EXPECT_THROW(write_file_atomically(file,
                                     [](std::ostream& out) {
                                       out << std::string(1 << 20, 'x');  // a large part is written, then
                                       throw std::runtime_error("interrupted");
                                     }),
               std::runtime_error);
  EXPECT_EQ(read_all(file), "old, complete\n");
  EXPECT_FALSE(fs::exists(fs::path(file.string() + ".tmp")));
  write_file_atomically(file, std::string("new\n"));
  EXPECT_EQ(read_all(file), "new\n");
  fs::remove(file);
}

TEST(WriteFileAtomically, UnwritableFolderIsAnErrorNamingTheFile) {
  try {
    write_file_atomically("/nonexistent-gatkit-folder/out.csv", std::string("x"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-gatkit-folder/out.csv"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace gatkit
