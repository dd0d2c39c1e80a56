#include "gatkit/chem/molecule.hpp"

#include <utility>
#include <vector>

namespace gatkit::chem {

void fold_hydrogens(Molecule& m) {
  const std::size_t n = m.atoms.size();
  std::vector<std::int32_t> degree(n, 0), partner(n, -1);
  std::vector<bool> single(n, true);
  bool any_h = false;
  for (const Atom& a : m.atoms) any_h = any_h || a.atomic_number == 1;
  if (!any_h) return;
  for (const Bond& b : m.bonds) {
    for (const auto& [self, other] : {std::pair{b.begin, b.end}, std::pair{b.end, b.begin}}) {
      ++degree[self];
      partner[self] = other;
      if (b.order != BondOrder::single) single[self] = false;
    }
  }
  // A foldable H: plain (no isotope, charge or radical), one single bond, to a heavy atom.
  std::vector<std::int32_t> new_index(n, -1);
  std::int32_t kept = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Atom& a = m.atoms[i];
    const bool fold = a.atomic_number == 1 && a.isotope == 0 && a.formal_charge == 0 && a.radical == 0 &&
                      degree[i] == 1 && single[i] && m.atoms[partner[i]].atomic_number > 1;
    if (fold) ++m.atoms[partner[i]].explicit_hydrogens;
    else new_index[i] = kept++;
  }
  if (static_cast<std::size_t>(kept) == n) return;
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
