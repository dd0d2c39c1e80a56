#include "checkpoint_range.hpp"

#include "gatkit/util/error.hpp"

namespace gatkit::detail {

void write_switch_members(rapidjson::Writer<rapidjson::StringBuffer>& w, AttentionNormalizer normalizer,
                          HeadMerge head_merge, Cardinality cardinality) {
  if (normalizer != AttentionNormalizer::softmax) {
    w.Key("normalizer"); w.String(to_string(normalizer).c_str());
  }
  if (head_merge != HeadMerge::concat) {
    w.Key("head_merge"); w.String(to_string(head_merge).c_str());
  }
  if (cardinality != Cardinality::none) {
    w.Key("cardinality"); w.String(to_string(cardinality).c_str());
  }
}

void write_range_members(rapidjson::Writer<rapidjson::StringBuffer>& w, const AttentionRange& range,
                         const PositionalEncoding& positional) {
  if (!range.is_one_hop()) {
    w.Key("range"); w.String(range.name().c_str());
  }
  if (range.kind == RangeKind::full) {
    w.Key("max_full_nodes"); w.Int64(range.max_full_nodes);
  }
  if (range.max_edges != kDefaultMaxRangeEdges) {
    w.Key("max_range_edges"); w.Int64(range.max_edges);
  }
  if (positional.enabled()) {
    w.Key("positional"); w.String(positional.name().c_str());
  }
  if (positional.max_dense_nodes != kDefaultMaxDenseLaplacianNodes) {
    w.Key("max_dense_nodes"); w.Int64(positional.max_dense_nodes);
  }
}

void read_range_members(const ConfigReader& m, AttentionRange& range, PositionalEncoding& positional) {
  range = AttentionRange();
  positional = PositionalEncoding();
  try {
    if (m.has("range")) range = parse_attention_range(m.string("range"));
    if (m.has("positional")) positional = parse_positional_encoding(m.string("positional"));
  } catch (const InvalidArgument& e) {
    m.fail(m.path() + ": " + e.what());
  }
  constexpr std::int64_t kLimit = std::int64_t{1} << 40;
  if (m.has("max_full_nodes")) range.max_full_nodes = m.integer("max_full_nodes", 1, kLimit);
  if (m.has("max_range_edges")) range.max_edges = m.integer("max_range_edges", 1, kLimit);
  if (m.has("max_dense_nodes")) positional.max_dense_nodes = m.integer("max_dense_nodes", 1, kLimit);
}

}  // namespace gatkit::detail
