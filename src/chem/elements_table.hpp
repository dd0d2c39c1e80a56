#pragma once
// Private to src/chem: element lookups without allocating, for the readers.
#include <cstdint>
#include <string_view>

namespace gatkit::chem::detail {

/// Atomic number of `symbol` (case-sensitive, "Cl"), 0 when unknown.
std::uint8_t atomic_number(std::string_view symbol);
/// Mass number closest to the standard atomic weight of element `atomic_number` (1..118), the base of
/// the V2000 atom block's mass-difference field; 0 outside 1..118.
int nominal_mass(int atomic_number);

}  // namespace gatkit::chem::detail
