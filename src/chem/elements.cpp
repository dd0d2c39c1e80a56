// The periodic table, H..Og: symbols and the nominal masses the V2000 mass-difference field refers to.
#include <array>
#include <string>
#include <string_view>

#include "elements_table.hpp"
#include "gatkit/chem/molecule.hpp"

namespace gatkit::chem {
namespace {

constexpr int element_count = 118;

// Index = atomic number; entry 0 is unused.
constexpr std::array<const char*, element_count + 1> symbols = {
    "",   "H",  "He", "Li", "Be", "B",  "C",  "N",  "O",  "F",  "Ne", "Na", "Mg", "Al", "Si", "P",
    "S",  "Cl", "Ar", "K",  "Ca", "Sc", "Ti", "V",  "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga",
    "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y",  "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag",
    "Cd", "In", "Sn", "Sb", "Te", "I",  "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu",
    "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W",  "Re", "Os", "Ir", "Pt", "Au",
    "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U",  "Np", "Pu", "Am",
    "Cm", "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg",
    "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og"};

// Standard atomic weight rounded to an integer (most stable isotope for elements without one).
constexpr std::array<short, element_count + 1> nominal_masses = {
    0,   1,   4,   7,   9,   11,  12,  14,  16,  19,  20,  23,  24,  27,  28,  31,  32,  35,  40,
    39,  40,  45,  48,  51,  52,  55,  56,  59,  59,  64,  65,  70,  73,  75,  79,  80,  84,  85,
    88,  89,  91,  93,  96,  98,  101, 103, 106, 108, 112, 115, 119, 122, 128, 127, 131, 133, 137,
    139, 140, 141, 144, 145, 150, 152, 157, 159, 163, 165, 167, 169, 173, 175, 178, 181, 184, 186,
    190, 192, 195, 197, 201, 204, 207, 209, 209, 210, 222, 223, 226, 227, 232, 231, 238, 237, 244,
    243, 247, 247, 251, 252, 257, 258, 259, 262, 267, 268, 269, 270, 269, 278, 281, 282, 285, 286,
    289, 290, 293, 294, 294};

}  // namespace

namespace detail {

std::uint8_t atomic_number(std::string_view symbol) {
  if (symbol.empty() || symbol.size() > 2) return 0;
  // Linear scan over 118 short strings: cheap next to parsing the line the symbol came from.
  for (int z = 1; z <= element_count; ++z)
    if (symbol == symbols[z]) return static_cast<std::uint8_t>(z);
  return 0;
}

int nominal_mass(int atomic_number) {
  return atomic_number >= 1 && atomic_number <= element_count ? nominal_masses[atomic_number] : 0;
}

}  // namespace detail

std::uint8_t atomic_number(const std::string& symbol) { return detail::atomic_number(symbol); }

const char* element_symbol(int atomic_number) {
  return atomic_number >= 1 && atomic_number <= element_count ? symbols[atomic_number] : "";
}

}  // namespace gatkit::chem
