// gatkit-graphs JSON reader and writer (docs/formats.md).
//
// Reading: the file (< 2 GiB) is read whole, its bracket nesting is checked by a linear scan (so the
// depth limit is enforced before RapidJSON allocates anything deep), then parsed with the iterative
// parser (no recursion on the C++ stack) into a DOM that is walked entry by entry. Errors name the JSON
// path of the bad value; paths are only formatted when an error is thrown.
// Writing: one compact JSON entry per line inside the {"format", "version", "graphs": [...]} wrapper.
#include "gatkit/chem/json_format.hpp"

#include "gatkit/chem/perception.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <system_error>

#include <rapidjson/document.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "gatkit/util/error.hpp"
#include "gatkit/util/files.hpp"
#include "../io/line_reader.hpp"
#include "../util/json_depth.hpp"
#include "../util/json_numbers.hpp"

namespace gatkit::io {
namespace {

using rapidjson::Value;

constexpr const char* kFormatName = "gatkit-graphs";
constexpr int kFormatVersion = 1;
constexpr std::uintmax_t kMaxFileBytes = (std::uintmax_t{1} << 31) - 1;  // < 2 GiB
constexpr std::int64_t kMaxNodeId = std::numeric_limits<NodeId>::max();
// Numbers are converted exactly by parse_json (util/json_numbers.hpp), not by RapidJSON.
constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag |
                                 rapidjson::kParseValidateEncodingFlag;

std::string index_path(const std::string& base, const char* key, std::size_t i) {
  std::string s = base;
  s.append(".").append(key).append("[").append(std::to_string(i)).append("]");
  return s;
}
std::string member_path(const std::string& base, const char* key) {
  if (base.empty()) return key;
  std::string s = base;
  s.append(".").append(key);
  return s;
}

/// Shortest text that reads back as the same double.
std::string format_double(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

/// A value as it appears in an error message.
std::string describe(const Value& v) {
  if (v.IsNull()) return "null";
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  if (v.IsNumber()) return format_double(v.GetDouble());
  if (v.IsString()) {
    std::string s(v.GetString(), v.GetStringLength());
    if (s.size() > 40) s = s.substr(0, 40) + "...";
    return "\"" + s + "\"";
  }
  return v.IsArray() ? "an array" : "an object";
}

std::uint64_t line_of(const std::string& text, std::size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<std::uint64_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

class EntryReader {
 public:
  EntryReader(const std::filesystem::path& file, const Limits& limits) : file_(file), limits_(limits) {}

  /// Fails unless `count` items of `what` stay within `limit`.
  void within(std::size_t count, std::int64_t limit, const std::string& path, const char* what, const char* field,
              const char* flag) const {
    if (static_cast<std::uint64_t>(count) > static_cast<std::uint64_t>(limit))
      fail(path, std::to_string(count) + " " + what + " " + gatkit::detail::limit_note(limit, what, field, flag));
  }

  [[noreturn]] void fail(const std::string& path, const std::string& reason) const {
    throw ParseError(file_, 0, path.empty() ? reason : path + ": " + reason);
  }
  [[noreturn]] void expected(const std::string& path, const std::string& what, const Value& found) const {
    fail(path, "expected " + what + ", found " + describe(found));
  }

  const Value* find(const Value& object, const char* key) const {
    const auto it = object.FindMember(key);
    return it == object.MemberEnd() ? nullptr : &it->value;
  }
  const Value& require(const Value& object, const char* key, const std::string& path) const {
    const Value* v = find(object, key);
    if (!v) fail(path, std::string("missing \"") + key + "\"");
    return *v;
  }
  const Value& array(const Value& v, const std::string& path) const {
    if (!v.IsArray()) expected(path, "an array", v);
    return v;
  }
  const Value& object(const Value& v, const std::string& path) const {
    if (!v.IsObject()) expected(path, "an object", v);
    return v;
  }
  std::string string(const Value& v, const std::string& path) const {
    if (!v.IsString()) expected(path, "a string", v);
    return std::string(v.GetString(), v.GetStringLength());
  }
  /// An integer in [min, max]; 3.0 counts as an integer, 3.5 does not.
  std::int64_t integer(const Value& v, std::int64_t min, std::int64_t max, const std::string& path,
                       const char* what) const {
    std::int64_t value = 0;
    if (v.IsInt64()) {
      value = v.GetInt64();
    } else if (v.IsNumber() && !v.IsUint64() && std::trunc(v.GetDouble()) == v.GetDouble() &&
               std::abs(v.GetDouble()) < 9e18) {
      value = static_cast<std::int64_t>(v.GetDouble());
    } else {
      expected(path, std::string("an integer ") + what, v);
    }
    if (value < min || value > max)
      expected(path, std::string(what) + " in [" + std::to_string(min) + ", " + std::to_string(max) + "]", v);
    return value;
  }
  double number(const Value& v, const std::string& path) const {
    if (!v.IsNumber()) expected(path, "a number", v);
    return v.GetDouble();
  }
  std::optional<double> optional_number(const Value& v, const std::string& path, bool allow_bool) const {
    if (v.IsNull()) return std::nullopt;
    if (allow_bool && v.IsBool()) return v.GetBool() ? 1.0 : 0.0;
    if (!v.IsNumber()) expected(path, allow_bool ? "a number, true, false or null" : "a number or null", v);
    return v.GetDouble();
  }
  /// Rows of floats; every row as long as the first. Row count is checked by the caller.
  std::vector<std::vector<float>> float_rows(const Value& v, const std::string& path) const {
    array(v, path);
    std::vector<std::vector<float>> rows;
    rows.reserve(v.Size());
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      const Value& row = v[i];
      const auto row_path = [&] { return path + "[" + std::to_string(i) + "]"; };
      if (!row.IsArray()) expected(row_path(), "an array of numbers", row);
      if (i == 0) within(row.Size(), limits_.max_feature_dim, row_path(), "features", "max_feature_dim", "max-features");
      if (i > 0 && row.Size() != v[0].Size())
        fail(row_path(), "expected " + std::to_string(v[0].Size()) + " values like row 0, found " +
                             std::to_string(row.Size()) + " (ragged rows)");
      std::vector<float> values(row.Size());
      for (rapidjson::SizeType j = 0; j < row.Size(); ++j) {
        const Value& x = row[j];
        const auto x_path = [&] { return row_path() + "[" + std::to_string(j) + "]"; };
        if (!x.IsNumber()) expected(x_path(), "a number", x);
        const double d = x.GetDouble();
        if (std::abs(d) > std::numeric_limits<float>::max()) expected(x_path(), "a number in float range", x);
        values[j] = static_cast<float>(d);
      }
      rows.push_back(std::move(values));
    }
    return rows;
  }

  chem::Molecule molecule(const Value& entry, const std::string& path, std::string& id) const;
  GraphRecord graph(const Value& entry, const std::string& path) const;

 private:
  const std::filesystem::path& file_;
  const Limits& limits_;
};

chem::Molecule EntryReader::molecule(const Value& entry, const std::string& path, std::string& id) const {
  chem::Molecule m;
  if (const Value* v = find(entry, "id")) id = string(*v, member_path(path, "id"));
  if (const Value* v = find(entry, "name")) m.name = string(*v, member_path(path, "name"));

  const Value& atoms = array(require(entry, "atoms", path), member_path(path, "atoms"));
  within(atoms.Size(), limits_.max_atoms, member_path(path, "atoms"), "atoms", "max_atoms", "max-atoms");
  m.atoms.resize(atoms.Size());
  for (rapidjson::SizeType i = 0; i < atoms.Size(); ++i) {
    const std::string atom_path = index_path(path, "atoms", i);
    const Value& a = object(atoms[i], atom_path);
    chem::Atom& atom = m.atoms[i];
    const Value& element = require(a, "element", atom_path);
    if (!element.IsString()) expected(member_path(atom_path, "element"), "an element symbol", element);
    atom.symbol.assign(element.GetString(), element.GetStringLength());
    atom.atomic_number = chem::atomic_number(atom.symbol);
    if (atom.atomic_number == 0 && atom.symbol != "*")
      expected(member_path(atom_path, "element"), "an element symbol", element);
    if (const Value* v = find(a, "charge"))
      atom.formal_charge = static_cast<int>(integer(*v, -20, 20, member_path(atom_path, "charge"), "charge"));
    if (const Value* v = find(a, "hydrogens"))
      atom.explicit_hydrogens =
          static_cast<int>(integer(*v, 0, 20, member_path(atom_path, "hydrogens"), "hydrogen count"));
    if (const Value* v = find(a, "implicit_hydrogens")) {
      if (!v->IsBool()) expected(member_path(atom_path, "implicit_hydrogens"), "true or false", *v);
      atom.no_implicit_hydrogens = !v->GetBool();
    }
    if (const Value* v = find(a, "isotope"))
      atom.isotope = static_cast<int>(integer(*v, 0, 999, member_path(atom_path, "isotope"), "mass number"));
    if (const Value* v = find(a, "radical"))
      atom.radical = static_cast<int>(integer(*v, 0, 3, member_path(atom_path, "radical"), "radical code"));
    if (const Value* v = find(a, "aromatic")) {
      if (!v->IsBool()) expected(member_path(atom_path, "aromatic"), "true or false", *v);
      atom.aromatic = v->GetBool();
    }
    if (const Value* v = find(a, "x")) atom.x = number(*v, member_path(atom_path, "x"));
    if (const Value* v = find(a, "y")) atom.y = number(*v, member_path(atom_path, "y"));
    if (const Value* v = find(a, "z")) atom.z = number(*v, member_path(atom_path, "z"));
  }

  if (const Value* bonds_value = find(entry, "bonds")) {
    const Value& bonds = array(*bonds_value, member_path(path, "bonds"));
    within(bonds.Size(), limits_.max_atoms, member_path(path, "bonds"), "bonds", "max_atoms", "max-atoms");
    const auto n = static_cast<std::int64_t>(m.atoms.size());
    m.bonds.resize(bonds.Size());
    for (rapidjson::SizeType i = 0; i < bonds.Size(); ++i) {
      const std::string bond_path = index_path(path, "bonds", i);
      const Value& b = object(bonds[i], bond_path);
      chem::Bond& bond = m.bonds[i];
      const std::string ends_path = member_path(bond_path, "atoms");
      const Value& ends = require(b, "atoms", bond_path);
      if (!ends.IsArray() || ends.Size() != 2) expected(ends_path, "two atom indices", ends);
      if (n == 0) fail(ends_path, "the molecule has no atoms");
      bond.begin = static_cast<std::int32_t>(integer(ends[0], 0, n - 1, ends_path + "[0]", "atom index"));
      bond.end = static_cast<std::int32_t>(integer(ends[1], 0, n - 1, ends_path + "[1]", "atom index"));
      if (bond.begin == bond.end) fail(ends_path, "a bond joins atom " + std::to_string(bond.begin) + " to itself");
      const std::string order_path = member_path(bond_path, "order");
      const Value& order = require(b, "order", bond_path);
      const char* orders = "a bond order (1, 2, 3, 1.5 or \"aromatic\")";
      if (order.IsString()) {
        if (std::string_view(order.GetString(), order.GetStringLength()) != "aromatic") expected(order_path, orders, order);
        bond.order = chem::BondOrder::aromatic;
      } else if (order.IsNumber()) {
        const double o = order.GetDouble();
        if (o == 1) bond.order = chem::BondOrder::single;
        else if (o == 2) bond.order = chem::BondOrder::double_bond;
        else if (o == 3) bond.order = chem::BondOrder::triple;
        else if (o == 1.5) bond.order = chem::BondOrder::aromatic;
        else expected(order_path, orders, order);
      } else {
        expected(order_path, orders, order);
      }
      if (const Value* v = find(b, "stereo"))
        bond.stereo = static_cast<int>(integer(*v, 0, 255, member_path(bond_path, "stereo"), "stereo code"));
      if (bond.order == chem::BondOrder::aromatic) {
        // As in the SDF reader: aromatic bonds mark their bond and atoms aromatic.
        bond.aromatic = true;
        m.atoms[static_cast<std::size_t>(bond.begin)].aromatic = true;
        m.atoms[static_cast<std::size_t>(bond.end)].aromatic = true;
      }
    }
  }

  if (const Value* props_value = find(entry, "properties")) {
    const Value& props = object(*props_value, member_path(path, "properties"));
    for (auto it = props.MemberBegin(); it != props.MemberEnd(); ++it) {
      std::string key(it->name.GetString(), it->name.GetStringLength());
      const Value& v = it->value;
      std::string text;
      if (v.IsString()) text.assign(v.GetString(), v.GetStringLength());
      else if (v.IsBool()) text = v.GetBool() ? "1" : "0";
      else if (v.IsInt64()) text = std::to_string(v.GetInt64());
      else if (v.IsUint64()) text = std::to_string(v.GetUint64());
      else if (v.IsNumber()) text = format_double(v.GetDouble());
      else if (!v.IsNull()) expected(member_path(path, "properties") + "." + key, "a number, string, true, false or null", v);
      m.properties.emplace_back(std::move(key), std::move(text));
    }
  }
  chem::clean_up(m);  // as the SDF reader: RDKit's clean-up; valences are read as written
  return m;
}

GraphRecord EntryReader::graph(const Value& entry, const std::string& path) const {
  GraphRecord g;
  if (const Value* v = find(entry, "id")) g.id = string(*v, member_path(path, "id"));
  const Value& num_nodes = require(entry, "num_nodes", path);
  g.num_nodes = integer(num_nodes, 0, kMaxNodeId, member_path(path, "num_nodes"), "node count");
  if (g.num_nodes > limits_.max_nodes)
    fail(member_path(path, "num_nodes"), std::to_string(g.num_nodes) + " nodes " +
                                             gatkit::detail::limit_note(limits_.max_nodes, "nodes", "max_nodes", "max-nodes"));

  if (const Value* v = find(entry, "node_features")) {
    const std::string p = member_path(path, "node_features");
    g.node_features = float_rows(*v, p);
    if (static_cast<std::int64_t>(g.node_features.size()) != g.num_nodes)
      fail(p, "expected " + std::to_string(g.num_nodes) + " rows (num_nodes), found " +
                  std::to_string(g.node_features.size()));
  }

  if (const Value* edges_value = find(entry, "edges")) {
    const Value& edges = array(*edges_value, member_path(path, "edges"));
    within(edges.Size(), limits_.max_edges, member_path(path, "edges"), "edges", "max_edges", "max-edges");
    g.edges.resize(edges.Size());
    for (rapidjson::SizeType i = 0; i < edges.Size(); ++i) {
      const std::string p = index_path(path, "edges", i);
      const Value& e = edges[i];
      if (!e.IsArray() || e.Size() != 2) expected(p, "[src, dst]", e);
      if (g.num_nodes == 0) fail(p, "the graph has no nodes");
      g.edges[i].src = static_cast<NodeId>(integer(e[0], 0, g.num_nodes - 1, p + "[0]", "node index"));
      g.edges[i].dst = static_cast<NodeId>(integer(e[1], 0, g.num_nodes - 1, p + "[1]", "node index"));
    }
  }

  if (const Value* v = find(entry, "edge_features")) {
    const std::string p = member_path(path, "edge_features");
    g.edge_features = float_rows(*v, p);
    if (g.edge_features.size() != g.edges.size())
      fail(p, "expected " + std::to_string(g.edges.size()) + " rows (one per edge), found " +
                  std::to_string(g.edge_features.size()));
  }

  if (const Value* v = find(entry, "node_labels")) {
    const std::string p = member_path(path, "node_labels");
    array(*v, p);
    if (static_cast<std::int64_t>(v->Size()) != g.num_nodes)
      fail(p, "expected " + std::to_string(g.num_nodes) + " labels (num_nodes), found " + std::to_string(v->Size()));
    g.node_labels.reserve(v->Size());
    for (rapidjson::SizeType i = 0; i < v->Size(); ++i)
      g.node_labels.push_back(optional_number((*v)[i], p + "[" + std::to_string(i) + "]", false));
  }

  if (const Value* v = find(entry, "labels")) {
    const std::string p = member_path(path, "labels");
    object(*v, p);
    for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) {
      std::string task(it->name.GetString(), it->name.GetStringLength());
      auto value = optional_number(it->value, p + "." + task, true);
      g.labels.emplace_back(std::move(task), value);
    }
  }
  return g;
}

std::string read_text(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) throw ParseError(file, 0, "cannot read: " + ec.message());
  if (size > kMaxFileBytes) throw ParseError(file, 0, "file of " + std::to_string(size) + " bytes is too large (limit 2 GiB)");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ParseError(file, 0, "cannot open for reading");
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  if (in.gcount() != static_cast<std::streamsize>(size)) throw ParseError(file, 0, "read error");
  return text;
}

// ---- writing ----------------------------------------------------------------------------------------

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void key(Writer& w, const char* k) { w.Key(k); }
/// JSON text is UTF-8: bytes of `s` that are not valid UTF-8 (an SDF written in Latin-1) are written as
/// U+FFFD, so that what the writer produces always reads back.
void string(Writer& w, const std::string& s) {
  const std::string text = io::detail::valid_utf8(s);
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

/// Integral values as integers ("1", not "1.0"), others in shortest round-trip form.
void number(Writer& w, double v, const char* what) {
  if (!std::isfinite(v)) throw InvalidArgument(std::string("write_graph_json: non-finite ") + what);
  if (std::trunc(v) == v && std::abs(v) < 9e15 && !(v == 0 && std::signbit(v))) {
    w.Int64(static_cast<std::int64_t>(v));
  } else {
    const std::string text = format_double(v);
    w.RawValue(text.data(), text.size(), rapidjson::kNumberType);
  }
}

void float_rows(Writer& w, const std::vector<std::vector<float>>& rows, const char* what) {
  w.StartArray();
  for (const auto& row : rows) {
    GATKIT_REQUIRE(row.size() == rows[0].size(), std::string("write_graph_json: ragged ") + what);
    w.StartArray();
    for (float x : row) {
      GATKIT_REQUIRE(std::isfinite(x), std::string("write_graph_json: non-finite value in ") + what);
      char buf[32];
      const auto r = std::to_chars(buf, buf + sizeof buf, x);
      w.RawValue(buf, static_cast<std::size_t>(r.ptr - buf), rapidjson::kNumberType);
    }
    w.EndArray();
  }
  w.EndArray();
}

/// A property's text as the JSON value that reads back as the same text.
void property_value(Writer& w, const std::string& text) {
  if (text.empty()) {
    w.Null();
    return;
  }
  const char* end = text.data() + text.size();
  std::int64_t i = 0;
  if (auto r = std::from_chars(text.data(), end, i); r.ec == std::errc() && r.ptr == end && std::to_string(i) == text) {
    w.Int64(i);
    return;
  }
  double d = 0;
  if (auto r = std::from_chars(text.data(), end, d); r.ec == std::errc() && r.ptr == end && std::isfinite(d) &&
                                                     format_double(d) == text && text.find_first_of("eE") == std::string::npos) {
    w.RawValue(text.data(), text.size(), rapidjson::kNumberType);
    return;
  }
  string(w, text);
}

void write_molecule(Writer& w, const chem::Molecule& m, const std::string& id) {
  w.StartObject();
  key(w, "type"); w.String("molecule");
  if (!id.empty()) { key(w, "id"); string(w, id); }
  if (!m.name.empty()) { key(w, "name"); string(w, m.name); }
  key(w, "atoms"); w.StartArray();
  for (const chem::Atom& a : m.atoms) {
    // The element's own symbol; a pseudo-atom or unknown symbol of an SDF ("R#", "A", "Q", "O ") has
    // atomic number 0 and becomes "*", the JSON format's only non-element (featurised the same way).
    std::string symbol = chem::element_symbol(a.atomic_number);
    if (symbol.empty()) symbol = "*";
    w.StartObject();
    key(w, "element"); string(w, symbol);
    if (a.formal_charge != 0) { key(w, "charge"); w.Int(a.formal_charge); }
    if (a.explicit_hydrogens != 0) { key(w, "hydrogens"); w.Int(a.explicit_hydrogens); }
    if (a.no_implicit_hydrogens) { key(w, "implicit_hydrogens"); w.Bool(false); }
    if (a.isotope != 0) { key(w, "isotope"); w.Int(a.isotope); }
    if (a.radical != 0) { key(w, "radical"); w.Int(a.radical); }
    if (a.aromatic) { key(w, "aromatic"); w.Bool(true); }
    if (a.x != 0 || a.y != 0 || a.z != 0) {
      key(w, "x"); number(w, a.x, "coordinate");
      key(w, "y"); number(w, a.y, "coordinate");
      key(w, "z"); number(w, a.z, "coordinate");
    }
    w.EndObject();
  }
  w.EndArray();
  key(w, "bonds"); w.StartArray();
  const auto n = static_cast<std::int64_t>(m.atoms.size());
  for (const chem::Bond& b : m.bonds) {
    GATKIT_REQUIRE(b.begin >= 0 && b.begin < n && b.end >= 0 && b.end < n && b.begin != b.end,
                   "write_graph_json: bond atom index out of range or a self-bond");
    w.StartObject();
    key(w, "atoms"); w.StartArray(); w.Int(b.begin); w.Int(b.end); w.EndArray();
    key(w, "order");
    if (b.order == chem::BondOrder::aromatic) w.String("aromatic");
    else w.Int(static_cast<int>(b.order));
    if (b.stereo != 0) { key(w, "stereo"); w.Int(b.stereo); }
    w.EndObject();
  }
  w.EndArray();
  if (!m.properties.empty()) {
    key(w, "properties"); w.StartObject();
    for (const auto& [k, v] : m.properties) {
      string(w, k);
      property_value(w, v);
    }
    w.EndObject();
  }
  w.EndObject();
}

void write_graph(Writer& w, const GraphRecord& g) {
  GATKIT_REQUIRE(g.num_nodes >= 0 && g.num_nodes <= kMaxNodeId, "write_graph_json: num_nodes out of [0, 2^31)");
  GATKIT_REQUIRE(g.node_features.empty() || static_cast<std::int64_t>(g.node_features.size()) == g.num_nodes,
                 "write_graph_json: node_features rows != num_nodes");
  GATKIT_REQUIRE(g.edge_features.empty() || g.edge_features.size() == g.edges.size(),
                 "write_graph_json: edge_features rows != edges");
  GATKIT_REQUIRE(g.node_labels.empty() || static_cast<std::int64_t>(g.node_labels.size()) == g.num_nodes,
                 "write_graph_json: node_labels count != num_nodes");
  w.StartObject();
  key(w, "type"); w.String("graph");
  if (!g.id.empty()) { key(w, "id"); string(w, g.id); }
  key(w, "num_nodes"); w.Int64(g.num_nodes);
  if (!g.node_features.empty()) { key(w, "node_features"); float_rows(w, g.node_features, "node_features"); }
  key(w, "edges"); w.StartArray();
  for (const Edge& e : g.edges) {
    GATKIT_REQUIRE(e.src >= 0 && e.src < g.num_nodes && e.dst >= 0 && e.dst < g.num_nodes,
                   "write_graph_json: edge node index out of range");
    w.StartArray(); w.Int(e.src); w.Int(e.dst); w.EndArray();
  }
  w.EndArray();
  if (!g.edge_features.empty()) { key(w, "edge_features"); float_rows(w, g.edge_features, "edge_features"); }
  if (!g.node_labels.empty()) {
    key(w, "node_labels"); w.StartArray();
    for (const auto& label : g.node_labels) {
      if (label) number(w, *label, "node label");
      else w.Null();
    }
    w.EndArray();
  }
  if (!g.labels.empty()) {
    key(w, "labels"); w.StartObject();
    for (const auto& [task, value] : g.labels) {
      string(w, task);
      if (value) number(w, *value, "label");
      else w.Null();
    }
    w.EndObject();
  }
  w.EndObject();
}

}  // namespace

GraphFile read_graph_json(const std::filesystem::path& file, std::vector<SkippedEntry>* skipped, const Limits& limits) {
  limits.validate();
  std::string text = read_text(file);
  if (text.starts_with("\xef\xbb\xbf")) text.replace(0, 3, 3, ' ');  // UTF-8 byte order mark (offsets kept)
  if (text.starts_with("\xff\xfe") || text.starts_with("\xfe\xff"))
    throw ParseError(file, 1,
                     "the file starts with a UTF-16 (or UTF-32) byte order mark; expected UTF-8 JSON "
                     "(convert it, e.g. iconv -f UTF-16 -t UTF-8)");
  if (const std::size_t at = gatkit::detail::find_too_deep(text, limits.max_json_depth); at != std::string::npos)
    throw ParseError(file, line_of(text, at),
                     "invalid JSON: nested more than " + std::to_string(limits.max_json_depth) + " levels deep: " +
                         gatkit::detail::limit_note(limits.max_json_depth, "levels", "max_json_depth", "max-json-depth"));

  gatkit::detail::neutralise_zero_exponents(text);
  rapidjson::Document doc;
  rapidjson::MemoryStream stream(text.data(), text.size());
  const gatkit::detail::JsonParseResult parsed = gatkit::detail::parse_json<kParseFlags>(doc, stream);
  if (!parsed.ok()) {
    if (parsed.result.Code() == rapidjson::kParseErrorDocumentEmpty)
      throw ParseError(file, 0, "empty file (expected a gatkit-graphs JSON object)");
    throw ParseError(file, line_of(text, parsed.result.Offset()), "invalid JSON: " + parsed.message());
  }
  for (std::size_t k = stream.Tell(); k < text.size(); ++k)
    if (text[k] != ' ' && text[k] != '\t' && text[k] != '\n' && text[k] != '\r')
      throw ParseError(file, line_of(text, k), "invalid JSON: unexpected text after the top-level object");

  const EntryReader reader(file, limits);
  if (!doc.IsObject()) reader.expected("", "a JSON object at the top level", doc);
  const Value& format = reader.require(doc, "format", "");
  if (!format.IsString() || std::string_view(format.GetString(), format.GetStringLength()) != kFormatName)
    reader.expected("format", std::string("\"") + kFormatName + "\"", format);
  const Value& version = reader.require(doc, "version", "");
  if (!version.IsInt64() || version.GetInt64() != kFormatVersion)
    reader.expected("version", "version " + std::to_string(kFormatVersion), version);
  const Value& entries = reader.array(reader.require(doc, "graphs", ""), "graphs");

  GraphFile out;
  out.order.reserve(entries.Size());
  for (rapidjson::SizeType i = 0; i < entries.Size(); ++i) {
    const std::string path = "graphs[" + std::to_string(i) + "]";
    try {
      const Value& entry = reader.object(entries[i], path);
      const Value& type = reader.require(entry, "type", path);
      const std::string_view kind = type.IsString() ? std::string_view(type.GetString(), type.GetStringLength()) : "";
      if (kind == "molecule") {
        std::string id;
        chem::Molecule m = reader.molecule(entry, path, id);  // appended only once complete
        m.record = i + 1u;
        out.molecules.push_back(std::move(m));
        out.molecule_ids.push_back(std::move(id));
        out.order.push_back({GraphFileEntry::Kind::molecule, out.molecules.size() - 1});
      } else if (kind == "graph") {
        out.graphs.push_back(reader.graph(entry, path));
        out.order.push_back({GraphFileEntry::Kind::graph, out.graphs.size() - 1});
      } else {
        reader.expected(path + ".type", "\"molecule\" or \"graph\"", type);
      }
    } catch (const ParseError& e) {
      if (!skipped) throw;
      skipped->push_back({i + 1u, e.what()});
    }
  }
  return out;
}

void write_graph_json(const std::filesystem::path& file, const GraphFile& graphs) {
  GATKIT_REQUIRE(graphs.molecule_ids.empty() || graphs.molecule_ids.size() == graphs.molecules.size(),
                 "write_graph_json: molecule_ids must be empty or one per molecule");
  std::vector<GraphFileEntry> order = graphs.order;
  if (order.empty()) {
    for (std::size_t i = 0; i < graphs.molecules.size(); ++i) order.push_back({GraphFileEntry::Kind::molecule, i});
    for (std::size_t i = 0; i < graphs.graphs.size(); ++i) order.push_back({GraphFileEntry::Kind::graph, i});
  }
  std::vector<char> seen_molecule(graphs.molecules.size(), 0), seen_graph(graphs.graphs.size(), 0);
  GATKIT_REQUIRE(order.size() == seen_molecule.size() + seen_graph.size(),
                 "write_graph_json: order must name every molecule and graph exactly once");
  for (const GraphFileEntry& e : order) {
    auto& seen = e.kind == GraphFileEntry::Kind::molecule ? seen_molecule : seen_graph;
    GATKIT_REQUIRE(e.index < seen.size() && !seen[e.index],
                   "write_graph_json: order must name every molecule and graph exactly once");
    seen[e.index] = 1;
  }

  std::string out = "{\"format\": \"gatkit-graphs\", \"version\": 1, \"graphs\": [\n";
  for (std::size_t k = 0; k < order.size(); ++k) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    const GraphFileEntry& e = order[k];
    if (e.kind == GraphFileEntry::Kind::molecule)
      write_molecule(w, graphs.molecules[e.index], graphs.molecule_ids.empty() ? std::string() : graphs.molecule_ids[e.index]);
    else
      write_graph(w, graphs.graphs[e.index]);
    out.append(buffer.GetString(), buffer.GetSize());
    out.append(k + 1 < order.size() ? ",\n" : "\n");
  }
  out.append("]}\n");
  write_file_atomically(file, out);
}

std::vector<chem::Molecule> read_molecule_json(const std::filesystem::path& file, const Limits& limits) {
  GraphFile all = read_graph_json(file, nullptr, limits);
  for (std::size_t k = 0; k < all.order.size(); ++k)
    if (all.order[k].kind == GraphFileEntry::Kind::graph)
      throw ParseError(file, 0, "graphs[" + std::to_string(k) + "]: expected a molecule entry, found a \"graph\" entry");
  return std::move(all.molecules);
}

void write_molecule_json(const std::filesystem::path& file, const std::vector<chem::Molecule>& molecules) {
  GraphFile all;
  all.molecules = molecules;
  write_graph_json(file, all);
}

}  // namespace gatkit::io
