// SDF / MOL reader and writer (MDL CTfile V2000 and V3000), one record at a time.
//
// Every error names the file, the line and "record N:"; after one, the reader skips to the line after
// the next "$$$$" so that the following next() reads the following record. Lines come from
// io::detail::LineReader (block-buffered, CRLF, missing final newline, line numbers).
#include "gatkit/chem/sdf.hpp"

#include "gatkit/chem/perception.hpp"

#include <array>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "../io/line_reader.hpp"
#include "elements_table.hpp"
#include "gatkit/util/error.hpp"
#include "gatkit/util/files.hpp"

namespace gatkit::chem {
namespace {

using io::detail::LineReader;
using io::detail::NumberStatus;
using io::detail::quote;
using io::detail::Tokens;
using io::detail::trim;

bool is_blank_line(std::string_view line) { return trim(line).empty(); }
bool is_terminator(std::string_view line) { return line.substr(0, 4) == "$$$$"; }
bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

/// Field [begin, begin + width) of a fixed-column line, trimmed; empty past the end of the line.
std::string_view column(std::string_view line, std::size_t begin, std::size_t width) {
  if (begin >= line.size()) return {};
  return trim(line.substr(begin, width));
}

/// Each atom's valence from its bonds (aromatic bonds 1.5 each), rounded: what a stated valence
/// (V2000 vvv, V3000 VAL=) holds beside the hydrogens.
std::vector<long> bond_valences(const Molecule& m) {
  std::vector<double> sum(m.atoms.size(), 0.0);
  for (const Bond& b : m.bonds) {
    const double v = b.order == BondOrder::aromatic ? 1.5 : static_cast<double>(static_cast<int>(b.order));
    sum[static_cast<std::size_t>(b.begin)] += v;
    sum[static_cast<std::size_t>(b.end)] += v;
  }
  std::vector<long> rounded(sum.size());
  for (std::size_t a = 0; a < sum.size(); ++a) rounded[a] = std::lround(sum[a]);
  return rounded;
}

}  // namespace

struct SdfReader::State {
  State(const std::filesystem::path& path, const SdfOptions& opts) : file(path), lines(path, opts.limits.max_line_length), options(opts) {
    opts.limits.validate();
  }

  std::filesystem::path file;
  LineReader lines;
  SdfOptions options;
  std::uint64_t record = 0;
  bool last_was_terminator = true;  ///< the last line consumed was "$$$$" (or nothing was read yet)
  bool in_record = false;           ///< the current record has begun (its number is counted)
  std::unordered_map<std::int64_t, std::int32_t> v3000_index;  ///< V3000 atom index -> position
  /// Each atom's stated total valence (V2000 vvv field, V3000 VAL=), -1 where none is stated.
  std::vector<int> stated_valence;

  // ---- lines ---------------------------------------------------------------------------------------
  bool next_line(std::string_view& line) {
    try {
      if (!lines.next(line)) return false;
    } catch (const ParseError& e) {
      // An unreadable line (NUL bytes, too long, UTF-16) belongs to a record like any other: when it
      // is the record's first line it starts one, so that the records after it keep their numbers, and
      // skipping goes on to this record's "$$$$".
      if (!in_record) {
        ++record;
        in_record = true;
      }
      last_was_terminator = false;
      throw ParseError(file, e.line(), "record " + std::to_string(record) + ": " + e.reason());
    }
    last_was_terminator = is_terminator(line);
    return true;
  }
  std::uint64_t line_number() const { return lines.line_number(); }

  [[noreturn]] void fail(std::uint64_t line, const std::string& reason) const {
    throw ParseError(file, line, "record " + std::to_string(record) + ": " + reason);
  }
  [[noreturn]] void fail(const std::string& reason) const { fail(line_number(), reason); }

  /// The next line of the connection table: "$$$$" or the end of the file there are errors.
  std::string_view ctab_line(const char* where) {
    std::string_view line;
    if (!next_line(line)) fail(line_number() + 1, std::string("unexpected end of file in ") + where);
    if (last_was_terminator) fail(std::string("record ends ($$$$) in ") + where);
    return line;
  }

  std::int64_t integer(std::string_view token, const char* what) const {
    std::int64_t v = 0;
    if (io::detail::parse_int64(token, v) != NumberStatus::ok)
      fail("expected " + std::string(what) + " (an integer), found " + quote(token));
    return v;
  }
  double real(std::string_view token, const char* what) const {
    double v = 0;
    if (io::detail::parse_double(token, v) != NumberStatus::ok)
      fail("expected " + std::string(what) + " (a finite number), found " + quote(token));
    return v;
  }

  std::string too_many_atoms(std::int64_t na, std::int64_t nb) const {
    return "counts line claims " + std::to_string(na) + " atoms and " + std::to_string(nb) + " bonds, which " +
           gatkit::detail::limit_note(options.limits.max_atoms, "atoms or bonds per molecule", "max_atoms", "max-atoms");
  }

  bool read(Molecule& molecule);
  void read_v2000(Molecule& m, std::string_view counts);
  void read_v2000_properties(Molecule& m);
  void read_v3000(Molecule& m);
  void read_data_items(Molecule& m);
  void add_bond(Molecule& m, std::int64_t a, std::int64_t b, std::int64_t type, int stereo, std::uint64_t line);
  void apply_stated_valences(Molecule& m) const;
  /// After an error: on to the line after this record's "$$$$" (or the end of the file), passing over
  /// unreadable lines too, so that one bad record gives exactly one error.
  void skip_to_next_record() {
    std::string_view line;
    for (;;) {
      try {
        if (last_was_terminator || !next_line(line)) return;
      } catch (const ParseError&) {
      }
    }
  }
};

// ---- header --------------------------------------------------------------------------------------

bool SdfReader::State::read(Molecule& m) {
  m.name.clear();
  m.atoms.clear();
  m.bonds.clear();
  m.properties.clear();
  stated_valence.clear();
  in_record = false;
  // Three header lines and the counts line. Blank lines only up to the end of the file are not a record.
  std::array<std::string, 4> header;
  std::size_t count = 0;
  std::uint64_t start = 0;
  std::string_view line;
  for (;;) {
    if (!next_line(line)) return false;  // only blank lines (or nothing) left
    if (count == 0 && start == 0) start = line_number();
    if (!is_blank_line(line)) break;
    if (count < header.size()) header[count] = std::string(line);
    ++count;
  }
  ++record;
  in_record = true;
  m.record = record;
  m.line = start;
  if (count >= header.size()) fail(start + 3, "expected the counts line, found a blank line");
  header[count++] = std::string(line);
  if (last_was_terminator) fail("empty record (\"$$$$\" where the header was expected)");
  while (count < header.size()) header[count++] = std::string(ctab_line("the header (4 lines)"));
  m.name = std::string(trim(header[0]));
  const std::string_view counts = header[3];
  if (counts.find("V3000") != std::string_view::npos) {
    read_v3000(m);
  } else {
    read_v2000(m, counts);
    read_v2000_properties(m);
  }
  apply_stated_valences(m);
  // As RDKit's sanitisation: clean-up (uncharged nitro groups), then, if asked, the valence check, before
  // explicit hydrogens are folded so that atoms keep the file's numbers.
  chem::clean_up(m);
  if (options.check_valences)
    if (auto problem = chem::find_valence_problem(m))
      fail(start, chem::valence_message(m, *problem));
  if (options.fold_hydrogens) chem::fold_hydrogens(m);
  read_data_items(m);
  return true;
}

void SdfReader::State::add_bond(Molecule& m, std::int64_t a, std::int64_t b, std::int64_t type, int stereo,
                                std::uint64_t line) {
  const auto n = static_cast<std::int64_t>(m.atoms.size());
  if (a < 1 || a > n || b < 1 || b > n)
    fail(line, "bond between atoms " + std::to_string(a) + " and " + std::to_string(b) + ": atoms are numbered 1.." +
         std::to_string(n));
  if (a == b) fail(line, "bond from atom " + std::to_string(a) + " to itself");
  if (type >= 5 && type <= 8) fail(line, "unsupported bond type " + std::to_string(type) + " (query bond)");
  if (type < 1 || type > 4) fail(line, "unknown bond type " + std::to_string(type) + " (expected 1, 2, 3 or 4)");
  Bond bond;
  bond.begin = static_cast<std::int32_t>(a - 1);
  bond.end = static_cast<std::int32_t>(b - 1);
  bond.order = static_cast<BondOrder>(type);
  bond.stereo = stereo;
  bond.aromatic = type == 4;
  if (bond.aromatic) m.atoms[bond.begin].aromatic = m.atoms[bond.end].aromatic = true;
  m.bonds.push_back(bond);
}

/// A stated valence fixes the atom's hydrogen count, as in RDKit: the valence less its bonds (aromatic
/// bonds 1.5), no implicit hydrogens beyond. This is how V2000 carries [AlH3] or a SMILES [CH2].
void SdfReader::State::apply_stated_valences(Molecule& m) const {
  if (stated_valence.size() != m.atoms.size()) return;
  const std::vector<long> bonded = bond_valences(m);
  for (std::size_t a = 0; a < m.atoms.size(); ++a) {
    if (stated_valence[a] < 0) continue;
    const int h = stated_valence[a] - static_cast<int>(bonded[a]);
    m.atoms[a].explicit_hydrogens += std::max(h, 0);
    m.atoms[a].no_implicit_hydrogens = true;
  }
}

// ---- V2000 ---------------------------------------------------------------------------------------

void SdfReader::State::read_v2000(Molecule& m, std::string_view counts) {
  // aaabbblllfffcccsssxxxrrrpppiiimmmvvvvvv
  const std::uint64_t counts_line = line_number();
  const std::string_view na_field = column(counts, 0, 3), nb_field = column(counts, 3, 3);
  std::int64_t na = 0, nb = 0;
  if (io::detail::parse_int64(na_field, na) != NumberStatus::ok ||
      io::detail::parse_int64(nb_field, nb) != NumberStatus::ok || na < 0 || nb < 0)
    fail(counts_line, "bad counts line " + quote(counts) + " (expected aaabbb... V2000)");
  const std::string_view version = column(counts, 33, 6);
  if (!version.empty() && version != "V2000")
    fail(counts_line, "unsupported CTfile version " + quote(version) + " (expected V2000 or V3000)");
  if (na > options.limits.max_atoms || nb > options.limits.max_atoms) fail(counts_line, too_many_atoms(na, nb));
  m.atoms.reserve(static_cast<std::size_t>(na));
  m.bonds.reserve(static_cast<std::size_t>(nb));

  // xxxxx.xxxxyyyyy.yyyyzzzzz.zzzz aaaddcccssshhhbbbvvvHHHrrriiimmmnnneee
  for (std::int64_t i = 0; i < na; ++i) {
    const std::string_view line = ctab_line("the atom block");
    const std::string atom_of = "atom " + std::to_string(i + 1) + " of " + std::to_string(na) + ": ";
    auto coordinate = [&](std::size_t begin, const char* what) {
      double v = 0;
      const std::string_view field = column(line, begin, 10);
      if (io::detail::parse_double(field, v) != NumberStatus::ok)
        fail(atom_of + "expected " + what + " (a finite number), found " + quote(field));
      return v;
    };
    Atom atom;
    atom.x = coordinate(0, "an x coordinate");
    atom.y = coordinate(10, "a y coordinate");
    atom.z = coordinate(20, "a z coordinate");
    const std::string_view symbol = column(line, 31, 3);
    if (symbol.empty()) fail(atom_of + "no element symbol (columns 32-34)");
    atom.symbol = std::string(symbol);
    atom.atomic_number = detail::atomic_number(symbol);
    const std::string_view dd = column(line, 34, 2), ccc = column(line, 36, 3);
    const std::int64_t mass_difference = dd.empty() ? 0 : integer(dd, "a mass difference (columns 35-36)");
    if (mass_difference != 0 && atom.atomic_number != 0)
      atom.isotope = detail::nominal_mass(atom.atomic_number) + static_cast<int>(mass_difference);
    const std::int64_t charge = ccc.empty() ? 0 : integer(ccc, "a charge field (columns 37-39)");
    switch (charge) {
      case 0: break;
      case 1: atom.formal_charge = 3; break;
      case 2: atom.formal_charge = 2; break;
      case 3: atom.formal_charge = 1; break;
      case 4: atom.radical = 2; break;
      case 5: atom.formal_charge = -1; break;
      case 6: atom.formal_charge = -2; break;
      case 7: atom.formal_charge = -3; break;
      default: fail("bad charge field " + std::to_string(charge) + " (expected 0..7)");
    }
    // vvv: 0 none, 1..14 the atom's total valence (bonds and hydrogens), 15 zero.
    const std::string_view vvv = column(line, 48, 3);
    const std::int64_t valence = vvv.empty() ? 0 : integer(vvv, "a valence field (columns 49-51)");
    if (valence < 0 || valence > 15) fail(atom_of + "bad valence field " + std::to_string(valence) + " (expected 0..15)");
    stated_valence.push_back(valence == 0 ? -1 : valence == 15 ? 0 : static_cast<int>(valence));
    m.atoms.push_back(std::move(atom));
  }
  // 111222tttsss
  for (std::int64_t i = 0; i < nb; ++i) {
    const std::string_view line = ctab_line("the bond block");
    const std::int64_t a = integer(column(line, 0, 3), "a first atom (columns 1-3)");
    const std::int64_t b = integer(column(line, 3, 3), "a second atom (columns 4-6)");
    const std::int64_t type = integer(column(line, 6, 3), "a bond type (columns 7-9)");
    const std::string_view stereo_field = column(line, 9, 3);
    const std::int64_t stereo = stereo_field.empty() ? 0 : integer(stereo_field, "a bond stereo field");
    if (stereo < 0 || stereo > 255)  // V2000 uses 0, 1, 3, 4, 6; the JSON format keeps 0..255
      fail("bond stereo field " + std::to_string(stereo) + " is not in 0..255");
    add_bond(m, a, b, type, static_cast<int>(stereo), line_number());
  }
}

void SdfReader::State::read_v2000_properties(Molecule& m) {
  bool charges_reset = false, masses_reset = false;
  const auto n = static_cast<std::int64_t>(m.atoms.size());
  for (;;) {
    std::string_view line;
    if (!next_line(line)) fail(line_number() + 1, "missing \"M  END\" (end of file)");
    if (last_was_terminator || starts_with(line, ">"))
      fail("missing \"M  END\" before " + quote(line));
    if (starts_with(line, "M  END")) return;
    if (starts_with(line, "A  ") || starts_with(line, "G  ")) {  // atom alias / group: text on the next line
      ctab_line("the properties block");
      continue;
    }
    const bool chg = starts_with(line, "M  CHG"), iso = starts_with(line, "M  ISO"), rad = starts_with(line, "M  RAD");
    if (!chg && !iso && !rad) continue;  // other properties do not change atoms, bonds or charges
    // The first M  CHG / M  RAD supersedes every charge and radical of the atom block; M  ISO the masses.
    if ((chg || rad) && !charges_reset) {
      for (Atom& atom : m.atoms) atom.formal_charge = atom.radical = 0;
      charges_reset = true;
    }
    if (iso && !masses_reset) {
      for (Atom& atom : m.atoms) atom.isotope = 0;
      masses_reset = true;
    }
    Tokens tokens(line.substr(6));
    std::string_view token;
    if (!tokens.next(token)) fail("missing entry count in " + quote(line.substr(0, 6)));
    const std::int64_t entries = integer(token, "an entry count");
    if (entries < 1 || entries > 8) fail("entry count " + std::to_string(entries) + " is not in 1..8");
    for (std::int64_t e = 0; e < entries; ++e) {
      std::string_view atom_token, value_token;
      if (!tokens.next(atom_token) || !tokens.next(value_token))
        fail("line announces " + std::to_string(entries) + " entries, has " + std::to_string(e));
      const std::int64_t atom = integer(atom_token, "an atom number");
      const std::int64_t value = integer(value_token, "a value");
      if (atom < 1 || atom > n)
        fail("atom " + std::to_string(atom) + " out of range (atoms are numbered 1.." + std::to_string(n) + ")");
      Atom& a = m.atoms[static_cast<std::size_t>(atom - 1)];
      if (chg) {
        if (value < -15 || value > 15) fail("charge " + std::to_string(value) + " is not in -15..15");
        a.formal_charge = static_cast<int>(value);
      } else if (iso) {
        if (value < 1 || value > 999) fail("mass " + std::to_string(value) + " is not in 1..999");
        a.isotope = static_cast<int>(value);
      } else {
        if (value < 0 || value > 3) fail("radical " + std::to_string(value) + " is not in 0..3");
        a.radical = static_cast<int>(value);
      }
    }
  }
}

// ---- V3000 ---------------------------------------------------------------------------------------

namespace {

/// Splits a V3000 line at spaces, keeping "quoted strings" and (parenthesised lists) whole.
class V3000Tokens {
 public:
  explicit V3000Tokens(std::string_view line) : rest_(line) {}
  bool next(std::string_view& token) {
    std::size_t i = 0;
    while (i < rest_.size() && io::detail::is_blank(rest_[i])) ++i;
    if (i == rest_.size()) return false;
    std::size_t j = i;
    int depth = 0;
    bool quoted = false;
    for (; j < rest_.size(); ++j) {
      const char c = rest_[j];
      if (c == '"') quoted = !quoted;
      else if (!quoted && c == '(') ++depth;
      else if (!quoted && c == ')' && depth > 0) --depth;
      else if (!quoted && depth == 0 && io::detail::is_blank(c)) break;
    }
    token = rest_.substr(i, j - i);
    rest_ = rest_.substr(j);
    return true;
  }

 private:
  std::string_view rest_;
};

}  // namespace

void SdfReader::State::read_v3000(Molecule& m) {
  std::string logical;  // one V3000 line, continuation lines ('-' at the end) joined
  std::uint64_t logical_line = 0;
  auto next_v30 = [&](const char* where) -> std::string_view {
    logical.clear();
    logical_line = 0;
    for (;;) {
      const std::string_view line = ctab_line(where);
      if (logical_line == 0) logical_line = line_number();
      if (!starts_with(line, "M  V30 ")) {
        if (starts_with(line, "M  END")) fail(std::string("\"M  END\" in ") + where);
        fail("expected a \"M  V30 \" line in " + std::string(where) + ", found " + quote(line));
      }
      std::string_view body = line.substr(7);
      while (!body.empty() && io::detail::is_blank(body.back())) body.remove_suffix(1);
      const bool continued = !body.empty() && body.back() == '-';
      if (continued) body.remove_suffix(1);
      if (logical.size() + body.size() > static_cast<std::size_t>(options.limits.max_line_length))
        fail(logical_line, "V3000 line joined from continuation lines " +
                               gatkit::detail::limit_note(options.limits.max_line_length, "bytes per line",
                                                          "max_line_length", "max-line-length"));
      logical.append(body);
      if (!continued) return logical;
    }
  };
  auto expect = [&](std::string_view what, const char* where) {
    const std::string_view got = trim(next_v30(where));
    if (got != what) fail(logical_line, "expected " + quote(what) + " in " + where + ", found " + quote(got));
  };

  expect("BEGIN CTAB", "the V3000 connection table");
  std::int64_t na = 0, nb = 0;
  {
    const std::string counts(trim(next_v30("the V3000 connection table")));
    Tokens tokens(counts);
    std::string_view word, a, b;
    if (!tokens.next(word) || word != "COUNTS" || !tokens.next(a) || !tokens.next(b) ||
        io::detail::parse_int64(a, na) != NumberStatus::ok || io::detail::parse_int64(b, nb) != NumberStatus::ok ||
        na < 0 || nb < 0)
      fail(logical_line, "bad counts line " + quote(counts) + " (expected \"COUNTS na nb ...\")");
    if (na > options.limits.max_atoms || nb > options.limits.max_atoms) fail(logical_line, too_many_atoms(na, nb));
  }
  m.atoms.reserve(static_cast<std::size_t>(na));
  m.bonds.reserve(static_cast<std::size_t>(nb));
  v3000_index.clear();

  if (na > 0) {
    expect("BEGIN ATOM", "the V3000 connection table");
    for (std::int64_t i = 0; i < na; ++i) {
      // idx type x y z aamap [CHG=n] [MASS=n] [RAD=n] ...
      const std::string_view line = next_v30("the atom block");
      V3000Tokens tokens(line);
      std::array<std::string_view, 6> fields;
      for (std::size_t f = 0; f < fields.size(); ++f)
        if (!tokens.next(fields[f]))
          fail(logical_line, "atom line has " + std::to_string(f) + " fields, expected at least 6 " +
                                 "(index type x y z aamap)");
      const std::int64_t index = integer(fields[0], "an atom index");
      if (!v3000_index.emplace(index, static_cast<std::int32_t>(i)).second)
        fail(logical_line, "atom index " + std::to_string(index) + " appears twice");
      Atom atom;
      std::string_view symbol = fields[1];
      if (symbol.size() >= 2 && symbol.front() == '"' && symbol.back() == '"') symbol = symbol.substr(1, symbol.size() - 2);
      if (symbol.empty()) fail(logical_line, "atom " + std::to_string(index) + " has no element symbol");
      atom.symbol = std::string(symbol);
      atom.atomic_number = detail::atomic_number(symbol);
      atom.x = real(fields[2], "an x coordinate");
      atom.y = real(fields[3], "a y coordinate");
      atom.z = real(fields[4], "a z coordinate");
      int valence = -1;
      std::string_view option;
      while (tokens.next(option)) {
        const std::size_t eq = option.find('=');
        if (eq == std::string_view::npos) continue;
        const std::string_view key = option.substr(0, eq), value = option.substr(eq + 1);
        if (key == "CHG") {
          const std::int64_t v = integer(value, "a charge (CHG=)");
          if (v < -15 || v > 15) fail(logical_line, "charge " + std::to_string(v) + " is not in -15..15");
          atom.formal_charge = static_cast<int>(v);
        } else if (key == "MASS") {
          const std::int64_t v = integer(value, "a mass (MASS=)");
          if (v < 0 || v > 999) fail(logical_line, "mass " + std::to_string(v) + " is not in 0..999");
          atom.isotope = static_cast<int>(v);
        } else if (key == "RAD") {
          const std::int64_t v = integer(value, "a radical (RAD=)");
          if (v < 0 || v > 3) fail(logical_line, "radical " + std::to_string(v) + " is not in 0..3");
          atom.radical = static_cast<int>(v);
        } else if (key == "VAL") {
          // -1 zero, 0 none, 1..14 the total valence.
          const std::int64_t v = integer(value, "a valence (VAL=)");
          if (v < -1 || v > 14) fail(logical_line, "valence " + std::to_string(v) + " is not in -1..14");
          valence = v == 0 ? -1 : v == -1 ? 0 : static_cast<int>(v);
        }
      }
      stated_valence.push_back(valence);
      m.atoms.push_back(std::move(atom));
    }
    expect("END ATOM", "the V3000 connection table");
  }
  if (nb > 0) {
    expect("BEGIN BOND", "the V3000 connection table");
    for (std::int64_t i = 0; i < nb; ++i) {
      // idx type a1 a2 [CFG=n] ...
      const std::string_view line = next_v30("the bond block");
      V3000Tokens tokens(line);
      std::array<std::string_view, 4> fields;
      for (std::size_t f = 0; f < fields.size(); ++f)
        if (!tokens.next(fields[f]))
          fail(logical_line, "bond line has " + std::to_string(f) + " fields, expected at least 4 " +
                                 "(index type atom1 atom2)");
      integer(fields[0], "a bond index");
      const std::int64_t type = integer(fields[1], "a bond type");
      auto position = [&](std::string_view token) -> std::int64_t {
        const std::int64_t index = integer(token, "an atom index");
        const auto it = v3000_index.find(index);
        if (it == v3000_index.end())
          fail(logical_line, "bond " + std::string(fields[0]) + " refers to atom " + std::to_string(index) +
                                 ", which is not in the atom block");
        return it->second + 1;
      };
      const std::int64_t a = position(fields[2]), b = position(fields[3]);
      int stereo = 0;
      std::string_view option;
      while (tokens.next(option)) {
        if (!starts_with(option, "CFG=")) continue;
        const std::int64_t cfg = integer(option.substr(4), "a bond configuration (CFG=)");
        // V2000 equivalents: single bonds 1 up, 4 either, 6 down; double bonds 3 either (cis/trans).
        if (type == 1) stereo = cfg == 1 ? 1 : cfg == 2 ? 4 : cfg == 3 ? 6 : 0;
        else if (type == 2) stereo = cfg == 2 ? 3 : 0;
      }
      add_bond(m, a, b, type, stereo, logical_line);
    }
    expect("END BOND", "the V3000 connection table");
  }
  // Other blocks (SGROUP, COLLECTION, ...) and the end of the connection table.
  int depth = 0;
  for (;;) {
    const std::string_view body = trim(next_v30("the V3000 connection table"));
    if (starts_with(body, "BEGIN ")) {
      ++depth;
    } else if (starts_with(body, "END ")) {
      if (depth == 0) {
        if (body != "END CTAB") fail(logical_line, "expected \"END CTAB\", found " + quote(body));
        break;
      }
      --depth;
    }
  }
  std::string_view line;
  for (;;) {
    if (!next_line(line)) fail(line_number() + 1, "missing \"M  END\" (end of file)");
    if (last_was_terminator || starts_with(line, ">")) fail("missing \"M  END\" before " + quote(line));
    if (starts_with(line, "M  END")) return;
  }
}

// ---- data items ------------------------------------------------------------------------------------

void SdfReader::State::read_data_items(Molecule& m) {
  std::string_view line;
  bool more = next_line(line);
  while (more && !last_was_terminator) {
    if (!starts_with(line, ">")) {  // blank lines and stray text between items
      more = next_line(line);
      continue;
    }
    // "> <NAME>", ">  <NAME>  (1)", "> 25  <NAME>", "> DT12 <NAME>"
    const std::size_t open = line.find('<');
    const std::size_t close = open == std::string_view::npos ? open : line.find('>', open + 1);
    if (close == std::string_view::npos) fail("data item header " + quote(line) + " has no <NAME>");
    std::string name(line.substr(open + 1, close - open - 1));
    std::string value;
    bool first = true;
    for (;;) {
      more = next_line(line);
      if (!more || last_was_terminator || is_blank_line(line)) break;
      if (!first) value += '\n';
      value.append(line);
      first = false;
    }
    m.properties.emplace_back(std::move(name), std::move(value));
    if (more && !last_was_terminator) more = next_line(line);
  }
}

// ---- SdfReader ---------------------------------------------------------------------------------------

SdfReader::SdfReader(const std::filesystem::path& file, const SdfOptions& options)
    : state_(std::make_unique<State>(file, options)) {}
SdfReader::~SdfReader() = default;

bool SdfReader::next(Molecule& molecule) {
  try {
    return state_->read(molecule);
  } catch (const ParseError&) {
    state_->skip_to_next_record();
    throw;
  }
}

std::uint64_t SdfReader::record_number() const { return state_->record; }
const std::filesystem::path& SdfReader::file() const { return state_->file; }

std::vector<Molecule> read_sdf(const std::filesystem::path& file, const SdfOptions& options) {
  SdfReader reader(file, options);
  std::vector<Molecule> molecules;
  Molecule m;
  while (reader.next(m)) molecules.push_back(m);
  return molecules;
}

// ---- writer ----------------------------------------------------------------------------------------

namespace {

/// printf into a stream (the V2000 format is fixed-column).
template <typename... Args>
void print(std::ostream& out, const char* format, Args... args) {
  std::array<char, 256> buffer;
  const int n = std::snprintf(buffer.data(), buffer.size(), format, args...);
  if (n > 0 && static_cast<std::size_t>(n) < buffer.size()) {
    out.write(buffer.data(), n);
  } else if (n > 0) {
    std::string big(static_cast<std::size_t>(n) + 1, '\0');
    std::snprintf(big.data(), big.size(), format, args...);
    out.write(big.data(), n);
  }
}

std::string symbol_to_write(const Atom& a) {
  std::string symbol = a.symbol.empty() ? element_symbol(a.atomic_number) : a.symbol;
  return symbol.empty() ? "*" : symbol;
}

/// Everything that cannot be written as V2000, checked before the file is touched.
void check_writable(const Molecule& m) {
  const std::string who = "write_sdf: molecule " + std::to_string(m.record) + " '" + m.name + "'";
  if (m.atoms.size() > 999 || m.bonds.size() > 999)
    throw InvalidArgument(who + " has more than 999 atoms or bonds (the V2000 limit)");
  for (const Atom& a : m.atoms) {
    if (symbol_to_write(a).size() > 3) throw InvalidArgument(who + ": atom symbol '" + a.symbol + "' is longer than 3");
    // %10.4f must stay within its 10 columns, or the line would not read back.
    for (const double v : {a.x, a.y, a.z})
      if (!(v > -9999.99995 && v < 99999.99995))
        throw InvalidArgument(who + ": coordinate " + std::to_string(v) +
                              " does not fit the V2000 atom block (-9999.9999 .. 99999.9999)");
  }
  for (const Bond& b : m.bonds)
    if (b.begin < 0 || b.end < 0 || static_cast<std::size_t>(b.begin) >= m.atoms.size() ||
        static_cast<std::size_t>(b.end) >= m.atoms.size())
      throw InvalidArgument(who + ": bond refers to an atom out of range");
  for (const auto& [key, value] : m.properties) {
    if (key.find_first_of(">\n\r") != std::string::npos)
      throw InvalidArgument(who + ": data item name '" + key + "' contains '>' or a line break");
    // A blank line would end the value early; "$$$$" would end the record.
    std::size_t begin = 0;
    while (!value.empty()) {
      const std::size_t end = value.find('\n', begin);
      const std::string_view piece =
          std::string_view(value).substr(begin, end == std::string::npos ? end : end - begin);
      if (is_blank_line(piece) || is_terminator(piece))
        throw InvalidArgument(who + ": data item '" + key + "' has a blank or \"$$$$\" line in its value");
      if (end == std::string::npos) break;
      begin = end + 1;
    }
  }
}

/// `first`: the record opens the file, where a title starting with the bytes of a byte order mark
/// (a Latin-1 "\xff\xfe..." read from a later record of some file) would make readers take the file for
/// UTF-16 or drop the mark: a leading space, which readers trim from titles, keeps it an ordinary title.
void write_record(std::ostream& out, const Molecule& m, bool first) {
  std::string name = m.name;
  for (char& c : name)
    if (c == '\n' || c == '\r') c = ' ';
  if (first && (name.starts_with("\xff\xfe") || name.starts_with("\xfe\xff") || name.starts_with("\xef\xbb\xbf")))
    name.insert(0, 1, ' ');
  out << name << "\n  gatkit\n\n";
  print(out, "%3zu%3zu  0  0  0  0  0  0  0  0999 V2000\n", m.atoms.size(), m.bonds.size());
  // An atom whose hydrogen count is complete (a SMILES bracket atom) states its total valence in the
  // vvv field (15 = zero), so that readers add no implicit hydrogens to it.
  const std::vector<long> bonded = bond_valences(m);
  for (std::size_t i = 0; i < m.atoms.size(); ++i) {
    const Atom& a = m.atoms[i];
    int vvv = 0;
    if (a.no_implicit_hydrogens) {
      const long total = bonded[i] + a.explicit_hydrogens;
      vvv = total == 0 ? 15 : total <= 14 ? static_cast<int>(total) : 0;
    }
    print(out, "%10.4f%10.4f%10.4f %-3s 0  0  0  0  0%3d  0  0  0  0  0  0\n", a.x, a.y, a.z,
          symbol_to_write(a).c_str(), vvv);
  }
  for (const Bond& b : m.bonds)
    print(out, "%3d%3d%3d%3d\n", b.begin + 1, b.end + 1, static_cast<int>(b.order), b.stereo);
  // Charges, isotopes and radicals as M  CHG / M  ISO / M  RAD (the atom block's fields stay 0), at most
  // 8 entries a line.
  auto property_lines = [&](const char* tag, auto value_of) {
    std::vector<std::pair<std::size_t, int>> entries;
    for (std::size_t i = 0; i < m.atoms.size(); ++i)
      if (const int v = value_of(m.atoms[i]); v != 0) entries.emplace_back(i + 1, v);
    for (std::size_t i = 0; i < entries.size(); i += 8) {
      const std::size_t k = std::min<std::size_t>(8, entries.size() - i);
      print(out, "M  %s%3zu", tag, k);
      for (std::size_t j = i; j < i + k; ++j) print(out, " %3zu %3d", entries[j].first, entries[j].second);
      out << '\n';
    }
  };
  property_lines("CHG", [](const Atom& a) { return a.formal_charge; });
  property_lines("ISO", [](const Atom& a) { return a.isotope; });
  property_lines("RAD", [](const Atom& a) { return a.radical; });
  out << "M  END\n";
  for (const auto& [key, value] : m.properties) {
    out << "> <" << key << ">\n";
    if (!value.empty()) out << value << '\n';
    out << '\n';
  }
  out << "$$$$\n";
}

}  // namespace

void write_sdf(const std::filesystem::path& file, const std::vector<Molecule>& molecules) {
  for (const Molecule& m : molecules) check_writable(m);
  write_file_atomically(file, [&](std::ostream& out) {
    for (std::size_t k = 0; k < molecules.size(); ++k) write_record(out, molecules[k], k == 0);
  });
}

}  // namespace gatkit::chem
