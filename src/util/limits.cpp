#include "gatkit/util/limits.hpp"

#include "gatkit/util/error.hpp"

namespace gatkit {
namespace {

Limits& process_limits() {
  static Limits limits;
  return limits;
}

}  // namespace

void Limits::validate() const {
  GATKIT_REQUIRE(max_nodes > 0 && max_edges > 0 && max_atoms > 0 && max_line_length > 0 && max_json_depth > 0 &&
                     max_feature_dim > 0,
                 "limits must be positive");
}

const Limits& default_limits() { return process_limits(); }

void set_default_limits(const Limits& limits) {
  limits.validate();
  process_limits() = limits;
}

namespace detail {

std::string limit_note(std::int64_t limit, const char* what, const char* field, const char* flag) {
  std::string s = "exceeds the limit of ";
  s.append(std::to_string(limit)).append(" ").append(what);
  s.append(" (Limits::").append(field).append("; raise it with --").append(flag).append(")");
  return s;
}

}  // namespace detail
}  // namespace gatkit
