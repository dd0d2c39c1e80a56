// write_file_atomically: an interrupted write never leaves a partial file under the final name;
// check_writable: what it refuses.
#include "gatkit/util/files.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <thread>

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

// check_writable: a folder, a missing folder and an empty name are refused with the reason; a writable
// place is accepted and left as it was (no file, no temporary; an old temporary is kept).
TEST(CheckWritable, RefusesWhatWriteFileAtomicallyCouldNotWrite) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("gatkit_writable_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto expect_refused = [](const fs::path& file, const std::string& needle) {
    try {
      check_writable(file);
      ADD_FAILURE() << file << " accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_refused(dir, "it is a folder");
  expect_refused(dir / "missing" / "model.gk", "its folder " + (dir / "missing").string() + " does not exist");
  expect_refused("", "empty name");
  check_writable(dir / "model.gk");
  EXPECT_TRUE(fs::is_empty(dir));
  write_file_atomically(dir / "model.gk.tmp", std::string("left by a crash"));
  check_writable(dir / "model.gk");
  EXPECT_EQ(read_all(dir / "model.gk.tmp"), "left by a crash");
  EXPECT_FALSE(fs::exists(dir / "model.gk"));
  fs::remove_all(dir);
}

// A symbolic link stays a link, to the new content (latest.gk -> runs/7/model.gk); a character device and
// a FIFO are written in place, never replaced by a regular file (as root, a rename onto /dev/null would
// replace the device node itself, and one onto /dev/stdout the link to the process's output).
TEST(WriteFileAtomically, LinksDevicesAndFifosKeepWhatTheyAre) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("gatkit_special_" + std::to_string(::getpid()));
  fs::create_directories(dir / "runs");
  write_file_atomically(dir / "runs" / "model.gk", std::string("old"));
  fs::create_symlink(fs::path("runs") / "model.gk", dir / "latest.gk");
  check_writable(dir / "latest.gk");
  write_file_atomically(dir / "latest.gk", std::string("new"));
  EXPECT_TRUE(fs::is_symlink(dir / "latest.gk"));
  EXPECT_EQ(read_all(dir / "runs" / "model.gk"), "new");
  EXPECT_FALSE(fs::exists(dir / "latest.gk.tmp"));
  EXPECT_FALSE(fs::exists(dir / "runs" / "model.gk.tmp"));

  ASSERT_TRUE(fs::is_character_file("/dev/null"));
  check_writable("/dev/null");
  write_file_atomically("/dev/null", std::string("discarded"));
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  EXPECT_FALSE(fs::exists("/dev/null.tmp"));

  const fs::path fifo = dir / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  check_writable(fifo);  // must not open it: that would wait for a reader
  std::string received;
  std::thread reader([&] { received = read_all(fifo); });
  write_file_atomically(fifo, [](std::ostream& out) { out << "row 1\nrow 2\n"; });
  reader.join();
  EXPECT_EQ(received, "row 1\nrow 2\n");
  EXPECT_TRUE(fs::is_fifo(fifo));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace gatkit
