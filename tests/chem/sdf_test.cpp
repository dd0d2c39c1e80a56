// SDF / MOL reader and writer: golden files, broken files (each error names file, record and line),
// recovery after a bad record, a write/read round trip and, when ../shared is present, the real data sets.
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gatkit/chem/perception.hpp"
#include "gatkit/chem/sdf.hpp"
#include "gatkit/chem/smiles.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit::chem {
namespace {

const std::filesystem::path data_dir = std::filesystem::path(GATKIT_TEST_DATA) / "chem";

std::vector<Molecule> read(const std::string& name, const SdfOptions& options = {}) {
  return read_sdf(data_dir / name, options);
}

TEST(Sdf, BenzeneV2000FoldsHydrogens) {
  const auto mols = read("benzene.mol");
  ASSERT_EQ(mols.size(), 1u);
  const Molecule& m = mols[0];
  EXPECT_EQ(m.name, "benzene");
  EXPECT_EQ(m.record, 1u);
  EXPECT_EQ(m.line, 1u);
  ASSERT_EQ(m.atoms.size(), 6u);
  ASSERT_EQ(m.bonds.size(), 6u);
  for (const Atom& a : m.atoms) {
    EXPECT_EQ(a.atomic_number, 6);
    EXPECT_EQ(a.symbol, "C");
    EXPECT_EQ(a.explicit_hydrogens, 1);
  }
  EXPECT_DOUBLE_EQ(m.atoms[0].x, 1.397);
  EXPECT_DOUBLE_EQ(m.atoms[1].y, 1.2098);
  EXPECT_EQ(m.bonds[0].order, BondOrder::double_bond);
  EXPECT_EQ(m.bonds[1].order, BondOrder::single);
  EXPECT_EQ(m.bonds[5].begin, 5);
  EXPECT_EQ(m.bonds[5].end, 0);
  EXPECT_TRUE(m.properties.empty());
}

TEST(Sdf, BenzeneWithoutFolding) {
  SdfOptions options;
  options.fold_hydrogens = false;
  const auto mols = read("benzene.mol", options);
  ASSERT_EQ(mols.size(), 1u);
  EXPECT_EQ(mols[0].atoms.size(), 12u);
  EXPECT_EQ(mols[0].bonds.size(), 12u);
  EXPECT_EQ(mols[0].atoms[6].atomic_number, 1);
  EXPECT_EQ(mols[0].atoms[0].explicit_hydrogens, 0);
}

TEST(Sdf, ChargesFromAtomBlockAndMChg) {
  const auto mols = read("charged.sdf");
  ASSERT_EQ(mols.size(), 3u);
  // M  CHG agrees with the atom block here.
  EXPECT_EQ(mols[0].atoms[1].formal_charge, 1);
  EXPECT_EQ(mols[0].atoms[3].formal_charge, -1);
  EXPECT_EQ(mols[0].atoms[2].formal_charge, 0);
  ASSERT_NE(mols[0].property("smiles"), nullptr);
  EXPECT_EQ(*mols[0].property("smiles"), "C[N+](=O)[O-]");
  EXPECT_EQ(mols[0].record, 1u);
  EXPECT_EQ(mols[1].record, 2u);
  EXPECT_EQ(mols[1].line, 18u);
  // Atom block only: ccc = 3 is +1.
  EXPECT_EQ(mols[1].atoms[0].formal_charge, 1);
  // An M  CHG line resets every atom-block charge, M  RAD sets a radical.
  EXPECT_EQ(mols[2].atoms[0].symbol, "Ca");
  EXPECT_EQ(mols[2].atoms[0].atomic_number, 20);
  EXPECT_EQ(mols[2].atoms[0].formal_charge, 0);
  EXPECT_EQ(mols[2].atoms[1].formal_charge, -1);
  EXPECT_EQ(mols[2].atoms[1].radical, 2);
}

TEST(Sdf, IsotopesFromMIsoAndMassDifference) {
  const auto mols = read("isotopes.sdf");
  ASSERT_EQ(mols.size(), 2u);
  // D2O: isotopic hydrogens are kept as atoms; M  ISO supersedes the C's mass difference.
  const Molecule& d2o = mols[0];
  ASSERT_EQ(d2o.atoms.size(), 4u);
  EXPECT_EQ(d2o.atoms[0].explicit_hydrogens, 0);
  EXPECT_EQ(d2o.atoms[1].isotope, 2);
  EXPECT_EQ(d2o.atoms[2].isotope, 2);
  EXPECT_EQ(d2o.atoms[3].isotope, 13);
  EXPECT_EQ(d2o.bonds.size(), 2u);
  // Mass difference only.
  EXPECT_EQ(mols[1].atoms[0].isotope, 13);
  EXPECT_EQ(mols[1].atoms[1].isotope, 37);
}

TEST(Sdf, V3000WithContinuationAndSgroups) {
  const auto mols = read("nitromethane.v3000.sdf");
  ASSERT_EQ(mols.size(), 1u);
  const Molecule& m = mols[0];
  ASSERT_EQ(m.atoms.size(), 4u);  // the H is folded into the carbon
  ASSERT_EQ(m.bonds.size(), 3u);
  EXPECT_EQ(m.atoms[0].explicit_hydrogens, 1);
  EXPECT_EQ(m.atoms[1].formal_charge, 1);
  EXPECT_EQ(m.atoms[3].formal_charge, -1);
  EXPECT_EQ(m.atoms[3].isotope, 18);  // MASS= on a continuation line
  EXPECT_DOUBLE_EQ(m.atoms[3].y, -1.1);
  EXPECT_EQ(m.bonds[1].order, BondOrder::double_bond);
  ASSERT_NE(m.property("smiles"), nullptr);
  EXPECT_EQ(*m.property("smiles"), "C[N+](=O)[18O-]");
}

TEST(Sdf, DataItemsInAllForms) {
  const auto mols = read("data_items.sdf");
  ASSERT_EQ(mols.size(), 1u);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"plain", "1.5"}, {"old style", "two"},           {"numbered", "x"}, {"dt", "y"},
      {"multi", "line one\nline two"}, {"empty", ""}, {"last", "z"}};
  EXPECT_EQ(mols[0].properties, expected);
  EXPECT_EQ(mols[0].property("absent"), nullptr);
}

TEST(Sdf, CrlfAndNoFinalNewline) {
  const auto mols = read("crlf_no_final_newline.sdf");
  ASSERT_EQ(mols.size(), 1u);
  EXPECT_EQ(mols[0].name, "methane");
  ASSERT_EQ(mols[0].atoms.size(), 1u);
  EXPECT_EQ(mols[0].atoms[0].explicit_hydrogens, 4);
  EXPECT_TRUE(mols[0].bonds.empty());
  EXPECT_EQ(*mols[0].property("name"), "methane");
}

// ---- broken files -----------------------------------------------------------------------------------

struct Broken {
  const char* file;
  std::uint64_t line;
  const char* reason;  ///< a piece of the message
  bool good_record_follows;
  std::uint64_t good_line = 10;  ///< where the good record after the bad one starts
};

class SdfBroken : public ::testing::TestWithParam<Broken> {};

TEST_P(SdfBroken, ErrorNamesFileRecordLineThenReaderContinues) {
  const Broken& b = GetParam();
  SdfReader reader(data_dir / b.file);
  Molecule m;
  try {
    reader.next(m);
    FAIL() << "no error for " << b.file;
  } catch (const ParseError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(b.file), std::string::npos) << what;
    EXPECT_NE(what.find("record 1:"), std::string::npos) << what;
    EXPECT_NE(what.find(b.reason), std::string::npos) << what;
    EXPECT_EQ(e.line(), b.line) << what;
  }
  EXPECT_EQ(reader.record_number(), 1u);
  if (b.good_record_follows) {
    ASSERT_TRUE(reader.next(m));
    EXPECT_EQ(m.name, "good");
    EXPECT_EQ(m.record, 2u);
    EXPECT_EQ(m.line, b.good_line);
    EXPECT_EQ(m.atoms.size(), 2u);
  }
  EXPECT_FALSE(reader.next(m));
}

INSTANTIATE_TEST_SUITE_P(
    Files, SdfBroken,
    ::testing::Values(Broken{"broken_truncated_atoms.sdf", 7, "end of file in the atom block", false},
                      Broken{"broken_counts_999.sdf", 7, "atom 3 of 999", true},
                      Broken{"broken_counts_text.sdf", 4, "bad counts line", true},
                      Broken{"broken_bond_atom0.sdf", 7, "atoms are numbered 1..2", true},
                      Broken{"broken_bond_atom_high.sdf", 7, "atoms are numbered 1..2", true},
                      Broken{"broken_self_bond.sdf", 7, "itself", true},
                      Broken{"broken_query_bond.sdf", 7, "unsupported bond type 8", true},
                      Broken{"broken_bond_type_9.sdf", 7, "unknown bond type 9", true},
                      Broken{"broken_coordinate.sdf", 5, "x coordinate", true},
                      Broken{"broken_charge_9.sdf", 6, "bad charge field 9", true},
                      Broken{"broken_no_symbol.sdf", 6, "no element symbol", true},
                      Broken{"broken_missing_m_end.sdf", 8, "missing \"M  END\"", true, 12},
                      Broken{"broken_chg_atom_range.sdf", 8, "atom 3 out of range", true, 11}),
    [](const auto& info) {
      std::string name = info.param.file;
      name = name.substr(0, name.find('.'));
      return name;
    });

TEST(Sdf, CountsAboveMaxAtomsIsRefused) {
  SdfOptions options;
  options.limits.max_atoms = 100;
  SdfReader reader(data_dir / "broken_counts_999.sdf", options);
  Molecule m;
  try {
    reader.next(m);
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_EQ(e.line(), 4u);
    EXPECT_NE(std::string(e.what()).find("claims 999 atoms"), std::string::npos) << e.what();
  }
  ASSERT_TRUE(reader.next(m));
  EXPECT_EQ(m.name, "good");
}

TEST(Sdf, MissingFileIsParseError) { EXPECT_THROW(read("no_such_file.sdf"), ParseError); }

// ---- writer -----------------------------------------------------------------------------------------

void expect_same(const Molecule& a, const Molecule& b) {
  EXPECT_EQ(a.name, b.name);
  ASSERT_EQ(a.atoms.size(), b.atoms.size()) << a.name;
  ASSERT_EQ(a.bonds.size(), b.bonds.size()) << a.name;
  for (std::size_t i = 0; i < a.atoms.size(); ++i) {
    const Atom &x = a.atoms[i], &y = b.atoms[i];
    EXPECT_EQ(x.atomic_number, y.atomic_number);
    EXPECT_EQ(x.symbol, y.symbol);
    EXPECT_EQ(x.formal_charge, y.formal_charge) << a.name << " atom " << i;
    EXPECT_EQ(x.isotope, y.isotope) << a.name << " atom " << i;
    EXPECT_EQ(x.radical, y.radical) << a.name << " atom " << i;
    EXPECT_EQ(x.aromatic, y.aromatic);
    EXPECT_NEAR(x.x, y.x, 1e-4);
    EXPECT_NEAR(x.y, y.y, 1e-4);
    EXPECT_NEAR(x.z, y.z, 1e-4);
  }
  for (std::size_t i = 0; i < a.bonds.size(); ++i) {
    EXPECT_EQ(a.bonds[i].begin, b.bonds[i].begin);
    EXPECT_EQ(a.bonds[i].end, b.bonds[i].end);
    EXPECT_EQ(a.bonds[i].order, b.bonds[i].order);
    EXPECT_EQ(a.bonds[i].stereo, b.bonds[i].stereo) << a.name << " bond " << i;
    EXPECT_EQ(a.bonds[i].aromatic, b.bonds[i].aromatic);
  }
  EXPECT_EQ(a.properties, b.properties);
}

TEST(Sdf, WriteThenReadGivesTheSameMolecules) {
  std::vector<Molecule> mols;
  for (const char* f : {"charged.sdf", "isotopes.sdf", "nitromethane.v3000.sdf", "data_items.sdf"})
    for (Molecule& m : read(f)) mols.push_back(std::move(m));
  // Folded hydrogens are not written as atoms (see write_sdf); the rest must survive.
  for (Molecule& m : mols)
    for (Atom& a : m.atoms) a.explicit_hydrogens = 0;
  const auto out = std::filesystem::path(testing::TempDir()) / "gatkit_sdf_round_trip.sdf";
  write_sdf(out, mols);
  EXPECT_FALSE(std::filesystem::exists(out.string() + ".tmp"));
  const auto back = read_sdf(out);
  ASSERT_EQ(back.size(), mols.size());
  for (std::size_t i = 0; i < mols.size(); ++i) expect_same(mols[i], back[i]);
  std::filesystem::remove(out);
}

TEST(Sdf, WriterRefusesBlankLineInValue) {
  Molecule m;
  m.name = "x";
  m.atoms.resize(1);
  m.atoms[0].atomic_number = 6;
  m.properties = {{"note", "a\n\nb"}};
  const auto out = std::filesystem::path(testing::TempDir()) / "gatkit_sdf_refused.sdf";
  EXPECT_THROW(write_sdf(out, {m}), InvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(out));
}

// Found by fuzzing (fuzz/regressions/sdf): a coordinate wider than %10.4f's 10 columns (read from a V3000
// record) was written anyway and shifted the rest of the atom line, so write_sdf produced a file
// read_sdf refuses. The writer now refuses such a molecule before touching the file.
TEST(Sdf, WriterRefusesCoordinatesWiderThanTheAtomBlock) {
  Molecule m;
  m.name = "far";
  m.atoms.resize(1);
  m.atoms[0].atomic_number = 6;
  m.atoms[0].symbol = "C";
  const auto out = std::filesystem::path(testing::TempDir()) / "gatkit_sdf_far.sdf";
  for (const double v : {-10000.0, 100000.0, 1e300}) {
    m.atoms[0].y = v;
    EXPECT_THROW(write_sdf(out, {m}), InvalidArgument) << v;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
  m.atoms[0].y = -9999.9999;
  m.atoms[0].x = 99999.9999;
  write_sdf(out, {m});
  const std::vector<Molecule> back = read_sdf(out);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_DOUBLE_EQ(back[0].atoms[0].x, 99999.9999);
  EXPECT_DOUBLE_EQ(back[0].atoms[0].y, -9999.9999);
  std::filesystem::remove(out);
}

// RDKit's clean-up always; its valence check only with SdfOptions::check_valences (MUTAG-like files).
TEST(Sdf, CleanUpAlwaysValenceCheckWhenAsked) {
  const auto file = std::filesystem::path(::testing::TempDir()) / "gatkit_sdf_valence_check.sdf";
  auto atom = [](const char* symbol) {
    return std::string("    0.0000    0.0000    0.0000 ") + symbol + (std::strlen(symbol) == 1 ? "  " : " ") +
           " 0  0  0  0  0  0  0  0  0  0  0  0\n";
  };
  {
    std::ofstream out(file, std::ios::binary);
    // 1: nitro as MUTAG writes it (N with valence 4, no charges); 2: N(=O)=O, which the clean-up
    // charges; 3: a lone H+ (no implicit H, as RDKit); 4: He with a radical (RDKit: over its valence 0).
    out << "mutag\n  t\n\n  4  3  0  0  0  0  0  0  0  0999 V2000\n" << atom("C") << atom("N") << atom("O") << atom("O")
        << "  1  2  1  0\n  2  3  2  0\n  2  4  1  0\nM  END\n$$$$\n"
        << "nitro\n  t\n\n  4  3  0  0  0  0  0  0  0  0999 V2000\n" << atom("C") << atom("N") << atom("O") << atom("O")
        << "  1  2  1  0\n  2  3  2  0\n  2  4  2  0\nM  END\n$$$$\n"
        << "proton\n  t\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n" << atom("H") << "M  CHG  1   1   1\nM  END\n$$$$\n"
        << "helium\n  t\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n" << atom("He") << "M  RAD  1   1   2\nM  END\n$$$$\n";
  }
  {
    SdfReader reader(file);  // default: read as written, clean-up applied
    Molecule m;
    ASSERT_TRUE(reader.next(m));
    EXPECT_EQ(m.atoms[1].formal_charge, 0);
    ASSERT_TRUE(find_valence_problem(m).has_value());
    EXPECT_EQ(find_valence_problem(m)->atom, 1);
    EXPECT_EQ(find_valence_problem(m)->reason, "valence 4 is more than the 3 that N allows");
    ASSERT_TRUE(reader.next(m));
    EXPECT_EQ(m.atoms[1].formal_charge, 1);
    EXPECT_EQ(m.atoms[2].formal_charge + m.atoms[3].formal_charge, -1);
    EXPECT_FALSE(find_valence_problem(m).has_value());
    ASSERT_TRUE(reader.next(m));
    EXPECT_EQ(perceive(m).total_hydrogens, std::vector<int>{0});
    ASSERT_TRUE(reader.next(m));
    EXPECT_FALSE(reader.next(m));
  }
  SdfOptions strict;
  strict.check_valences = true;
  SdfReader reader(file, strict);
  Molecule m;
  try {
    reader.next(m);
    FAIL() << "a neutral four-bonded N was accepted";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find(":1: record 1: atom 2 (N): valence 4 is more than the 3 that N allows"),
              std::string::npos)
        << e.what();
  }
  ASSERT_TRUE(reader.next(m));
  ASSERT_TRUE(reader.next(m));
  try {
    reader.next(m);
    FAIL() << "He with a radical was accepted";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("record 4: atom 1 (He): valence 1 is more than the 0 that He with a radical allows"),
              std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(reader.next(m));
}

// A stated valence (V2000 vvv, V3000 VAL=) is the atom's bonds plus its hydrogens, no more: RDKit writes
// [TlH2+] or a chlorine atom [Cl] this way, and reads the H count back from it.
TEST(Sdf, StatedValenceFixesTheHydrogenCount) {
  const auto file = std::filesystem::path(::testing::TempDir()) / "gatkit_sdf_valence.sdf";
  {
    std::ofstream out(file, std::ios::binary);
    out << "tl\n  RDKit\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n"
           "    0.0000    0.0000    0.0000 Tl  0  0  0  0  0  2  0  0  0  0  0  0\nM  CHG  1   1   1\nM  END\n$$$$\n"
           "cl\n  RDKit\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n"
           "    0.0000    0.0000    0.0000 Cl  0  0  0  0  0 15  0  0  0  0  0  0\nM  END\n$$$$\n"
           "ethyl\n  RDKit\n\n  0  0  0     0  0            999 V3000\nM  V30 BEGIN CTAB\nM  V30 COUNTS 2 1 0 0 0\n"
           "M  V30 BEGIN ATOM\nM  V30 1 C 0 0 0 0 VAL=3\nM  V30 2 C 0 0 0 0\nM  V30 END ATOM\n"
           "M  V30 BEGIN BOND\nM  V30 1 1 1 2\nM  V30 END BOND\nM  V30 END CTAB\nM  END\n$$$$\n"
           "bad\n  RDKit\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n"
           "    0.0000    0.0000    0.0000 C   0  0  0  0  0 16  0  0  0  0  0  0\nM  END\n$$$$\n"
           "bad3000\n  RDKit\n\n  0  0  0     0  0            999 V3000\nM  V30 BEGIN CTAB\nM  V30 COUNTS 1 0 0 0 0\n"
           "M  V30 BEGIN ATOM\nM  V30 1 C 0 0 0 0 VAL=20\nM  V30 END ATOM\nM  V30 END CTAB\nM  END\n$$$$\n";
  }
  SdfReader reader(file);
  Molecule m;
  ASSERT_TRUE(reader.next(m));
  EXPECT_TRUE(m.atoms[0].no_implicit_hydrogens);
  EXPECT_EQ(perceive(m).total_hydrogens, std::vector<int>{2});
  ASSERT_TRUE(reader.next(m));
  EXPECT_EQ(perceive(m).total_hydrogens, std::vector<int>{0});
  EXPECT_EQ(perceive(m).radical_electrons, std::vector<int>{1});  // RDKit: a chlorine atom
  ASSERT_TRUE(reader.next(m));
  EXPECT_EQ(perceive(m).total_hydrogens, (std::vector<int>{2, 3}));
  EXPECT_EQ(perceive(m).radical_electrons, (std::vector<int>{1, 0}));
  try {
    reader.next(m);
    FAIL() << "a valence field of 16 was accepted";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("record 4: atom 1 of 1: bad valence field 16 (expected 0..15)"), std::string::npos)
        << e.what();
  }
  try {
    reader.next(m);
    FAIL() << "VAL=20 was accepted";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("record 5: valence 20 is not in -1..14"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(reader.next(m));
  std::filesystem::remove(file);
}

// The writer states the valence of atoms whose H count is complete, so SMILES bracket atoms keep it.
TEST(Sdf, BracketHydrogenCountsSurviveTheWriter) {
  const std::vector<Molecule> mols = {parse_smiles("[CH2]C"), parse_smiles("[Cl].CCN"), parse_smiles("O[AlH3](O)O"),
                                      parse_smiles("[NH4+]"), parse_smiles("c1ccccc1")};
  const auto out = std::filesystem::path(testing::TempDir()) / "gatkit_sdf_brackets.sdf";
  write_sdf(out, mols);
  const std::vector<Molecule> back = read_sdf(out);
  std::filesystem::remove(out);
  ASSERT_EQ(back.size(), mols.size());
  for (std::size_t i = 0; i < mols.size(); ++i) {
    SCOPED_TRACE(i);
    const Perception p = perceive(mols[i]), q = perceive(back[i]);
    EXPECT_EQ(q.total_hydrogens, p.total_hydrogens);
    EXPECT_EQ(q.radical_electrons, p.radical_electrons);
    EXPECT_EQ(q.atom_aromatic, p.atom_aromatic);
    for (std::size_t a = 0; a < mols[i].atoms.size(); ++a)
      EXPECT_EQ(back[i].atoms[a].no_implicit_hydrogens, mols[i].atoms[a].no_implicit_hydrogens) << "atom " << a;
  }
  EXPECT_EQ(perceive(back[0]).total_hydrogens, (std::vector<int>{2, 3}));
  EXPECT_EQ(perceive(back[2]).total_hydrogens, (std::vector<int>{1, 3, 1, 1}));
}

// ---- real data sets (../shared) -----------------------------------------------------------------------

TEST(SdfRealData, AllFilesReadAndEsolV2000EqualsV3000) {
  const std::filesystem::path root = std::filesystem::path(GATKIT_SHARED_DATASETS) / "molecules";
  if (!std::filesystem::is_directory(root)) GTEST_SKIP() << root << " is absent";
  const std::vector<std::pair<std::string, std::uint64_t>> files = {
      {"moleculenet/bbbp/bbbp.sdf", 2039},       {"moleculenet/esol/esol.sdf", 1128},
      {"moleculenet/esol/esol.v3000.sdf", 1128}, {"moleculenet/bace/bace.sdf", 1513},
      {"moleculenet/freesolv/freesolv.sdf", 642}, {"moleculenet/lipophilicity/lipophilicity.sdf", 4200},
      {"moleculenet/tox21/tox21.sdf", 7831},     {"mutag/mutag.sdf", 188}};
  for (const auto& [name, expected] : files) {
    if (!std::filesystem::exists(root / name)) continue;
    SdfReader reader(root / name);
    Molecule m;
    std::uint64_t count = 0, atoms = 0;
    while (reader.next(m)) {
      ++count;
      atoms += m.atoms.size();
      ASSERT_FALSE(m.atoms.empty() && m.bonds.size() > 0) << name;
    }
    EXPECT_EQ(count, expected) << name;
    EXPECT_GT(atoms, count) << name;
  }
  const auto v2000 = read_sdf(root / "moleculenet/esol/esol.sdf");
  const auto v3000 = read_sdf(root / "moleculenet/esol/esol.v3000.sdf");
  ASSERT_EQ(v2000.size(), v3000.size());
  for (std::size_t i = 0; i < v2000.size(); ++i) {
    expect_same(v2000[i], v3000[i]);
    for (std::size_t j = 0; j < v2000[i].atoms.size(); ++j)
      EXPECT_EQ(v2000[i].atoms[j].explicit_hydrogens, v3000[i].atoms[j].explicit_hydrogens);
    if (::testing::Test::HasFailure()) break;
  }
  // MUTAG: aromatic bonds (type 4) mark their atoms aromatic.
  const auto mutag = read_sdf(root / "mutag/mutag.sdf");
  ASSERT_FALSE(mutag.empty());
  EXPECT_EQ(mutag[0].bonds[0].order, BondOrder::aromatic);
  EXPECT_TRUE(mutag[0].bonds[0].aromatic);
  EXPECT_TRUE(mutag[0].atoms[0].aromatic);
  EXPECT_EQ(*mutag[0].property("label"), "1");
}

}  // namespace
}  // namespace gatkit::chem

namespace gatkit::chem {
namespace {

// Found by fuzzing (fuzz/regressions/sdf): an unreadable first line (a NUL byte) used to throw before the
// record was counted and without skipping to its "$$$$", so the rest of the bad record was read as the
// next record and every later record number shifted by one: predictions would land on the wrong
// molecules.
TEST(SdfUnreadableLines, ABadFirstLineStillCountsAsItsRecord) {
  const auto file = std::filesystem::path(::testing::TempDir()) / "gatkit_sdf_nul_first_line.sdf";
  const std::string second = "second\n  gatkit\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n"
                             "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\nM  END\n$$$$\n";
  {
    std::ofstream out(file, std::ios::binary);
    out << std::string("fi") + '\0' + "rst\n  gatkit\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n"
        << "    0.0000    0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\nM  END\n$$$$\n" << second;
  }
  SdfReader reader(file);
  Molecule m;
  try {
    reader.next(m);
    FAIL() << "a NUL byte was accepted";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.line(), 1u);
    EXPECT_NE(std::string(e.what()).find("record 1: unexpected NUL byte in column 3"), std::string::npos) << e.what();
  }
  EXPECT_EQ(reader.record_number(), 1u);
  ASSERT_TRUE(reader.next(m));
  EXPECT_EQ(m.name, "second");
  EXPECT_EQ(m.record, 2u);
  EXPECT_FALSE(reader.next(m));
  std::filesystem::remove(file);
}

TEST(SdfUnreadableLines, AnOverlongLineIsOneErrorAndReadingGoesOn) {
  const auto file = std::filesystem::path(::testing::TempDir()) / "gatkit_sdf_long_line.sdf";
  {
    std::ofstream out(file, std::ios::binary);
    out << "first\n  gatkit\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n"
        << "    0.0000    0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\nM  END\n> <note>\n"
        << std::string(5000, 'x') << "\n" << std::string(5000, 'y') << "\n\n$$$$\n"
        << "second\n  gatkit\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n"
        << "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\nM  END\n$$$$\n";
  }
  SdfOptions options;
  options.limits.max_line_length = 100;
  SdfReader reader(file, options);
  Molecule m;
  int errors = 0;
  std::vector<std::uint64_t> good;
  for (int guard = 0; guard < 10; ++guard) {
    try {
      if (!reader.next(m)) break;
      good.push_back(m.record);
    } catch (const ParseError& e) {
      ++errors;
      EXPECT_EQ(e.line(), 8u);
      EXPECT_NE(std::string(e.what()).find("record 1: the line exceeds the limit of 100 bytes per line"), std::string::npos)
          << e.what();
    }
  }
  EXPECT_EQ(errors, 1);
  EXPECT_EQ(good, (std::vector<std::uint64_t>{2}));
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace gatkit::chem
