// Edge, feature and label tables with string node ids (node_tables.hpp).
//
// Long feature tables and MUSAE JSON are collected as (row, column, value, origin) entries, sorted by
// (row, column) with a stable sort (so "once" keeps the first value in file order) and assembled as CSR
// arrays directly. Nothing is allocated from a size written in a file: the matrix has one row per
// distinct node id actually read and one stored entry per distinct pair.
#include "gatkit/io/node_tables.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>

#include <rapidjson/document.h>

#include "gatkit/io/csv.hpp"
#include "gatkit/io/readers.hpp"
#include "../util/json_numbers.hpp"
#include "gatkit/util/error.hpp"
#include "line_reader.hpp"

namespace gatkit::io {

std::int64_t NodeIdTable::intern(std::string_view id) {
  const auto [it, added] = index_.try_emplace(std::string(id), static_cast<std::int64_t>(ids_.size()));
  if (added) ids_.emplace_back(id);
  return it->second;
}

std::int64_t NodeIdTable::find(std::string_view id) const {
  const auto it = index_.find(std::string(id));
  return it == index_.end() ? -1 : it->second;
}

namespace {

using detail::quote;

constexpr std::int64_t max_feature_id = std::numeric_limits<std::int32_t>::max() - 1;
constexpr std::int64_t max_nodes = std::numeric_limits<NodeId>::max();
constexpr std::size_t max_examples = 5;

/// Calls row(fields, fail) for every data line of a whitespace table, fields split at blanks.
template <class Row>
void for_each_whitespace_row(const std::filesystem::path& file, Row&& row) {
  detail::LineReader r(file);
  std::string_view line, token;
  std::vector<std::string_view> fields;
  std::uint64_t rows = 0;
  while (r.next(line)) {
    if (r.line_number() == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    const std::string_view t = detail::trim(line);
    if (t.empty() || t[0] == '#' || t[0] == '%') continue;
    fields.clear();
    detail::Tokens tokens(t);
    while (tokens.next(token)) fields.push_back(token);
    ++rows;
    row(fields, r);
  }
  if (rows == 0)
    throw ParseError(file, 0, r.saw_any_byte() ? "no data rows (only blank lines and comments)" : "the file is empty");
}

std::string_view whitespace_field(const std::vector<std::string_view>& fields, int index,
                                  const detail::LineReader& r, const char* what) {
  if (index < 0 || static_cast<std::size_t>(index) >= fields.size())
    r.fail("expected " + std::string(what) + " in field " + std::to_string(index + 1) + ", found only " +
           std::to_string(fields.size()) + " field" + (fields.size() == 1 ? "" : "s"));
  return fields[static_cast<std::size_t>(index)];
}

std::int64_t check_node_count(const std::filesystem::path& file, std::int64_t n) {
  if (n > max_nodes) throw ParseError(file, 0, "more than " + std::to_string(max_nodes) + " distinct node ids");
  return n;
}

// ---- sparse assembly --------------------------------------------------------------------------

struct Entry {
  std::int64_t row, col;
  float value;
  std::uint64_t origin;  // line number, or the position in a JSON array
};

/// Builds the CSR matrix rows x width from entries, applying the duplicate policy.
FeatureTable assemble(const std::filesystem::path& file, NodeIdTable ids, std::vector<Entry> entries,
                      std::int64_t largest_col, const FeatureTableOptions& options,
                      const std::function<std::string(const NodeIdTable&, const Entry&, const Entry&)>& describe_duplicate) {
  FeatureTable t;
  const std::int64_t rows = check_node_count(file, ids.size());
  std::int64_t width = largest_col + 1;
  if (options.num_features >= 0) {
    if (largest_col >= options.num_features)
      throw ParseError(file, 0,
                       "feature id " + std::to_string(largest_col) + " is out of range: num_features is " +
                           std::to_string(options.num_features));
    width = options.num_features;
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.row != b.row ? a.row < b.row : a.col < b.col; });
  std::vector<std::int32_t> outer(static_cast<std::size_t>(rows) + 1, 0), inner;
  std::vector<float> values;
  for (std::size_t k = 0; k < entries.size(); ++k) {
    const Entry& e = entries[k];
    if (k > 0 && entries[k - 1].row == e.row && entries[k - 1].col == e.col) {
      // Find the first entry of this pair for the message (entries are stable-sorted: file order).
      std::size_t first = k - 1;
      while (first > 0 && entries[first - 1].row == e.row && entries[first - 1].col == e.col) --first;
      const std::string what = describe_duplicate(ids, entries[first], e);
      if (options.duplicates == DuplicateFeatures::error)
        throw ParseError(file, 0, what + "; choose how to treat duplicates (once or sum)");
      ++t.duplicates;
      if (t.duplicate_examples.size() < max_examples) t.duplicate_examples.push_back(what);
      if (options.duplicates == DuplicateFeatures::sum && outer[static_cast<std::size_t>(e.row) + 1] > 0 && inner.back() == e.col) {
        values.back() += e.value;
        if (values.back() == 0.0f) {  // cancelled out: keep the structure honest
          values.pop_back();
          inner.pop_back();
          --outer[static_cast<std::size_t>(e.row) + 1];
        }
      } else if (options.duplicates == DuplicateFeatures::sum && e.value != 0.0f) {
        inner.push_back(static_cast<std::int32_t>(e.col));  // the first value was zero (not stored)
        values.push_back(e.value);
        ++outer[static_cast<std::size_t>(e.row) + 1];
      }
      continue;
    }
    if (e.value == 0.0f) continue;
    if (values.size() >= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
      throw ParseError(file, 0, "more than 2^31 - 1 non-zero features");
    inner.push_back(static_cast<std::int32_t>(e.col));
    values.push_back(e.value);
    ++outer[static_cast<std::size_t>(e.row) + 1];
  }
  for (std::size_t r = 0; r < static_cast<std::size_t>(rows); ++r) outer[r + 1] += outer[r];
  SparseMatrixF m(rows, width);
  m.resizeNonZeros(static_cast<Eigen::Index>(values.size()));
  std::copy(outer.begin(), outer.end(), m.outerIndexPtr());
  std::copy(inner.begin(), inner.end(), m.innerIndexPtr());
  std::copy(values.begin(), values.end(), m.valuePtr());
  t.ids = std::move(ids);
  t.features = FeatureMatrix<float>(std::move(m));
  return t;
}

std::optional<std::int64_t> parse_feature_id(std::string_view s) {
  std::int64_t v = 0;
  if (detail::parse_int64(s, v) != detail::NumberStatus::ok || v < 0 || v > max_feature_id) return std::nullopt;
  return v;
}

std::string feature_id_expected() {
  return "a feature id (an integer 0.." + std::to_string(max_feature_id) + ")";
}

}  // namespace

// ---- edges ---------------------------------------------------------------------------------------

EdgeTable read_edge_table(const std::filesystem::path& file, const EdgeTableOptions& options) {
  EdgeTable t;
  auto add = [&](std::string_view a, std::string_view b, const auto& fail) {
    if (a.empty() || b.empty()) fail("expected two node ids, found an empty " + std::string(a.empty() ? "source" : "target"));
    const std::int64_t s = t.ids.intern(a), d = t.ids.intern(b);
    if (t.ids.size() > max_nodes) fail("more than " + std::to_string(max_nodes) + " distinct node ids");
    t.edges.push_back({static_cast<NodeId>(s), static_cast<NodeId>(d)});
    t.self_loops += s == d;
  };
  if (options.format == TableFormat::whitespace) {
    for_each_whitespace_row(file, [&](const std::vector<std::string_view>& f, const detail::LineReader& r) {
      const auto fail = [&](const std::string& m) { r.fail(m); };
      add(whitespace_field(f, options.source_index, r, "a source node id"),
          whitespace_field(f, options.target_index, r, "a target node id"), fail);
    });
    return t;
  }
  CsvReader csv(file);
  if (csv.header().size() < 2 && (options.source_column.empty() || options.target_column.empty()))
    throw ParseError(file, 1, "expected at least two columns (source, target), the header has " +
                                  describe_columns(csv.header()));
  const std::size_t src = options.source_column.empty() ? 0 : csv.column(options.source_column, "source column");
  const std::size_t dst = options.target_column.empty() ? 1 : csv.column(options.target_column, "target column");
  const auto fail = [&](const std::string& m) { csv.fail(m); };
  while (csv.next()) add(csv.field(src), csv.field(dst), fail);
  if (csv.records() == 0) throw ParseError(file, 0, "no edges (the table has a header and no rows)");
  return t;
}

// ---- features ------------------------------------------------------------------------------------

FeatureTable read_feature_long_csv(const std::filesystem::path& file, const FeatureTableOptions& options) {
  CsvReader csv(file);
  const std::size_t node = csv.column(options.node_column, "node id column");
  const std::size_t feature = csv.column(options.feature_column, "feature id column");
  const std::ptrdiff_t value =
      options.value_column.empty() ? -1 : static_cast<std::ptrdiff_t>(csv.column(options.value_column, "value column"));
  NodeIdTable ids;
  std::vector<Entry> entries;
  std::int64_t largest = -1;
  while (csv.next()) {
    const std::string_view id = csv.field(node);
    if (id.empty()) csv.fail("expected a node id in column '" + options.node_column + "', found an empty field");
    const auto col = parse_feature_id(csv.field(feature));
    if (!col) csv.fail("expected " + feature_id_expected() + " in column '" + options.feature_column + "', found " +
                       quote(csv.field(feature)));
    float v = 1.0f;
    if (value >= 0) {
      double d = 0;
      const std::string_view text = csv.field(static_cast<std::size_t>(value));
      if (detail::parse_double(text, d) != detail::NumberStatus::ok ||
          std::fabs(d) > static_cast<double>(std::numeric_limits<float>::max()))
        csv.fail("expected a finite number (a 32-bit float) in column '" + options.value_column + "', found " + quote(text));
      v = static_cast<float>(d);
    }
    const std::int64_t row = ids.intern(id);
    if (ids.size() > max_nodes) csv.fail("more than " + std::to_string(max_nodes) + " distinct node ids");
    largest = std::max(largest, *col);
    entries.push_back({row, *col, v, csv.line_number()});
  }
  if (csv.records() == 0) throw ParseError(file, 0, "no feature rows (the table has a header and no rows)");
  return assemble(file, std::move(ids), std::move(entries), largest, options, [](const NodeIdTable& table, const Entry& a, const Entry& b) {
    return "node " + table.id(a.row) + " feature " + std::to_string(a.col) + " (lines " + std::to_string(a.origin) +
           " and " + std::to_string(b.origin) + ")";
  });
}

FeatureTable read_feature_json(const std::filesystem::path& file, const FeatureTableOptions& options) {
  constexpr std::uintmax_t max_bytes = (std::uintmax_t{1} << 31) - 1;
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) throw ParseError(file, 0, "is a directory, not a file");
  const std::uintmax_t size = std::filesystem::file_size(file, ec);
  if (ec) throw ParseError(file, 0, "cannot open: " + ec.message());
  if (size > max_bytes) throw ParseError(file, 0, "larger than 2 GiB; not a feature table gatkit reads");
  std::string text(static_cast<std::size_t>(size), '\0');
  {
    std::ifstream in(file, std::ios::binary);
    if (!in || !in.read(text.data(), static_cast<std::streamsize>(size)))
      throw ParseError(file, 0, "cannot read the file");
  }
  if (text.empty()) throw ParseError(file, 0, "the file is empty; expected a JSON object {\"node id\": [feature ids...]}");
  std::size_t skip = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  rapidjson::Document doc;
  // Iterative parsing: no recursion on the C++ stack whatever the nesting of a hostile file.
  const gatkit::detail::JsonParseResult parsed = gatkit::detail::parse_json<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(
      doc, text.data() + skip, text.size() - skip);
  if (!parsed.ok()) {
    const std::size_t offset = parsed.result.Offset() + skip;
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(std::min(offset, text.size())), '\n');
    throw ParseError(file, static_cast<std::uint64_t>(line),
                     "invalid JSON: " + parsed.message());
  }
  if (!doc.IsObject())
    throw ParseError(file, 0, "expected a JSON object mapping node ids to arrays of feature ids (MUSAE format)");
  NodeIdTable ids;
  std::vector<Entry> entries;
  std::int64_t largest = -1;
  for (auto m = doc.MemberBegin(); m != doc.MemberEnd(); ++m) {
    const std::string id(m->name.GetString(), m->name.GetStringLength());
    const std::string path = "\"" + (id.size() > 40 ? id.substr(0, 40) + "..." : id) + "\"";
    if (id.empty()) throw ParseError(file, 0, path + ": expected a node id, found an empty key");
    if (ids.find(id) >= 0) throw ParseError(file, 0, path + ": node id listed twice");
    const std::int64_t row = ids.intern(id);
    if (ids.size() > max_nodes) throw ParseError(file, 0, "more than " + std::to_string(max_nodes) + " node ids");
    if (!m->value.IsArray())
      throw ParseError(file, 0, path + ": expected an array of feature ids");
    std::uint64_t position = 0;
    for (const auto& v : m->value.GetArray()) {
      if (!v.IsInt64() || v.GetInt64() < 0 || v.GetInt64() > max_feature_id)
        throw ParseError(file, 0, path + "[" + std::to_string(position) + "]: expected " + feature_id_expected());
      largest = std::max(largest, v.GetInt64());
      entries.push_back({row, v.GetInt64(), 1.0f, position++});
    }
  }
  return assemble(file, std::move(ids), std::move(entries), largest, options, [](const NodeIdTable& table, const Entry& a, const Entry& b) {
    return "node " + table.id(a.row) + " feature " + std::to_string(a.col) + " (positions " + std::to_string(a.origin) +
           " and " + std::to_string(b.origin) + " of \"" + table.id(a.row) + "\")";
  });
}

FeatureTable read_feature_rows(const std::filesystem::path& file, const FeatureTableOptions& options) {
  FeatureTable t;
  if (file.extension() == ".npy") {
    MatrixF m = read_npy_matrix(file);
    if (options.num_features >= 0 && m.cols() != options.num_features)
      throw ParseError(file, 0, "has " + std::to_string(m.cols()) + " columns, expected num_features = " +
                                    std::to_string(options.num_features));
    t.features = FeatureMatrix<float>(std::move(m));
  } else {
    SvmlightOptions svm;
    svm.index_base = IndexBase::zero;
    svm.num_features = options.num_features;
    t.features = FeatureMatrix<float>(read_svmlight(file, svm).features);
  }
  check_node_count(file, t.features.rows());
  for (std::int64_t k = 0; k < t.features.rows(); ++k) t.ids.intern(std::to_string(k));
  return t;
}

// ---- labels ----------------------------------------------------------------------------------------

LabelTable read_label_table(const std::filesystem::path& file, const LabelTableOptions& options) {
  LabelTable t;
  std::vector<std::string> raw;  // label text per id, "" = none
  std::vector<std::uint64_t> line_of;
  auto add = [&](std::string_view id, std::string_view label, std::uint64_t line, const auto& fail) {
    if (id.empty()) fail("expected a node id, found an empty field");
    if (const std::int64_t seen = t.ids.find(id); seen >= 0)
      fail("node id " + quote(id) + " is labelled twice (first on line " +
           std::to_string(line_of[static_cast<std::size_t>(seen)]) + ")");
    t.ids.intern(id);
    if (t.ids.size() > max_nodes) fail("more than " + std::to_string(max_nodes) + " node ids");
    raw.emplace_back(label);
    line_of.push_back(line);
  };
  if (options.format == TableFormat::whitespace) {
    for_each_whitespace_row(file, [&](const std::vector<std::string_view>& f, const detail::LineReader& r) {
      const auto fail = [&](const std::string& m) { r.fail(m); };
      add(whitespace_field(f, options.id_index, r, "a node id"), whitespace_field(f, options.label_index, r, "a label"),
          r.line_number(), fail);
    });
  } else {
    CsvReader csv(file);
    const auto& h = csv.header();
    std::size_t id_col = 0;
    if (!options.id_column.empty()) id_col = csv.column(options.id_column, "node id column");
    else if (const auto k = csv.find_column("id"); k >= 0) id_col = static_cast<std::size_t>(k);
    if (h.size() < 2 && options.label_column.empty())
      throw ParseError(file, 1, "expected a node id column and a label column, the header has " + describe_columns(h));
    const std::size_t label_col =
        options.label_column.empty() ? h.size() - 1 : csv.column(options.label_column, "label column");
    if (label_col == id_col)
      throw ParseError(file, 1, "the label column '" + h[label_col] + "' is also the node id column");
    t.column = h[label_col];
    const auto fail = [&](const std::string& m) { csv.fail(m); };
    while (csv.next()) add(csv.field(id_col), csv.field(label_col), csv.line_number(), fail);
    if (csv.records() == 0) throw ParseError(file, 0, "no labels (the table has a header and no rows)");
  }

  // Class names: numeric order when every label is an integer, else byte order.
  std::vector<std::string> names;
  for (const std::string& s : raw)
    if (!s.empty()) names.push_back(s);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  if (names.empty()) throw ParseError(file, 0, "no labelled node (every label field is empty)");
  std::vector<std::int64_t> numbers(names.size());
  bool numeric = true;
  for (std::size_t k = 0; k < names.size() && numeric; ++k)
    numeric = detail::parse_int64(names[k], numbers[k]) == detail::NumberStatus::ok && std::to_string(numbers[k]) == names[k];
  if (numeric) {
    std::vector<std::size_t> order(names.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return numbers[a] < numbers[b]; });
    std::vector<std::string> sorted;
    for (std::size_t k : order) sorted.push_back(names[k]);
    names = std::move(sorted);
  }
  if (names.size() > 1'000'000) throw ParseError(file, 0, std::to_string(names.size()) + " classes; expected at most 1000000");
  std::unordered_map<std::string, std::int32_t> class_of;
  for (std::size_t k = 0; k < names.size(); ++k) class_of.emplace(names[k], static_cast<std::int32_t>(k));
  t.labels.resize(raw.size());
  for (std::size_t k = 0; k < raw.size(); ++k) {
    if (raw[k].empty()) {
      t.labels[k] = -1;
      ++t.unlabelled;
    } else {
      t.labels[k] = class_of.at(raw[k]);
    }
  }
  t.class_names = std::move(names);
  return t;
}

}  // namespace gatkit::io
