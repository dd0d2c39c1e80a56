// Node data manifests: reading (JSON, errors by JSON path) and loading (tables -> join -> features ->
// split). The join itself is in node_join.cpp.
#include "gatkit/io/manifest.hpp"

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <sstream>

#include <rapidjson/document.h>

#include "gatkit/io/readers.hpp"
#include "gatkit/io/structural_features.hpp"
#include "../util/json_numbers.hpp"
#include "gatkit/util/error.hpp"
#include "line_reader.hpp"

namespace gatkit {
namespace {

namespace fs = std::filesystem;
using rapidjson::Value;

constexpr std::uintmax_t max_manifest_bytes = std::uintmax_t{1} << 20;

std::string read_small_file(const fs::path& file) {
  std::error_code ec;
  if (fs::is_directory(file, ec)) throw ParseError(file, 0, "is a directory, not a manifest file");
  const std::uintmax_t size = fs::file_size(file, ec);
  if (ec) throw ParseError(file, 0, "cannot open: " + ec.message());
  if (size > max_manifest_bytes) throw ParseError(file, 0, "larger than 1 MiB; a manifest is a small JSON file");
  std::string text(static_cast<std::size_t>(size), '\0');
  std::ifstream in(file, std::ios::binary);
  if (!in || !in.read(text.data(), static_cast<std::streamsize>(size))) throw ParseError(file, 0, "cannot read the file");
  return text;
}

/// One JSON object of the manifest, with its path for error messages.
class Object {
 public:
  Object(const fs::path& file, const Value& value, std::string path) : file_(file), v_(value), path_(std::move(path)) {
    if (!v_.IsObject()) fail("expected an object");
  }

  [[noreturn]] void fail(const std::string& message) const { throw ParseError(file_, 0, where() + message); }
  [[noreturn]] void fail_at(const char* key, const std::string& message) const {
    throw ParseError(file_, 0, path_of(key) + ": " + message);
  }
  std::string path_of(const char* key) const { return path_.empty() ? key : path_ + "." + key; }

  /// Every key must be one of `allowed` (typos are errors, not silently ignored options).
  void only(std::initializer_list<const char*> allowed) const {
    for (auto m = v_.MemberBegin(); m != v_.MemberEnd(); ++m) {
      const std::string key(m->name.GetString(), m->name.GetStringLength());
      if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) {
        std::string list;
        for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail("unknown key \"" + key + "\" (expected " + list + ")");
      }
    }
  }

  const Value* find(const char* key) const {
    const auto it = v_.FindMember(key);
    return it == v_.MemberEnd() ? nullptr : &it->value;
  }
  const Value& require(const char* key) const {
    const Value* v = find(key);
    if (!v) fail("missing \"" + std::string(key) + "\"");
    return *v;
  }
  std::string string(const char* key, const std::string& fallback) const {
    const Value* v = find(key);
    if (!v) return fallback;
    if (!v->IsString()) fail_at(key, "expected a string");
    return {v->GetString(), v->GetStringLength()};
  }
  std::string required_string(const char* key) const {
    const Value& v = require(key);
    if (!v.IsString() || v.GetStringLength() == 0) fail_at(key, "expected a non-empty string");
    return {v.GetString(), v.GetStringLength()};
  }
  bool boolean(const char* key, bool fallback) const {
    const Value* v = find(key);
    if (!v) return fallback;
    if (!v->IsBool()) fail_at(key, "expected true or false");
    return v->GetBool();
  }
  std::int64_t integer(const char* key, std::int64_t fallback, std::int64_t lo, std::int64_t hi) const {
    const Value* v = find(key);
    if (!v) return fallback;
    if (!v->IsInt64() || v->GetInt64() < lo || v->GetInt64() > hi)
      fail_at(key, "expected an integer " + std::to_string(lo) + ".." + std::to_string(hi));
    return v->GetInt64();
  }
  /// A column given by name (string) for CSV tables or by 0-based position (integer) for whitespace ones.
  void column(const char* key, bool by_name, std::string& name, int& position) const {
    const Value* v = find(key);
    if (!v) return;
    if (by_name) {
      if (!v->IsString()) fail_at(key, "expected a column name (a string) for a CSV table");
      name.assign(v->GetString(), v->GetStringLength());
    } else {
      if (!v->IsInt() || v->GetInt() < 0 || v->GetInt() > 1000)
        fail_at(key, "expected a 0-based column position (an integer) for a whitespace-separated table");
      position = v->GetInt();
    }
  }
  fs::path file_path(const char* key, const fs::path& base) const {
    const fs::path p = required_string(key);
    return p.is_absolute() ? p : base / p;
  }
  Object member(const char* key) const { return Object(file_, require(key), path_of(key)); }

 private:
  std::string where() const { return path_.empty() ? "" : path_ + ": "; }
  const fs::path& file_;
  const Value& v_;
  std::string path_;
};

/// Reads a split file: original node ids, one per line, of labelled nodes; sorted.
std::vector<NodeId> read_id_list(const fs::path& file, const NodeDataset& data) {
  std::vector<NodeId> nodes = io::read_node_id_list(file, data.node_ids, [&](NodeId i) {
    return data.labels[static_cast<std::size_t>(i)] < 0 ? std::string("has no label") : std::string();
  });
  std::sort(nodes.begin(), nodes.end());
  return nodes;
}

void load_split_files(NodeDataset& data, const NodeManifest& m, JoinReport& report) {
  data.train = read_id_list(m.train_file, data);
  data.val = read_id_list(m.val_file, data);
  data.test = read_id_list(m.test_file, data);
  std::vector<char> fit(data.labels.size(), 0);
  for (NodeId i : data.train) fit[static_cast<std::size_t>(i)] = 1;
  std::int64_t val_in_train = 0;
  for (NodeId i : data.val) {
    val_in_train += fit[static_cast<std::size_t>(i)];
    fit[static_cast<std::size_t>(i)] = 1;
  }
  for (NodeId i : data.test)
    if (fit[static_cast<std::size_t>(i)])
      throw ParseError(m.test_file, 0, "node " + data.node_ids[static_cast<std::size_t>(i)] +
                                           " is also a training or validation node; the test set must be disjoint");
  if (val_in_train > 0)
    report.notes.push_back("split: " + std::to_string(val_in_train) + " of " + std::to_string(data.val.size()) +
                           " validation nodes are training nodes (early stopping follows the training labels)");
}

}  // namespace

bool is_node_manifest(const std::filesystem::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return false;
  const std::uintmax_t size = fs::file_size(file, ec);
  if (ec || size > max_manifest_bytes) return false;
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str().find(std::string("\"") + node_manifest_format + "\"") != std::string::npos;
}

NodeManifest read_node_manifest(const std::filesystem::path& file) {
  const std::string text = read_small_file(file);
  rapidjson::Document doc;
  const std::size_t skip = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  const gatkit::detail::JsonParseResult parsed = gatkit::detail::parse_json<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(
      doc, text.data() + skip, text.size() - skip);
  if (!parsed.ok()) {
    const std::size_t offset = std::min(parsed.result.Offset() + skip, text.size());
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
    throw ParseError(file, static_cast<std::uint64_t>(line),
                     "invalid JSON: " + parsed.message());
  }
  const Object root(file, doc, "");
  root.only({"format", "version", "name", "description", "edges", "features", "labels", "structural_features", "split",
             "join"});
  if (root.required_string("format") != node_manifest_format)
    root.fail_at("format", std::string("expected \"") + node_manifest_format + "\"");
  if (root.integer("version", 1, 1, 1000) != 1) root.fail_at("version", "this gatkit reads version 1");

  NodeManifest m;
  m.file = file;
  const fs::path base = file.has_parent_path() ? file.parent_path() : fs::path(".");
  {
    std::error_code ec;
    fs::path folder = fs::absolute(base, ec).lexically_normal();
    if (!folder.has_filename()) folder = folder.parent_path();
    m.name = root.string("name", folder.filename().string());
  }
  root.string("description", "");

  const Object edges = root.member("edges");
  edges.only({"file", "format", "source", "target", "directed"});
  m.edges_file = edges.file_path("file", base);
  const std::string edge_format = edges.string("format", "csv");
  if (edge_format == "csv") m.edges.format = io::TableFormat::csv;
  else if (edge_format == "edgelist") m.edges.format = io::TableFormat::whitespace;
  else edges.fail_at("format", "expected \"csv\" (with a header) or \"edgelist\" (src dst per line), found \"" + edge_format + "\"");
  const bool edges_csv = m.edges.format == io::TableFormat::csv;
  edges.column("source", edges_csv, m.edges.source_column, m.edges.source_index);
  edges.column("target", edges_csv, m.edges.target_column, m.edges.target_index);
  m.directed = edges.boolean("directed", false);

  if (root.find("features")) {
    const Object f = root.member("features");
    f.only({"file", "format", "node", "feature", "value", "duplicates", "num_features"});
    m.features_file = f.file_path("file", base);
    m.features_format = f.required_string("format");
    if (m.features_format != "long-csv" && m.features_format != "musae-json" && m.features_format != "svmlight" &&
        m.features_format != "npy")
      f.fail_at("format", "expected \"long-csv\", \"musae-json\", \"svmlight\" or \"npy\", found \"" + m.features_format + "\"");
    m.features.node_column = f.string("node", m.features.node_column);
    m.features.feature_column = f.string("feature", m.features.feature_column);
    if (const Value* v = f.find("value"); v && v->IsNull()) m.features.value_column.clear();
    else m.features.value_column = f.string("value", m.features.value_column);
    const std::string dup = f.string("duplicates", "once");
    if (dup == "once") m.features.duplicates = io::DuplicateFeatures::once;
    else if (dup == "sum") m.features.duplicates = io::DuplicateFeatures::sum;
    else if (dup == "error") m.features.duplicates = io::DuplicateFeatures::error;
    else f.fail_at("duplicates", "expected \"once\", \"sum\" or \"error\", found \"" + dup + "\"");
    m.features.num_features = f.integer("num_features", -1, 1, std::int64_t{1} << 31);
  }

  const Object labels = root.member("labels");
  labels.only({"file", "format", "id", "column"});
  m.labels_file = labels.file_path("file", base);
  const std::string label_format = labels.string("format", "csv");
  if (label_format == "csv") m.labels.format = io::TableFormat::csv;
  else if (label_format == "pairs") m.labels.format = io::TableFormat::whitespace;
  else labels.fail_at("format", "expected \"csv\" (with a header) or \"pairs\" (node label per line), found \"" + label_format + "\"");
  const bool labels_csv = m.labels.format == io::TableFormat::csv;
  labels.column("id", labels_csv, m.labels.id_column, m.labels.id_index);
  labels.column("column", labels_csv, m.labels.label_column, m.labels.label_index);

  if (const Value* s = root.find("structural_features")) {
    std::string list;
    if (s->IsString()) {
      list = s->GetString();
    } else if (s->IsArray()) {
      for (const Value& k : s->GetArray()) {
        if (!k.IsString()) root.fail_at("structural_features", "expected an array of strings");
        list += (list.empty() ? "" : ",") + std::string(k.GetString());
      }
    } else {
      root.fail_at("structural_features", "expected \"degree\", \"identity\" or an array of them");
    }
    try {
      m.structural_features = parse_structural_features(list);
    } catch (const InvalidArgument& e) {
      root.fail_at("structural_features", e.what());
    }
  }

  if (root.find("split")) {
    const Object s = root.member("split");
    s.only({"fractions", "train", "val", "test"});
    if (const Value* f = s.find("fractions")) {
      if (s.find("train") || s.find("val") || s.find("test"))
        s.fail("give either \"fractions\" or the split files \"train\", \"val\", \"test\", not both");
      if (!f->IsArray() || f->Size() != 3 || !(*f)[0].IsNumber() || !(*f)[1].IsNumber() || !(*f)[2].IsNumber())
        s.fail_at("fractions", "expected three numbers [train, val, test]");
      std::ostringstream text;
      text.precision(17);
      text << (*f)[0].GetDouble() << "," << (*f)[1].GetDouble() << "," << (*f)[2].GetDouble();
      try {
        m.split_fractions = parse_split_fractions(text.str());
      } catch (const InvalidArgument& e) {
        s.fail_at("fractions", e.what());
      }
    } else {
      m.train_file = s.file_path("train", base);
      m.val_file = s.file_path("val", base);
      m.test_file = s.file_path("test", base);
    }
  }

  const std::string join = root.string("join", "union");
  if (join == "strict") m.strict_join = true;
  else if (join != "union") root.fail_at("join", "expected \"union\" or \"strict\", found \"" + join + "\"");
  return m;
}

LoadedNodeData load_node_manifest(const std::filesystem::path& file, const NodeManifestOverrides& overrides) {
  NodeManifest m = read_node_manifest(file);
  if (overrides.label_column) {
    if (m.labels.format == io::TableFormat::csv) {
      m.labels.label_column = *overrides.label_column;
    } else {
      int position = -1;
      try {
        position = std::stoi(*overrides.label_column);
      } catch (const std::exception&) {
      }
      if (position < 0)
        throw InvalidArgument("--label-column: the labels of " + file.string() +
                              " are a whitespace table; give a 0-based column position, not '" + *overrides.label_column + "'");
      m.labels.label_index = position;
    }
  }
  if (overrides.structural_features) m.structural_features = *overrides.structural_features;

  const io::EdgeTable edges = io::read_edge_table(m.edges_file, m.edges);
  std::optional<io::FeatureTable> features;
  if (m.features_format == "long-csv") features = io::read_feature_long_csv(m.features_file, m.features);
  else if (m.features_format == "musae-json") features = io::read_feature_json(m.features_file, m.features);
  else if (!m.features_format.empty()) features = io::read_feature_rows(m.features_file, m.features);
  const io::LabelTable labels = io::read_label_table(m.labels_file, m.labels);

  LoadedNodeData out;
  out.data = join_node_tables(edges, features ? &*features : nullptr, labels, m.directed, m.strict_join, out.report,
                              m.edges_file, m.features_file, m.labels_file);
  out.data.name = m.name;
  out.data.layout = "manifest";
  if (out.data.features.cols() == 0 && m.structural_features.empty())
    throw Error("data set " + file.string() +
                ": the nodes have no features; add a \"features\" table or structural features "
                "(\"structural_features\": \"degree\" in the manifest, or --structural-features degree|identity)");
  add_structural_features(out.data, m.structural_features);

  const std::optional<SplitFractions> fractions = overrides.split_fractions ? overrides.split_fractions : m.split_fractions;
  if (fractions) make_stratified_split(out.data, *fractions, overrides.split_seed);
  else if (!m.train_file.empty()) load_split_files(out.data, m, out.report);
  else make_planetoid_split(out.data, overrides.split_seed);
  return out;
}

}  // namespace gatkit
