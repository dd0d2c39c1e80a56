#pragma once
// The command-line options of transformer blocks, shared by node and molecule `gatkit train`
// (docs/attention.md, "Blocks"):   --block gat|transformer   --ffn-hidden N
#include <cstdint>

#include "cli_args.hpp"
#include "gatkit/nn/block.hpp"

namespace gatkit::cli {

/// ffn_hidden stays 0 (twice the layer width) unless --ffn-hidden is given; it needs --block transformer.
inline void read_block_options(const Args& a, BlockKind& block, std::int64_t& ffn_hidden) {
  block = parse_block_kind(a.str("block", "gat"));
  ffn_hidden = a.integer("ffn-hidden", 0);
  GATKIT_REQUIRE(ffn_hidden >= 0, "--ffn-hidden must be >= 0 (0: twice the layer width)");
  GATKIT_REQUIRE(ffn_hidden == 0 || block == BlockKind::transformer, "--ffn-hidden needs --block transformer");
}

}  // namespace gatkit::cli
