// Graph-level model checkpoints (kind "graph_model" in the container of checkpoint_file.cpp) and
// GraphPredictor. The configuration JSON:
//   {"kind": "graph_model",
//    "model": {GraphModelConfig, see write_model_config},
//    "task": "binary" | "regression",
//    "targets": ["p_np", ...],                                   one per task
//    "featurizer": {"hybridisation": true, "atom_features": [column names], "bond_features": [...]},
//                                                                 molecule models only
//    "input": "graphs",                                           generic-graph models only (absent:
//                                                                 molecules, as every earlier checkpoint)
//    "structural_features": ["degree"],                           generic-graph models with degree
//                                                                 columns only
//    "target_mean": [...], "target_std": [...],                  regression only, one per task
//    "members": M}                                                an ensemble only (absent: 1); the
//                                                                 parameter block holds M buffers
#include "gatkit/train/graph_predictor.hpp"

#include <array>
#include <cmath>
#include <limits>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "checkpoint_file.hpp"
#include "checkpoint_range.hpp"
#include "gatkit/chem/generic_graph.hpp"
#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"

namespace gatkit {
namespace {

using detail::ConfigReader;
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Every task kind, for parse_graph_task. A new kind adds itself here and a case to to_string.
constexpr std::array kGraphTasks = {GraphTask::binary, GraphTask::regression, GraphTask::multiclass};

// ---- GraphModelConfig <-> the "model" object --------------------------------------------------------
// A new GraphModelConfig field adds one line to each function; read it under `if (m.has("name"))` with
// the old behaviour as the default, so that older checkpoints keep loading.

void write_model_config(JsonWriter& w, const GraphModelConfig& c) {
  w.StartObject();
  w.Key("in_dim"); w.Int64(c.in_dim);
  w.Key("edge_dim"); w.Int64(c.edge_dim);
  w.Key("num_tasks"); w.Int(c.num_tasks);
  w.Key("layers"); w.Int(c.layers);
  w.Key("heads"); w.Int(c.heads);
  w.Key("hidden"); w.Int64(c.hidden);
  w.Key("readout"); w.String(to_string(c.readout).c_str());
  w.Key("dropout"); w.Double(c.dropout);
  w.Key("attention_dropout"); w.Double(c.attention_dropout);
  w.Key("self_loops"); w.Bool(c.self_loops);
  w.Key("attention"); w.String(to_string(c.attention).c_str());
  w.Key("head_layers"); w.Int(c.head_layers);
  w.Key("head_hidden"); w.Int64(c.head_hidden);
  w.Key("residual"); w.Bool(c.residual);
  if (!c.extra_readouts.empty() || c.jumping_knowledge) {  // absent: what older checkpoints mean
    w.Key("readouts"); w.String(to_string(c.readouts()).c_str());
    w.Key("jumping_knowledge"); w.Bool(c.jumping_knowledge);
  }
  // Only when not the default (softmax, concatenated heads, no cardinality term), as in node checkpoints.
  detail::write_switch_members(w, c.normalizer, c.head_merge, c.cardinality);
  detail::write_range_members(w, c.range, c.positional);
  if (c.block != BlockKind::gat) {  // absent means gat: checkpoints written before transformer blocks
    w.Key("block"); w.String(to_string(c.block).c_str());
    w.Key("ffn_hidden"); w.Int64(c.ffn_width());
  }
  w.EndObject();
}

GraphModelConfig read_model_config(const ConfigReader& m) {
  GraphModelConfig c;
  c.in_dim = m.integer("in_dim", 1, std::int64_t{1} << 31);
  c.edge_dim = m.integer("edge_dim", 0, std::int64_t{1} << 31);
  c.num_tasks = static_cast<int>(m.integer("num_tasks", 1, 1 << 24));
  c.layers = static_cast<int>(m.integer("layers", 1, 1024));
  c.heads = static_cast<int>(m.integer("heads", 1, 1 << 16));
  c.hidden = m.integer("hidden", 1, std::int64_t{1} << 24);
  try {
    c.readout = parse_readout_kind(m.string("readout"));
  } catch (const InvalidArgument& e) {
    m.fail(m.path() + ".readout: " + e.what());
  }
  c.dropout = m.number("dropout");
  c.attention_dropout = m.number("attention_dropout");
  c.self_loops = m.boolean("self_loops");
  if (m.has("attention")) {  // older checkpoints: additive
    try {
      c.attention = parse_attention_kind(m.string("attention"));
    } catch (const InvalidArgument& e) {
      m.fail(m.path() + ".attention: " + e.what());
    }
  }
  if (m.has("head_layers")) {  // older checkpoints: a linear head, no residual connections
    c.head_layers = static_cast<int>(m.integer("head_layers", 0, 64));
    c.head_hidden = m.integer("head_hidden", 1, std::int64_t{1} << 24);
    c.residual = m.boolean("residual");
  }
  if (m.has("readouts")) {  // older checkpoints: one readout of the last layer
    try {
      const auto kinds = parse_readout_kinds(m.string("readouts"));
      GATKIT_REQUIRE(kinds.front() == c.readout, "the first readout must be '" + to_string(c.readout) + "'");
      c.extra_readouts.assign(kinds.begin() + 1, kinds.end());
    } catch (const InvalidArgument& e) {
      m.fail(m.path() + ".readouts: " + e.what());
    }
    c.jumping_knowledge = m.boolean("jumping_knowledge");
  }
  // Older checkpoints: softmax, concatenated heads.
  if (m.has("normalizer")) {
    try {
      c.normalizer = parse_attention_normalizer(m.string("normalizer"));
    } catch (const InvalidArgument& e) {
      m.fail(m.path() + ".normalizer: " + e.what());
    }
  }
  if (m.has("head_merge")) {
    try {
      c.head_merge = parse_head_merge(m.string("head_merge"));
    } catch (const InvalidArgument& e) {
      m.fail(m.path() + ".head_merge: " + e.what());
    }
  }
  if (m.has("cardinality")) {  // older checkpoints: none
    try {
      c.cardinality = parse_cardinality(m.string("cardinality"));
    } catch (const InvalidArgument& e) {
      m.fail(m.path() + ".cardinality: " + e.what());
    }
  }
  detail::read_range_members(m, c.range, c.positional);  // older checkpoints: 1-hop, no positional encoding
  if (m.has("block")) {  // older checkpoints: gat (validate() refuses ffn_hidden without transformer blocks)
    try {
      c.block = parse_block_kind(m.string("block"));
    } catch (const InvalidArgument& e) {
      m.fail(m.path() + ".block: " + e.what());
    }
  }
  if (m.has("ffn_hidden")) c.ffn_hidden = m.integer("ffn_hidden", 1, std::int64_t{1} << 24);
  return c;
}

// ------------------------------------------------------------------------------------------------------

/// Throws InvalidArgument unless the parts of `m` fit together.
void validate(const TrainedGraphModel& m) {
  const GraphModelConfig& c = m.config;
  c.validate();
  if (m.task == GraphTask::multiclass)  // one target; the outputs are its classes
    GATKIT_REQUIRE(m.targets.size() == 1 && c.num_tasks >= 2,
                   "graph model: a multi-class model has one target and at least 2 classes (found " +
                       std::to_string(m.targets.size()) + " targets, " + std::to_string(c.num_tasks) + " outputs)");
  else
    GATKIT_REQUIRE(m.targets.size() == static_cast<std::size_t>(c.num_tasks),
                   "graph model: " + std::to_string(m.targets.size()) + " target names for " + std::to_string(c.num_tasks) + " tasks");
  // in_dim counts the positional-encoding columns appended to the atom rows.
  GATKIT_REQUIRE(!m.degree_features || m.input == GraphInput::graphs, "graph model: degree columns are for generic graphs");
  if (m.input == GraphInput::graphs)  // the widths are the training graphs' own
    GATKIT_REQUIRE(c.in_dim > c.positional.columns() + (m.degree_features ? chem::kDegreeColumns : 0),
                   "graph model: a generic-graph model needs node feature columns");
  const std::int64_t atom_width = chem::atom_feature_width(m.featurizer) + c.positional.columns();
  GATKIT_REQUIRE(m.input == GraphInput::graphs || (c.in_dim == atom_width && c.edge_dim == chem::kBondFeatureWidth),
                 "graph model: feature widths " + std::to_string(c.in_dim) + "/" + std::to_string(c.edge_dim) +
                     " do not match the featuriser's " + std::to_string(atom_width) + "/" +
                     std::to_string(chem::kBondFeatureWidth) +
                     (c.positional.enabled() ? " (atom features and " + c.positional.name() + ")" : std::string()));
  if (m.task == GraphTask::regression) {
    GATKIT_REQUIRE(m.target_mean.size() == c.num_tasks && m.target_std.size() == c.num_tasks,
                   "graph model: regression needs a target mean and std per task");
    GATKIT_REQUIRE(m.target_mean.allFinite() && m.target_std.allFinite() && (m.target_std.array() > 0).all(),
                   "graph model: target means must be finite and standard deviations positive");
  } else {
    GATKIT_REQUIRE(m.target_mean.size() == 0 && m.target_std.size() == 0,
                   "graph model: target mean/std are for regression only");
  }
  GATKIT_REQUIRE(m.members >= 1 && m.members <= kMaxEnsembleMembers,
                 "graph model: an ensemble has 1 to " + std::to_string(kMaxEnsembleMembers) + " members, not " +
                     std::to_string(m.members));
  const std::int64_t needed = c.parameter_count();
  // (Divided, not multiplied: a forged configuration's count times the members could overflow.)
  GATKIT_REQUIRE(needed >= 0 && m.parameters.size() % m.members == 0 && needed == m.parameters.size() / m.members,
                 "graph model: " + std::to_string(m.parameters.size()) + " parameters, the configuration needs " +
                     std::to_string(needed) + (m.members > 1 ? " for each of " + std::to_string(m.members) + " members" : ""));
}

TrainedGraphModel checked(TrainedGraphModel m) {
  validate(m);
  return m;
}

void write_strings(JsonWriter& w, const std::vector<std::string>& strings) {
  w.StartArray();
  for (const auto& s : strings) w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
}

void write_numbers(JsonWriter& w, const Vector<double>& values) {
  w.StartArray();
  for (Eigen::Index k = 0; k < values.size(); ++k) w.Double(values(k));
  w.EndArray();
}

std::string config_json(const TrainedGraphModel& m) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("kind"); w.String(detail::kGraphModelKind);
  w.Key("model"); write_model_config(w, m.config);
  w.Key("task"); w.String(to_string(m.task).c_str());
  w.Key("targets"); write_strings(w, m.targets);
  if (m.input == GraphInput::molecules) {
    w.Key("featurizer"); w.StartObject();
    w.Key("hybridisation"); w.Bool(m.featurizer.hybridisation);
    w.Key("atom_features"); write_strings(w, chem::atom_feature_names(m.featurizer));
    w.Key("bond_features"); write_strings(w, chem::bond_feature_names());
    w.EndObject();
  } else {
    w.Key("input"); w.String(to_string(m.input).c_str());
    if (m.degree_features) {
      w.Key("structural_features"); write_strings(w, {"degree"});
    }
  }
  if (m.task == GraphTask::regression) {
    w.Key("target_mean"); write_numbers(w, m.target_mean);
    w.Key("target_std"); write_numbers(w, m.target_std);
  }
  if (m.members > 1) {  // absent: one network, as every checkpoint before ensembles
    w.Key("members"); w.Int(m.members);
  }
  w.EndObject();
  return buffer.GetString();
}

/// The featuriser columns a checkpoint was trained on must be the ones this build computes.
void check_feature_names(const ConfigReader& f, const char* key, const std::vector<std::string>& ours) {
  const std::vector<std::string> theirs = f.strings(key);
  for (std::size_t k = 0; k < std::max(theirs.size(), ours.size()); ++k) {
    const std::string a = k < theirs.size() ? theirs[k] : "(none)", b = k < ours.size() ? ours[k] : "(none)";
    if (a != b)
      f.fail(f.path() + "." + key + ": the model was trained on features this gatkit does not compute (column " +
             std::to_string(k) + " is '" + a + "' in the checkpoint, '" + b + "' here)");
  }
}

Vector<double> to_vector(const std::vector<double>& values) {
  Vector<double> v(static_cast<Eigen::Index>(values.size()));
  for (std::size_t k = 0; k < values.size(); ++k) v(static_cast<Eigen::Index>(k)) = values[k];
  return v;
}

}  // namespace

GraphTask parse_graph_task(std::string_view name) {
  for (GraphTask t : kGraphTasks)
    if (to_string(t) == name) return t;
  throw InvalidArgument("unknown task kind '" + std::string(name) + "' (expected binary, regression or multiclass)");
}

std::int64_t generic_node_width(const TrainedGraphModel& model) {
  return model.config.in_dim - model.config.positional.columns() - (model.degree_features ? chem::kDegreeColumns : 0);
}

std::string to_string(GraphInput input) { return input == GraphInput::graphs ? "graphs" : "molecules"; }

GraphInput parse_graph_input(const std::string& name) {
  if (name == "molecules") return GraphInput::molecules;
  if (name == "graphs") return GraphInput::graphs;
  throw InvalidArgument("unknown model input '" + name + "' (expected molecules or graphs)");
}

void save_graph_model(const TrainedGraphModel& model, const std::filesystem::path& file) {
  validate(model);
  detail::write_checkpoint(file, config_json(model), model.parameters);
}

TrainedGraphModel load_graph_model(const std::filesystem::path& file) {
  const detail::CheckpointFile checkpoint(file);
  const ConfigReader root(file, checkpoint.config(), "config");
  if (checkpoint.kind() == detail::kNodeClassifierKind)
    checkpoint.fail("this checkpoint holds a node classifier (kind node_classifier), not a graph-level (molecule) "
                    "model; apply it to a node data folder");
  if (checkpoint.kind() != detail::kGraphModelKind) root.fail("kind '" + checkpoint.kind() + "' is not graph_model");
  TrainedGraphModel m;
  m.config = read_model_config(root.object("model"));
  try {
    m.task = parse_graph_task(root.string("task"));
  } catch (const InvalidArgument& e) {
    root.fail(std::string("config.task: ") + e.what());
  }
  m.targets = root.strings("targets");
  if (root.has("input")) {
    try {
      m.input = parse_graph_input(root.string("input"));
    } catch (const InvalidArgument& e) {
      root.fail(std::string("config.input: ") + e.what());
    }
  }
  if (root.has("structural_features")) {
    const std::vector<std::string> kinds = root.strings("structural_features");
    if (m.input != GraphInput::graphs || kinds != std::vector<std::string>{"degree"})
      root.fail("config.structural_features: expected [\"degree\"] in a generic-graph model");
    m.degree_features = true;
  }
  if (m.input == GraphInput::molecules) {
    const ConfigReader f = root.object("featurizer");
    m.featurizer.hybridisation = f.boolean("hybridisation");
    check_feature_names(f, "atom_features", chem::atom_feature_names(m.featurizer));
    check_feature_names(f, "bond_features", chem::bond_feature_names());
  }
  if (m.task == GraphTask::regression) {
    m.target_mean = to_vector(root.numbers("target_mean"));
    m.target_std = to_vector(root.numbers("target_std"));
  }
  if (root.has("members")) m.members = static_cast<int>(root.integer("members", 1, kMaxEnsembleMembers));
  try {
    m.config.validate();
  } catch (const InvalidArgument& e) {
    root.fail(e.what());
  }
  // The parameter count comes from the validated configuration (overflow-checked) and must equal the
  // count the file holds before anything is copied.
  const std::int64_t per_member = m.config.parameter_count();
  if (per_member > std::numeric_limits<std::int64_t>::max() / m.members)
    root.fail("the configuration's parameter count times " + std::to_string(m.members) + " members overflows");
  m.parameters = checkpoint.parameters(per_member * m.members);
  try {
    validate(m);
  } catch (const InvalidArgument& e) {
    root.fail(e.what());
  }
  return m;
}

std::string checkpoint_kind(const std::filesystem::path& file) { return detail::CheckpointFile(file).kind(); }

std::string checkpoint_config(const std::filesystem::path& file) {
  const detail::CheckpointFile checkpoint(file);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  checkpoint.config().Accept(writer);
  return buffer.GetString();
}

// ---- GraphPredictor ---------------------------------------------------------------------------------

GraphPredictor::GraphPredictor(TrainedGraphModel model) : model_(checked(std::move(model))), net_(model_.config) {
  use_member(0);
}

void GraphPredictor::use_member(int m) {
  GATKIT_REQUIRE(m >= 0 && m < model_.members, "GraphPredictor: member " + std::to_string(m) + " of an ensemble of " +
                                                   std::to_string(model_.members));
  if (m == loaded_member_) return;
  const Eigen::Index count = net_.parameters().values().size();
  net_.parameters().values() = model_.parameters.segment(m * count, count);
  loaded_member_ = m;
}

chem::MoleculeGraph GraphPredictor::featurize(const chem::Molecule& molecule) const {
  GATKIT_REQUIRE(model_.input == GraphInput::molecules,
                 "the model was trained on generic graph entries, not molecules");
  chem::MoleculeGraph graph = chem::featurize(molecule, model_.featurizer);
  check_range_size(model_.config.range, graph.graph.num_nodes(),
                   "molecule" + (molecule.name.empty() ? std::string() : " '" + molecule.name + "'"));
  return graph;
}

chem::MoleculeGraph GraphPredictor::graph(const io::GraphRecord& record) const {
  GATKIT_REQUIRE(model_.input == GraphInput::graphs, "the model was trained on molecules, not generic graph entries");
  const std::int64_t node_width = generic_node_width(model_);
  const std::int64_t edge_width = model_.config.edge_dim;
  const std::string what = "graph" + (record.id.empty() ? std::string() : " '" + record.id + "'");
  chem::MoleculeGraph graph;
  try {
    graph = chem::model_graph(record, node_width, edge_width, "the model was trained on");
  } catch (const InvalidArgument& e) {
    throw InvalidArgument(what + ": " + e.what());
  }
  if (model_.degree_features) chem::append_degree_columns(graph);
  check_range_size(model_.config.range, graph.graph.num_nodes(), what);
  return graph;
}

namespace {

/// Calls visit(first, last, batch) for consecutive ranges [first, last) of at most batch_size graphs, batch
/// holding pointers to them (forward_batch's input).
template <class Visit>
void for_each_batch(std::span<const chem::MoleculeGraph> graphs, int batch_size, Visit&& visit) {
  GATKIT_REQUIRE(batch_size >= 1, "GraphPredictor: batch size must be positive");
  const auto n = static_cast<std::int64_t>(graphs.size());
  std::vector<const chem::MoleculeGraph*> batch;
  for (std::int64_t first = 0; first < n; first += batch_size) {
    const std::int64_t last = std::min(n, first + batch_size);
    batch.clear();
    for (std::int64_t i = first; i < last; ++i) batch.push_back(&graphs[static_cast<std::size_t>(i)]);
    visit(first, last, std::span<const chem::MoleculeGraph* const>(batch));
  }
}

}  // namespace

RowMatrix<double> GraphPredictor::predict(std::span<const chem::MoleculeGraph> graphs, int batch_size,
                                          RowMatrix<double>* member_std) {
  const auto n = static_cast<std::int64_t>(graphs.size());
  const int tasks = model_.config.num_tasks;
  RowMatrix<double> out = RowMatrix<double>::Zero(n, tasks), member_out(n, tasks);
  // With member_std, every member's values are kept for the second pass of the deviation.
  std::vector<RowMatrix<double>> kept;
  // Members one after another (each loads its parameters once), their predictions summed in member order.
  for (int m = 0; m < model_.members; ++m) {
    use_member(m);
    RowMatrix<double>& mine = model_.members == 1 ? out : member_out;
    for_each_batch(graphs, batch_size, [&](std::int64_t first, std::int64_t last, auto batch) {
      const RowMatrix<float>& y = forward_batch(batch);
      for (std::int64_t i = first; i < last; ++i) {
        if (model_.task == GraphTask::multiclass) {  // softmax over the class logits
          const double top = static_cast<double>(y.row(i - first).maxCoeff());
          double sum = 0;
          for (int c = 0; c < tasks; ++c) sum += mine(i, c) = std::exp(static_cast<double>(y(i - first, c)) - top);
          mine.row(i) /= sum;
          continue;
        }
        for (int t = 0; t < tasks; ++t) {
          const double z = static_cast<double>(y(i - first, t));
          double& v = mine(i, t);
          switch (model_.task) {
            case GraphTask::binary: v = 1.0 / (1.0 + std::exp(-z)); break;
            case GraphTask::regression: v = z * model_.target_std(t) + model_.target_mean(t); break;
            case GraphTask::multiclass: break;
          }
        }
      }
    });
    if (model_.members > 1) out += member_out;
    if (member_std && model_.members > 1) kept.push_back(member_out);
  }
  if (model_.members > 1) out /= static_cast<double>(model_.members);
  if (member_std) {
    *member_std = RowMatrix<double>::Zero(n, tasks);
    for (const RowMatrix<double>& values : kept) *member_std += (values - out).cwiseAbs2();
    if (!kept.empty()) *member_std = (*member_std / static_cast<double>(kept.size())).cwiseSqrt();
  }
  return out;
}

const RowMatrix<float>& GraphPredictor::forward_batch(std::span<const chem::MoleculeGraph* const> batch,
                                                     Graph* attention_graph) {
  chem::MoleculeBatch b = chem::batch_molecules(batch);
  const std::int64_t pe_columns = model_.config.positional.columns();
  GATKIT_REQUIRE(b.atom_features.cols() + pe_columns == model_.config.in_dim && b.edge_features.cols() == model_.config.edge_dim,
                 "GraphPredictor: graphs with feature widths " + std::to_string(b.atom_features.cols()) + "/" +
                     std::to_string(b.edge_features.cols()) + ", the model expects " +
                     std::to_string(model_.config.in_dim - pe_columns) + "/" + std::to_string(model_.config.edge_dim));
  const auto input = net_.prepare(b.batch.graph, &b.edge_features, b.batch.offsets);
  FeatureMatrix<float> x(std::move(b.atom_features));
  if (pe_columns > 0) x = append_columns(x, positional_encoding<float>(b.batch.graph, model_.config.positional));
  const RowMatrix<float>& y = net_.forward(input, x, b.batch.offsets, /*training=*/false, 0);
  if (attention_graph) *attention_graph = input.graph;
  return y;
}

std::string to_string(GraphEmbedding which) { return which == GraphEmbedding::head ? "head" : "readout"; }

GraphEmbedding parse_graph_embedding(std::string_view name) {
  if (name == "readout") return GraphEmbedding::readout;
  if (name == "head") return GraphEmbedding::head;
  throw InvalidArgument("unknown embedding '" + std::string(name) + "' (expected readout or head)");
}

std::int64_t GraphPredictor::embedding_width(GraphEmbedding which) const {
  const GraphModelConfig& c = model_.config;
  return which == GraphEmbedding::head && c.head_layers > 0 ? c.head_hidden : c.pooled_width();
}

RowMatrix<double> GraphPredictor::embed(std::span<const chem::MoleculeGraph> graphs, GraphEmbedding which, int member,
                                        int batch_size) {
  use_member(member);
  RowMatrix<double> out(static_cast<std::int64_t>(graphs.size()), embedding_width(which));
  for_each_batch(graphs, batch_size, [&](std::int64_t first, std::int64_t last, auto batch) {
    forward_batch(batch);
    const RowMatrix<float>& rows = which == GraphEmbedding::head ? net_.head_input() : net_.pooled();
    out.middleRows(first, last - first) = rows.cast<double>();
  });
  return out;
}

explain::AttentionWeights GraphPredictor::attention(const chem::MoleculeGraph& graph, int member) {
  use_member(member);
  const chem::MoleculeGraph* one[] = {&graph};
  explain::AttentionWeights w;
  forward_batch(one, &w.graph);
  for (int l = 0; l < net_.num_layers(); ++l)
    w.layers.push_back({model_.config.heads, net_.attention_weights(l)});
  w.check_complete();
  return w;
}

RowMatrix<double> GraphPredictor::predict(std::span<const chem::Molecule> molecules, int batch_size) {
  const auto n = static_cast<std::int64_t>(molecules.size());
  std::vector<chem::MoleculeGraph> graphs(molecules.size());
  std::vector<std::string> errors(molecules.size());
  parallel_rows(n, 8, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      const auto k = static_cast<std::size_t>(i);
      try {
        graphs[k] = featurize(molecules[k]);
      } catch (const InvalidArgument& e) {
        errors[k] = e.what();
      }
    }
  });
  for (const auto& e : errors)  // the first bad molecule in input order, whatever the thread schedule
    if (!e.empty()) throw InvalidArgument(e);
  return predict(std::span<const chem::MoleculeGraph>(graphs), batch_size);
}

}  // namespace gatkit
