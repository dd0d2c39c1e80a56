// SDF -> JSON -> SDF, what `gatkit convert` does twice: the molecules read back are the molecules read
// first. Compared: names; atoms (element, charge, isotope, radical, coordinates to the SDF's 4 decimals);
// total hydrogen counts and aromaticity as perceived (SDF carries hydrogens through the valence model,
// not as counts); bonds (ends, order, stereo); data items. Golden files always, and every MoleculeNet
// SDF of ../shared when it is present.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gatkit/chem/json_format.hpp"
#include "gatkit/chem/perception.hpp"
#include "gatkit/chem/sdf.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit::chem {
namespace {

namespace fs = std::filesystem;

fs::path temp_file(const std::string& name) {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  return fs::path(::testing::TempDir()) / ("gatkit_round_trip_" + std::to_string(::getpid()) + "_" + test->name() + "_" + name);
}

/// Every record of `file` that the reader accepts.
std::vector<Molecule> readable(const fs::path& file) {
  SdfReader reader(file);
  std::vector<Molecule> out;
  Molecule m;
  while (true) {
    try {
      if (!reader.next(m)) break;
      out.push_back(m);
    } catch (const ParseError&) {
    }
  }
  return out;
}

void expect_same(const Molecule& a, const Molecule& b, const std::string& where) {
  SCOPED_TRACE(where + " record " + std::to_string(a.record) + " '" + a.name + "'");
  EXPECT_EQ(a.name, b.name);
  ASSERT_EQ(a.atoms.size(), b.atoms.size());
  for (std::size_t i = 0; i < a.atoms.size(); ++i) {
    const Atom &x = a.atoms[i], &y = b.atoms[i];
    EXPECT_EQ(x.symbol, y.symbol) << "atom " << i;
    EXPECT_EQ(x.atomic_number, y.atomic_number) << "atom " << i;
    EXPECT_EQ(x.formal_charge, y.formal_charge) << "atom " << i;
    EXPECT_EQ(x.isotope, y.isotope) << "atom " << i;
    EXPECT_EQ(x.radical, y.radical) << "atom " << i;
    EXPECT_NEAR(x.x, y.x, 1e-4) << "atom " << i;
    EXPECT_NEAR(x.y, y.y, 1e-4) << "atom " << i;
    EXPECT_NEAR(x.z, y.z, 1e-4) << "atom " << i;
  }
  ASSERT_EQ(a.bonds.size(), b.bonds.size());
  for (std::size_t k = 0; k < a.bonds.size(); ++k) {
    EXPECT_EQ(a.bonds[k].begin, b.bonds[k].begin) << "bond " << k;
    EXPECT_EQ(a.bonds[k].end, b.bonds[k].end) << "bond " << k;
    EXPECT_EQ(a.bonds[k].order, b.bonds[k].order) << "bond " << k;
    EXPECT_EQ(a.bonds[k].stereo, b.bonds[k].stereo) << "bond " << k;
  }
  EXPECT_EQ(a.properties, b.properties);
  const Perception p = perceive(a), q = perceive(b);
  EXPECT_EQ(p.total_hydrogens, q.total_hydrogens);
  EXPECT_EQ(p.atom_aromatic, q.atom_aromatic);
}

/// SDF -> JSON -> SDF -> read, compared with the first read.
void round_trip(const fs::path& sdf) {
  const std::vector<Molecule> first = readable(sdf);
  ASSERT_FALSE(first.empty()) << sdf;
  const fs::path json = temp_file("trip.json"), back = temp_file("trip.sdf");
  io::write_molecule_json(json, first);
  const std::vector<Molecule> from_json = io::read_molecule_json(json);
  write_sdf(back, from_json);
  const std::vector<Molecule> second = read_sdf(back);
  ASSERT_EQ(second.size(), first.size()) << sdf;
  for (std::size_t i = 0; i < first.size(); ++i) {
    expect_same(first[i], from_json[i], sdf.filename().string() + " (JSON)");
    expect_same(first[i], second[i], sdf.filename().string() + " (SDF again)");
    if (::testing::Test::HasFailure()) break;
  }
  fs::remove(json);
  fs::remove(back);
}

TEST(RoundTrip, SdfJsonSdfGoldenFiles) {
  const fs::path dir = fs::path(GATKIT_TEST_DATA) / "chem";
  for (const char* name : {"labelled/labelled.sdf", "charged.sdf", "isotopes.sdf", "data_items.sdf",
                           "nitromethane.v3000.sdf", "benzene.mol", "crlf_no_final_newline.sdf"})
    round_trip(dir / name);
}

TEST(RoundTrip, SdfJsonSdfMoleculeNet) {
  const fs::path root = fs::path(GATKIT_SHARED_DATASETS) / "molecules";
  if (!fs::exists(root)) GTEST_SKIP() << root << " is absent";
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (entry.path().extension() == ".sdf" && entry.path().string().find("v3000") == std::string::npos) {
      round_trip(entry.path());
      ++files;
    }
  EXPECT_GT(files, 0);
}

}  // namespace
}  // namespace gatkit::chem
