// Checkpoint file format (version 1), little-endian:
//   8 bytes   magic "GATKITCK"
//   u32       format version (1)
//   u32       reserved (0)
//   u64       n = length of the configuration JSON
//   n bytes   configuration JSON: an object whose "kind" says which model it holds ("node_classifier",
//             "graph_model"); the rest depends on the kind (docs/checkpoints.md)
//   u64       p = number of float32 parameters
//   p * 4     parameters
//   u64       FNV-1a 64 checksum of every byte above
// Every length is checked against the bytes actually present before anything is allocated.
#include "checkpoint_file.hpp"

#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "gatkit/util/error.hpp"
#include "gatkit/util/files.hpp"
#include "gatkit/util/limits.hpp"
#include "../util/json_depth.hpp"
#include "../util/json_numbers.hpp"

namespace gatkit::detail {
namespace {

static_assert(std::endian::native == std::endian::little, "checkpoints assume a little-endian host");

constexpr std::array<char, 8> kMagic = {'G', 'A', 'T', 'K', 'I', 'T', 'C', 'K'};
constexpr std::uint32_t kFormatVersion = 1;
constexpr std::uint64_t kMaxConfigBytes = 64ull << 20;
constexpr std::size_t kHeaderBytes = kMagic.size() + 4 + 4 + 8;

std::uint64_t fnv1a(const char* data, std::size_t size) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (std::size_t k = 0; k < size; ++k) {
    h ^= static_cast<unsigned char>(data[k]);
    h *= 0x100000001b3ull;
  }
  return h;
}

template <class T>
void put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

template <class T>
T get(const std::string& bytes, std::size_t at) {
  T value;
  std::memcpy(&value, bytes.data() + at, sizeof(T));
  return value;
}

}  // namespace

void write_checkpoint(const std::filesystem::path& file, const std::string& config_json, const Vector<float>& parameters) {
  std::string bytes(kMagic.data(), kMagic.size());
  put<std::uint32_t>(bytes, kFormatVersion);
  put<std::uint32_t>(bytes, 0);
  put<std::uint64_t>(bytes, config_json.size());
  bytes += config_json;
  put<std::uint64_t>(bytes, static_cast<std::uint64_t>(parameters.size()));
  bytes.append(reinterpret_cast<const char*>(parameters.data()), static_cast<std::size_t>(parameters.size()) * sizeof(float));
  put<std::uint64_t>(bytes, fnv1a(bytes.data(), bytes.size()));
  write_file_atomically(file, bytes);
}

CheckpointFile::CheckpointFile(const std::filesystem::path& file) : file_(file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(file.string() + ": cannot open checkpoint");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  bytes_ = buffer.str();
  const std::size_t size = bytes_.size();

  if (size < kMagic.size() || std::memcmp(bytes_.data(), kMagic.data(), kMagic.size()) != 0)
    fail("not a gatkit checkpoint (bad magic bytes)");
  if (size < kHeaderBytes)
    fail("truncated checkpoint (header): " + std::to_string(size) + " bytes, the header alone has " +
         std::to_string(kHeaderBytes));
  const auto version = get<std::uint32_t>(bytes_, 8);
  if (version != kFormatVersion)
    fail("checkpoint format version " + std::to_string(version) + " is not supported (this gatkit reads version " +
         std::to_string(kFormatVersion) + ")");
  const auto json_size = get<std::uint64_t>(bytes_, 16);
  if (json_size > kMaxConfigBytes || json_size > size - kHeaderBytes) fail("truncated checkpoint (configuration)");
  std::size_t at = kHeaderBytes + json_size;
  if (size - at < 8) fail("truncated checkpoint (parameter count)");
  count_ = get<std::uint64_t>(bytes_, at);
  at += 8;
  if (count_ > (size - at) / sizeof(float) || size - at - count_ * sizeof(float) != 8)
    fail("truncated or oversized checkpoint: " + std::to_string(count_) + " parameters declared, " +
         std::to_string(size - at) + " bytes present");
  parameters_at_ = at;
  const std::size_t body = at + count_ * sizeof(float);
  if (get<std::uint64_t>(bytes_, body) != fnv1a(bytes_.data(), body)) fail("checkpoint checksum mismatch (the file is corrupt)");

  // The configuration is parsed iteratively after a depth check: a forged "[[[[..." cannot overflow the stack.
  const std::string_view json(bytes_.data() + kHeaderBytes, json_size);
  const std::int64_t max_depth = default_limits().max_json_depth;
  if (detail::find_too_deep(json, max_depth) != std::string_view::npos)
    fail("corrupt checkpoint configuration: JSON nested more than " + std::to_string(max_depth) + " levels deep (" +
         limit_note(max_depth, "levels", "max_json_depth", "max-json-depth") + ")");
  // Exact numbers (parse_json): the doubles of a configuration (target mean and std, dropout rates) read
  // back bit for bit, on every build.
  std::string text(json);
  detail::neutralise_zero_exponents(text);
  const detail::JsonParseResult parsed = detail::parse_json<rapidjson::kParseIterativeFlag>(doc_, text.data(), text.size());
  if (!parsed.ok())
    fail(std::string("corrupt checkpoint configuration (invalid JSON") +
         (parsed.number_too_large ? ": " + parsed.message() + ")" : ")"));
  if (!doc_.IsObject()) fail("corrupt checkpoint configuration: expected a JSON object");
  kind_ = ConfigReader(file_, doc_, "config").string("kind");
}

Vector<float> CheckpointFile::parameters(std::int64_t needed) const {
  if (needed < 0 || static_cast<std::uint64_t>(needed) != count_)
    fail("checkpoint holds " + std::to_string(count_) + " parameters, its configuration needs " +
         (needed < 0 ? std::string("more than 2^62") : std::to_string(needed)));
  Vector<float> values(static_cast<Eigen::Index>(count_));
  std::memcpy(values.data(), bytes_.data() + parameters_at_, count_ * sizeof(float));
  // A model with a NaN weight only ever predicts NaN: refuse it here, naming the first one. (Infinite
  // values are kept bit for bit; the trainers never save them.)
  for (Eigen::Index k = 0; k < values.size(); ++k)
    if (std::isnan(values(k)))
      fail("parameter " + std::to_string(k) + " of " + std::to_string(values.size()) +
           " is NaN (a poisoned model; retrain it)");
  return values;
}

void CheckpointFile::fail(const std::string& why) const { throw ParseError(file_, 0, why); }

// ---- ConfigReader ---------------------------------------------------------------------------------

const rapidjson::Value& ConfigReader::member(const char* key) const {
  if (!has(key)) fail(std::string("missing ") + path_ + "." + key);
  return object_[key];
}

ConfigReader ConfigReader::object(const char* key) const {
  const auto& v = member(key);
  if (!v.IsObject()) fail(path_ + "." + key + " is not an object");
  return ConfigReader(file_, v, path_ + "." + key);
}

std::int64_t ConfigReader::integer(const char* key, std::int64_t min, std::int64_t max) const {
  const auto& v = member(key);
  if (!v.IsInt64()) fail(path_ + "." + key + " is not an integer");
  const std::int64_t value = v.GetInt64();
  if (value < min || value > max)
    fail(path_ + "." + key + " = " + std::to_string(value) + " is outside [" + std::to_string(min) + ", " +
         std::to_string(max) + "]");
  return value;
}

double ConfigReader::number(const char* key) const {
  const auto& v = member(key);
  if (!v.IsNumber()) fail(path_ + "." + key + " is not a number");
  return v.GetDouble();
}

bool ConfigReader::boolean(const char* key) const {
  const auto& v = member(key);
  if (!v.IsBool()) fail(path_ + "." + key + " is not true/false");
  return v.GetBool();
}

std::string ConfigReader::string(const char* key) const {
  const auto& v = member(key);
  if (!v.IsString()) fail(path_ + "." + key + " is not a string");
  return std::string(v.GetString(), v.GetStringLength());
}

std::vector<std::string> ConfigReader::strings(const char* key) const {
  const auto& v = member(key);
  if (!v.IsArray()) fail(path_ + "." + key + " is not an array");
  std::vector<std::string> out;
  for (const auto& s : v.GetArray()) {
    if (!s.IsString()) fail(path_ + "." + key + " holds a non-string");
    out.emplace_back(s.GetString(), s.GetStringLength());
  }
  return out;
}

std::vector<double> ConfigReader::numbers(const char* key) const {
  const auto& v = member(key);
  if (!v.IsArray()) fail(path_ + "." + key + " is not an array");
  std::vector<double> out;
  for (const auto& x : v.GetArray()) {
    if (!x.IsNumber() || !std::isfinite(x.GetDouble())) fail(path_ + "." + key + " holds a value that is not a finite number");
    out.push_back(x.GetDouble());
  }
  return out;
}

void ConfigReader::fail(const std::string& what) const {
  throw ParseError(file_, 0, "corrupt checkpoint configuration: " + what);
}

}  // namespace gatkit::detail
