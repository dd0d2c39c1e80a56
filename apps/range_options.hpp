#pragma once
// The command-line options of the range of attention and of positional encodings, shared by node and
// molecule `gatkit train` (docs/range_and_positions.md):
//   --range 1-hop|k-hop:K|full   --max-full-nodes N   --max-range-edges N   --pe none|lap:K|rw:K
#include "cli_args.hpp"
#include "gatkit/graph/positional.hpp"
#include "gatkit/graph/range.hpp"

namespace gatkit::cli {

inline void read_range_options(const Args& a, AttentionRange& range, PositionalEncoding& positional) {
  range = parse_attention_range(a.str("range", "1-hop"));
  range.max_full_nodes = a.integer("max-full-nodes", range.max_full_nodes);
  range.max_edges = a.integer("max-range-edges", range.max_edges);
  GATKIT_REQUIRE(range.max_full_nodes >= 1, "--max-full-nodes must be >= 1");
  GATKIT_REQUIRE(range.max_edges >= 1, "--max-range-edges must be >= 1");
  positional = parse_positional_encoding(a.str("pe", "none"));
}

}  // namespace gatkit::cli
