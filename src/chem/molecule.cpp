#include "gatkit/chem/molecule.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace gatkit::chem {

std::vector<std::int32_t> hydrogen_folds(const Molecule& m) {
  const std::size_t n = m.atoms.size();
  std::vector<std::int32_t> into(n, -1);
  bool any_h = false;
  for (const Atom& a : m.atoms) any_h = any_h || a.atomic_number == 1;
  if (!any_h) return into;
  std::vector<std::int32_t> degree(n, 0), partner(n, -1);
  std::vector<bool> single(n, true);
  for (const Bond& b : m.bonds) {
    if (b.begin < 0 || b.end < 0 || static_cast<std::size_t>(b.begin) >= n || static_cast<std::size_t>(b.end) >= n) continue;
    for (const auto& [self, other] : {std::pair{b.begin, b.end}, std::pair{b.end, b.begin}}) {
      ++degree[self];
      partner[self] = other;
      if (b.order != BondOrder::single) single[self] = false;
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const Atom& a = m.atoms[i];
    if (a.atomic_number == 1 && a.isotope == 0 && a.formal_charge == 0 && a.radical == 0 && degree[i] == 1 &&
        single[i] && m.atoms[static_cast<std::size_t>(partner[i])].atomic_number > 1)
      into[i] = partner[i];
  }
  return into;
}

void fold_hydrogens(Molecule& m) {
  const std::size_t n = m.atoms.size();
  const std::vector<std::int32_t> into = hydrogen_folds(m);
  if (std::all_of(into.begin(), into.end(), [](std::int32_t heavy) { return heavy < 0; })) return;
  std::vector<std::int32_t> new_index(n, -1);
  std::int32_t kept = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (into[i] >= 0) ++m.atoms[static_cast<std::size_t>(into[i])].explicit_hydrogens;
    else new_index[i] = kept++;
  }
  for (std::size_t i = 0; i < n; ++i)
    if (new_index[i] >= 0 && static_cast<std::size_t>(new_index[i]) != i) m.atoms[new_index[i]] = std::move(m.atoms[i]);
  m.atoms.resize(static_cast<std::size_t>(kept));
  std::size_t out = 0;
  for (const Bond& b : m.bonds) {
    if (new_index[b.begin] < 0 || new_index[b.end] < 0) continue;
    Bond c = b;
    c.begin = new_index[b.begin];
    c.end = new_index[b.end];
    m.bonds[out++] = c;
  }
  m.bonds.resize(out);
}

}  // namespace gatkit::chem
