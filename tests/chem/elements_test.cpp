#include <string>

#include <gtest/gtest.h>

#include "gatkit/chem/molecule.hpp"

namespace gatkit::chem {
namespace {

TEST(Elements, KnownSymbols) {
  EXPECT_EQ(atomic_number("H"), 1);
  EXPECT_EQ(atomic_number("C"), 6);
  EXPECT_EQ(atomic_number("Cl"), 17);
  EXPECT_EQ(atomic_number("Br"), 35);
  EXPECT_EQ(atomic_number("I"), 53);
  EXPECT_EQ(atomic_number("U"), 92);
  EXPECT_EQ(atomic_number("Og"), 118);
}

TEST(Elements, UnknownAndCaseSensitive) {
  EXPECT_EQ(atomic_number(""), 0);
  EXPECT_EQ(atomic_number("CL"), 0);
  EXPECT_EQ(atomic_number("cl"), 0);
  EXPECT_EQ(atomic_number("*"), 0);
  EXPECT_EQ(atomic_number("R#"), 0);
  EXPECT_EQ(atomic_number("Xx"), 0);
  EXPECT_EQ(atomic_number("Carbon"), 0);
}

TEST(Elements, SymbolOfNumber) {
  EXPECT_STREQ(element_symbol(1), "H");
  EXPECT_STREQ(element_symbol(26), "Fe");
  EXPECT_STREQ(element_symbol(118), "Og");
  EXPECT_STREQ(element_symbol(0), "");
  EXPECT_STREQ(element_symbol(119), "");
  EXPECT_STREQ(element_symbol(-1), "");
}

TEST(Elements, RoundTripWholeTable) {
  for (int z = 1; z <= 118; ++z) {
    const std::string symbol = element_symbol(z);
    ASSERT_FALSE(symbol.empty()) << z;
    EXPECT_EQ(atomic_number(symbol), z) << symbol;
  }
}

}  // namespace
}  // namespace gatkit::chem
