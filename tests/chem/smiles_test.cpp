// SMILES strings and CSV tables of them (chem/smiles.hpp): golden molecules with their perceived
// hydrogens, charges and aromaticity, every error path, and, when ../shared is present, agreement atom
// for atom with the SDFs that RDKit wrote from the same MoleculeNet CSVs.
#include "gatkit/chem/smiles.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "gatkit/chem/json_format.hpp"
#include "gatkit/chem/perception.hpp"
#include "gatkit/chem/sdf.hpp"

namespace gatkit::chem {
namespace {

struct Facts {
  int atoms = 0, bonds = 0, hydrogens = 0, aromatic = 0, charge = 0, ring_atoms = 0;
};

Facts facts(const std::string& smiles) {
  const Molecule m = parse_smiles(smiles);
  const Perception p = perceive(m);
  Facts f;
  f.atoms = static_cast<int>(m.atoms.size());
  f.bonds = static_cast<int>(m.bonds.size());
  for (std::size_t a = 0; a < m.atoms.size(); ++a) {
    f.hydrogens += p.total_hydrogens[a];
    f.aromatic += p.atom_aromatic[a];
    f.charge += m.atoms[a].formal_charge;
    f.ring_atoms += p.atom_in_ring[a];
  }
  return f;
}

void expect_facts(const std::string& smiles, Facts want) {
  SCOPED_TRACE(smiles);
  const Facts got = facts(smiles);
  EXPECT_EQ(got.atoms, want.atoms);
  EXPECT_EQ(got.bonds, want.bonds);
  EXPECT_EQ(got.hydrogens, want.hydrogens);
  EXPECT_EQ(got.aromatic, want.aromatic);
  EXPECT_EQ(got.charge, want.charge);
  EXPECT_EQ(got.ring_atoms, want.ring_atoms);
}

TEST(Smiles, GoldenMolecules) {
  // atoms, bonds, total H, aromatic atoms, net charge, ring atoms (RDKit's values)
  expect_facts("CCO", {3, 2, 6, 0, 0, 0});
  expect_facts("c1ccccc1", {6, 6, 6, 6, 0, 6});
  expect_facts("C1=CC=CC=C1", {6, 6, 6, 6, 0, 6});  // Kekulé benzene is perceived aromatic
  expect_facts("n1ccccc1", {6, 6, 5, 6, 0, 6});
  expect_facts("c1cc[nH]c1", {5, 5, 5, 5, 0, 5});
  expect_facts("Cn1cccc1", {6, 6, 7, 5, 0, 5});
  expect_facts("o1cccc1", {5, 5, 4, 5, 0, 5});
  expect_facts("c1ccc2ccccc2c1", {10, 11, 8, 10, 0, 10});
  expect_facts("c1ccccc1-c1ccccc1", {12, 13, 10, 12, 0, 12});
  expect_facts("c1ccccc1c1ccccc1", {12, 13, 10, 12, 0, 12});  // the unwritten bridge is single
  expect_facts("O=c1cccc[nH]1", {7, 7, 5, 6, 0, 6});          // 2-pyridone
  expect_facts("[NH4+].[Cl-]", {2, 0, 4, 0, 0, 0});
  expect_facts("CC(=O)[O-].[Na+]", {5, 3, 3, 0, 0, 0});
  expect_facts("[13CH4]", {1, 0, 4, 0, 0, 0});
  expect_facts("[CH2]", {1, 0, 2, 0, 0, 0});  // a bracket atom's H count is complete
  expect_facts("C[N+](C)(C)C", {5, 4, 12, 0, 1, 0});
  expect_facts("c1ccccc1N(=O)=O", {9, 9, 5, 6, 0, 6});  // nitro, charge-separated: + and -
  expect_facts("CN=[N+]=[N-]", {4, 3, 3, 0, 0, 0});
  expect_facts("CN=N#N", {4, 3, 3, 0, 0, 0});  // azide written neutral: cleaned up like RDKit
  expect_facts("C1CC2CCC1CC2", {8, 9, 14, 0, 0, 8});
  expect_facts("C%10CC%10", {3, 3, 6, 0, 0, 3});
  expect_facts("C%(123)CC%(123)", {3, 3, 6, 0, 0, 3});
  expect_facts("F/C=C/F", {4, 3, 2, 0, 0, 0});
  expect_facts("N[C@@H](C)C(=O)O", {6, 5, 7, 0, 0, 0});
  expect_facts("[C@TH1H](F)(Cl)Br", {4, 3, 1, 0, 0, 0});
  expect_facts("[CH3:1]C", {2, 1, 6, 0, 0, 0});
  expect_facts("[2H]C([2H])([2H])[H]", {4, 3, 4, 0, 0, 0});  // isotopic H stay atoms, [H] folds
  expect_facts("[H][H]", {2, 1, 2, 0, 0, 0});
  expect_facts("C(C)(C)(C)C", {5, 4, 12, 0, 0, 0});
  expect_facts("[se]1cccc1", {5, 5, 4, 5, 0, 5});
  expect_facts("*C", {2, 1, 3, 0, 0, 0});
  expect_facts("[Fe+2]", {1, 0, 0, 0, 2, 0});
  expect_facts("[O--]", {1, 0, 0, 0, -2, 0});
  expect_facts("[Cl+3]([O-])([O-])([O-])[O-]", {5, 4, 0, 0, -1, 0});
  expect_facts("Cl(=O)(=O)(=O)[O-]", {5, 4, 0, 0, -1, 0});  // perchlorate: RDKit's clean-up
}

TEST(Smiles, AromaticityFollowsRdkitsRules) {
  // atoms, bonds, total H, aromatic atoms, net charge, ring atoms (RDKit 2022.09's values). These were
  // the molecules of the MoleculeNet CSVs whose aromatic flags differed from RDKit's.
  // An S(IV) or Se(IV) is over the default valence of its element: its rings are not aromatic.
  expect_facts("CC(=O)Nc1ccc(S2=Nc3ccccc3S2)cc1", {19, 21, 12, 12, 0, 15});
  expect_facts("CC1(C)CC2=NO[Se]3=C2C(=NO3)C1", {13, 15, 10, 0, 0, 11});
  // The exocyclic =Se takes the carbon's electron (Se has more outer electrons than C, RDKit's test).
  expect_facts("[Se]=c1[nH]c2ccccc2o1", {10, 11, 5, 9, 0, 9});
  // Rings sharing two bonds (bridged over the benzene) are not a fused system.
  expect_facts("COC(=O)c1ccc2cc1N=C1C(C#N)=CNC(=S)N12", {20, 22, 8, 6, 0, 13});
  // A porphyrin: fused systems of rings of up to 24 atoms sharing one bond.
  expect_facts("CCC1=C(C)c2cc3[nH]c(cc4nc(cc5[nH]c(cc1n2)c(C)c5CCC(=O)OC)C(CCC(=O)OC)=C4C)c(C)c3CC",
               {44, 48, 42, 20, 0, 24});
  // A heteroatom with a radical is no candidate; nor is Si with two radical electrons.
  expect_facts("[N]1C=CC=C1", {5, 5, 4, 0, 0, 5});
  expect_facts("C1=CC=C[Si]1", {5, 5, 4, 0, 0, 5});
  expect_facts("[CH]1C=CC=C1", {5, 5, 5, 0, 0, 5});
  expect_facts("O=C1C=CC(=O)C=C1", {8, 8, 4, 0, 0, 6});
  expect_facts("[O-][s+]1cccc1", {6, 6, 4, 5, 0, 5});
  expect_facts("c1cc[s+]cc1", {6, 6, 5, 6, 1, 6});
}

TEST(Smiles, ValenceCheckFollowsRdkit) {
  // RDKit 2022.09's verdicts (Chem.MolFromSmiles). Refused: an atom over the largest valence of its
  // element at its charge (the charge counts the other way for B, Li, ...), or over every valence that
  // could take hydrogens.
  for (const char* smiles : {"CC(C)(C)(C)C", "C[N](C)(C)C", "[C-](C)(C)(C)C", "[CH2](C)(C)C", "[N+](C)(C)(C)(C)C",
                             "[B-](C)(C)(C)(C)C", "[Si](C)(C)(C)(C)(C)(C)C", "[Tl](C)(C)(C)C", "[O](C)(C)C",
                             "[Xe](F)(F)(F)(F)(F)(F)F", "C[H]C", "[H+2]", "c1ccccc1C(C)(C)(C)C"})
    EXPECT_THROW(parse_smiles(smiles), SmilesError) << smiles;
  // Accepted: a carbocation, the open valences of Mg, Si's 6, Tl's 3, nitro and perchlorate after the
  // clean-up, pyrrole's N with a substituent, hypervalent halogen cations, hydride, an [H] that folds.
  for (const char* smiles : {"[C+](C)(C)(C)C", "C[Mg](C)(C)C", "[Si](C)(C)(C)(C)(C)C", "[Tl](C)(C)C", "CN(=O)=O",
                             "Cl(=O)(=O)(=O)[O-]", "Cn1cccc1", "C[Cl+2](C)C", "[H-]", "[HH2]C", "[B-](C)(C)(C)C",
                             "OS(=O)(=O)O", "CP(C)(C)(C)C"})
    EXPECT_NO_THROW(parse_smiles(smiles)) << smiles;
  try {
    parse_smiles("CC[N](C)(C)C");
    FAIL() << "a neutral four-bonded N was accepted";
  } catch (const SmilesError& e) {
    EXPECT_STREQ(e.what(), "atom 3 (N): valence 4 is more than the 3 that N allows");
  }
  try {
    parse_smiles("[B+](C)(C)C");
    FAIL() << "a three-bonded B+ was accepted";
  } catch (const SmilesError& e) {
    EXPECT_STREQ(e.what(), "atom 1 (B): valence 3 is more than the 2 that B with charge +1 allows");
  }
}

TEST(Smiles, NitroBecomesChargeSeparated) {
  const Molecule m = parse_smiles("CN(=O)=O");
  ASSERT_EQ(m.atoms.size(), 4u);
  EXPECT_EQ(m.atoms[1].formal_charge, 1);
  int minus = 0, doubles = 0;
  for (const Atom& a : m.atoms) minus += a.formal_charge == -1;
  for (const Bond& b : m.bonds) doubles += b.order == BondOrder::double_bond;
  EXPECT_EQ(minus, 1);
  EXPECT_EQ(doubles, 1);
}

TEST(Smiles, AtomsAndBondsAsWritten) {
  const Molecule m = parse_smiles("[15NH3+]C#CBr");
  ASSERT_EQ(m.atoms.size(), 4u);
  EXPECT_EQ(m.atoms[0].atomic_number, 7);
  EXPECT_EQ(m.atoms[0].isotope, 15);
  EXPECT_EQ(m.atoms[0].explicit_hydrogens, 3);
  EXPECT_EQ(m.atoms[0].formal_charge, 1);
  EXPECT_TRUE(m.atoms[0].no_implicit_hydrogens);
  EXPECT_FALSE(m.atoms[1].no_implicit_hydrogens);
  EXPECT_EQ(m.atoms[3].symbol, "Br");
  ASSERT_EQ(m.bonds.size(), 3u);
  EXPECT_EQ(m.bonds[1].order, BondOrder::triple);
  EXPECT_EQ(m.bonds[1].begin, 1);
  EXPECT_EQ(m.bonds[1].end, 2);
  const Molecule salt = parse_smiles("C(C(=O)O)N.Cl");
  EXPECT_EQ(salt.atoms.size(), 6u);
  EXPECT_EQ(salt.bonds.size(), 4u);
  EXPECT_EQ(salt.bonds[3].begin, 0);  // N bonds to the atom before the branch
  EXPECT_EQ(salt.bonds[3].end, 4);
}

TEST(Smiles, ErrorsNameThePositionAndTheProblem) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", "empty SMILES"},
      {"C1CC", "position 2: ring bond 1 is never closed"},
      {"CC(C", "position 3: a branch '(' that is never closed"},
      {"CC)C", "position 3: ')' without an open branch"},
      {"C()C", "position 3: an empty branch"},
      {"(C)C", "position 1: a branch '(' before any atom"},
      {"C=", "position 2: a bond with no atom after it"},
      {"C==C", "position 3: two bonds in a row"},
      {"=C", "position 1: a bond before any atom"},
      {"C.", "position 2: '.' with no atom after it"},
      {".C", "position 1: '.' before any atom"},
      {"C$C", "quadruple bonds"},
      {"C11", "position 3: a ring bond from an atom to itself"},
      {"C12CCC12", "a second bond between atoms 1 and 4"},
      {"C=1CCC#1", "ring bond 1 is written '=' where it opens and '#' where it closes"},
      {"Xe", "'X' is not an atom of the organic subset"},
      {"c1ccnc1", "cannot kekulize"},
      {"CC x", "position 3: unexpected ' '"},
      {"[C", "never closed"},
      {"[Qq]", "unknown element symbol 'Q'"},
      {"[x]", "unknown aromatic symbol 'x'"},
      {"[CH4+99]", "a charge of more than 15"},
      {"[C@TH]", "expected a number after @TH"},
      {"[C:]", "expected an atom class number"},
      {"[C)", "expected ']' to close the bracket atom"},
      {"C%1", "expected two digits after '%'"},
      {"C%(1", "expected a ring number"},
      {"C\x01", "byte 1"},
  };
  for (const auto& [smiles, want] : bad) {
    try {
      parse_smiles(smiles);
      ADD_FAILURE() << "'" << smiles << "' was accepted";
    } catch (const SmilesError& e) {
      EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << "'" << smiles << "': " << e.what();
    }
  }
}

TEST(Smiles, AtomLimitIsCheckedBeforeGrowing) {
  SmilesOptions options;
  options.limits.max_atoms = 3;
  EXPECT_NO_THROW(parse_smiles("CCC", options));
  EXPECT_THROW(parse_smiles("CCCC", options), SmilesError);
  EXPECT_THROW(parse_smiles(std::string(200000, 'C')), SmilesError);  // default limit: 100,000 atoms
}

TEST(Smiles, BracketHydrogenCountsSurviveJson) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("gatkit_smiles_json_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + ".json");
  io::write_molecule_json(file, {parse_smiles("[CH2]C"), parse_smiles("CC")});
  const std::vector<Molecule> back = io::read_molecule_json(file);
  std::filesystem::remove(file);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_TRUE(back[0].atoms[0].no_implicit_hydrogens);
  EXPECT_FALSE(back[0].atoms[1].no_implicit_hydrogens);
  EXPECT_EQ(perceive(back[0]).total_hydrogens, (std::vector<int>{2, 3}));
  EXPECT_EQ(perceive(back[1]).total_hydrogens, (std::vector<int>{3, 3}));
}

class SmilesCsv : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& text) {
    const auto file = std::filesystem::temp_directory_path() /
                      ("gatkit_smiles_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
                       ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".csv");
    std::ofstream(file, std::ios::binary) << text;
    files_.push_back(file);
    return file;
  }
  void TearDown() override {
    for (const auto& f : files_) std::filesystem::remove(f);
  }
  std::vector<std::filesystem::path> files_;
};

TEST_F(SmilesCsv, ReadsColumnsAsProperties) {
  const auto file = write("id,SMILES,y\r\nm1,CCO,1.5\r\n\r\nm2,\"c1ccccc1\",\r\n");
  SmilesCsvReader reader(file);
  Molecule m;
  ASSERT_TRUE(reader.next(m));
  EXPECT_EQ(m.name, "CCO");
  EXPECT_EQ(m.record, 1u);
  EXPECT_EQ(m.line, 2u);
  ASSERT_NE(m.property("y"), nullptr);
  EXPECT_EQ(*m.property("y"), "1.5");
  EXPECT_EQ(*m.property("id"), "m1");
  ASSERT_TRUE(reader.next(m));
  EXPECT_EQ(m.atoms.size(), 6u);
  EXPECT_EQ(m.record, 2u);
  EXPECT_EQ(m.line, 4u);
  EXPECT_EQ(*m.property("y"), "");  // a missing label
  EXPECT_FALSE(reader.next(m));

  SmilesCsvOptions named;
  named.name_column = "id";
  SmilesCsvReader by_name(file, named);
  ASSERT_TRUE(by_name.next(m));
  EXPECT_EQ(m.name, "m1");
}

TEST_F(SmilesCsv, BadRecordsNameFileLineRecordAndColumnAndTheReaderGoesOn) {
  const auto file = write("mol,y\nCCO,1\nC1CC,0\nCC,1,extra\n,1\nCCN,0\n");
  SmilesCsvOptions options;
  options.smiles_column = "mol";
  SmilesCsvReader reader(file, options);
  Molecule m;
  ASSERT_TRUE(reader.next(m));
  std::vector<std::string> errors;
  for (int k = 0; k < 3; ++k) {
    try {
      reader.next(m);
      ADD_FAILURE() << "record " << k + 2 << " was accepted";
    } catch (const ParseError& e) {
      errors.push_back(e.what());
      EXPECT_TRUE(reader.recoverable());
    }
  }
  EXPECT_NE(errors[0].find(file.string() + ":3: record 2, column 'mol' ('C1CC'): position 2: ring bond 1 is never closed"),
            std::string::npos)
      << errors[0];
  EXPECT_NE(errors[1].find(":4:"), std::string::npos) << errors[1];
  EXPECT_NE(errors[1].find("expected 2 fields"), std::string::npos) << errors[1];
  EXPECT_NE(errors[2].find(":5: record 4, column 'mol': no SMILES"), std::string::npos) << errors[2];
  ASSERT_TRUE(reader.next(m));
  EXPECT_EQ(m.record, 5u);
  EXPECT_EQ(m.name, "CCN");
}

TEST_F(SmilesCsv, TableProblemsEndTheTable) {
  const auto file = write("smiles\nCC\n\"CC\nCO\n");
  SmilesCsvReader reader(file);
  Molecule m;
  ASSERT_TRUE(reader.next(m));
  EXPECT_THROW(reader.next(m), ParseError);
  EXPECT_FALSE(reader.recoverable());
  EXPECT_FALSE(reader.next(m));
}

TEST_F(SmilesCsv, HeaderProblems) {
  try {
    SmilesCsvReader reader(write("mol,y\nCC,1\n"));
    ADD_FAILURE() << "a table without a smiles column was accepted";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("no column named 'smiles' (columns: mol, y); name the SMILES column with --smiles-column"),
              std::string::npos)
        << e.what();
  }
  SmilesCsvOptions options;
  options.smiles_column = "structure";
  EXPECT_THROW(SmilesCsvReader(write("mol,y\n"), options), ParseError);
  EXPECT_THROW(SmilesCsvReader(write("smiles,Smiles\nC,C\n")), ParseError);
  EXPECT_THROW(SmilesCsvReader(write("")), ParseError);
}

TEST_F(SmilesCsv, SmiFilesGiveSmilesAndNames) {
  // (The fixture's file helper: the extension does not matter to the reader.)
  const auto file = write("CCO ethanol\r\n\n  c1ccccc1\tbenzene ring \nC1CC broken\nN\n");
  SmiFileReader reader(file);
  Molecule m;
  ASSERT_TRUE(reader.next(m));
  EXPECT_EQ(m.name, "ethanol");
  EXPECT_EQ(m.record, 1u);
  EXPECT_EQ(m.line, 1u);
  EXPECT_EQ(*m.property("smiles"), "CCO");
  EXPECT_EQ(*m.property("name"), "ethanol");
  ASSERT_TRUE(reader.next(m));
  EXPECT_EQ(m.name, "benzene ring");
  EXPECT_EQ(m.atoms.size(), 6u);
  EXPECT_EQ(m.record, 2u);
  EXPECT_EQ(m.line, 3u);
  try {
    reader.next(m);
    ADD_FAILURE() << "C1CC was accepted";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find(":4: record 3 ('C1CC'): position 2: ring bond 1 is never closed"), std::string::npos)
        << e.what();
    EXPECT_TRUE(reader.recoverable());
  }
  ASSERT_TRUE(reader.next(m));
  EXPECT_EQ(m.name, "N");  // no name: the SMILES
  EXPECT_EQ(m.property("name"), nullptr);
  EXPECT_EQ(m.record, 4u);
  EXPECT_FALSE(reader.next(m));
}

TEST_F(SmilesCsv, SmiFileLineOverTheLimitEndsTheFile) {
  SmilesOptions options;
  options.limits.max_line_length = 16;
  SmiFileReader reader(write("CC\n" + std::string(40, 'C') + "\nCO\n"), options);
  Molecule m;
  ASSERT_TRUE(reader.next(m));
  EXPECT_THROW(reader.next(m), ParseError);
  EXPECT_FALSE(reader.recoverable());
  EXPECT_FALSE(reader.next(m));
}

// ---- ../shared: every MoleculeNet CSV against the SDF RDKit wrote from it --------------------------

struct SetFiles {
  const char* csv;
  const char* sdf;
  const char* smiles_column;
};

TEST(SmilesRealData, MoleculeNetCsvsAgreeWithRdkitsSdfsAtomForAtom) {
  const std::filesystem::path root = std::filesystem::path(GATKIT_SHARED_DATASETS) / "molecules/moleculenet";
  if (!std::filesystem::exists(root)) GTEST_SKIP() << root << " is absent";
  const std::vector<SetFiles> sets = {{"bbbp/BBBP.csv", "bbbp/bbbp.sdf", ""},
                                      {"bace/bace.csv", "bace/bace.sdf", "mol"},
                                      {"tox21/tox21.csv", "tox21/tox21.sdf", ""},
                                      {"esol/delaney-processed.csv", "esol/esol.sdf", ""},
                                      {"freesolv/SAMPL.csv", "freesolv/freesolv.sdf", ""},
                                      {"lipophilicity/Lipophilicity.csv", "lipophilicity/lipophilicity.sdf", ""}};
  for (const SetFiles& set : sets) {
    SCOPED_TRACE(set.csv);
    if (!std::filesystem::exists(root / set.csv) || !std::filesystem::exists(root / set.sdf)) continue;
    // The SDF holds the records RDKit accepted, with their CSV row (0-based) in the data item csv_row.
    std::map<std::uint64_t, Molecule> rdkit;
    SdfReader sdf(root / set.sdf);
    Molecule m;
    while (sdf.next(m)) rdkit[std::stoull(*m.property("csv_row"))] = m;
    SmilesCsvOptions options;
    options.smiles_column = set.smiles_column;
    SmilesCsvReader csv(root / set.csv, options);
    std::uint64_t compared = 0, atoms = 0, hydrogen_mismatches = 0, aromatic_mismatches = 0;
    while (true) {
      try {
        if (!csv.next(m)) break;
      } catch (const ParseError& e) {
        EXPECT_EQ(rdkit.count(csv.record_number() - 1), 0u) << "RDKit read it: " << e.what();
        continue;
      }
      const auto it = rdkit.find(m.record - 1);
      if (it == rdkit.end()) continue;  // a record RDKit refused
      const Molecule& r = it->second;
      ++compared;
      ASSERT_EQ(m.atoms.size(), r.atoms.size()) << "record " << m.record;
      ASSERT_EQ(m.bonds.size(), r.bonds.size()) << "record " << m.record;
      const Perception p = perceive(m), q = perceive(r);
      for (std::size_t a = 0; a < m.atoms.size(); ++a) {
        ++atoms;
        ASSERT_EQ(m.atoms[a].atomic_number, r.atoms[a].atomic_number) << "record " << m.record << " atom " << a + 1;
        ASSERT_EQ(m.atoms[a].formal_charge, r.atoms[a].formal_charge) << "record " << m.record << " atom " << a + 1;
        ASSERT_EQ(p.atom_in_ring[a], q.atom_in_ring[a]) << "record " << m.record << " atom " << a + 1;
        // A bracket atom's H count ([AlH3], [Cl]) reaches the SDF as the atom's stated valence (vvv).
        hydrogen_mismatches += p.total_hydrogens[a] != q.total_hydrogens[a];
        aromatic_mismatches += p.atom_aromatic[a] != q.atom_aromatic[a];
      }
      // RDKit numbers ring-closure bonds in its own order: bonds are matched by their atoms.
      std::map<std::pair<int, int>, std::size_t> rdkit_bond;
      for (std::size_t b = 0; b < r.bonds.size(); ++b) rdkit_bond[std::minmax(r.bonds[b].begin, r.bonds[b].end)] = b;
      for (std::size_t b = 0; b < m.bonds.size(); ++b) {
        const auto found = rdkit_bond.find(std::minmax(m.bonds[b].begin, m.bonds[b].end));
        ASSERT_NE(found, rdkit_bond.end()) << "record " << m.record << " bond " << b + 1 << " is not in RDKit's molecule";
        const std::size_t c = found->second;
        ASSERT_EQ(p.bond_aromatic[b], q.bond_aromatic[c]) << "record " << m.record << " bond " << b + 1;
        if (!p.bond_aromatic[b]) {
          ASSERT_EQ(m.bonds[b].order, r.bonds[c].order) << "record " << m.record << " bond " << b + 1;
        }
      }
    }
    EXPECT_EQ(compared, rdkit.size());
    EXPECT_EQ(hydrogen_mismatches, 0u) << "of " << atoms << " atoms";
    EXPECT_EQ(aromatic_mismatches, 0u) << "of " << atoms << " atoms";
    std::cout << set.csv << ": " << compared << " records, " << atoms << " atoms, H differ on " << hydrogen_mismatches
              << ", aromaticity on " << aromatic_mismatches << "\n";
  }
}

}  // namespace
}  // namespace gatkit::chem
