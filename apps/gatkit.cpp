// gatkit: the command line. A thin shell over the library: parse arguments, call the library, print,
// return an exit code (0 success, 1 error in the data or the run, 2 bad usage).
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_args.hpp"
#include "resume.hpp"
#include "commands.hpp"
#include "gatkit/graph/stats.hpp"
#include "gatkit/io/dataset.hpp"
#include "gatkit/train/node_classification.hpp"
#include "gatkit/util/limits.hpp"
#include "gatkit/util/parallel.hpp"
#include "molecule_files.hpp"
#include "node_data.hpp"
#include "output.hpp"
#include "block_options.hpp"
#include "range_options.hpp"
#include "summary_config.hpp"

namespace gatkit::cli {
namespace {

constexpr const char* kVersion = "0.1.0";

const char* kUsage = R"(gatkit - graph attention networks on the CPU

usage:
  gatkit train   --data PATH [options]      train a node classifier, report test accuracy
  gatkit train   --data FILE.sdf|.json|.csv --target NAME[,NAME...] [--split random|scaffold|kfold:K|column:NAME]
                 [--runs N] [--readout mean|sum|max|attention] [--batch-size N] [--on-error fail|skip]
                 [--task auto|binary|regression] [--attention additive|gatv2|dot] [--save MODEL]
                 [--normalizer softmax|sparsemax|relu] [--head-merge concat|project|mean]
                 [--cardinality none|additive]
                                            train a molecule model: ROC-AUC (binary) or RMSE (regression);
                                            --save keeps the run with the best validation metric
  gatkit predict --model FILE --data PATH [--out FILE.csv] [--nodes train|val|test|unlabelled|FILE]
                                            node_id,predicted_class,prob_<class>...; --nodes: only
                                            those rows (FILE: node ids, one per line, in its order)
  gatkit predict --model MODEL --data FILE.sdf|.json|.csv [--out FILE.csv] [--on-error fail|skip] [--threads N]
                                            CSV: record,name,<task>[,<task>_probability]...[,error];
                                            --member-std (ensembles): <task>_std, the members' spread
  gatkit evaluate --model MODEL --data PATH|FILE.sdf|.json|.csv [--summary S.json] [--nodes ...]
                 [--on-error fail|skip]
                                            a saved model on labelled data, as train reports its test
                                            set: molecules (every labelled record; ROC-AUC, PR-AUC,
                                            accuracy | RMSE, MAE, per task) or nodes (--nodes, default
                                            test; accuracy, macro-F1, ROC-AUC for two classes)
  gatkit convert --data IN.sdf|.json|TU --out OUT.sdf|.json [--on-error fail|skip]
                                            molecules between SDF/MOL and gatkit JSON (and from a
                                            SMILES table .csv); generic
                                            graphs (JSON entries, a TU data set) to JSON
  gatkit info    --data PATH [--json]       nodes, edges, features, classes, components, degrees
  gatkit info    --data FILE.sdf|.json|.csv [--json] [--target NAME,...] [--on-error fail|skip]
                                            molecules, atoms, bonds, elements, rings, target balance
  gatkit info    --model FILE [--json]      a checkpoint: kind, targets or classes, ensemble members,
                                            parameters and the configuration it was saved with
  gatkit explain --model MODEL --data PATH [--output FILE.csv|.json] [--format csv|json]
                 [--node ID [--top K]] [--layer L] [--head H]
                                            attention weights per layer, head and edge:
                                            layer,head,source,target,self_loop,input_edge,weight;
                                            --node: the K (5) most attended neighbours per head
  gatkit explain --model MODEL --data FILE.sdf|.json|.csv [--molecule N[,N...]]... [--svg DIR|FILE.svg]
                 [--layer L] [--head H] [--member K] [--output FILE.csv|.json] [--on-error fail|skip]
                                            weights per molecule (record, 1-based atoms, bond flag);
                                            --member: which model of an ensemble (1-based) [1];
                                            --svg draws the molecules shaded by attention (layer L,
                                            default the last; head H, default the mean over heads)
  gatkit embed   --model MODEL --data PATH|FILE.sdf|.json|.csv [--out FILE.csv|FILE.npy]
                 [--embedding readout|head] [--member K] [--on-error fail|skip] [--nodes ...]
                                            learned representations: per molecule, the pooled
                                            readout row [readout] or the head's last hidden layer
                                            (head); per node, the output layer's input. CSV:
                                            record,name,emb_0,... | node_id,emb_0,...; .npy: float32,
                                            row k = record k+1 (skipped records: NaN) or node k
                                            (with --nodes, as predict: the k-th node selected)
  gatkit --version | --help

FILE.csv is a table of molecules with a SMILES column (docs/formats.md, "SMILES tables"); a .smi file
(a SMILES and a name per line) may be given to predict, info, convert and explain.
FILE.sdf|.json|.csv may also be a TU Dortmund data set (MUTAG, PROTEINS, ...: a folder of DS_A.txt,
DS_graph_indicator.txt, ..., or its prefix FOLDER/DS): generic graphs with targets class, label and
attribute (docs/formats.md).

PATH is a folder: Planetoid text layout (features.svmlight, edges.txt, train/val/test.txt), LINQS
(*.content + *.cites) or NumPy (edges.txt, features.npy, labels.npy); or a node data manifest (a .json
file naming edge, feature and label tables as published: docs/formats.md); or a gatkit-graphs JSON file of
one graph entry with node_labels (train without --target).

node data options (train, predict, info):
  --split TRAIN,VAL,TEST     stratified random split by fractions, e.g. 0.6,0.2,0.2
  --label-column NAME        the label column of the manifest's label table
  --structural-features K    degree (one-hot, 16 buckets), identity, degree,identity or none

train options (defaults: the GAT paper's Cora setup):
  --attention additive|gatv2|dot
                             scoring function (additive = GAT)               [additive]
  --normalizer softmax|sparsemax|relu
                             scores to weights over each node's neighbours   [softmax]
  --head-merge concat|project|mean
                             heads of hidden layers: concatenated, then
                             projected by W_O, or averaged                   [concat]
  --cardinality none|additive
                             additive: every attention layer adds w o (sum of
                             the neighbours' values), so that nodes can count
                             their neighbours (Zhang and Xie 2020)           [none]
  --layers N                 attention layers                                [2]
  --block gat|transformer    hidden layers as GAT layers with ELU, or as transformer blocks:
                             LayerNorm(h + attention(h)), then LayerNorm(h + FFN(h)), after a
                             linear input embedding; the output layer stays attention [gat]
  --ffn-hidden N             hidden width of the blocks' feed-forward layers
                             (transformer only; 0 = 2 x the layer width)     [0]
  --heads N                  heads per hidden layer                          [8]
  --hidden N                 features per head in hidden layers              [8]
  --output-heads N           heads of the output layer (averaged)            [1]
  --dropout P                dropout on every layer's input                  [0.6]
  --attention-dropout P      dropout on the attention coefficients           [0.6]
  --negative-slope S         LeakyReLU slope of additive and gatv2 scores    [0.2]
  --no-self-loops            nodes do not attend to themselves
  --range 1-hop|k-hop:K|full range of attention: neighbours, nodes within K hops, every node   [1-hop]
  --max-full-nodes N         --range full refuses graphs larger than this                 [512]
  --max-range-edges N        k-hop and full refuse attention graphs with more edges      [33554432]
  --pe none|lap:K|rw:K       positional encoding appended to the features: K Laplacian
                             eigenvectors, or K random-walk landing probabilities         [none]
  --lr X                     Adam learning rate                              [0.005]
  --weight-decay X           L2 penalty                                      [5e-4]
  --epochs N                 maximum epochs                                  [100000]
  --patience N               early-stopping patience (epochs)                [100]
  --no-normalize             keep features as read (default: rows sum to 1)
  --model gat|mlp            GAT, or the MLP baseline (same widths and training, no graph) [gat]
  --class-weights none|balanced  weight the loss by inverse class frequency   [none]
  --runs N                   independent runs, seeds SEED .. SEED+N-1        [1]
  --seed S                   first seed                                      [0]
  --split-seed S             seed of the split for data without split files  [0]
  --threads N                worker threads (0 = all cores)                  [0]
  --save FILE                checkpoint of the run with the best validation accuracy
  --log FILE.jsonl           one JSON object per epoch and per run
  --summary FILE.json        results of all runs
  --quiet                    no progress output

molecule train options (FILE.sdf|.mol|.json|.csv; the same names mean the same thing as above):
  --target NAME[,NAME...]    SD data items / JSON properties to predict (repeatable); empty = missing
  --task auto|binary|multiclass|regression                                   [auto]
  --classes N                classes of a multi-class target (0 = from the labels)    [0]
  --split random|scaffold|kfold:K|column:NAME
                             random 8:1:1, Bemis-Murcko scaffolds 8:1:1, stratified K-fold, or the
                             sets a data item / table column names (train, valid, test)  [random]
  --runs N                   seeds (random, scaffold); K-fold runs every fold          [3]
  --repeats R                K-fold: R repetitions, folds drawn with seeds SEED..SEED+R-1
                             (the runs of R commands with --seed SEED, SEED+1, ...)   [1]
  --layers N / --heads N / --hidden N                                     [3 / 4 / 64]
  --attention additive|dot   scoring; bond features enter either                        [additive]
  --range / --max-full-nodes / --max-range-edges / --pe   as above; beyond 1-hop, pairs that are not
                             bonds get a zero bond row, and every pair hop-distance columns
  --readout KIND[,KIND...]   mean|sum|max|attention; several are concatenated           [mean]
  --jk                       jumping knowledge: pool every layer's output, not only the last
  --residual                 skip connections around attention layers 2..N
  --block gat|transformer    every attention layer as a transformer block (after a linear atom
                             embedding; excludes --residual)                          [gat]
  --ffn-hidden N             feed-forward width of the blocks (0 = 2 x layer width)   [0]
  --head-layers N            hidden ReLU layers of the head (0 = linear head)          [0]
  --head-hidden N            their width                                              [128]
  --dropout P                on every layer's input                                    [0.1]
  --attention-dropout P                                                                [0]
  --lr X / --weight-decay X                                                            [1e-3 / 0]
  --lr-decay F               multiply the learning rate by F after --lr-patience epochs
                             without validation improvement, down to --min-lr      [1 (off) / 10 / 1e-5]
  --epochs N / --patience N  maximum epochs / early stopping                      [200 / 30]
  --batch-size N             molecules per mini-batch                                 [128]
  --select metric|loss|accuracy   what picks the best epoch on validation         [metric]
  --ensemble M               per run, M models from seeds derived from the run's seed, each
                             early-stopped on its own; evaluated and saved as the mean of their
                             predictions (M times the training time)                  [1]
  --refit                    after early stopping, train each model again from its initial
                             weights on training + validation molecules for its best epoch
                             count; the refitted models are tested and saved (validation
                             figures stay the early-stopped ones)
  --structural-features degree|none   generic graphs (JSON, TU): 16 in-degree columns after
                             each node's row; attention cannot count neighbours without them [none]
  --on-error fail|skip       a bad record stops the run, or is skipped and reported    [fail]
  --smiles-column NAME       FILE.csv: the column of SMILES (also predict, info, convert, explain)
                                                                     [the column named smiles]
  --name-column NAME         FILE.csv: the column that names the molecules     [the SMILES]
  --save MODEL               the run with the best validation metric

resumable training (train, node data and molecules):
  --checkpoint FILE          write the training state to FILE every --checkpoint-every epochs [10];
                             removed when the command completes
  --resume FILE              go on from that state: the same command line (options in any order;
                             --threads/--quiet/--log/--summary/--save may differ) ends exactly as the
                             uninterrupted run would have; keeps writing states (to --checkpoint or FILE)
  --stop-after-epochs N      stop after N epochs with the state written (job-queue time slices), exit 3

limits (every command; a file beyond them is refused, see README "Limits"):
  --max-nodes N  --max-edges N  --max-atoms N  --max-line-length BYTES  --max-json-depth N  --max-features N
)";

// Takes the --max-* options out of `args` and makes them the process's default limits, so that every
// command and every reader sees them. A malformed value is a usage error (InvalidArgument).
void apply_limits(std::vector<std::string>& args) {
  Limits limits = default_limits();
  const std::pair<const char*, std::int64_t Limits::*> options[] = {
      {"max-nodes", &Limits::max_nodes},           {"max-edges", &Limits::max_edges},
      {"max-atoms", &Limits::max_atoms},           {"max-line-length", &Limits::max_line_length},
      {"max-json-depth", &Limits::max_json_depth}, {"max-features", &Limits::max_feature_dim}};
  std::vector<std::string> rest;
  for (std::size_t k = 0; k < args.size(); ++k) {
    bool taken = false;
    for (const auto& [name, field] : options) {
      const std::string flag = std::string("--") + name;
      std::string value;
      if (args[k] == flag) {
        if (k + 1 >= args.size()) throw InvalidArgument(flag + " needs a value");
        value = args[++k];
      } else if (args[k].rfind(flag + "=", 0) == 0) {
        value = args[k].substr(flag.size() + 1);
      } else {
        continue;
      }
      std::int64_t v = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || end != value.data() + value.size() || v <= 0)
        throw InvalidArgument(flag + " expects a positive integer, got '" + value + "'");
      limits.*field = v;
      taken = true;
      break;
    }
    if (!taken) rest.push_back(args[k]);
  }
  args = std::move(rest);
  set_default_limits(limits);
}

NodeDataset load(const Args& args) { return load_node_data(args, args.flag("quiet")); }

void apply_threads(const Args& args) {
  const auto threads = args.integer("threads", 0);
  GATKIT_REQUIRE(threads >= 0, "--threads must be >= 0");
  set_num_threads(static_cast<int>(threads));
}

// ---- train ------------------------------------------------------------------------------------

TrainOptions train_options(const Args& a) {
  TrainOptions o;
  ModelConfig& m = o.model;
  m.attention = parse_attention_kind(a.str("attention", "additive"));
  m.normalizer = parse_attention_normalizer(a.str("normalizer", "softmax"));
  m.head_merge = parse_head_merge(a.str("head-merge", "concat"));
  m.cardinality = parse_cardinality(a.str("cardinality", "none"));
  m.layers = static_cast<int>(a.integer("layers", m.layers));
  m.heads = static_cast<int>(a.integer("heads", m.heads));
  m.hidden = a.integer("hidden", m.hidden);
  m.output_heads = static_cast<int>(a.integer("output-heads", m.output_heads));
  m.dropout = a.number("dropout", m.dropout);
  m.attention_dropout = a.number("attention-dropout", m.attention_dropout);
  m.negative_slope = a.number("negative-slope", m.negative_slope);
  m.self_loops = !a.flag("no-self-loops");
  read_block_options(a, m.block, m.ffn_hidden);
  read_range_options(a, m.range, m.positional);
  o.optimizer.learning_rate = a.number("lr", o.optimizer.learning_rate);
  o.optimizer.weight_decay = a.number("weight-decay", o.optimizer.weight_decay);
  o.max_epochs = static_cast<int>(a.integer("epochs", o.max_epochs));
  o.patience = static_cast<int>(a.integer("patience", o.patience));
  o.normalize_features = !a.flag("no-normalize");
  m.kind = parse_node_model_kind(a.str("model", "gat"));
  const std::string weights = a.str("class-weights", "none");
  if (weights != "none" && weights != "balanced")
    throw InvalidArgument("--class-weights expects none or balanced, got '" + weights + "'");
  o.balanced_class_weights = weights == "balanced";
  return o;
}

std::string epoch_json(int run, std::uint64_t seed, const EpochStats& s) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  w.Key("event"); w.String("epoch");
  w.Key("run"); w.Int(run);
  w.Key("seed"); w.Uint64(seed);
  w.Key("epoch"); w.Int(s.epoch);
  w.Key("train_loss"); w.Double(s.train_loss);
  w.Key("train_accuracy"); w.Double(s.train_accuracy);
  w.Key("val_loss"); w.Double(s.val_loss);
  w.Key("val_accuracy"); w.Double(s.val_accuracy);
  w.Key("step_ms"); w.Double(s.step_ms);
  w.Key("improved"); w.Bool(s.improved);
  w.EndObject();
  return b.GetString();
}

template <class Writer>
void run_json(Writer& w, int run, const RunResult& r) {
  w.StartObject();
  w.Key("run"); w.Int(run);
  w.Key("seed"); w.Uint64(r.seed);
  w.Key("test"); w.Double(r.test_accuracy);
  w.Key("val"); w.Double(r.val_accuracy);
  w.Key("val_loss"); w.Double(r.val_loss);
  w.Key("test_macro_f1"); w.Double(r.test_macro_f1);
  w.Key("val_macro_f1"); w.Double(r.val_macro_f1);
  if (std::isfinite(r.test_roc_auc)) { w.Key("test_roc_auc"); w.Double(r.test_roc_auc); }
  if (std::isfinite(r.val_roc_auc)) { w.Key("val_roc_auc"); w.Double(r.val_roc_auc); }
  w.Key("epochs"); w.Int(r.epochs);
  w.Key("best_epoch"); w.Int(r.best_epoch);
  w.Key("train_step_ms_median"); w.Double(r.train_step_ms_median);
  w.Key("seconds"); w.Double(r.seconds);
  w.EndObject();
}

std::string summary_json(const ExperimentSummary& s, const NodeDataset& data, const TrainOptions& o, int threads) {
  rapidjson::StringBuffer b;
  PrettyJsonWriter w(b);
  w.StartObject();
  w.Key("metric"); w.String(s.metric.c_str());
  w.Key("test_mean"); w.Double(s.test_mean);
  w.Key("test_std"); w.Double(s.test_std);
  w.Key("val_mean"); w.Double(s.val_mean);
  w.Key("test_macro_f1_mean"); w.Double(s.test_macro_f1_mean);
  w.Key("test_macro_f1_std"); w.Double(s.test_macro_f1_std);
  if (std::isfinite(s.test_roc_auc_mean)) {  // two classes
    w.Key("test_roc_auc_mean"); w.Double(s.test_roc_auc_mean);
    w.Key("test_roc_auc_std"); w.Double(s.test_roc_auc_std);
  }
  w.Key("train_step_ms_median"); w.Double(s.train_step_ms_median);
  w.Key("runs"); w.StartArray();
  for (std::size_t k = 0; k < s.runs.size(); ++k) run_json(w, static_cast<int>(k), s.runs[k]);
  w.EndArray();
  w.Key("dataset"); w.StartObject();
  w.Key("name"); w.String(data.name.c_str());
  w.Key("layout"); w.String(data.layout.c_str());
  w.Key("nodes"); w.Int64(data.graph.num_nodes());
  w.Key("edges"); w.Int64(data.graph.num_edges());
  w.Key("features"); w.Int64(data.features.cols());
  w.Key("classes"); w.Int(data.num_classes);
  w.Key("train"); w.Uint64(data.train.size());
  w.Key("val"); w.Uint64(data.val.size());
  w.Key("test"); w.Uint64(data.test.size());
  w.EndObject();
  w.Key("config"); w.StartObject();
  w.Key("model"); w.String(to_string(o.model.kind).c_str());
  write_attention_config(w, o.model);
  w.Key("layers"); w.Int(o.model.layers);
  w.Key("heads"); w.Int(o.model.heads);
  w.Key("hidden"); w.Int64(o.model.hidden);
  w.Key("output_heads"); w.Int(o.model.output_heads);
  write_regularization_config(w, o.model, o.optimizer);
  w.Key("patience"); w.Int(o.patience);
  w.Key("max_epochs"); w.Int(o.max_epochs);
  w.Key("normalize_features"); w.Bool(o.normalize_features);
  w.Key("class_weights"); w.String(o.balanced_class_weights ? "balanced" : "none");
  w.Key("threads"); w.Int(threads);
  w.EndObject();
  w.EndObject();
  return std::string(b.GetString()) + "\n";
}

int cmd_train(const std::vector<std::string>& argv) {
  const Args args(argv,
                  {"data", "attention", "normalizer", "head-merge", "cardinality", "block", "ffn-hidden", "layers", "heads", "hidden", "output-heads", "dropout", "attention-dropout",
                   "negative-slope", "lr", "weight-decay", "epochs", "patience", "runs", "seed", "split-seed",
                   "threads", "save", "log", "summary", "split", "label-column", "structural-features", "model",
                   "class-weights", "range", "max-full-nodes", "max-range-edges", "pe", "checkpoint", "checkpoint-every",
                   "resume", "stop-after-epochs"},
                  {"no-self-loops", "no-normalize", "quiet"});
  apply_threads(args);
  TrainOptions options = train_options(args);
  const auto runs = args.integer("runs", 1);
  const auto first_seed = args.integer("seed", 0);
  GATKIT_REQUIRE(runs >= 1, "--runs must be >= 1");
  GATKIT_REQUIRE(first_seed >= 0, "--seed must be >= 0");
  const bool quiet = args.flag("quiet");
  const bool tty = isatty(STDERR_FILENO) != 0;
  JsonLinesLog log = args.has("log") ? JsonLinesLog(args.str("log")) : JsonLinesLog();

  const NodeDataset data = load(args);
  if (!quiet)
    std::cerr << "data " << data.name << " (" << data.layout << "): " << data.graph.num_nodes() << " nodes, "
              << data.graph.num_edges() << " edges, " << data.features.cols() << " features"
              << (data.features.is_sparse() ? " (sparse)" : "") << ", " << data.num_classes << " classes, split "
              << data.train.size() << "/" << data.val.size() << "/" << data.test.size() << "\n";

  if (options.model.positional.enabled()) {  // once for every run
    try {
      options.positional_values =
          std::make_shared<const PositionalValues>(compute_positional_values(data.graph, options.model.positional));
    } catch (const InvalidArgument& e) {
      throw InvalidArgument(data.name + ": " + e.what());
    }
  }
  // --save keeps the run with the best validation accuracy; on --resume, the finished runs' results
  // and the weights kept from them come from the state.
  ResumableRuns resumable(args, "node_classifier");
  FinishedRuns<RunResult, TrainedModel> finished(
      [](const RunResult& a, const RunResult& b) { return a.val_accuracy > b.val_accuracy; });
  if (const auto& state = resumable.loaded()) finished.restore(*state, decode_run_result);
  for (std::int64_t run = resumable.first_run(); run < runs; ++run) {
    const auto seed = static_cast<std::uint64_t>(first_seed + run);
    auto last_print = std::chrono::steady_clock::now();
    auto progress = [&](const EpochStats& s) {
      log.write(epoch_json(static_cast<int>(run), seed, s));
      if (quiet) return;
      const auto now = std::chrono::steady_clock::now();
      const std::string line = "run " + std::to_string(run + 1) + "/" + std::to_string(runs) + " epoch " +
                               std::to_string(s.epoch) + "  loss " + fixed(s.train_loss, 4) + "  val loss " +
                               fixed(s.val_loss, 4) + "  val acc " + fixed(s.val_accuracy, 4) + "  step " +
                               fixed(s.step_ms, 2) + " ms";
      if (tty) {
        if (now - last_print > std::chrono::milliseconds(100)) {
          std::cerr << "\r\033[K" << line << std::flush;
          last_print = now;
        }
      } else if (s.epoch % 100 == 0) {
        std::cerr << line << "\n";
      }
    };
    resumable.attach(options, static_cast<int>(run), [&](TrainingState& state) { finished.store(state); });
    TrainedModel model;
    RunResult r;
    try {
      r = train_node_classifier(data, options, seed, &model, progress);
    } catch (const Interrupted& stop) {
      if (!quiet && tty) std::cerr << "\r\033[K";
      std::cerr << stop.message << "\n";
      return 3;
    }
    finished.add(r, std::move(model));
    {
      rapidjson::StringBuffer b;
      JsonWriter w(b);
      w.StartObject();
      w.Key("event"); w.String("run");
      w.Key("result");
      run_json(w, static_cast<int>(run), r);
      w.EndObject();
      log.write(b.GetString());
    }
    if (!quiet) {
      if (tty) std::cerr << "\r\033[K";
      std::cerr << "run " << run + 1 << "/" << runs << " seed " << seed << ": test accuracy " << fixed(r.test_accuracy, 4)
                << "  val " << fixed(r.val_accuracy, 4) << "  epochs " << r.epochs << " (best " << r.best_epoch
                << ")  macro-F1 " << fixed(r.test_macro_f1, 4)
                << (std::isfinite(r.test_roc_auc) ? "  ROC-AUC " + fixed(r.test_roc_auc, 4) : std::string())
                << "  step " << fixed(r.train_step_ms_median, 3) << " ms  " << fixed(r.seconds, 2) << " s\n";
    }
  }
  const ExperimentSummary summary = summarize(finished.results());
  std::cout << "test accuracy " << fixed(100 * summary.test_mean, 2) << " +- " << fixed(100 * summary.test_std, 2)
            << " % over " << runs << " run" << (runs > 1 ? "s" : "") << "  (median train step "
            << fixed(summary.train_step_ms_median, 3) << " ms, " << threads_text(num_threads()) << ")\n";
  std::cout << "test macro-F1 " << fixed(100 * summary.test_macro_f1_mean, 2) << " +- " << fixed(100 * summary.test_macro_f1_std, 2)
            << " %";
  if (std::isfinite(summary.test_roc_auc_mean))
    std::cout << "  ROC-AUC " << fixed(summary.test_roc_auc_mean, 4) << " +- " << fixed(summary.test_roc_auc_std, 4);
  std::cout << "\n";
  if (args.has("summary")) write_file_atomically(args.str("summary"), summary_json(summary, data, options, num_threads()));
  if (args.has("save")) {
    TrainedModel& kept = finished.best();
    keep_node_data_options(args, kept);
    save_model(kept, args.str("save"));
  }
  resumable.finish();
  return 0;
}

// ---- predict ----------------------------------------------------------------------------------

int cmd_predict(const std::vector<std::string>& argv) {
  const Args args(argv, {"model", "data", "out", "threads", "split-seed", "split", "label-column", "structural-features",
                         "nodes"},
                  {"quiet"});
  apply_threads(args);
  const TrainedModel model = load_model(args.required("model"));
  const NodeDataset data = load_node_data(args, args.flag("quiet"), &model);
  const std::vector<NodeId> nodes = selected_nodes(args, data);
  const MatrixF probs = predict_probabilities(model, data);
  // Rows are written as they are made (the 1M-node benchmark graph's CSV is 168 MB).
  write_output(args.str("out"), [&](std::ostream& out) {
    out << "node_id,predicted_class";
    for (const auto& name : model.class_names) out << ",prob_" << csv_field(name);
    out << "\n";
    for (const NodeId i : nodes) {
      Eigen::Index best;
      probs.row(i).maxCoeff(&best);
      out << csv_field(data.node_ids[static_cast<std::size_t>(i)]) << ','
          << csv_field(model.class_names[static_cast<std::size_t>(best)]);
      for (Eigen::Index c = 0; c < probs.cols(); ++c) out << ',' << probs(i, c);
      out << "\n";
    }
  });
  return 0;
}

// ---- info -------------------------------------------------------------------------------------

int cmd_info(const std::vector<std::string>& argv) {
  const Args args(argv, {"data", "threads", "split-seed", "split", "label-column", "structural-features"}, {"json"});
  apply_threads(args);
  const NodeDataset data = load(args);
  const GraphStats st = compute_graph_stats(data.graph);
  std::vector<std::int64_t> class_counts(static_cast<std::size_t>(data.num_classes), 0);
  std::int64_t unlabelled = 0;
  for (auto label : data.labels) {
    if (label >= 0) ++class_counts[static_cast<std::size_t>(label)]; else ++unlabelled;
  }
  const std::int64_t nnz = data.features.is_sparse() ? data.features.sparse().nonZeros() : data.features.rows() * data.features.cols();
  if (args.flag("json")) {
    rapidjson::StringBuffer b;
    PrettyJsonWriter w(b);
    w.StartObject();
    w.Key("name"); w.String(data.name.c_str());
    w.Key("layout"); w.String(data.layout.c_str());
    w.Key("nodes"); w.Int64(st.num_nodes);
    w.Key("edges"); w.Int64(st.num_edges);
    w.Key("symmetric"); w.Bool(st.symmetric);
    w.Key("self_loops"); w.Int64(st.num_self_loops);
    w.Key("features"); w.Int64(data.features.cols());
    w.Key("sparse_features"); w.Bool(data.features.is_sparse());
    w.Key("feature_nonzeros"); w.Int64(nnz);
    w.Key("classes"); w.Int(data.num_classes);
    w.Key("class_counts"); w.StartArray();
    for (auto c : class_counts) w.Int64(c);
    w.EndArray();
    w.Key("unlabelled"); w.Int64(unlabelled);
    w.Key("train"); w.Uint64(data.train.size());
    w.Key("val"); w.Uint64(data.val.size());
    w.Key("test"); w.Uint64(data.test.size());
    w.Key("components"); w.Int64(st.num_components);
    w.Key("largest_component"); w.Int64(st.largest_component);
    w.Key("isolated_nodes"); w.Int64(st.isolated_nodes);
    w.Key("degree"); w.StartObject();
    w.Key("min"); w.Int64(st.in_degree.min);
    w.Key("max"); w.Int64(st.in_degree.max);
    w.Key("mean"); w.Double(st.in_degree.mean);
    w.Key("median"); w.Double(st.in_degree.median);
    w.Key("std"); w.Double(st.in_degree.std);
    w.EndObject();
    w.EndObject();
    std::cout << b.GetString() << "\n";
    return 0;
  }
  std::cout << "data        " << data.name << " (" << data.layout << ")\n"
            << "nodes       " << st.num_nodes << "\n"
            << "edges       " << st.num_edges << " directed" << (st.symmetric ? " (symmetric: " + std::to_string(st.num_edges / 2) + " undirected)" : "")
            << ", " << st.num_self_loops << " self-loops\n"
            << "features    " << data.features.cols() << (data.features.is_sparse() ? " sparse, " : " dense, ") << nnz << " non-zeros\n"
            << "classes     " << data.num_classes << "  (";
  for (std::size_t c = 0; c < class_counts.size(); ++c)
    std::cout << (c ? ", " : "") << data.class_names[c] << ": " << class_counts[c];
  std::cout << ")" << (unlabelled ? ", " + std::to_string(unlabelled) + " unlabelled" : "") << "\n"
            << "split       train " << data.train.size() << ", val " << data.val.size() << ", test " << data.test.size() << "\n"
            << "components  " << st.num_components << " (largest " << st.largest_component << " nodes), "
            << st.isolated_nodes << " isolated nodes\n"
            << "degree      min " << st.in_degree.min << ", max " << st.in_degree.max << ", mean " << fixed(st.in_degree.mean, 2)
            << ", median " << fixed(st.in_degree.median, 1) << ", std " << fixed(st.in_degree.std, 2) << "\n";
  return 0;
}

// --data names a molecule file (SDF/MOL/JSON, by its extension; it need not exist yet, so that a missing
// file gets the molecule readers' message) rather than a data folder.
bool is_molecule_file(const std::vector<std::string>& args) {
  const std::string value = raw_option(args, "data");
  if (value.empty()) return false;
  // Node data sets are folders or node data manifests (JSON too, told apart by their "format").
  // A TU data set (a folder of DS_*.txt files) holds graphs for the graph-level commands too.
  return (is_molecule_path(value) && !std::filesystem::is_directory(value) && !is_node_manifest_arg(args)) ||
         is_tu_path(value);
}

// --data names a gatkit-graphs JSON file of one graph entry with node_labels, read as node data
// (io/graph_nodes.hpp): by train and info without --target (graph-level training needs one; info then
// shows the node classes and split that train would use), by predict with a node classifier.
bool is_node_graph_command(const std::string& command, const std::vector<std::string>& args) {
  if (command != "train" && command != "predict" && command != "info") return false;
  if (command != "predict" && !raw_option(args, "target").empty()) return false;
  if (command == "predict") {
    try {
      if (checkpoint_kind(raw_option(args, "model")) != "node_classifier") return false;
    } catch (const gatkit::Error&) {
      return false;
    }
  }
  return node_graph_file(raw_option(args, "data")).has_value();
}

// Where results will go is checked before the work, so that a mistyped path costs no long run, and no
// output may replace an input (a model, the data, a list of nodes): `predict --model m.gk --out m.gk`
// would otherwise overwrite the model with its own predictions. The training state a run resumes from
// may be the one it goes on writing (--resume F --checkpoint F).
void check_outputs(const std::vector<std::string>& args) {
  for (const char* output : {"save", "summary", "out", "output", "log", "checkpoint"}) {
    const std::string path = raw_option(args, output);
    if (path.empty()) continue;
    check_writable(path);
    for (const char* input : {"data", "model", "nodes", "resume"}) {
      const std::string source = raw_option(args, input);
      if (source.empty() || (std::string(input) == "resume" && std::string(output) == "checkpoint")) continue;
      std::error_code ec;
      if (std::filesystem::equivalent(path, source, ec))
        throw InvalidArgument("--" + std::string(output) + " " + path + " is the --" + input +
                              " file: writing it would replace what the command reads");
    }
  }
}

}  // namespace
}  // namespace gatkit::cli

int main(int argc, char** argv) {
  using namespace gatkit::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::cout << "gatkit " << kVersion << "\n";
    return 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  try {
    apply_limits(args);
    check_outputs(args);
    if (command == "info" && !raw_option(args, "model").empty()) return cmd_info_model(args);
    const bool graph_level = is_molecule_file(args) && !is_node_graph_command(command, args);
    if (command == "train") return graph_level ? cmd_train_molecules(args) : cmd_train(args);
    if (command == "predict") return graph_level ? cmd_predict_molecules(args) : cmd_predict(args);
    if (command == "info") return graph_level ? cmd_info_molecules(args) : cmd_info(args);
    if (command == "convert") return cmd_convert(args);
    if (command == "explain") return cmd_explain(args);
    if (command == "embed") return cmd_embed(args);
    if (command == "evaluate") return cmd_evaluate(args);
    std::cerr << "gatkit: unknown command '" << command << "' (try gatkit --help)\n";
    return 2;
  } catch (const gatkit::InvalidArgument& e) {
    std::cerr << "gatkit " << command << ": " << e.what() << "\n";
    return 2;
  } catch (const gatkit::Error& e) {
    std::cerr << "gatkit " << command << ": error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "gatkit " << command << ": unexpected error: " << e.what() << "\n";
    return 1;
  }
}
