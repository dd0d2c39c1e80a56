// Node-classifier checkpoints: kind "node_classifier" in the shared container of checkpoint_file.cpp.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "checkpoint_file.hpp"
#include "checkpoint_range.hpp"
#include "gatkit/io/structural_features.hpp"
#include "gatkit/train/node_classification.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit {
namespace {

using detail::ConfigReader;

std::string config_json(const TrainedModel& m) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  const ModelConfig& c = m.config;
  w.StartObject();
  w.Key("kind"); w.String(detail::kNodeClassifierKind);
  w.Key("model"); w.StartObject();
  w.Key("in_dim"); w.Int64(c.in_dim);
  w.Key("num_classes"); w.Int(c.num_classes);
  w.Key("attention"); w.String(to_string(c.attention).c_str());
  // Written only when not the default, so that a default model's file is byte for byte what earlier
  // versions wrote (and read): absent means softmax, concatenated heads, no cardinality term.
  detail::write_switch_members(w, c.normalizer, c.head_merge, c.cardinality);
  w.Key("layers"); w.Int(c.layers);
  w.Key("heads"); w.Int(c.heads);
  w.Key("hidden"); w.Int64(c.hidden);
  w.Key("output_heads"); w.Int(c.output_heads);
  w.Key("dropout"); w.Double(c.dropout);
  w.Key("attention_dropout"); w.Double(c.attention_dropout);
  w.Key("negative_slope"); w.Double(c.negative_slope);
  w.Key("self_loops"); w.Bool(c.self_loops);
  if (c.kind != NodeModelKind::gat) {  // absent means gat: checkpoints written before the MLP baseline
    w.Key("architecture"); w.String(to_string(c.kind).c_str());
  }
  detail::write_range_members(w, c.range, c.positional);
  if (c.block != BlockKind::gat) {  // absent means gat: checkpoints written before transformer blocks
    w.Key("block"); w.String(to_string(c.block).c_str());
    w.Key("ffn_hidden"); w.Int64(c.ffn_width());
  }
  w.EndObject();
  w.Key("normalize_features"); w.Bool(m.normalize_features);
  w.Key("class_names"); w.StartArray();
  for (const auto& name : m.class_names) w.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
  w.EndArray();
  if (m.structural_features) {  // absent: none given on the command line (and in files written before it)
    w.Key("structural_features"); w.StartArray();
    for (const auto& kind : *m.structural_features) w.String(kind.c_str());
    w.EndArray();
  }
  if (m.label_column) {  // absent: the manifest's column
    w.Key("label_column");
    w.String(m.label_column->data(), static_cast<rapidjson::SizeType>(m.label_column->size()));
  }
  w.EndObject();
  return buffer.GetString();
}

}  // namespace

void save_model(const TrainedModel& model, const std::filesystem::path& file) {
  detail::write_checkpoint(file, config_json(model), model.parameters);
}

TrainedModel load_model(const std::filesystem::path& file) {
  const detail::CheckpointFile checkpoint(file);
  const ConfigReader root(file, checkpoint.config(), "config");
  if (checkpoint.kind() == detail::kGraphModelKind)
    checkpoint.fail("this checkpoint holds a graph-level (molecule) model (kind graph_model), not a node classifier; "
                    "apply it to a molecule file (.sdf, .mol, .json)");
  if (checkpoint.kind() != detail::kNodeClassifierKind) root.fail("kind is not node_classifier");
  const ConfigReader m = root.object("model");
  TrainedModel model;
  ModelConfig& c = model.config;
  c.in_dim = m.integer("in_dim", 1, std::int64_t{1} << 31);
  c.num_classes = static_cast<std::int32_t>(m.integer("num_classes", 1, std::int64_t{1} << 24));
  try {
    c.attention = parse_attention_kind(m.string("attention"));
    // Absent from checkpoints written before these switches: softmax and concatenated heads.
    if (m.has("normalizer")) c.normalizer = parse_attention_normalizer(m.string("normalizer"));
    if (m.has("head_merge")) c.head_merge = parse_head_merge(m.string("head_merge"));
    if (m.has("cardinality")) c.cardinality = parse_cardinality(m.string("cardinality"));
  } catch (const InvalidArgument& e) {
    m.fail(e.what());
  }
  c.layers = static_cast<int>(m.integer("layers", 1, 1024));
  c.heads = static_cast<int>(m.integer("heads", 1, 1 << 16));
  c.hidden = m.integer("hidden", 1, std::int64_t{1} << 24);
  c.output_heads = static_cast<int>(m.integer("output_heads", 1, 1 << 16));
  c.dropout = m.number("dropout");
  c.attention_dropout = m.number("attention_dropout");
  c.negative_slope = m.number("negative_slope");
  c.self_loops = m.boolean("self_loops");
  if (m.has("architecture")) {
    try {
      c.kind = parse_node_model_kind(m.string("architecture"));
    } catch (const InvalidArgument& e) {
      m.fail(e.what());
    }
  }
  detail::read_range_members(m, c.range, c.positional);
  if (m.has("block")) {  // absent: gat (validate() refuses ffn_hidden without transformer blocks)
    try {
      c.block = parse_block_kind(m.string("block"));
    } catch (const InvalidArgument& e) {
      m.fail(e.what());
    }
  }
  if (m.has("ffn_hidden")) c.ffn_hidden = m.integer("ffn_hidden", 1, std::int64_t{1} << 24);
  model.normalize_features = root.boolean("normalize_features");
  model.class_names = root.strings("class_names");
  if (static_cast<std::int64_t>(model.class_names.size()) != c.num_classes)
    root.fail("class_names has " + std::to_string(model.class_names.size()) + " entries for " +
              std::to_string(c.num_classes) + " classes");
  if (root.has("structural_features")) {
    std::vector<std::string> kinds = root.strings("structural_features");
    for (const std::string& kind : kinds)
      if (!is_structural_feature_kind(kind))
        root.fail("structural_features holds '" + kind + "', expected degree or identity");
    model.structural_features = std::move(kinds);
  }
  if (root.has("label_column")) model.label_column = root.string("label_column");
  try {
    c.validate();
  } catch (const InvalidArgument& e) {
    root.fail(e.what());
  }
  // The configuration determines the parameter count, computed in overflow-checked arithmetic and
  // compared with the count the file holds (itself bounded by the file's size) before anything is
  // allocated: a forged configuration cannot make the loader allocate more than the file's own size.
  model.parameters = checkpoint.parameters(c.parameter_count());
  return model;
}

}  // namespace gatkit
