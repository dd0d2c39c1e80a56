#pragma once
// The checkpoint container shared by every kind of model (node classifiers, graph-level models): magic,
// format version, a configuration JSON whose "kind" names the model kind, the flat float32 parameters
// and a checksum. The layout is documented at the top of checkpoint_file.cpp and in docs/checkpoints.md.
// Private to the library: the public entry points are save_model/load_model (node_classification.hpp)
// and save_graph_model/load_graph_model (graph_predictor.hpp).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "gatkit/tensor.hpp"

namespace gatkit::detail {

/// The "kind" values in use. A new model kind adds a name here and its own save/load pair.
inline constexpr const char* kNodeClassifierKind = "node_classifier";
inline constexpr const char* kGraphModelKind = "graph_model";

/// Writes the container (through a temporary file and a rename: a crash never leaves half a checkpoint).
/// `config_json` must be a JSON object with a "kind" member.
void write_checkpoint(const std::filesystem::path& file, const std::string& config_json, const Vector<float>& parameters);

/// A checkpoint read into memory with its container verified: magic, version, every declared length
/// against the bytes present, the checksum, and the configuration's JSON syntax. The parameters are
/// copied out only by parameters(), once the caller has validated the configuration they belong to.
class CheckpointFile {
 public:
  /// Throws gatkit::Error (ParseError for a damaged file) naming `file`.
  explicit CheckpointFile(const std::filesystem::path& file);

  const std::filesystem::path& file() const { return file_; }
  const rapidjson::Document& config() const { return doc_; }
  /// The configuration's "kind" ("node_classifier", "graph_model", ...).
  const std::string& kind() const { return kind_; }
  /// The parameters, after checking that the file holds exactly `needed` of them (the count the
  /// validated configuration implies; negative means "more than 2^62"). Nothing is allocated before the
  /// check, and the count itself was bounded by the file's size when the file was read.
  Vector<float> parameters(std::int64_t needed) const;

  [[noreturn]] void fail(const std::string& why) const;

 private:
  std::filesystem::path file_;
  std::string bytes_;
  rapidjson::Document doc_;
  std::string kind_;
  std::size_t parameters_at_ = 0;
  std::uint64_t count_ = 0;
};

/// Typed, range-checked access to one object of a checkpoint's configuration; every problem is a
/// ParseError "corrupt checkpoint configuration: <path>.<key> ..." naming the file.
class ConfigReader {
 public:
  ConfigReader(const std::filesystem::path& file, const rapidjson::Value& object, std::string path)
      : file_(file), object_(object), path_(std::move(path)) {}

  bool has(const char* key) const { return object_.IsObject() && object_.HasMember(key); }
  const rapidjson::Value& member(const char* key) const;
  /// A reader for the object member `key`.
  ConfigReader object(const char* key) const;
  /// Integers are range-checked before any narrowing, so that 2^32 + 2 cannot pass as 2.
  std::int64_t integer(const char* key, std::int64_t min, std::int64_t max) const;
  double number(const char* key) const;
  bool boolean(const char* key) const;
  std::string string(const char* key) const;
  std::vector<std::string> strings(const char* key) const;
  /// An array of finite numbers.
  std::vector<double> numbers(const char* key) const;

  [[noreturn]] void fail(const std::string& what) const;
  const std::string& path() const { return path_; }

 private:
  std::filesystem::path file_;
  const rapidjson::Value& object_;
  std::string path_;
};

}  // namespace gatkit::detail
