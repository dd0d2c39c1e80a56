// gatkit train on a molecule file (SDF/MOL or gatkit JSON): graph-level tasks read from SD data items or
// JSON properties (--target): binary (ROC-AUC), multi-class (accuracy) or regression (RMSE); random /
// scaffold / k-fold splits; a summary JSON with every run; --save writes the model of the best run as a
// graph_model checkpoint for `gatkit predict`.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>
#include <utility>

#include "cli_args.hpp"
#include "commands.hpp"
#include "gatkit/chem/generic_graph.hpp"
#include "gatkit/io/structural_features.hpp"
#include "gatkit/train/graph_classification.hpp"
#include "gatkit/train/graph_predictor.hpp"
#include "gatkit/train/metrics.hpp"
#include "gatkit/util/parallel.hpp"
#include "molecule_files.hpp"
#include "output.hpp"
#include "block_options.hpp"
#include "range_options.hpp"
#include "resume.hpp"
#include "summary_config.hpp"

namespace gatkit::cli {
namespace {

// Targets from the data items: a missing or empty value is a missing label (NaN), never zero.
RowMatrix<double> read_targets(const std::vector<chem::Molecule>& molecules, const std::vector<std::string>& names,
                               const std::filesystem::path& file) {
  RowMatrix<double> targets(static_cast<Eigen::Index>(molecules.size()), static_cast<Eigen::Index>(names.size()));
  for (std::size_t i = 0; i < molecules.size(); ++i)
    for (std::size_t t = 0; t < names.size(); ++t)
      targets(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(t)) = molecule_target(molecules[i], names[t], file);
  // A target without a single value is most likely misspelt: training on it would learn nothing.
  for (std::size_t t = 0; t < names.size(); ++t) {
    if (!targets.col(static_cast<Eigen::Index>(t)).array().isNaN().all()) continue;
    const bool named = std::any_of(molecules.begin(), molecules.end(),
                                   [&](const chem::Molecule& m) { return m.property(names[t]) != nullptr; });
    if (named) throw ParseError(file, 0, "target " + names[t] + " is empty in every record (--target)");
    std::string items;
    const auto& properties = molecules.front().properties;
    for (std::size_t k = 0; k < properties.size() && k < 12; ++k) items += (k ? ", '" : "'") + properties[k].first + "'";
    if (properties.size() > 12) items += ", ... (" + std::to_string(properties.size()) + " in all)";
    throw ParseError(file, 0, "no record has a target named '" + names[t] + "' (--target); the first record has " +
                                  (items.empty() ? std::string("none") : items));
  }
  return targets;
}

// Targets of generic graph entries, from their "labels": a missing or null label is NaN. A name that no
// graph carries is an error (most likely a misspelt --target).
RowMatrix<double> read_graph_targets(const std::vector<io::GraphRecord>& graphs, const std::vector<std::string>& names,
                                     const std::filesystem::path& file) {
  RowMatrix<double> targets(static_cast<Eigen::Index>(graphs.size()), static_cast<Eigen::Index>(names.size()));
  for (std::size_t t = 0; t < names.size(); ++t) {
    bool named = false;
    for (std::size_t i = 0; i < graphs.size(); ++i)
      targets(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(t)) = graph_target(graphs[i], names[t], &named);
    if (!named) throw ParseError(file, 0, "no graph entry has the label '" + names[t] + "' (--target)");
    if (targets.col(static_cast<Eigen::Index>(t)).array().isNaN().all())
      throw ParseError(file, 0, "the label '" + names[t] + "' is null in every graph entry (--target)");
  }
  return targets;
}

// --split column:NAME: each molecule's data item (or table column) NAME says its set: train or training,
// valid, val or validation, test or testing (any case, blanks around ignored). The split is the user's,
// so it is the same in every run.
train::Split split_from_column(const std::vector<chem::Molecule>& molecules, const std::string& column,
                               const std::filesystem::path& file) {
  train::Split split;
  for (std::size_t i = 0; i < molecules.size(); ++i) {
    const chem::Molecule& m = molecules[i];
    const std::string* value = m.property(column);
    if (!value)
      throw ParseError(file, m.line, "record " + std::to_string(m.record) + ": no " + column + " to split by (--split column:" +
                                         column + ")");
    std::string set;
    for (char c : *value)
      if (c != ' ' && c != '\t') set += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto index = static_cast<std::int64_t>(i);
    if (set == "train" || set == "training") split.train.push_back(index);
    else if (set == "valid" || set == "val" || set == "validation") split.val.push_back(index);
    else if (set == "test" || set == "testing") split.test.push_back(index);
    else
      throw ParseError(file, m.line, "record " + std::to_string(m.record) + ": " + column + " = '" + *value +
                                         "' is not train, valid or test (--split column:" + column + ")");
  }
  for (const auto& [records, name] : {std::pair{&split.train, "train"}, std::pair{&split.val, "valid"},
                                      std::pair{&split.test, "test"}})
    if (records->empty())
      throw ParseError(file, 0, "--split column:" + column + ": no record is marked " + name +
                                    " (training needs train and valid records, and reports on test ones)");
  return split;
}

// --task auto: binary when every present target is 0 or 1; multi-class when there is one target whose
// values are class indices (integers 0 .. kMaxAutoClasses-1) with more than two distinct values; else
// regression.
constexpr double kMaxAutoClasses = 100;

GraphTask task_of(const std::string& name, const RowMatrix<double>& targets) {
  bool binary = true, indices = targets.cols() == 1;
  std::set<double> distinct;
  for (Eigen::Index k = 0; k < targets.size(); ++k) {
    const double y = targets.data()[k];
    if (std::isnan(y)) continue;
    if (y != 0.0 && y != 1.0) binary = false;
    if (y < 0 || y != std::floor(y) || y >= kMaxAutoClasses) indices = false;
    if (indices) distinct.insert(y);
  }
  if (name == "binary") {
    GATKIT_REQUIRE(binary, "--task binary: some targets are neither 0 nor 1");
    return GraphTask::binary;
  }
  if (name == "multiclass") {
    GATKIT_REQUIRE(targets.cols() == 1, "--task multiclass takes one --target");
    return GraphTask::multiclass;  // the trainer checks the labels
  }
  if (name == "regression") return GraphTask::regression;
  GATKIT_REQUIRE(name == "auto", "--task expects auto, binary, multiclass or regression");
  if (binary) return GraphTask::binary;
  return indices && distinct.size() > 2 ? GraphTask::multiclass : GraphTask::regression;
}

// Mean and population standard deviation of the values that are not NaN (NaN, NaN when none is).
std::pair<double, double> mean_std(const std::vector<double>& values) {
  double sum = 0, count = 0;
  for (double v : values)
    if (!std::isnan(v)) sum += v, count += 1;
  if (count == 0) return {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
  const double mean = sum / count;
  double var = 0;
  for (double v : values)
    if (!std::isnan(v)) var += (v - mean) * (v - mean) / count;
  return {mean, std::sqrt(var)};
}

void numbers(PrettyJsonWriter& w, const std::vector<double>& values) {
  w.StartArray();
  for (double v : values) json_number(w, v);
  w.EndArray();
}

template <class Field>
std::vector<double> collect(const std::vector<GraphRunResult>& results, Field field) {
  std::vector<double> out;
  for (const auto& r : results) out.push_back(field(r));
  return out;
}

// "<key>_mean" and "<key>_std" over the runs.
template <class Field>
void write_mean_std(PrettyJsonWriter& w, const std::string& key, const std::vector<GraphRunResult>& results, Field field) {
  const auto [mean, std] = mean_std(collect(results, field));
  w.Key((key + "_mean").c_str()); json_number(w, mean);
  w.Key((key + "_std").c_str()); json_number(w, std);
}

// Per-task (or per-class) values: "<key>_mean" and "<key>_std", one entry per task.
void write_per_task(PrettyJsonWriter& w, const std::string& key, const std::vector<GraphRunResult>& results) {
  const std::size_t tasks = results.front().test_per_task.size();
  std::vector<double> means, stds;
  for (std::size_t t = 0; t < tasks; ++t) {
    const auto [mean, std] = mean_std(collect(results, [&](const GraphRunResult& r) { return r.test_per_task[t]; }));
    means.push_back(mean);
    stds.push_back(std);
  }
  w.Key((key + "_mean").c_str()); numbers(w, means);
  w.Key((key + "_std").c_str()); numbers(w, stds);
}

// The name of GraphRunResult::test_per_task in the summary.
std::string per_task_key(GraphTask task) {
  return task == GraphTask::binary       ? "test_roc_auc_per_task"
         : task == GraphTask::regression ? "test_rmse_per_task"
                                         : "test_roc_auc_per_class";
}

void write_config(PrettyJsonWriter& w, const GraphTrainOptions& o) {
  w.Key("config");
  w.StartObject();
  w.Key("task"); w.String(to_string(o.task).c_str());
  w.Key("layers"); w.Int(o.model.layers);
  w.Key("heads"); w.Int(o.model.heads);
  w.Key("hidden"); w.Int64(o.model.hidden);
  w.Key("readout"); w.String(to_string(o.model.readouts()).c_str());
  w.Key("jumping_knowledge"); w.Bool(o.model.jumping_knowledge);
  w.Key("residual"); w.Bool(o.model.residual);
  write_attention_config(w, o.model);
  w.Key("head_layers"); w.Int(o.model.head_layers);
  w.Key("head_hidden"); w.Int64(o.model.head_hidden);
  write_regularization_config(w, o.model, o.optimizer);
  w.Key("lr_decay"); w.Double(o.lr_decay);
  w.Key("lr_patience"); w.Int(o.lr_patience);
  w.Key("min_lr"); w.Double(o.min_learning_rate);
  w.Key("epochs"); w.Int(o.max_epochs);
  w.Key("patience"); w.Int(o.patience);
  w.Key("select"); w.String(to_string(o.selection).c_str());
  w.Key("batch_size"); w.Int(o.batch_size);
  w.Key("ensemble"); w.Int(o.ensemble);
  w.Key("refit"); w.Bool(o.refit);
  w.Key("threads"); w.Int(num_threads());
  w.EndObject();
}

}  // namespace

int cmd_train_molecules(const std::vector<std::string>& argv) {
  const Args args(argv,
                  {"data", "target", "split", "runs", "seed", "threads", "summary", "layers", "heads", "hidden", "readout",
                   "dropout", "attention-dropout", "lr", "weight-decay", "epochs", "patience", "batch-size", "on-error", "smiles-column", "name-column", "task",
                   "save", "attention", "normalizer", "head-merge", "cardinality", "block", "ffn-hidden", "head-layers", "head-hidden", "lr-decay", "lr-patience",
                   "min-lr", "classes", "select", "range", "max-full-nodes", "max-range-edges", "pe", "checkpoint",
                   "checkpoint-every", "resume", "stop-after-epochs", "ensemble", "structural-features", "repeats"},
                  {"quiet", "residual", "no-residual", "jk", "refit"});
  set_num_threads(static_cast<int>(args.integer("threads", 0)));
  const bool quiet = args.flag("quiet");
  const std::filesystem::path file = args.required("data");
  const OnError on_error = on_error_option(args);
  const std::vector<std::string> names = target_names(args);
  MoleculeSet set = read_molecule_set(file, on_error, quiet, /*accept_graphs=*/true, smiles_csv_options(args));
  // A JSON file of generic graph entries trains on their own feature rows (chem/generic_graph.hpp).
  const bool generic = !set.graphs.empty();
  if (generic && !set.molecules.empty())
    throw entry_error(file, set.graph_records.front(), "a generic graph entry in a file of molecules; train on one kind of entry");
  const char* noun = generic ? "graphs" : "molecules";
  // --structural-features degree: 16 in-degree columns after a generic graph's own rows (attention
  // averages what a node reads, so it cannot count neighbours otherwise). Atom features hold the degree.
  const std::vector<std::string> structural = parse_structural_features(args.str("structural-features", "none"));
  GATKIT_REQUIRE(structural.empty() || structural == std::vector<std::string>{"degree"},
                 "--structural-features: generic graphs take degree or none");
  const bool degree_features = !structural.empty();
  GATKIT_REQUIRE(!degree_features || generic || set.molecules.empty(),
                 "--structural-features applies to generic graphs; molecules' atom features hold the degree already");
  const std::uint64_t records = set.molecules.size() + set.graphs.size() + set.skipped.size();
  // A molecule that cannot be featurised (two bonds between the same atoms, ...), or that is too large
  // for --range full, is a bad record too.
  AttentionRange range;
  PositionalEncoding positional;
  read_range_options(args, range, positional);
  const chem::FeaturizeOptions featurizer;
  std::vector<chem::MoleculeGraph> graphs;
  const std::size_t count = generic ? set.graphs.size() : set.molecules.size();
  graphs.reserve(count);
  std::size_t kept = 0;
  // Generic graphs: all must have the first graph's node width and the edge width of the first graph
  // with edges (a graph without edges has no edge rows to tell).
  std::int64_t node_width = generic && count > 0 ? chem::generic_node_width(set.graphs.front()) : 0, edge_width = 0;
  for (const io::GraphRecord& g : set.graphs)
    if (!g.edges.empty()) {
      edge_width = chem::generic_edge_width(g);
      break;
    }
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t record = generic ? set.graph_records[i] : set.molecules[i].record;
    const std::string& name = generic ? set.graphs[i].id : set.molecules[i].name;
    try {
      chem::MoleculeGraph graph;
      if (generic) {
        graph = chem::model_graph(set.graphs[i], node_width, edge_width, "expected");
        if (degree_features) chem::append_degree_columns(graph);
      } else {
        graph = chem::featurize(set.molecules[i], featurizer);
      }
      check_range_size(range, graph.graph.num_nodes(),
                       "record " + std::to_string(record) + (name.empty() ? std::string() : " '" + name + "'"));
      graphs.push_back(std::move(graph));
      if (kept != i && generic) {
        set.graphs[kept] = std::move(set.graphs[i]);
        set.graph_records[kept] = record;
      } else if (kept != i) {
        set.molecules[kept] = std::move(set.molecules[i]);
        set.ids[kept] = std::move(set.ids[i]);
      }
      ++kept;
    } catch (const InvalidArgument& e) {
      const ParseError error = generic ? entry_error(file, record, e.what()) : ParseError(file, set.molecules[i].line, e.what());
      if (on_error == OnError::fail) throw error;
      if (!quiet) std::cerr << "skipped record " << record << ": " << error.what() << "\n";
      set.skipped.push_back({record, error.what()});
    }
  }
  if (generic) {
    set.graphs.resize(kept);
    set.graph_records.resize(kept);
  } else {
    set.molecules.resize(kept);
    set.ids.resize(kept);
  }
  std::sort(set.skipped.begin(), set.skipped.end(), [](const auto& a, const auto& b) { return a.number < b.number; });
  GATKIT_REQUIRE(graphs.size() >= 10, file.string() + ": too few " + noun + " to train on (" +
                                          std::to_string(graphs.size()) + ")");
  const RowMatrix<double> targets =
      generic ? read_graph_targets(set.graphs, names, file) : read_targets(set.molecules, names, file);

  GraphTrainOptions options;
  options.task = task_of(args.str("task", "auto"), targets);
  const std::string metric_label = options.task == GraphTask::binary       ? "ROC-AUC"
                                   : options.task == GraphTask::regression ? "RMSE"
                                                                           : "accuracy";
  options.model.layers = static_cast<int>(args.integer("layers", 3));
  options.model.heads = static_cast<int>(args.integer("heads", 4));
  options.model.hidden = args.integer("hidden", 64);
  {
    const auto readouts = parse_readout_kinds(args.str("readout", "mean"));
    options.model.readout = readouts.front();
    options.model.extra_readouts.assign(readouts.begin() + 1, readouts.end());
  }
  options.model.jumping_knowledge = args.flag("jk");
  options.model.attention = parse_attention_kind(args.str("attention", "additive"));
  options.model.normalizer = parse_attention_normalizer(args.str("normalizer", "softmax"));
  options.model.head_merge = parse_head_merge(args.str("head-merge", "concat"));
  options.model.cardinality = parse_cardinality(args.str("cardinality", "none"));
  options.model.range = range;
  options.model.positional = positional;
  options.model.dropout = args.number("dropout", 0.1);
  options.model.attention_dropout = args.number("attention-dropout", 0.0);
  options.model.head_layers = static_cast<int>(args.integer("head-layers", 0));
  options.model.head_hidden = args.integer("head-hidden", 128);
  GATKIT_REQUIRE(!(args.flag("residual") && args.flag("no-residual")), "--residual and --no-residual exclude each other");
  options.model.residual = args.flag("residual") ? true : args.flag("no-residual") ? false : false;
  read_block_options(args, options.model.block, options.model.ffn_hidden);
  options.optimizer.learning_rate = args.number("lr", 1e-3);
  options.optimizer.weight_decay = args.number("weight-decay", 0.0);
  options.lr_decay = args.number("lr-decay", 1.0);
  options.lr_patience = static_cast<int>(args.integer("lr-patience", 10));
  options.min_learning_rate = args.number("min-lr", 1e-5);
  options.max_epochs = static_cast<int>(args.integer("epochs", 200));
  options.patience = static_cast<int>(args.integer("patience", 30));
  options.batch_size = static_cast<int>(args.integer("batch-size", 128));
  options.num_classes = static_cast<int>(args.integer("classes", 0));
  options.selection = parse_selection(args.str("select", "metric"));
  options.ensemble = static_cast<int>(args.integer("ensemble", 1));
  options.refit = args.flag("refit");
  GATKIT_REQUIRE(options.ensemble >= 1 && options.ensemble <= kMaxEnsembleMembers,
                 "--ensemble must be 1 to " + std::to_string(kMaxEnsembleMembers));
  GATKIT_REQUIRE(options.num_classes >= 0, "--classes must be >= 0");

  const std::string split_kind = args.str("split", "random");
  const auto runs = args.integer("runs", 3);
  const auto first_seed = static_cast<std::uint64_t>(args.integer("seed", 0));
  GATKIT_REQUIRE(runs >= 1, "--runs must be >= 1");
  const auto n = static_cast<std::int64_t>(graphs.size());
  const bool kfold = split_kind.rfind("kfold:", 0) == 0;
  const auto repeats = args.integer("repeats", 1);
  GATKIT_REQUIRE(repeats >= 1 && repeats <= 1000, "--repeats must be 1 to 1000");
  GATKIT_REQUIRE(kfold || !args.has("repeats"), "--repeats repeats K-fold cross-validation; it needs --split kfold:K");
  // splits[r] is trained with seeds[r]. Repetition j of K-fold cross-validation draws its folds with seed
  // SEED+j and trains fold f with seed SEED+j+f, so --repeats R gives exactly the runs of R commands with
  // --seed SEED, SEED+1, ...
  std::vector<train::Split> splits;
  std::vector<std::uint64_t> seeds;
  if (split_kind == "random") {
    for (std::int64_t r = 0; r < runs; ++r) splits.push_back(train::random_split(n, 0.8, 0.1, first_seed + r));
  } else if (split_kind == "scaffold") {
    GATKIT_REQUIRE(!generic, "--split scaffold needs molecules (Bemis-Murcko scaffolds); these are generic graphs");
    const auto keys = train::murcko_scaffold_keys(set.molecules);
    splits.assign(static_cast<std::size_t>(runs), train::scaffold_split(keys, 0.8, 0.1));  // deterministic split
  } else if (split_kind.rfind("column:", 0) == 0) {
    GATKIT_REQUIRE(!generic, "--split column:NAME reads a data item of molecules; these are generic graphs");
    const std::string column = split_kind.substr(7);
    GATKIT_REQUIRE(!column.empty(), "--split column:NAME needs the name of a data item or table column");
    splits.assign(static_cast<std::size_t>(runs), split_from_column(set.molecules, column, file));
  } else if (kfold) {
    const int k = std::stoi(split_kind.substr(6));
    std::vector<std::int64_t> classes(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) classes[static_cast<std::size_t>(i)] = std::isnan(targets(i, 0)) ? -1 : static_cast<std::int64_t>(targets(i, 0));
    for (std::int64_t j = 0; j < repeats; ++j) {
      auto folds = train::stratified_kfold(classes, k, first_seed + static_cast<std::uint64_t>(j));
      for (std::size_t f = 0; f < folds.size(); ++f) seeds.push_back(first_seed + static_cast<std::uint64_t>(j) + f);
      std::move(folds.begin(), folds.end(), std::back_inserter(splits));
    }
  } else {
    throw InvalidArgument("--split expects random, scaffold, kfold:K or column:NAME");
  }
  if (seeds.empty())
    for (std::size_t r = 0; r < splits.size(); ++r) seeds.push_back(first_seed + r);
  if (!quiet)
    std::cerr << "data " << file.filename().string() << ": " << n << " " << noun
              << (set.skipped.empty() ? "" : " (" + skipped_line(set.skipped, records) + ")")
              << ", " << names.size() << " task(s), " << to_string(options.task) << ", split " << split_kind << ", "
              << splits.size() << " run(s)\n";

  // --save keeps the model of the run with the best validation metric (highest ROC-AUC, lowest RMSE),
  // as node training keeps the run with the best validation accuracy.
  const bool save = args.has("save");
  const double sign = options.task == GraphTask::regression ? -1.0 : 1.0;
  // On --resume, the finished runs' results, and the weights (and target scaling) kept from them, come
  // from the state.
  ResumableRuns resumable(args, "graph_model");
  FinishedRuns<GraphRunResult, TrainedGraphModel> finished(
      [sign](const GraphRunResult& a, const GraphRunResult& b) { return sign * a.val_metric > sign * b.val_metric; });
  if (const auto& state = resumable.loaded()) {
    GATKIT_REQUIRE(state->run < static_cast<int>(splits.size()), "--resume: the state is of run " +
                                                                     std::to_string(state->run + 1) + " of " +
                                                                     std::to_string(splits.size()));
    finished.restore(*state, decode_graph_run_result);
  }
  const std::vector<GraphRunResult>& results = finished.results();
  for (auto r = static_cast<std::size_t>(resumable.first_run()); r < splits.size(); ++r) {
    const std::uint64_t seed = seeds[r];
    resumable.attach(options, static_cast<int>(r), [&](TrainingState& state) { finished.store(state); });
    TrainedGraphModel trained;
    GraphRunResult result;
    try {
      result = train_graph_classifier(graphs, targets, splits[r], options, seed, &trained);
    } catch (const Interrupted& stop) {
      std::cerr << stop.message << "\n";
      return 3;
    }
    finished.add(result, std::move(trained));
    if (!quiet)
      std::cerr << "run " << r + 1 << "/" << splits.size() << " seed " << seed << ": test " << metric_label << " "
                << fixed(result.test_metric, 4) << "  val " << fixed(result.val_metric, 4) << "  epochs " << result.epochs
                << " (best " << result.best_epoch << ")  " << fixed(result.train_graphs_per_second, 0) << " graphs/s\n";
  }
  const auto [mean, std] = mean_std(collect(results, [](const GraphRunResult& r) { return r.test_metric; }));
  const auto [accuracy, accuracy_std] = mean_std(collect(results, [](const GraphRunResult& r) { return r.test_accuracy; }));
  std::vector<double> rates = collect(results, [](const GraphRunResult& r) { return r.train_graphs_per_second; });
  std::sort(rates.begin(), rates.end());
  std::string extra;
  if (options.task == GraphTask::binary)
    extra = ", accuracy " + fixed(100 * accuracy, 2) + " +- " + fixed(100 * accuracy_std, 2) + " %";
  if (options.task == GraphTask::multiclass) {
    const auto [auc, auc_std] = mean_std(collect(results, [](const GraphRunResult& r) { return r.test_roc_auc; }));
    extra = ", macro ROC-AUC " + fixed(auc, 4) + " +- " + fixed(auc_std, 4);
  }
  if (options.task == GraphTask::regression) {
    const auto [mae, mae_std] = mean_std(collect(results, [](const GraphRunResult& r) { return r.test_mae; }));
    extra = ", MAE " + fixed(mae, 4) + " +- " + fixed(mae_std, 4);
  }
  std::cout << "test " << metric_label << " " << fixed(mean, 4) << " +- " << fixed(std, 4) << " over " << results.size()
            << " run(s)" << extra << "  (" << fixed(rates[rates.size() / 2], 0) << " training graphs/s, "
            << threads_text(num_threads()) << ")\n";
  // Repeated K-fold cross-validation: the mean of each repetition (K runs each), in order.
  const auto per_repeat = [&](auto get) {
    std::vector<double> means;
    const std::size_t k = results.size() / static_cast<std::size_t>(repeats);
    for (std::size_t j = 0; j < static_cast<std::size_t>(repeats); ++j) {
      std::vector<double> values;
      for (std::size_t f = 0; f < k; ++f) values.push_back(get(results[j * k + f]));
      means.push_back(mean_std(values).first);
    }
    return means;
  };
  const auto test_of = [](const GraphRunResult& r) { return r.test_metric; };
  const auto accuracy_of = [](const GraphRunResult& r) { return r.test_accuracy; };
  if (repeats > 1 && !quiet) {
    std::cerr << "test " << metric_label << " per repetition:";
    for (const double m : per_repeat(test_of)) std::cerr << " " << fixed(m, 4);
    std::cerr << "\n";
  }
  if (args.has("summary")) {
    rapidjson::StringBuffer b;
    PrettyJsonWriter w(b);
    w.StartObject();
    w.Key("metric"); w.String(results.front().metric.c_str());
    w.Key("task"); w.String(to_string(options.task).c_str());
    w.Key("test_mean"); json_number(w, mean);
    w.Key("test_std"); json_number(w, std);
    write_mean_std(w, "val", results, [](const GraphRunResult& r) { return r.val_metric; });
    if (options.task != GraphTask::regression) {
      write_mean_std(w, "test_accuracy", results, [](const GraphRunResult& r) { return r.test_accuracy; });
      write_mean_std(w, "val_accuracy", results, [](const GraphRunResult& r) { return r.val_accuracy; });
    }
    if (options.task == GraphTask::binary)
      write_mean_std(w, "test_pr_auc", results, [](const GraphRunResult& r) { return r.test_pr_auc; });
    if (options.task == GraphTask::multiclass) {
      write_mean_std(w, "test_roc_auc", results, [](const GraphRunResult& r) { return r.test_roc_auc; });
      w.Key("classes"); w.Int(results.front().num_classes);
    }
    if (options.task == GraphTask::regression)
      write_mean_std(w, "test_mae", results, [](const GraphRunResult& r) { return r.test_mae; });
    write_per_task(w, per_task_key(options.task), results);
    w.Key("split"); w.String(split_kind.c_str());
    if (kfold) {
      w.Key("repeats"); w.Int64(repeats);
      w.Key("test_mean_per_repeat"); numbers(w, per_repeat(test_of));
      if (options.task != GraphTask::regression) {
        w.Key("test_accuracy_mean_per_repeat"); numbers(w, per_repeat(accuracy_of));
      }
    }
    w.Key("molecules"); w.Int64(n);
    w.Key("input"); w.String(noun);  // molecules | graphs (JSON generic graph entries)
    if (generic) {
      w.Key("structural_features"); w.String(degree_features ? "degree" : "none");
    }
    w.Key("skipped_records"); w.StartArray();
    for (const auto& rec : set.skipped) w.Uint64(rec.number);
    w.EndArray();
    if (save) {
      w.Key("saved_run"); w.Int(finished.best_run());
    }
    w.Key("targets"); w.StartArray();
    for (const auto& name : names) w.String(name.c_str());
    w.EndArray();
    w.Key("train_graphs_per_second_median"); w.Double(rates[rates.size() / 2]);
    write_config(w, options);
    w.Key("runs"); w.StartArray();
    for (const auto& r : results) {
      w.StartObject();
      w.Key("seed"); w.Uint64(r.seed);
      w.Key("test"); json_number(w, r.test_metric);
      if (options.task != GraphTask::regression) {
        w.Key("test_accuracy"); json_number(w, r.test_accuracy);
        w.Key("val_accuracy"); json_number(w, r.val_accuracy);
      }
      if (options.task == GraphTask::binary) {
        w.Key("test_pr_auc"); json_number(w, r.test_pr_auc);
      }
      if (options.task == GraphTask::multiclass) {
        w.Key("test_roc_auc"); json_number(w, r.test_roc_auc);
      }
      if (options.task == GraphTask::regression) {
        w.Key("test_mae"); json_number(w, r.test_mae);
      }
      w.Key(per_task_key(options.task).c_str()); numbers(w, r.test_per_task);
      w.Key("val"); json_number(w, r.val_metric);
      w.Key("epochs"); w.Int(r.epochs);
      w.Key("best_epoch"); w.Int(r.best_epoch);
      w.Key("final_lr"); w.Double(r.final_learning_rate);
      w.Key("train_graphs_per_second"); w.Double(r.train_graphs_per_second);
      w.Key("seconds"); w.Double(r.seconds);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    write_file_atomically(args.str("summary"), std::string(b.GetString()) + "\n");
  }
  if (save) {
    TrainedGraphModel& best_model = finished.best();
    const auto& kept = results[static_cast<std::size_t>(finished.best_run())];
    best_model.targets = names;
    best_model.featurizer = featurizer;
    best_model.input = generic ? GraphInput::graphs : GraphInput::molecules;
    best_model.degree_features = degree_features;
    save_graph_model(best_model, args.str("save"));
    if (!quiet)
      std::cerr << "saved run " << finished.best_run() + 1 << " (seed " << kept.seed << ", validation " << metric_label << " "
                << fixed(kept.val_metric, 4) << ") to " << args.str("save") << "\n";
  }
  resumable.finish();
  return 0;
}

}  // namespace gatkit::cli
