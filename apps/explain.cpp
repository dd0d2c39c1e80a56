// gatkit explain: the attention weights of a trained model, per layer, head and edge (docs/attention.md,
// "Seeing the attention"). Layers and heads are numbered from 1 on the command line and in the output.
//
//   node model:     gatkit explain --model M --data PATH [--output F.csv|F.json] [--format csv|json]
//                   [--node ID [--top K]] [--layer L] [--head H] [node data options]
//     table rows:   layer,head,source,target,self_loop,input_edge,weight   (source/target: the data's node ids)
//     --node ID:    the top K in-edges of that node per layer and head (text; csv/json when asked)
//   molecule model: gatkit explain --model M --data F.sdf|.json [--molecule N[,N...]]... [--output ...]
//                   [--svg DIR|FILE.svg] [--layer L] [--head H] [--on-error fail|skip]
//     table rows:   record,name,layer,head,source_atom,target_atom,source_element,target_element,self_loop,bond,weight
//                   (atoms 1-based, as in the file; a graph model's graphs: empty elements, bond = an
//                   input edge source -> target)
//     --svg:        one drawing per --molecule, shaded by layer L (default: the last) and head H (default:
//                   the mean over heads); molecules without 2D coordinates get a computed layout.
// Outputs are written atomically; without --output the table goes to stdout (not with --svg unless
// --format is given).
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "cli_args.hpp"
#include "commands.hpp"
#include "gatkit/explain/attention_weights.hpp"
#include "gatkit/explain/molecule_svg.hpp"
#include "gatkit/train/graph_predictor.hpp"
#include "gatkit/train/node_classification.hpp"
#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"
#include "molecule_files.hpp"
#include "node_data.hpp"
#include "output.hpp"

namespace gatkit::cli {
namespace {

using explain::AttentionWeights;

enum class Format { csv, json, text };

std::string weight_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

/// --format, else the --output extension, else `fallback`.
Format output_format(const Args& args, Format fallback) {
  if (args.has("format")) {
    const std::string f = args.str("format");
    if (f == "csv") return Format::csv;
    if (f == "json") return Format::json;
    throw InvalidArgument("--format expects csv or json, got '" + f + "'");
  }
  if (args.has("output")) {
    const std::string ext = std::filesystem::path(args.str("output")).extension().string();
    if (ext == ".csv") return Format::csv;
    if (ext == ".json") return Format::json;
    if (fallback == Format::text && (ext == ".txt" || ext.empty())) return Format::text;
    throw InvalidArgument("--output " + args.str("output") + ": the extension .csv or .json chooses the format (or give --format csv|json)");
  }
  return fallback;
}

void emit(const Args& args, const std::string& text) {
  if (args.has("output")) write_file_atomically(args.str("output"), text);
  else std::cout << text << std::flush;
}

/// A 1-based --layer / --head, checked against what the model has; 0-based result, or `fallback` when absent.
int index_option(const Args& args, const std::string& name, int count, const std::string& what, int fallback) {
  if (!args.has(name)) return fallback;
  const auto v = args.integer(name, 0);
  if (v < 1 || v > count)
    throw InvalidArgument("--" + name + " " + std::to_string(v) + ": " + what + " has " + std::to_string(count) + " " +
                          name + (count == 1 ? "" : "s") + " (1.." + std::to_string(count) + ")");
  return static_cast<int>(v - 1);
}

/// The layers (0-based) the tables cover: --layer, or all.
std::vector<int> chosen_layers(const Args& args, const AttentionWeights& w) {
  if (args.has("layer")) return {index_option(args, "layer", w.num_layers(), "the model", 0)};
  std::vector<int> all(static_cast<std::size_t>(w.num_layers()));
  for (int l = 0; l < w.num_layers(); ++l) all[static_cast<std::size_t>(l)] = l;
  return all;
}

/// The heads (0-based) of `layer` the tables cover: --head, or all. With --head and no --layer, layers with
/// fewer heads (a node model's output layer) are left out; a head no chosen layer has is an error.
std::vector<int> chosen_heads(const Args& args, const AttentionWeights& w, int layer) {
  const int heads = w.layers[static_cast<std::size_t>(layer)].heads;
  if (args.has("head")) {
    if (args.has("layer"))
      return {index_option(args, "head", heads, "layer " + std::to_string(layer + 1) + " of the model", 0)};
    int most = 0;
    for (const auto& l : w.layers) most = std::max(most, l.heads);
    const int head = index_option(args, "head", most, "the widest layer of the model", 0);
    if (head >= heads) return {};
    return {head};
  }
  std::vector<int> all(static_cast<std::size_t>(heads));
  for (int h = 0; h < heads; ++h) all[static_cast<std::size_t>(h)] = h;
  return all;
}

// ---- node models --------------------------------------------------------------------------------

std::string node_table(const Args& args, Format format, const AttentionWeights& w, const NodeDataset& data) {
  const std::vector<NodeId> targets = w.edge_targets();
  const auto& ids = data.node_ids;
  const Graph& g = w.graph;
  auto input_edge = [&](EdgeId e) {
    return explain::find_edge(data.graph, g.sources()[static_cast<std::size_t>(e)], targets[static_cast<std::size_t>(e)]) >= 0;
  };
  if (format == Format::csv) {
    std::string csv = "layer,head,source,target,self_loop,input_edge,weight\n";
    for (int l : chosen_layers(args, w))
      for (int h : chosen_heads(args, w, l))
        for (EdgeId e = 0; e < g.num_edges(); ++e) {
          const NodeId j = g.sources()[static_cast<std::size_t>(e)], i = targets[static_cast<std::size_t>(e)];
          csv.append(std::to_string(l + 1)).append(",").append(std::to_string(h + 1)).append(",");
          csv.append(csv_field(ids[static_cast<std::size_t>(j)])).append(",").append(csv_field(ids[static_cast<std::size_t>(i)]));
          csv.append(i == j ? ",1," : ",0,").append(input_edge(e) ? "1," : "0,");
          csv.append(weight_text(w.layers[static_cast<std::size_t>(l)].weight(e, h))).append("\n");
        }
    return csv;
  }
  rapidjson::StringBuffer b;
  JsonWriter j(b);
  j.SetMaxDecimalPlaces(7);
  j.StartObject();
  j.Key("task"); j.String("node");
  j.Key("data"); j.String(data.name.c_str());
  j.Key("layers"); j.StartArray();
  for (int l : chosen_layers(args, w)) {
    const auto heads = chosen_heads(args, w, l);
    j.StartObject();
    j.Key("layer"); j.Int(l + 1);
    j.Key("heads"); j.StartArray();
    for (int h : heads) j.Int(h + 1);
    j.EndArray();
    j.Key("edges"); j.StartArray();
    for (EdgeId e = 0; e < g.num_edges(); ++e) {
      const NodeId src = g.sources()[static_cast<std::size_t>(e)], dst = targets[static_cast<std::size_t>(e)];
      j.StartObject();
      j.Key("source"); j.String(ids[static_cast<std::size_t>(src)].c_str());
      j.Key("target"); j.String(ids[static_cast<std::size_t>(dst)].c_str());
      j.Key("self_loop"); j.Bool(src == dst);
      j.Key("input_edge"); j.Bool(input_edge(e));
      j.Key("weights"); j.StartArray();
      for (int h : heads) j.Double(static_cast<double>(w.layers[static_cast<std::size_t>(l)].weight(e, h)));
      j.EndArray();
      j.EndObject();
    }
    j.EndArray();
    j.EndObject();
  }
  j.EndArray();
  j.EndObject();
  return std::string(b.GetString()) + "\n";
}

std::string node_top_k(const Args& args, Format format, const AttentionWeights& w, const NodeDataset& data) {
  const std::string id = args.str("node");
  const auto found = std::find(data.node_ids.begin(), data.node_ids.end(), id);
  if (found == data.node_ids.end()) {
    std::string examples;
    for (std::size_t k = 0; k < data.node_ids.size() && k < 3; ++k) examples += (k ? ", '" : "'") + data.node_ids[k] + "'";
    throw InvalidArgument("--node '" + id + "': no node of " + data.name + " has this id (" +
                          std::to_string(data.node_ids.size()) + " nodes, ids such as " + examples + ")");
  }
  const auto node = static_cast<NodeId>(found - data.node_ids.begin());
  const auto top = args.integer("top", 5);
  GATKIT_REQUIRE(top >= 1, "--top must be >= 1");
  const Graph& g = w.graph;
  std::ostringstream text;
  std::string csv = "layer,head,rank,source,self_loop,weight\n";
  rapidjson::StringBuffer b;
  JsonWriter j(b);
  j.SetMaxDecimalPlaces(7);
  j.StartObject();
  j.Key("node"); j.String(id.c_str());
  j.Key("in_edges"); j.Int64(g.in_degree(node));
  j.Key("top"); j.StartArray();
  text << "node '" << id << "': its in-edges by weight, largest first, at most " << top << " per head ("
       << g.in_degree(node) << " in-edges in the attention graph"
       << (explain::find_edge(g, node, node) >= 0 ? ", self-loop included)\n" : ")\n");
  for (int l : chosen_layers(args, w))
    for (int h : chosen_heads(args, w, l)) {
      text << "layer " << l + 1 << " of " << w.num_layers() << ", head " << h + 1 << " of "
           << w.layers[static_cast<std::size_t>(l)].heads << ":\n";
      j.StartObject();
      j.Key("layer"); j.Int(l + 1);
      j.Key("head"); j.Int(h + 1);
      j.Key("neighbours"); j.StartArray();
      int rank = 0;
      for (EdgeId e : explain::top_incoming(w, l, h, node, static_cast<int>(top))) {
        const NodeId src = g.sources()[static_cast<std::size_t>(e)];
        const std::string& name = data.node_ids[static_cast<std::size_t>(src)];
        const double weight = w.layers[static_cast<std::size_t>(l)].weight(e, h);
        ++rank;
        text << "  " << rank << ". " << fixed(weight, 4) << "  " << name << (src == node ? "  (self-loop)" : "") << "\n";
        csv.append(std::to_string(l + 1)).append(",").append(std::to_string(h + 1)).append(",").append(std::to_string(rank));
        csv.append(",").append(csv_field(name)).append(src == node ? ",1," : ",0,").append(weight_text(weight)).append("\n");
        j.StartObject();
        j.Key("rank"); j.Int(rank);
        j.Key("source"); j.String(name.c_str());
        j.Key("self_loop"); j.Bool(src == node);
        j.Key("weight"); j.Double(weight);
        j.EndObject();
      }
      j.EndArray();
      j.EndObject();
    }
  j.EndArray();
  j.EndObject();
  if (format == Format::csv) return csv;
  if (format == Format::json) return std::string(b.GetString()) + "\n";
  return text.str();
}

int explain_nodes(const Args& args) {
  GATKIT_REQUIRE(!args.has("svg") && !args.has("on-error"), "--svg and --on-error apply to molecule models");
  const TrainedModel model = load_model(args.required("model"));
  const NodeDataset data = load_node_data(args, args.flag("quiet"), &model);
  const AttentionWeights w = node_attention(model, data);
  if (args.has("node")) {
    emit(args, node_top_k(args, output_format(args, Format::text), w, data));
  } else {
    GATKIT_REQUIRE(!args.has("top"), "--top applies with --node");
    emit(args, node_table(args, output_format(args, Format::csv), w, data));
  }
  return 0;
}

// ---- molecule models ----------------------------------------------------------------------------

/// --molecule N[,N...] (repeatable): removed from argv, returned as record numbers.
std::set<std::uint64_t> take_molecule_options(std::vector<std::string>& argv) {
  std::set<std::uint64_t> records;
  auto parse = [&](const std::string& list) {
    std::stringstream in(list);
    std::string item;
    while (std::getline(in, item, ',')) {
      std::uint64_t v = 0;
      const auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
      if (item.empty() || ec != std::errc() || ptr != item.data() + item.size() || v == 0)
        throw InvalidArgument("--molecule expects record numbers from 1 (e.g. 3 or 1,4,7), got '" + list + "'");
      records.insert(v);
    }
  };
  std::vector<std::string> rest;
  for (std::size_t k = 0; k < argv.size(); ++k) {
    if (argv[k] == "--molecule") {
      if (k + 1 >= argv.size()) throw InvalidArgument("--molecule needs a value");
      parse(argv[++k]);
    } else if (argv[k].rfind("--molecule=", 0) == 0) {
      parse(argv[k].substr(11));
    } else {
      rest.push_back(argv[k]);
    }
  }
  argv = std::move(rest);
  return records;
}

std::string element(const chem::Molecule& m, NodeId atom) {
  const std::string& s = m.atoms[static_cast<std::size_t>(atom)].symbol;
  return s.empty() ? "*" : s;
}

/// What the rows of a record show besides the weights: a label per node (a molecule's elements; ""
/// for the nodes of a generic graph) and whether a pair is an edge of the input (a bond, either way; an
/// edge src -> dst of a generic graph).
struct RecordNodes {
  std::vector<std::string> labels;
  std::set<std::pair<NodeId, NodeId>> edges;  ///< (source, target); a bond is entered both ways
  explicit RecordNodes(const MoleculeRecord& r) {
    if (r.graph) {
      labels.assign(static_cast<std::size_t>(r.graph->num_nodes), std::string());
      for (const Edge& e : r.graph->edges) edges.insert({e.src, e.dst});
      return;
    }
    for (std::size_t a = 0; a < r.molecule.atoms.size(); ++a) labels.push_back(element(r.molecule, static_cast<NodeId>(a)));
    for (const chem::Bond& b : r.molecule.bonds) {
      edges.insert({b.begin, b.end});
      edges.insert({b.end, b.begin});
    }
  }
  bool edge(NodeId source, NodeId target) const { return edges.count({source, target}) > 0; }
};

void molecule_csv_rows(const Args& args, const MoleculeRecord& r, const AttentionWeights& w, std::string& csv) {
  const std::vector<NodeId> targets = w.edge_targets();
  const RecordNodes nodes(r);
  const std::string prefix = std::to_string(r.number) + "," + csv_field(r.name()) + ",";
  for (int l : chosen_layers(args, w))
    for (int h : chosen_heads(args, w, l))
      for (EdgeId e = 0; e < w.graph.num_edges(); ++e) {
        const NodeId j = w.graph.sources()[static_cast<std::size_t>(e)], i = targets[static_cast<std::size_t>(e)];
        csv.append(prefix).append(std::to_string(l + 1)).append(",").append(std::to_string(h + 1)).append(",");
        csv.append(std::to_string(j + 1)).append(",").append(std::to_string(i + 1)).append(",");
        csv.append(csv_field(nodes.labels[static_cast<std::size_t>(j)])).append(",");
        csv.append(csv_field(nodes.labels[static_cast<std::size_t>(i)]));
        csv.append(i == j ? ",1," : ",0,").append(nodes.edge(j, i) ? "1," : "0,");
        csv.append(weight_text(w.layers[static_cast<std::size_t>(l)].weight(e, h))).append("\n");
      }
}

void molecule_json(const Args& args, const MoleculeRecord& r, const AttentionWeights& w, JsonWriter& j) {
  const std::vector<NodeId> targets = w.edge_targets();
  const RecordNodes nodes(r);
  j.StartObject();
  j.Key("record"); j.Uint64(r.number);
  j.Key("name"); j.String(r.name().c_str());
  if (r.graph) {
    j.Key("nodes"); j.Int64(r.graph->num_nodes);
  } else {
    j.Key("atoms"); j.StartArray();
    for (const std::string& label : nodes.labels) j.String(label.c_str());
    j.EndArray();
  }
  j.Key("layers"); j.StartArray();
  for (int l : chosen_layers(args, w)) {
    const auto heads = chosen_heads(args, w, l);
    j.StartObject();
    j.Key("layer"); j.Int(l + 1);
    j.Key("heads"); j.StartArray();
    for (int h : heads) j.Int(h + 1);
    j.EndArray();
    j.Key("edges"); j.StartArray();
    for (EdgeId e = 0; e < w.graph.num_edges(); ++e) {
      const NodeId src = w.graph.sources()[static_cast<std::size_t>(e)], dst = targets[static_cast<std::size_t>(e)];
      j.StartObject();
      j.Key("source_atom"); j.Int(src + 1);
      j.Key("target_atom"); j.Int(dst + 1);
      j.Key("self_loop"); j.Bool(src == dst);
      j.Key("bond"); j.Bool(nodes.edge(src, dst));
      j.Key("weights"); j.StartArray();
      for (int h : heads) j.Double(static_cast<double>(w.layers[static_cast<std::size_t>(l)].weight(e, h)));
      j.EndArray();
      j.EndObject();
    }
    j.EndArray();
    j.EndObject();
  }
  j.EndArray();
  j.EndObject();
}

std::string svg_for(const Args& args, MoleculeRecord& r, const AttentionWeights& w, const TrainedGraphModel& model) {
  const int layer = index_option(args, "layer", w.num_layers(), "the model", w.num_layers() - 1);
  const int heads = w.layers[static_cast<std::size_t>(layer)].heads;
  const int head = index_option(args, "head", heads, "layer " + std::to_string(layer + 1) + " of the model", -1);
  chem::Molecule& m = r.molecule;
  if (!explain::has_2d_coordinates(m)) {
    std::cerr << "note: record " << r.number << " has no 2D coordinates; drawn with a computed layout\n";
    explain::compute_2d_layout(m);
  }
  explain::MoleculeSvgCaption caption;
  caption.title = "record " + std::to_string(r.number) + (r.name().empty() ? std::string() : ": " + r.name());
  // MoleculeNet SDFs keep the compound's name in a data item; the title line is often a number.
  if (const std::string* name = m.property("name"); name && !name->empty() && *name != r.name())
    caption.title += " (" + *name + ")";
  caption.subtitle = "attention layer " + std::to_string(layer + 1) + " of " + std::to_string(w.num_layers()) + ", " +
                     (head < 0 ? "mean over " + std::to_string(heads) + " heads" :
                                 "head " + std::to_string(head + 1) + " of " + std::to_string(heads)) +
                     " (" + to_string(model.config.attention) + ", " + to_string(model.config.normalizer) + ")";
  return explain::molecule_svg(m, explain::molecule_shading(m, w, layer, head), caption);
}

int explain_molecules(const Args& args, const std::set<std::uint64_t>& wanted) {
  GATKIT_REQUIRE(!args.has("node") && !args.has("top"), "--node and --top apply to node models");
  refuse_node_data_options(args);
  GraphPredictor predictor(load_graph_model(args.required("model")));
  // An ensemble's members attend differently; one is explained.
  const int member = member_option(args, predictor.model().members, "attention weights");
  const std::filesystem::path file = args.required("data");
  const bool svg = args.has("svg");
  const std::filesystem::path svg_path = args.str("svg");
  const bool svg_file = svg && svg_path.extension() == ".svg";
  // A model trained on generic graphs (JSON entries, a TU data set) explains those; they have no atoms
  // to draw.
  const bool graphs = predictor.model().input == GraphInput::graphs;
  GATKIT_REQUIRE(!svg || !graphs, "--svg draws molecules; " + args.str("model") + " was trained on generic graphs");
  if (svg) {
    GATKIT_REQUIRE(!wanted.empty(), "--svg draws the molecules given by --molecule N[,N...]");
    GATKIT_REQUIRE(!svg_file || wanted.size() == 1,
                   "--svg " + svg_path.string() + " is one file: give one --molecule, or a folder for several");
  }
  const bool table = !svg || args.has("output") || args.has("format");
  const Format format = output_format(args, Format::csv);

  std::string csv = "record,name,layer,head,source_atom,target_atom,source_element,target_element,self_loop,bond,weight\n";
  rapidjson::StringBuffer buffer;
  JsonWriter json(buffer);
  json.SetMaxDecimalPlaces(7);
  json.StartObject();
  json.Key("task"); json.String("molecule");
  json.Key("data"); json.String(file.string().c_str());
  json.Key("molecules"); json.StartArray();
  std::map<std::uint64_t, std::string> drawings;
  std::uint64_t records = 0;
  for_each_record(file, on_error_option(args), [&](MoleculeRecord& r) {
    ++records;
    if (!wanted.empty() && !wanted.count(r.number)) return;
    if (!r.ok()) {
      if (!wanted.empty()) throw Error("--molecule " + std::to_string(r.number) + ": " + r.error);
      std::cerr << "skipped record " << r.number << ": " << r.error << "\n";
      return;
    }
    chem::MoleculeGraph graph;
    try {
      graph = r.graph ? predictor.graph(*r.graph) : predictor.featurize(r.molecule);
    } catch (const InvalidArgument& e) {
      if (r.graph) throw entry_error(file, r.number, e.what());
      throw ParseError(file, r.molecule.line, e.what());
    }
    const AttentionWeights w = predictor.attention(graph, member);
    if (table && format == Format::csv) molecule_csv_rows(args, r, w, csv);
    if (table && format == Format::json) molecule_json(args, r, w, json);
    if (svg) drawings[r.number] = svg_for(args, r, w, predictor.model());
  }, /*accept_graphs=*/graphs, tu_options(predictor.model()), smiles_csv_options(args));
  json.EndArray();
  json.EndObject();
  for (std::uint64_t n : wanted)
    if (n > records)
      throw InvalidArgument("--molecule " + std::to_string(n) + ": " + file.string() + " has " + std::to_string(records) +
                            " record" + (records == 1 ? "" : "s"));
  if (table) emit(args, format == Format::json ? std::string(buffer.GetString()) + "\n" : csv);
  if (svg) {
    if (svg_file) {
      write_file_atomically(svg_path, drawings.begin()->second);
    } else {
      std::filesystem::create_directories(svg_path);
      for (const auto& [number, text] : drawings)
        write_file_atomically(svg_path / ("record_" + std::to_string(number) + ".svg"), text);
    }
    std::cerr << "wrote " << drawings.size() << " drawing" << (drawings.size() == 1 ? "" : "s") << " to " << svg_path.string() << "\n";
  }
  return 0;
}

}  // namespace

int cmd_explain(const std::vector<std::string>& argv) {
  std::vector<std::string> rest = argv;
  const std::set<std::uint64_t> molecules = take_molecule_options(rest);
  std::set<std::string> options = {"model", "output", "format", "node", "top", "layer", "head", "svg", "threads", "on-error", "smiles-column", "name-column",
                                   "member"};
  options.insert(node_data_options.begin(), node_data_options.end());
  const Args args(rest, options, {"quiet"});
  const std::string kind = model_kind_for_command(args);
  if (kind == "graph_model") return explain_molecules(args, molecules);
  GATKIT_REQUIRE(molecules.empty(), "--molecule applies to molecule models; " + args.str("model") + " is a node classifier");
  GATKIT_REQUIRE(!args.has("member"), "--member applies to ensembles of molecule models; " + args.str("model") +
                                          " is a node classifier");
  return explain_nodes(args);
}

}  // namespace gatkit::cli
