#pragma once
// Hand-built molecules for the chemistry tests: atoms by atomic number (with charge and folded
// hydrogens), bonds as (begin, end, order) with order 4 = aromatic.
#include <cstdint>
#include <initializer_list>
#include <tuple>

#include "gatkit/chem/molecule.hpp"

namespace gatkit::chem::testing {

struct A {
  int z;
  int charge = 0;
  int hydrogens = 0;  // folded explicit hydrogens
};

inline Molecule mol(std::initializer_list<A> atoms, std::initializer_list<std::tuple<int, int, int>> bonds) {
  Molecule m;
  for (const A& a : atoms) {
    Atom at;
    at.atomic_number = static_cast<std::uint8_t>(a.z);
    at.symbol = element_symbol(a.z);
    at.formal_charge = a.charge;
    at.explicit_hydrogens = a.hydrogens;
    m.atoms.push_back(at);
  }
  for (auto [b, e, o] : bonds) {
    Bond bd;
    bd.begin = b;
    bd.end = e;
    bd.order = static_cast<BondOrder>(o);
    bd.aromatic = o == 4;
    m.bonds.push_back(bd);
  }
  return m;
}

}  // namespace gatkit::chem::testing
