#pragma once
// The keys of a summary's "config" object (README, "Summary JSON") that node and molecule
// `gatkit train` share: written once here so that both stay alike. The models' configurations
// (GatConfig, GraphModelConfig) name these fields the same way.
#include "gatkit/nn/attention.hpp"
#include "gatkit/nn/block.hpp"

namespace gatkit::cli {

/// attention, normalizer, head_merge, cardinality, block (and ffn_hidden for transformer blocks), range, positional.
template <class Writer, class ModelConfig>
void write_attention_config(Writer& w, const ModelConfig& m) {
  w.Key("attention"); w.String(to_string(m.attention).c_str());
  w.Key("normalizer"); w.String(to_string(m.normalizer).c_str());
  w.Key("head_merge"); w.String(to_string(m.head_merge).c_str());
  w.Key("cardinality"); w.String(to_string(m.cardinality).c_str());
  w.Key("block"); w.String(to_string(m.block).c_str());
  if (m.block == BlockKind::transformer) {
    w.Key("ffn_hidden"); w.Int64(m.ffn_width());
  }
  w.Key("range"); w.String(m.range.name().c_str());
  w.Key("positional"); w.String(m.positional.name().c_str());
}

/// dropout, attention_dropout, lr, weight_decay.
template <class Writer, class ModelConfig, class OptimizerOptions>
void write_regularization_config(Writer& w, const ModelConfig& m, const OptimizerOptions& optimizer) {
  w.Key("dropout"); w.Double(m.dropout);
  w.Key("attention_dropout"); w.Double(m.attention_dropout);
  w.Key("lr"); w.Double(optimizer.learning_rate);
  w.Key("weight_decay"); w.Double(optimizer.weight_decay);
}

}  // namespace gatkit::cli
