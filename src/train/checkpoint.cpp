// Checkpoint file format (version 1), little-endian:
//   8 bytes   magic "GATKITCK"
//   u32       format version (1)
//   u32       reserved (0)
//   u64       n = length of the configuration JSON
//   n bytes   configuration JSON (model configuration, preprocessing, class names)
//   u64       p = number of float32 parameters
//   p * 4     parameters
//   u64       FNV-1a 64 checksum of every byte above
// Every length is checked against the bytes actually present before anything is allocated.
#include <array>
#include <bit>
#include <cstring>
#include <fstream>
#include <sstream>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "gatkit/train/node_classification.hpp"
#include "gatkit/util/error.hpp"
#include "gatkit/util/files.hpp"

namespace gatkit {
namespace {

static_assert(std::endian::native == std::endian::little, "checkpoints assume a little-endian host");

constexpr std::array<char, 8> kMagic = {'G', 'A', 'T', 'K', 'I', 'T', 'C', 'K'};
constexpr std::uint32_t kFormatVersion = 1;
constexpr std::uint64_t kMaxConfigBytes = 64ull << 20;

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

std::string config_json(const TrainedModel& m) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  const ModelConfig& c = m.config;
  w.StartObject();
  w.Key("kind"); w.String("node_classifier");
  w.Key("model"); w.StartObject();
  w.Key("in_dim"); w.Int64(c.in_dim);
  w.Key("num_classes"); w.Int(c.num_classes);
  w.Key("attention"); w.String(to_string(c.attention).c_str());
  w.Key("layers"); w.Int(c.layers);
  w.Key("heads"); w.Int(c.heads);
  w.Key("hidden"); w.Int64(c.hidden);
  w.Key("output_heads"); w.Int(c.output_heads);
  w.Key("dropout"); w.Double(c.dropout);
  w.Key("attention_dropout"); w.Double(c.attention_dropout);
  w.Key("negative_slope"); w.Double(c.negative_slope);
  w.Key("self_loops"); w.Bool(c.self_loops);
  w.EndObject();
  w.Key("normalize_features"); w.Bool(m.normalize_features);
  w.Key("class_names"); w.StartArray();
  for (const auto& name : m.class_names) w.String(name.c_str());
  w.EndArray();
  w.EndObject();
  return buffer.GetString();
}

class ConfigReader {
 public:
  ConfigReader(const std::filesystem::path& file, const rapidjson::Value& object, std::string path)
      : file_(file), object_(object), path_(std::move(path)) {}
  const rapidjson::Value& member(const char* key) const {
    if (!object_.IsObject() || !object_.HasMember(key)) fail(std::string("missing ") + path_ + "." + key);
    return object_[key];
  }
  std::int64_t integer(const char* key, std::int64_t min, std::int64_t max) const {
    const auto& v = member(key);
    if (!v.IsInt64()) fail(path_ + "." + key + " is not an integer");
    const std::int64_t value = v.GetInt64();
    if (value < min || value > max)
      fail(path_ + "." + key + " = " + std::to_string(value) + " is outside [" + std::to_string(min) + ", " +
           std::to_string(max) + "]");
    return value;
  }
  double number(const char* key) const {
    const auto& v = member(key);
    if (!v.IsNumber()) fail(path_ + "." + key + " is not a number");
    return v.GetDouble();
  }
  bool boolean(const char* key) const {
    const auto& v = member(key);
    if (!v.IsBool()) fail(path_ + "." + key + " is not true/false");
    return v.GetBool();
  }
  std::string string(const char* key) const {
    const auto& v = member(key);
    if (!v.IsString()) fail(path_ + "." + key + " is not a string");
    return v.GetString();
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw ParseError(file_, 0, "corrupt checkpoint configuration: " + what);
  }

 private:
  const std::filesystem::path& file_;
  const rapidjson::Value& object_;
  std::string path_;
};

}  // namespace

void save_model(const TrainedModel& model, const std::filesystem::path& file) {
  std::string bytes(kMagic.data(), kMagic.size());
  put<std::uint32_t>(bytes, kFormatVersion);
  put<std::uint32_t>(bytes, 0);
  const std::string json = config_json(model);
  put<std::uint64_t>(bytes, json.size());
  bytes += json;
  put<std::uint64_t>(bytes, static_cast<std::uint64_t>(model.parameters.size()));
  bytes.append(reinterpret_cast<const char*>(model.parameters.data()),
               static_cast<std::size_t>(model.parameters.size()) * sizeof(float));
  put<std::uint64_t>(bytes, fnv1a(bytes.data(), bytes.size()));

  write_file_atomically(file, bytes);  // a crash never leaves a half-written checkpoint behind
}

TrainedModel load_model(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(file.string() + ": cannot open checkpoint");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();
  const std::size_t size = bytes.size();
  auto fail = [&](const std::string& why) -> void { throw ParseError(file, 0, why); };

  const std::size_t header = kMagic.size() + 4 + 4 + 8;
  if (size < header || std::memcmp(bytes.data(), kMagic.data(), kMagic.size()) != 0)
    fail("not a gatkit checkpoint (bad magic bytes)");
  auto get_u32 = [&](std::size_t at) { std::uint32_t v; std::memcpy(&v, bytes.data() + at, 4); return v; };
  auto get_u64 = [&](std::size_t at) { std::uint64_t v; std::memcpy(&v, bytes.data() + at, 8); return v; };
  const std::uint32_t version = get_u32(8);
  if (version != kFormatVersion)
    fail("checkpoint format version " + std::to_string(version) + " is not supported (this gatkit reads version " +
         std::to_string(kFormatVersion) + ")");
  const std::uint64_t json_size = get_u64(16);
  if (json_size > kMaxConfigBytes || json_size > size - header) fail("truncated checkpoint (configuration)");
  std::size_t at = header + json_size;
  if (size - at < 8) fail("truncated checkpoint (parameter count)");
  const std::uint64_t count = get_u64(at);
  at += 8;
  if (count > (size - at) / sizeof(float) || size - at - count * sizeof(float) != 8)
    fail("truncated or oversized checkpoint: " + std::to_string(count) + " parameters declared, " +
         std::to_string(size - at) + " bytes present");
  const std::size_t body = at + count * sizeof(float);
  if (get_u64(body) != fnv1a(bytes.data(), body)) fail("checkpoint checksum mismatch (the file is corrupt)");

  rapidjson::Document doc;
  doc.Parse(bytes.data() + header, json_size);
  if (doc.HasParseError() || !doc.IsObject()) fail("corrupt checkpoint configuration (invalid JSON)");
  const ConfigReader root(file, doc, "config");
  if (root.string("kind") != "node_classifier") root.fail("kind is not node_classifier");
  const ConfigReader m(file, root.member("model"), "config.model");
  TrainedModel model;
  ModelConfig& c = model.config;
  // Integers are range-checked before they are narrowed, so that 2^32 + 2 cannot pass as 2.
  c.in_dim = m.integer("in_dim", 1, std::int64_t{1} << 31);
  c.num_classes = static_cast<std::int32_t>(m.integer("num_classes", 1, std::int64_t{1} << 24));
  try {
    c.attention = parse_attention_kind(m.string("attention"));
  } catch (const InvalidArgument& e) {
    m.fail(e.what());
  }
  c.layers = static_cast<int>(m.integer("layers", 1, 1024));
  c.heads = static_cast<int>(m.integer("heads", 1, 1 << 16));
  c.hidden = m.integer("hidden", 1, std::int64_t{1} << 24);
  c.output_heads = static_cast<int>(m.integer("output_heads", 1, 1 << 16));
  c.dropout = m.number("dropout");
  c.attention_dropout = m.number("attention_dropout");
  c.negative_slope = m.number("negative_slope");
  c.self_loops = m.boolean("self_loops");
  model.normalize_features = root.boolean("normalize_features");
  const auto& names = root.member("class_names");
  if (!names.IsArray()) root.fail("config.class_names is not an array");
  for (const auto& name : names.GetArray()) {
    if (!name.IsString()) root.fail("config.class_names holds a non-string");
    model.class_names.emplace_back(name.GetString());
  }
  if (static_cast<std::int64_t>(model.class_names.size()) != c.num_classes)
    root.fail("class_names has " + std::to_string(model.class_names.size()) + " entries for " +
              std::to_string(c.num_classes) + " classes");
  try {
    c.validate();
  } catch (const InvalidArgument& e) {
    root.fail(e.what());
  }
  // The configuration determines the parameter count, computed here in overflow-checked arithmetic and
  // compared with the count the file holds (itself bounded by the file's size) before any model is
  // built: a forged configuration cannot make the loader allocate more than the file's own size.
  const std::int64_t needed = c.parameter_count();
  if (needed < 0 || static_cast<std::uint64_t>(needed) != count)
    fail("checkpoint holds " + std::to_string(count) + " parameters, its configuration needs " +
         (needed < 0 ? std::string("more than 2^62") : std::to_string(needed)));
  model.parameters.resize(static_cast<Eigen::Index>(count));
  std::memcpy(model.parameters.data(), bytes.data() + at, count * sizeof(float));
  return model;
}

}  // namespace gatkit
