// Forged checkpoints with a correct checksum: a configuration nested 300000 levels deep must be a
// ParseError, not a stack overflow (it used to go to RapidJSON's recursive parser), whatever
// max_json_depth allows; NaN parameters are refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "gatkit/train/graph_predictor.hpp"
#include "gatkit/train/node_classification.hpp"
#include "gatkit/util/error.hpp"
#include "gatkit/util/limits.hpp"

namespace gatkit {
namespace {

namespace fs = std::filesystem;

template <class T>
void put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

/// The container of src/train/checkpoint_file.cpp with a correct FNV-1a checksum.
fs::path write_container(const std::string& name, const std::string& config, std::uint64_t count = 0) {
  std::string b = "GATKITCK";
  put<std::uint32_t>(b, 1);
  put<std::uint32_t>(b, 0);
  put<std::uint64_t>(b, config.size());
  b += config;
  put<std::uint64_t>(b, count);
  for (std::uint64_t k = 0; k < count; ++k) put<float>(b, 0.0f);
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : b) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  put<std::uint64_t>(b, h);
  const fs::path file = fs::path(::testing::TempDir()) / ("gatkit_hostile_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(file, std::ios::binary).write(b.data(), static_cast<std::streamsize>(b.size()));
  return file;
}

std::string message_of(void (*load)(const fs::path&), const fs::path& file) {
  try {
    load(file);
  } catch (const ParseError& e) {
    return e.what();
  }
  return "(nothing thrown)";
}

void node(const fs::path& f) { load_model(f); }
void graph(const fs::path& f) { load_graph_model(f); }

TEST(CheckpointHostile, DeeplyNestedConfigurationIsAnErrorNotACrash) {
  const std::string deep = std::string(300000, '[') + std::string(300000, ']');
  const fs::path file = write_container("deep.gatkit", deep);
  EXPECT_THAT(message_of(node, file), ::testing::HasSubstr("JSON nested more than 64 levels deep"));
  EXPECT_THAT(message_of(graph, file), ::testing::HasSubstr("JSON nested more than 64 levels deep"));
  // Even with the depth limit raised out of the way, parsing does not recurse.
  const Limits saved = default_limits();
  Limits raised = saved;
  raised.max_json_depth = 1'000'000;
  set_default_limits(raised);
  EXPECT_THAT(message_of(node, file), ::testing::HasSubstr("corrupt checkpoint configuration: expected a JSON object"));
  set_default_limits(saved);
  fs::remove(file);
}

TEST(CheckpointHostile, TruncatedHeaderIsNamedAsSuch) {
  const fs::path file = fs::path(::testing::TempDir()) / ("gatkit_hostile_" + std::to_string(::getpid()) + "_short");
  std::ofstream(file, std::ios::binary) << "GATKITCK\x01";
  EXPECT_THAT(message_of(node, file), ::testing::HasSubstr("truncated checkpoint (header): 9 bytes"));
  fs::remove(file);
}

}  // namespace
}  // namespace gatkit
