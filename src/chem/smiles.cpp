#include "gatkit/chem/smiles.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "gatkit/chem/perception.hpp"
#include "gatkit/io/csv.hpp"
#include "../io/line_reader.hpp"

namespace gatkit::chem {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

/// One SMILES string into a molecule: a single left-to-right pass (OpenSMILES grammar), bonds checked
/// as they are made, the aromaticity of unwritten bonds settled at the end.
class Parser {
 public:
  Parser(std::string_view text, const SmilesOptions& options) : s_(text), options_(options) {}

  Molecule parse() {
    if (s_.empty()) fail(0, "empty SMILES");
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '(') {
        if (prev_ < 0) fail(pos_, "a branch '(' before any atom");
        if (bond_) fail(pos_, "a bond before '(' (write it inside the branch)");
        branches_.push_back({prev_, pos_});
        ++pos_;
        if (pos_ < s_.size() && s_[pos_] == ')') fail(pos_, "an empty branch '()'");
      } else if (c == ')') {
        if (branches_.empty()) fail(pos_, "')' without an open branch");
        if (bond_) fail(bond_at_, "a bond with no atom after it");
        if (expect_atom_) fail(pos_, "'.' with no atom after it");
        prev_ = branches_.back().first;
        branches_.pop_back();
        ++pos_;
      } else if (c == '.') {
        if (bond_) fail(bond_at_, "a bond with no atom after it");
        if (prev_ < 0) fail(pos_, "'.' before any atom");
        prev_ = -1;
        expect_atom_ = true;
        dot_at_ = pos_++;
      } else if (c == '-' || c == '=' || c == '#' || c == '$' || c == ':' || c == '/' || c == '\\') {
        if (bond_) fail(pos_, "two bonds in a row");
        if (prev_ < 0) fail(pos_, "a bond before any atom");
        if (c == '$') fail(pos_, "quadruple bonds ('$') are not supported");
        bond_ = c;
        bond_at_ = pos_++;
      } else if (is_digit(c) || c == '%') {
        ring_bond();
      } else if (c == '[') {
        bracket_atom();
      } else {
        organic_atom();
      }
    }
    if (bond_) fail(bond_at_, "a bond with no atom after it");
    if (expect_atom_) fail(dot_at_, "'.' with no atom after it");
    if (!branches_.empty()) fail(branches_.back().second, "a branch '(' that is never closed");
    if (!rings_.empty()) {
      const auto& [number, open] = *rings_.begin();
      fail(open.at, "ring bond " + std::to_string(number) + " is never closed");
    }
    settle_unwritten_aromatic_bonds();
    // RDKit's order: clean-up, the valence check (on the aromatic bonds as written, atoms numbered as
    // written), then hydrogens and Kekulé bonds.
    clean_up(m_);
    if (auto problem = find_valence_problem(m_))
      throw SmilesError(0, valence_message(m_, *problem));
    if (options_.fold_hydrogens) fold_hydrogens(m_);
    try {
      kekulize(m_);
    } catch (const InvalidArgument& e) {
      throw SmilesError(0, e.what());
    }
    return std::move(m_);
  }

 private:
  struct OpenRing {
    int atom;
    char bond;
    std::size_t at;
  };

  [[noreturn]] void fail(std::size_t at, const std::string& why) const { throw SmilesError(at + 1, why); }

  /// A character as text for messages: 'x', or its code when it is not printable.
  std::string shown(char c) const {
    if (std::isprint(static_cast<unsigned char>(c))) return std::string("'") + c + "'";
    return "byte " + std::to_string(static_cast<unsigned char>(c));
  }

  void add_atom(Atom atom, std::size_t at) {
    if (static_cast<std::int64_t>(m_.atoms.size()) >= options_.limits.max_atoms)
      fail(at, "more than " + std::to_string(options_.limits.max_atoms) + " atoms (the limit)");
    const int index = static_cast<int>(m_.atoms.size());
    m_.atoms.push_back(std::move(atom));
    neighbours_.emplace_back();
    if (prev_ >= 0) add_bond(prev_, index, bond_, bond_ ? bond_at_ : at);
    bond_ = 0;
    expect_atom_ = false;
    prev_ = index;
  }

  void add_bond(int a, int b, char symbol, std::size_t at) {
    if (a == b) fail(at, "a ring bond from an atom to itself");
    if (std::find(neighbours_[a].begin(), neighbours_[a].end(), b) != neighbours_[a].end())
      fail(at, "a second bond between atoms " + std::to_string(a + 1) + " and " + std::to_string(b + 1));
    if (static_cast<std::int64_t>(m_.bonds.size()) >= options_.limits.max_atoms)
      fail(at, "more than " + std::to_string(options_.limits.max_atoms) + " bonds (the limit)");
    Bond bond;
    bond.begin = a;
    bond.end = b;
    switch (symbol) {
      case '=': bond.order = BondOrder::double_bond; break;
      case '#': bond.order = BondOrder::triple; break;
      case ':': bond.order = BondOrder::aromatic; break;
      case 0:
        if (m_.atoms[a].aromatic && m_.atoms[b].aromatic) {
          bond.order = BondOrder::aromatic;
          unwritten_aromatic_.push_back(static_cast<int>(m_.bonds.size()));
        }
        break;
      default: break;  // - / \ : single
    }
    bond.aromatic = bond.order == BondOrder::aromatic;
    m_.bonds.push_back(bond);
    neighbours_[a].push_back(b);
    neighbours_[b].push_back(a);
  }

  void ring_bond() {
    const std::size_t at = pos_;
    if (prev_ < 0) fail(at, "a ring bond before any atom");
    int number = 0;
    if (s_[pos_] == '%') {
      ++pos_;
      if (pos_ < s_.size() && s_[pos_] == '(') {  // %(n...), RDKit's extension for numbers over 99
        ++pos_;
        const std::size_t start = pos_;
        while (pos_ < s_.size() && is_digit(s_[pos_]) && pos_ - start < 5) number = number * 10 + (s_[pos_++] - '0');
        if (pos_ == start || pos_ >= s_.size() || s_[pos_] != ')')
          fail(at, "expected a ring number of 1 to 5 digits and ')' after '%('");
        ++pos_;
      } else {
        if (pos_ + 1 >= s_.size() || !is_digit(s_[pos_]) || !is_digit(s_[pos_ + 1]))
          fail(at, "expected two digits after '%'");
        number = (s_[pos_] - '0') * 10 + (s_[pos_ + 1] - '0');
        pos_ += 2;
      }
    } else {
      number = s_[pos_++] - '0';
    }
    const auto open = rings_.find(number);
    if (open == rings_.end()) {
      rings_.emplace(number, OpenRing{prev_, bond_, bond_ ? bond_at_ : at});
    } else {
      const OpenRing ring = open->second;
      rings_.erase(open);
      char symbol = bond_;
      if (ring.bond && bond_ && !same_bond(ring.bond, bond_))
        fail(at, "ring bond " + std::to_string(number) + " is written '" + ring.bond + "' where it opens and '" + bond_ +
                     "' where it closes");
      if (!symbol) symbol = ring.bond;
      add_bond(ring.atom, prev_, symbol, at);
    }
    bond_ = 0;
  }

  /// Two bond symbols that mean the same bond (the stereo marks / and \ are single bonds).
  static bool same_bond(char a, char b) {
    auto order = [](char c) { return c == '/' || c == '\\' ? '-' : c; };
    return order(a) == order(b);
  }

  void organic_atom() {
    const std::size_t at = pos_;
    const char c = s_[pos_];
    Atom atom;
    if (c == '*') {
      atom.symbol = "*";
      ++pos_;
    } else if (c == 'C' && pos_ + 1 < s_.size() && s_[pos_ + 1] == 'l') {
      atom.symbol = "Cl";
      pos_ += 2;
    } else if (c == 'B' && pos_ + 1 < s_.size() && s_[pos_ + 1] == 'r') {
      atom.symbol = "Br";
      pos_ += 2;
    } else if (c == 'B' || c == 'C' || c == 'N' || c == 'O' || c == 'P' || c == 'S' || c == 'F' || c == 'I') {
      atom.symbol = std::string(1, c);
      ++pos_;
    } else if (c == 'b' || c == 'c' || c == 'n' || c == 'o' || c == 'p' || c == 's') {
      atom.symbol = std::string(1, static_cast<char>(c - 'a' + 'A'));
      atom.aromatic = true;
      ++pos_;
    } else if (is_upper(c)) {
      fail(at, shown(c) + " is not an atom of the organic subset (B C N O P S F Cl Br I); write other elements in "
                          "brackets, e.g. [" + std::string(1, c) + (pos_ + 1 < s_.size() && is_lower(s_[pos_ + 1]) ? std::string(1, s_[pos_ + 1]) : "") + "]");
    } else {
      fail(at, "unexpected " + shown(c));
    }
    atom.atomic_number = atomic_number(atom.symbol);
    add_atom(std::move(atom), at);
  }

  /// Reads an unsigned number of at most `max_digits` digits at pos_ (0 digits: -1).
  int number(std::size_t max_digits) {
    const std::size_t start = pos_;
    int value = 0;
    while (pos_ < s_.size() && is_digit(s_[pos_])) {
      if (pos_ - start >= max_digits) fail(start, "a number of more than " + std::to_string(max_digits) + " digits");
      value = value * 10 + (s_[pos_++] - '0');
    }
    return pos_ == start ? -1 : value;
  }

  void bracket_atom() {
    const std::size_t at = pos_++;
    auto end_check = [&](const char* what) {
      if (pos_ >= s_.size()) fail(at, std::string("a bracket atom '[' that is never closed (") + what + ")");
    };
    Atom atom;
    atom.no_implicit_hydrogens = true;
    const int isotope = number(4);
    if (isotope > 0) atom.isotope = isotope;
    end_check("expected an element symbol");
    // The symbol: '*', an element (two letters before one), or an aromatic one.
    const char c = s_[pos_];
    if (c == '*') {
      atom.symbol = "*";
      ++pos_;
    } else if (is_upper(c)) {
      if (pos_ + 1 < s_.size() && is_lower(s_[pos_ + 1]) && atomic_number(std::string(s_.substr(pos_, 2))) != 0) {
        atom.symbol = std::string(s_.substr(pos_, 2));
        pos_ += 2;
      } else if (atomic_number(std::string(1, c)) != 0) {
        atom.symbol = std::string(1, c);
        ++pos_;
      } else {
        fail(pos_, "unknown element symbol " + shown(c));
      }
      atom.atomic_number = atomic_number(atom.symbol);
    } else if (is_lower(c)) {
      static const char* const aromatic[] = {"se", "as", "te", "b", "c", "n", "o", "p", "s"};
      for (const char* a : aromatic) {
        const std::string_view name(a);
        if (s_.substr(pos_, name.size()) == name) {
          atom.symbol = std::string(name);
          atom.symbol[0] = static_cast<char>(atom.symbol[0] - 'a' + 'A');
          atom.aromatic = true;
          pos_ += name.size();
          break;
        }
      }
      if (!atom.aromatic) fail(pos_, "unknown aromatic symbol " + shown(c) + " (b c n o p s se as te)");
      atom.atomic_number = atomic_number(atom.symbol);
    } else {
      fail(pos_, "expected an element symbol in brackets, found " + shown(c));
    }
    end_check("expected ']'");
    if (s_[pos_] == '@') {  // chirality: @, @@, @TH1, @AL2, @SP3, @TB12, @OH25 (not kept)
      ++pos_;
      if (pos_ < s_.size() && s_[pos_] == '@') {
        ++pos_;
      } else if (pos_ + 1 < s_.size()) {
        const std::string_view kind = s_.substr(pos_, 2);
        if (kind == "TH" || kind == "AL" || kind == "SP" || kind == "TB" || kind == "OH") {
          pos_ += 2;
          if (number(2) < 0) fail(pos_, "expected a number after @" + std::string(kind));
        }
      }
    }
    end_check("expected ']'");
    if (s_[pos_] == 'H') {
      ++pos_;
      const int count = number(1);
      atom.explicit_hydrogens = count < 0 ? 1 : count;
    }
    end_check("expected ']'");
    if (s_[pos_] == '+' || s_[pos_] == '-') {
      const char sign = s_[pos_++];
      int charge = 1;
      if (pos_ < s_.size() && is_digit(s_[pos_])) {
        charge = number(2);
      } else {
        while (pos_ < s_.size() && s_[pos_] == sign) ++charge, ++pos_;  // ++ and --
      }
      if (charge > 15) fail(at, "a charge of more than 15");
      atom.formal_charge = sign == '+' ? charge : -charge;
    }
    end_check("expected ']'");
    if (s_[pos_] == ':') {  // atom class (not kept)
      ++pos_;
      if (number(9) < 0) fail(pos_, "expected an atom class number after ':'");
    }
    end_check("expected ']'");
    if (s_[pos_] != ']') fail(pos_, "expected ']' to close the bracket atom, found " + shown(s_[pos_]));
    ++pos_;
    add_atom(std::move(atom), at);
  }

  /// Unwritten bonds between aromatic atoms are aromatic only on rings: a bridge of the bond graph (as
  /// between the rings of biphenyl) becomes single. Bridges by one iterative depth-first search.
  void settle_unwritten_aromatic_bonds() {
    if (unwritten_aromatic_.empty()) return;
    const int n = static_cast<int>(m_.atoms.size());
    std::vector<std::vector<std::pair<int, int>>> adjacent(n);  // (neighbour, bond)
    for (int b = 0; b < static_cast<int>(m_.bonds.size()); ++b) {
      adjacent[m_.bonds[b].begin].push_back({m_.bonds[b].end, b});
      adjacent[m_.bonds[b].end].push_back({m_.bonds[b].begin, b});
    }
    std::vector<int> order(n, -1), low(n, 0);
    std::vector<bool> bridge(m_.bonds.size(), false);
    struct Frame {
      int atom, parent_bond;
      std::size_t next;
    };
    std::vector<Frame> stack;
    int counter = 0;
    for (int root = 0; root < n; ++root) {
      if (order[root] >= 0) continue;
      order[root] = low[root] = counter++;
      stack.push_back({root, -1, 0});
      while (!stack.empty()) {
        Frame& f = stack.back();
        if (f.next < adjacent[f.atom].size()) {
          const auto [to, bond] = adjacent[f.atom][f.next++];
          if (bond == f.parent_bond) continue;
          if (order[to] < 0) {
            order[to] = low[to] = counter++;
            stack.push_back({to, bond, 0});
          } else {
            low[f.atom] = std::min(low[f.atom], order[to]);
          }
        } else {
          const Frame done = f;
          stack.pop_back();
          if (!stack.empty()) {
            low[stack.back().atom] = std::min(low[stack.back().atom], low[done.atom]);
            if (low[done.atom] > order[stack.back().atom]) bridge[done.parent_bond] = true;
          }
        }
      }
    }
    for (int b : unwritten_aromatic_)
      if (bridge[b]) {
        m_.bonds[b].order = BondOrder::single;
        m_.bonds[b].aromatic = false;
      }
  }

  std::string_view s_;
  const SmilesOptions& options_;
  std::size_t pos_ = 0;
  Molecule m_;
  std::vector<std::vector<int>> neighbours_;
  int prev_ = -1;
  char bond_ = 0;  // the bond symbol waiting for its second atom, 0 for none
  std::size_t bond_at_ = 0;
  bool expect_atom_ = false;  // after '.'
  std::size_t dot_at_ = 0;
  std::vector<std::pair<int, std::size_t>> branches_;  // (atom the branch starts from, position of '(')
  std::map<int, OpenRing> rings_;
  std::vector<int> unwritten_aromatic_;
};

std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Molecule parse_smiles(std::string_view smiles, const SmilesOptions& options) { return Parser(smiles, options).parse(); }

// ---- CSV tables -------------------------------------------------------------------------------------

struct SmilesCsvReader::State {
  State(const std::filesystem::path& file, const SmilesCsvOptions& opts)
      : options(opts), csv(file, io::CsvOptions{.delimiter = opts.delimiter}) {
    if (!options.smiles_column.empty()) {
      smiles = csv.column(options.smiles_column, "SMILES column");
    } else {
      std::ptrdiff_t found = -1;
      for (std::size_t k = 0; k < csv.header().size(); ++k)
        if (lowercase(csv.header()[k]) == "smiles") {
          if (found >= 0)
            throw ParseError(file, 1, "two columns are named like 'smiles'; name one with --smiles-column");
          found = static_cast<std::ptrdiff_t>(k);
        }
      if (found < 0) {
        std::string columns;
        for (std::size_t k = 0; k < csv.header().size() && k < 20; ++k) columns += (k ? ", " : "") + csv.header()[k];
        throw ParseError(file, 1, "no column named 'smiles' (columns: " + columns +
                                      "); name the SMILES column with --smiles-column");
      }
      smiles = static_cast<std::size_t>(found);
    }
    if (!options.name_column.empty()) name = csv.column(options.name_column, "name column");
  }

  SmilesCsvOptions options;
  io::CsvReader csv;
  std::size_t smiles = 0;
  std::optional<std::size_t> name;
  bool recoverable = true;
};

SmilesCsvReader::SmilesCsvReader(const std::filesystem::path& file, const SmilesCsvOptions& options)
    : state_(std::make_unique<State>(file, options)) {}
SmilesCsvReader::~SmilesCsvReader() = default;

bool SmilesCsvReader::next(Molecule& molecule) {
  State& st = *state_;
  if (!st.recoverable) return false;
  const std::uint64_t before = st.csv.records();
  try {
    if (!st.csv.next()) return false;
  } catch (const ParseError&) {
    // A record with the wrong number of fields has been read whole (and counted): the next call goes on
    // after it. Anything else (an unclosed quote, an over-long record) ends the table.
    if (st.csv.records() == before) st.recoverable = false;
    throw;
  }
  const std::string_view text = st.csv.field(st.smiles);
  const std::string& column = st.csv.header()[st.smiles];
  if (text.empty()) st.csv.fail("record " + std::to_string(st.csv.records()) + ", column '" + column + "': no SMILES");
  try {
    molecule = parse_smiles(text, st.options.smiles);
  } catch (const SmilesError& e) {
    std::string shown(text.substr(0, 80));
    if (text.size() > 80) shown += "...";
    st.csv.fail("record " + std::to_string(st.csv.records()) + ", column '" + column + "' ('" + shown + "'): " + e.what());
  }
  molecule.name = std::string(st.name ? st.csv.field(*st.name) : text);
  molecule.record = st.csv.records();
  molecule.line = st.csv.line_number();
  molecule.properties.clear();
  for (std::size_t k = 0; k < st.csv.header().size(); ++k)
    molecule.properties.emplace_back(st.csv.header()[k], std::string(st.csv.field(k)));
  return true;
}

std::uint64_t SmilesCsvReader::record_number() const { return state_->csv.records(); }
bool SmilesCsvReader::recoverable() const { return state_->recoverable; }
const std::filesystem::path& SmilesCsvReader::file() const { return state_->csv.file(); }

// ---- SMILES files -----------------------------------------------------------------------------------

struct SmiFileReader::State {
  State(const std::filesystem::path& file, const SmilesOptions& opts)
      : options(opts), lines(file, opts.limits.max_line_length) {}
  SmilesOptions options;
  io::detail::LineReader lines;
  std::uint64_t records = 0;
  bool recoverable = true;
};

SmiFileReader::SmiFileReader(const std::filesystem::path& file, const SmilesOptions& options)
    : state_(std::make_unique<State>(file, options)) {}
SmiFileReader::~SmiFileReader() = default;

bool SmiFileReader::next(Molecule& molecule) {
  State& st = *state_;
  if (!st.recoverable) return false;
  std::string_view line;
  do {
    try {
      if (!st.lines.next(line)) return false;
    } catch (const ParseError&) {
      st.recoverable = false;  // an over-long line: where the next one starts is not known
      throw;
    }
    line = io::detail::trim(line);
  } while (line.empty());
  ++st.records;
  const std::size_t cut = line.find_first_of(" \t");
  const std::string_view smiles = line.substr(0, cut);
  const std::string_view name = cut == std::string_view::npos ? std::string_view() : io::detail::trim(line.substr(cut));
  try {
    molecule = parse_smiles(smiles, st.options);
  } catch (const SmilesError& e) {
    std::string shown(smiles.substr(0, 80));
    if (smiles.size() > 80) shown += "...";
    throw ParseError(st.lines.file(), st.lines.line_number(),
                     "record " + std::to_string(st.records) + " ('" + shown + "'): " + e.what());
  }
  molecule.name = std::string(name.empty() ? smiles : name);
  molecule.record = st.records;
  molecule.line = st.lines.line_number();
  molecule.properties.clear();
  molecule.properties.emplace_back("smiles", std::string(smiles));
  if (!name.empty()) molecule.properties.emplace_back("name", std::string(name));
  return true;
}

std::uint64_t SmiFileReader::record_number() const { return state_->records; }
bool SmiFileReader::recoverable() const { return state_->recoverable; }
const std::filesystem::path& SmiFileReader::file() const { return state_->lines.file(); }

}  // namespace gatkit::chem
