#pragma once
// The range-of-attention and positional-encoding members of a checkpoint's "model" object, and the
// attention switches written only when not the default, shared by node and graph-level models. Private
// to the library.
//   "normalizer": "sparsemax" | "relu"     absent: softmax
//   "head_merge": "project" | "mean"       absent: concat
//   "cardinality": "additive"              absent: none
//   "range": "k-hop:2" | "full"        absent: 1-hop (what checkpoints written before range mean)
//   "max_full_nodes": 512              full only, the limit the model was trained with
//   "max_range_edges": N               only when not the default
//   "positional": "lap:8" | "rw:16"    absent: none
//   "max_dense_nodes": N               only when not the default
// Every member is written only when it differs from the default, so that a default model's checkpoint is
// byte for byte what earlier versions wrote.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "checkpoint_file.hpp"
#include "gatkit/graph/positional.hpp"
#include "gatkit/graph/range.hpp"
#include "gatkit/nn/attention.hpp"

namespace gatkit::detail {

void write_switch_members(rapidjson::Writer<rapidjson::StringBuffer>& w, AttentionNormalizer normalizer,
                          HeadMerge head_merge, Cardinality cardinality);
void write_range_members(rapidjson::Writer<rapidjson::StringBuffer>& w, const AttentionRange& range,
                         const PositionalEncoding& positional);
/// Reads the members above from `model` (a checkpoint's "model" object); a bad value is a ParseError
/// naming the file and the member.
void read_range_members(const ConfigReader& model, AttentionRange& range, PositionalEncoding& positional);

}  // namespace gatkit::detail
