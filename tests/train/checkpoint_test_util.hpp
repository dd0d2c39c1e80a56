#pragma once
// Shared by the checkpoint tests of tests/train: file bytes, the checkpoint container assembled by hand
// (layout of src/train/checkpoint_file.cpp: magic, version, reserved, JSON length, JSON, parameter count,
// float parameters, FNV-1a of everything before), a fixture with a private folder, and the labelled
// molecules of tests/data/chem/labelled.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <unistd.h>
#include <vector>

#include "gatkit/chem/featurize.hpp"
#include "gatkit/chem/sdf.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit::test {

namespace fs = std::filesystem;

inline std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_bytes(const fs::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::uint64_t fnv1a(const std::string& bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

/// A container around `json` and `params` with a valid checksum.
inline std::string container(const std::string& json, const std::vector<float>& params) {
  std::string out = "GATKITCK";
  auto put = [&](auto v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); };
  put(std::uint32_t{1});
  put(std::uint32_t{0});
  put(std::uint64_t{json.size()});
  out += json;
  put(std::uint64_t{params.size()});
  out.append(reinterpret_cast<const char*>(params.data()), params.size() * sizeof(float));
  put(fnv1a(out));
  return out;
}

/// `json` with its first `from` replaced by `to`; a test failure (and `json` unchanged) when `from` is
/// not in it, so that a forged file cannot silently be the valid one.
inline std::string replaced(const std::string& json, const std::string& from, const std::string& to) {
  std::string edited = json;
  const auto at = edited.find(from);
  EXPECT_NE(at, std::string::npos) << "test setup: '" << from << "' not in " << json;
  if (at != std::string::npos) edited.replace(at, from.size(), to);
  return edited;
}

/// The configuration JSON of a checkpoint file.
inline std::string json_of(const fs::path& file) {
  const std::string bytes = read_bytes(file);
  std::uint64_t size = 0;
  std::memcpy(&size, bytes.data() + 16, 8);
  return bytes.substr(24, size);
}

/// A fixture whose tests each get an empty folder dir_ (named after the suite, the process and the test),
/// removed afterwards.
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("gatkit_" + std::string(info->test_suite_name()) + "_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  /// `load` of a file holding `bytes` must throw gatkit::Error naming the file and containing `needle`
  /// (empty: any message that names the file).
  template <class Load>
  void expect_error(const std::string& what, const std::string& bytes, const std::string& needle, Load load) {
    const fs::path f = dir_ / "damaged.gk";
    write_bytes(f, bytes);
    try {
      (void)load(f);
      ADD_FAILURE() << what << ": loaded without error";
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(f.string()), std::string::npos) << what << ": does not name the file: " << message;
      EXPECT_NE(message.find(needle), std::string::npos) << what << ": expected '" << needle << "' in: " << message;
    } catch (const std::exception& e) {
      ADD_FAILURE() << what << ": threw a non-gatkit exception: " << e.what();
    }
  }

  fs::path dir_;
};

/// tests/data/chem/labelled/labelled.sdf (make_labelled.py): molecules, their graphs, and the targets
/// active (0/1, NaN when empty) and logp, in that column order.
struct Labelled {
  std::vector<chem::Molecule> molecules;
  std::vector<chem::MoleculeGraph> graphs;
  RowMatrix<double> targets;
};

inline Labelled labelled() {
  Labelled d;
  d.molecules = chem::read_sdf(fs::path(GATKIT_TEST_DATA) / "chem" / "labelled" / "labelled.sdf");
  d.targets.resize(static_cast<Eigen::Index>(d.molecules.size()), 2);
  for (std::size_t i = 0; i < d.molecules.size(); ++i) {
    d.graphs.push_back(chem::featurize(d.molecules[i]));
    const std::string& active = *d.molecules[i].property("active");
    d.targets(static_cast<Eigen::Index>(i), 0) = active.empty() ? std::nan("") : std::stod(active);
    d.targets(static_cast<Eigen::Index>(i), 1) = std::stod(*d.molecules[i].property("logp"));
  }
  return d;
}

}  // namespace gatkit::test
