// The fuzz harnesses of harness.hpp. Conventions:
//  - attempt(f) runs one reader call: a gatkit::Error means "the input was refused" (fine), any other
//    exception escapes (a bug);
//  - what a reader returned is then used the way the library uses it, outside attempt(), so that an
//    InvalidArgument from, say, build_graph on a reader's output is reported as a bug, not as a refusal;
//  - bug() prints what went wrong and aborts (libFuzzer keeps the input).
#include "harness.hpp"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gatkit/chem/featurize.hpp"
#include "gatkit/chem/generic_graph.hpp"
#include "gatkit/chem/json_format.hpp"
#include "gatkit/chem/sdf.hpp"
#include "gatkit/chem/smiles.hpp"
#include "gatkit/graph/graph.hpp"
#include "gatkit/graph/stats.hpp"
#include "gatkit/io/csv.hpp"
#include "gatkit/io/dataset.hpp"
#include "gatkit/io/graph_nodes.hpp"
#include "gatkit/io/readers.hpp"
#include "gatkit/io/tu.hpp"
#include "gatkit/train/graph_predictor.hpp"
#include "gatkit/train/node_classification.hpp"
#include "gatkit/train/training_state.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit::fuzz {
namespace {

namespace fs = std::filesystem;

/// This process's scratch folder (TMPDIR, else /dev/shm, else the system's temporary folder), removed
/// at a normal exit.
class Scratch {
 public:
  Scratch() {
    fs::path base;
    if (const char* tmp = std::getenv("TMPDIR"); tmp && *tmp) base = tmp;
    else if (::access("/dev/shm", W_OK) == 0) base = "/dev/shm";
    else base = fs::temp_directory_path();
    dir_ = base / ("gatkit_fuzz_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

const fs::path& scratch() {
  static const Scratch s;
  return s.dir();
}

[[noreturn]] void bug(const std::string& what) {
  std::fprintf(stderr, "gatkit fuzz harness: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

void check(bool condition, const char* what) {
  if (!condition) bug(what);
}

fs::path write_file(const fs::path& path, std::string_view bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) bug("cannot create " + path.string());
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) bug("cannot write " + path.string());
  std::fclose(f);
  return path;
}

fs::path write_file(const char* name, std::string_view bytes) { return write_file(scratch() / name, bytes); }

std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// The parts of `bytes` between NUL bytes.
std::vector<std::string_view> nul_separated(std::string_view bytes) {
  std::vector<std::string_view> parts;
  for (;;) {
    const std::size_t at = bytes.find('\0');
    parts.push_back(bytes.substr(0, at));
    if (at == std::string_view::npos) return parts;
    bytes.remove_prefix(at + 1);
  }
}

/// f() or nothing when it throws gatkit::Error (any other exception escapes).
template <class F>
auto attempt(F&& f) -> std::optional<decltype(f())> {
  try {
    return f();
  } catch (const Error&) {
    return std::nullopt;
  }
}

void check_edges(const std::vector<Edge>& edges, std::int64_t num_nodes, const char* who) {
  for (const Edge& e : edges)
    if (e.src < 0 || e.dst < 0 || e.src >= num_nodes || e.dst >= num_nodes)
      bug(std::string(who) + ": an edge is out of range " + std::to_string(e.src) + " -> " + std::to_string(e.dst) +
          " for " + std::to_string(num_nodes) + " nodes");
}

/// Featurises molecules the reader accepted. featurize() may refuse a molecule (InvalidArgument: a
/// duplicate bond), but must not crash, and its output has the documented shapes.
void featurize_all(const std::vector<chem::Molecule>& molecules) {
  for (const chem::Molecule& m : molecules) {
    const auto g = attempt([&] { return chem::featurize(m); });
    if (!g) continue;
    check(g->atom_features.rows() == static_cast<Eigen::Index>(m.atoms.size()), "featurize: one atom row per atom");
    check(g->edge_features.rows() == g->graph.num_edges(), "featurize: one bond row per edge");
    check(g->graph.num_edges() == 2 * static_cast<std::int64_t>(m.bonds.size()), "featurize: two edges per bond");
  }
}

/// What the molecule writers produce must read back: same records, atoms and bonds.
void round_trip(const std::vector<chem::Molecule>& molecules) {
  if (molecules.empty()) return;
  const fs::path sdf_out = scratch() / "round_trip.sdf";
  if (attempt([&] { chem::write_sdf(sdf_out, molecules); return true; })) {
    chem::SdfOptions no_folding;
    no_folding.fold_hydrogens = false;
    std::vector<chem::Molecule> back;
    try {
      back = chem::read_sdf(sdf_out, no_folding);
    } catch (const Error& e) {
      bug(std::string("write_sdf wrote a file read_sdf refuses: ") + e.what());
    }
    check(back.size() == molecules.size(), "write_sdf -> read_sdf: record count changed");
    for (std::size_t k = 0; k < back.size(); ++k)
      check(back[k].bonds.size() == molecules[k].bonds.size(), "write_sdf -> read_sdf: bond count changed");
  }
  const fs::path json_out = scratch() / "round_trip.json";
  if (attempt([&] { io::write_molecule_json(json_out, molecules); return true; })) {
    std::vector<chem::Molecule> back;
    try {
      back = io::read_molecule_json(json_out);
    } catch (const Error& e) {
      bug(std::string("write_molecule_json wrote a file read_molecule_json refuses: ") + e.what());
    }
    check(back.size() == molecules.size(), "JSON round trip: record count changed");
    for (std::size_t k = 0; k < back.size(); ++k) {
      check(back[k].atoms.size() == molecules[k].atoms.size(), "JSON round trip: atom count changed");
      check(back[k].bonds.size() == molecules[k].bonds.size(), "JSON round trip: bond count changed");
    }
  }
}

std::uint64_t fnv1a(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

template <class T>
void put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

/// A checkpoint container (layout: src/train/checkpoint_file.cpp) around `config` with `count`
/// parameters of small varied values and a correct checksum.
std::string container(std::string_view config, std::uint64_t count) {
  std::string bytes = "GATKITCK";
  put<std::uint32_t>(bytes, 1);
  put<std::uint32_t>(bytes, 0);
  put<std::uint64_t>(bytes, config.size());
  bytes.append(config);
  put<std::uint64_t>(bytes, count);
  for (std::uint64_t k = 0; k < count; ++k) put<float>(bytes, static_cast<float>(static_cast<int>(k % 7) - 3) * 0.125f);
  put<std::uint64_t>(bytes, fnv1a(bytes));
  return bytes;
}

/// The "configuration needs N" count of a loader's refusal, or -1.
std::int64_t needed_parameters(const std::string& message) {
  const std::string key = "its configuration needs ";
  const std::size_t at = message.find(key);
  if (at == std::string::npos) return -1;
  return std::strtoll(message.c_str() + at + key.size(), nullptr, 10);
}

/// Loads `file` as both kinds of model and applies what loads to a small input.
void load_and_apply(const fs::path& file) {
  if (const auto model = attempt([&] { return load_model(file); })) {
    NodeDataset data;
    data.features = FeatureMatrix<float>(MatrixF::Constant(3, model->config.in_dim, 0.5f));
    data.graph = build_graph(3, std::vector<Edge>{{0, 1}, {1, 2}}, {}, {.symmetrize = true});
    const MatrixF p = predict_probabilities(*model, data);
    check(p.rows() == 3 && p.cols() == model->config.num_classes, "node classifier: prediction shape");
  }
  if (const auto model = attempt([&] { return load_graph_model(file); })) {
    GraphPredictor predictor(*model);
    if (model->input == GraphInput::graphs) {
      // A generic graph of the model's widths (a path 0 -> 1 -> 2), with its degree columns if any.
      io::GraphRecord g;
      g.num_nodes = 3;
      g.node_features.assign(3, std::vector<float>(static_cast<std::size_t>(generic_node_width(*model)), 0.5f));
      g.edges = {{0, 1}, {1, 2}};
      if (model->config.edge_dim > 0)
        g.edge_features.assign(2, std::vector<float>(static_cast<std::size_t>(model->config.edge_dim), 1.0f));
      const chem::MoleculeGraph graph = predictor.graph(g);
      const RowMatrix<double> p = predictor.predict(std::span<const chem::MoleculeGraph>(&graph, 1));
      check(p.rows() == 1, "graph model: one prediction row per graph");
    } else {
      chem::Molecule m;
      m.atoms.resize(3);
      for (chem::Atom& a : m.atoms) {
        a.atomic_number = 6;
        a.symbol = "C";
      }
      m.bonds = {{0, 1, chem::BondOrder::single, 0, false}, {1, 2, chem::BondOrder::double_bond, 0, false}};
      const RowMatrix<double> p = predictor.predict(std::span<const chem::Molecule>(&m, 1));
      check(p.rows() == 1, "graph model: one prediction row per molecule");
    }
  }
  // A training state (--resume FILE): its vectors fit together, and it writes back and reads the same.
  if (const auto state = attempt([&] { return load_training_state(file); })) {
    const Eigen::Index n = state->parameters.size();
    check(state->adam_m.size() == n && state->adam_v.size() == n && state->best_parameters.size() == n &&
              state->member_parameters.size() == state->member * n &&
              state->member_refit_parameters.size() == (state->refit ? state->member * n : 0) &&
              (state->refit || !state->refitting) && state->finished.size() == static_cast<std::size_t>(state->run),
          "training state: the sizes of its vectors");
    const fs::path back = scratch() / "state_back.gatkit";
    try {
      save_training_state(*state, back);
      const TrainingState again = load_training_state(back);
      const auto same = [](const Vector<float>& a, const Vector<float>& b) {
        return a.size() == b.size() && (a.array() == b.array()).all();
      };
      check(same(again.parameters, state->parameters) && same(again.best_parameters, state->best_parameters) &&
                same(again.kept_parameters, state->kept_parameters) && again.member == state->member &&
                same(again.member_parameters, state->member_parameters) && again.order == state->order &&
                again.fingerprint == state->fingerprint && again.epoch == state->epoch &&
                again.refit == state->refit && again.refitting == state->refitting &&
                same(again.member_refit_parameters, state->member_refit_parameters) &&
                again.learning_rates.size() == state->learning_rates.size(),
            "training state: save -> load changed it");
    } catch (const Error& e) {
      bug(std::string("a training state that loads does not save and load again: ") + e.what());
    }
  }
}

}  // namespace

int edge_list(const std::uint8_t* data, std::size_t size) {
  const fs::path file = write_file("edges.txt", as_text(data, size));
  if (const auto el = attempt([&] { return io::read_edge_list(file); })) {
    check(el->num_nodes == static_cast<std::int64_t>(el->node_ids.size()), "edge list: one original id per node");
    check(el->weights.empty() || el->weights.size() == el->edges.size(), "edge list: one weight per edge");
    check_edges(el->edges, el->num_nodes, "read_edge_list (remapped)");
    const Graph g = build_graph(el->num_nodes, el->edges, el->weights);
    check(g.num_edges() <= static_cast<std::int64_t>(el->edges.size()), "edge list: graph has more edges than the file");
  }
  io::EdgeListOptions indices;
  indices.remap_ids = false;
  indices.num_nodes = 64;
  if (const auto el = attempt([&] { return io::read_edge_list(file, indices); })) {
    check_edges(el->edges, 64, "read_edge_list (indices)");
    const Graph g = build_graph(64, el->edges, {}, {.symmetrize = true, .deduplicate = true, .self_loops = SelfLoops::remove});
    compute_graph_stats(g);
  }
  indices.num_nodes = -1;
  if (const auto el = attempt([&] { return io::read_edge_list(file, indices); })) check_edges(el->edges, el->num_nodes, "read_edge_list (largest id + 1)");
  return 0;
}

int svmlight(const std::uint8_t* data, std::size_t size) {
  const fs::path file = write_file("features.svmlight", as_text(data, size));
  for (const io::IndexBase base : {io::IndexBase::automatic, io::IndexBase::zero, io::IndexBase::one}) {
    for (const std::int64_t features : {std::int64_t{-1}, std::int64_t{8}}) {
      io::SvmlightOptions options;
      options.index_base = base;
      options.num_features = features;
      const auto svm = attempt([&] { return io::read_svmlight(file, options); });
      if (!svm) continue;
      const SparseMatrixF& x = svm->features;
      check(x.rows() == static_cast<Eigen::Index>(svm->labels.size()), "svmlight: one row per label");
      check(features < 0 || x.cols() == features, "svmlight: num_features columns");
      for (Eigen::Index k = 0; k < x.nonZeros(); ++k)
        check(x.innerIndexPtr()[k] >= 0 && x.innerIndexPtr()[k] < x.cols(), "svmlight: column index in range");
    }
  }
  return 0;
}

int split(const std::uint8_t* data, std::size_t size) {
  const fs::path file = write_file("split.txt", as_text(data, size));
  if (const auto ids = attempt([&] { return io::read_split(file, 100); }))
    for (NodeId id : *ids) check(id >= 0 && id < 100, "read_split: id out of range");
  attempt([&] { return io::read_integer_column(file); });
  // The same bytes as a list of node ids in a vocabulary of text ids (--nodes, manifest split files): the
  // ids "0".."99" and a few that are not numbers, every node listed once at most, in the file's order.
  static const std::vector<std::string> vocabulary = [] {
    std::vector<std::string> v;
    for (int k = 0; k < 100; ++k) v.push_back(std::to_string(k));
    for (const char* id : {"alice", "bob", "a b", "#x", "\xEF\xBB\xBF" "1"}) v.push_back(id);
    return v;
  }();
  if (const auto ids = attempt([&] {
        return io::read_node_id_list(file, vocabulary, [](NodeId i) { return i == 7 ? std::string("is refused") : ""; });
      })) {
    std::vector<char> seen(vocabulary.size(), 0);
    for (NodeId id : *ids) {
      check(id >= 0 && static_cast<std::size_t>(id) < vocabulary.size() && id != 7, "read_node_id_list: id out of range");
      check(!seen[static_cast<std::size_t>(id)]++, "read_node_id_list: a node listed twice");
    }
    check(!ids->empty(), "read_node_id_list: an empty list accepted");
  }
  return 0;
}

int linqs(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::string_view> parts = nul_separated(as_text(data, size));
  const fs::path content = write_file("data.content", parts[0]);
  const fs::path cites = write_file("data.cites", parts.size() > 1 ? parts[1] : std::string_view());
  if (const auto l = attempt([&] { return io::read_linqs(content, cites); })) {
    const auto n = static_cast<std::int64_t>(l->node_ids.size());
    check(l->features.rows() == n && static_cast<std::int64_t>(l->labels.size()) == n, "linqs: one row and label per paper");
    for (const std::int32_t c : l->labels)
      check(c >= 0 && static_cast<std::size_t>(c) < l->class_names.size(), "linqs: label is a class index");
    check_edges(l->edges, n, "read_linqs");
    build_graph(n, l->edges, {}, {.symmetrize = true, .deduplicate = true, .self_loops = SelfLoops::remove});
  }
  return 0;
}

int npy(const std::uint8_t* data, std::size_t size) {
  const fs::path file = write_file("array.npy", as_text(data, size));
  if (const auto m = attempt([&] { return io::read_npy_matrix(file); })) {
    check(m->allFinite(), "read_npy_matrix: non-finite value accepted");
    const fs::path out = scratch() / "array_out.npy";
    io::write_npy_matrix(out, *m);
    const MatrixF back = io::read_npy_matrix(out);
    check(back.rows() == m->rows() && back.cols() == m->cols() && back == *m, "write_npy_matrix -> read_npy_matrix changed the array");
  }
  attempt([&] { return io::read_npy_integers(file); });
  return 0;
}

/// Every molecule a streaming reader (SdfReader, SmiFileReader, SmilesCsvReader) gives, checking that a
/// bad record leaves the reader past it, that record numbers ascend and that bonds join two atoms of
/// the molecule; SMILES readers' molecules must also be kekulized. A reader that says it cannot go on
/// (recoverable() false) ends the reading.
template <class Reader>
std::vector<chem::Molecule> read_records(Reader& reader, const std::string& who) {
  constexpr bool smiles = requires { reader.recoverable(); };
  std::vector<chem::Molecule> molecules;
  std::uint64_t last = 0;
  for (;;) {
    chem::Molecule m;
    bool more = false;
    try {
      more = reader.next(m);
    } catch (const ParseError&) {
      if constexpr (smiles) {
        if (!reader.recoverable()) break;
      }
      // Skipping a bad record must move on: the next error (if any) is about a later record.
      if (reader.record_number() <= last) bug(who + ": an error without progress");
      last = reader.record_number();
      continue;
    }
    if (!more) break;
    if (m.record != reader.record_number() || m.record <= last) bug(who + ": record numbers increase");
    last = m.record;
    for (const chem::Bond& b : m.bonds) {
      if (!(b.begin >= 0 && b.end >= 0 && static_cast<std::size_t>(b.begin) < m.atoms.size() &&
            static_cast<std::size_t>(b.end) < m.atoms.size() && b.begin != b.end))
        bug(who + ": bond atoms in range");
      if constexpr (smiles)
        if (b.order == chem::BondOrder::aromatic || b.aromatic) bug(who + ": kekulized");
    }
    molecules.push_back(std::move(m));
  }
  return molecules;
}

int sdf(const std::uint8_t* data, std::size_t size) {
  const fs::path file = write_file("molecules.sdf", as_text(data, size));
  for (const bool fold : {true, false}) {
    chem::SdfOptions options;
    options.fold_hydrogens = fold;
    chem::SdfReader reader(file, options);
    const std::vector<chem::Molecule> molecules = read_records(reader, "SdfReader");
    featurize_all(molecules);
    if (!fold) round_trip(molecules);
  }
  return 0;
}

int smiles(const std::uint8_t* data, std::size_t size) {
  // The bytes as a .smi file (a SMILES and a name per line)...
  const fs::path smi = write_file("molecules.smi", as_text(data, size));
  if (const auto reader = attempt([&] { return std::make_unique<chem::SmiFileReader>(smi); }))
    featurize_all(read_records(**reader, "SmiFileReader"));
  // ... then as a table (its "smiles" column, if any), and its first column read as SMILES.
  const fs::path file = write_file("molecules.csv", as_text(data, size));
  bool written = false;
  for (const bool first_column : {false, true}) {
    chem::SmilesCsvOptions options;
    if (first_column) {
      const auto header = attempt([&] { return io::CsvReader(file).header(); });
      if (!header || header->empty()) break;
      options.smiles_column = header->front();
    }
    const auto reader = attempt([&] { return std::make_unique<chem::SmilesCsvReader>(file, options); });
    if (!reader) continue;
    const std::vector<chem::Molecule> molecules = read_records(**reader, "SmilesCsvReader");
    featurize_all(molecules);
    if (!written && !molecules.empty()) {  // writing and reading back: once per input (it costs files)
      round_trip(molecules);
      written = true;
    }
  }
  return 0;
}

int json(const std::uint8_t* data, std::size_t size) {
  const fs::path file = write_file("graphs.json", as_text(data, size));
  const auto all = attempt([&] { return io::read_graph_json(file); });
  std::vector<io::SkippedEntry> skipped;
  const auto some = attempt([&] { return io::read_graph_json(file, &skipped); });
  if (all) check(some && skipped.empty(), "read_graph_json: skipping refuses what reading all accepts");
  if (!some) return 0;
  for (std::size_t k = 1; k < skipped.size(); ++k) check(skipped[k - 1].record < skipped[k].record, "read_graph_json: skipped records ascend");
  for (const io::GraphFileEntry& e : some->order)
    check(e.index < (e.kind == io::GraphFileEntry::Kind::molecule ? some->molecules.size() : some->graphs.size()),
          "read_graph_json: order names an entry that exists");
  check(some->molecule_ids.size() == some->molecules.size(), "read_graph_json: one id per molecule");
  for (const io::GraphRecord& g : some->graphs) {
    check_edges(g.edges, g.num_nodes, "read_graph_json");
    check(g.edge_features.empty() || g.edge_features.size() == g.edges.size(), "read_graph_json: edge feature rows");
    if (g.num_nodes <= 100000) build_graph(g.num_nodes, g.edges);
    // A graph with node_labels is node data too: refused (Error) or well formed.
    if (!g.node_labels.empty() && g.num_nodes <= 100000)
      if (const auto d = attempt([&] { return io::node_dataset_from_graph(g, "fuzz"); })) {
        check(static_cast<std::int64_t>(d->labels.size()) == g.num_nodes && d->graph.num_nodes() == g.num_nodes &&
                  d->features.rows() == g.num_nodes,
              "node_dataset_from_graph: one label, one feature row per node");
        for (const std::int32_t label : d->labels) check(label >= -1 && label < d->num_classes, "node_dataset_from_graph: labels are classes");
      }
  }
  featurize_all(some->molecules);
  const fs::path out = scratch() / "graphs_out.json";
  if (attempt([&] { io::write_graph_json(out, *some); return true; })) {
    try {
      const io::GraphFile back = io::read_graph_json(out);
      check(back.order == some->order && back.graphs == some->graphs, "write_graph_json -> read_graph_json changed the entries");
    } catch (const Error& e) {
      bug(std::string("write_graph_json wrote a file read_graph_json refuses: ") + e.what());
    }
  }
  return 0;
}

int checkpoint(const std::uint8_t* data, std::size_t size) {
  std::string bytes(as_text(data, size));
  const fs::path file = scratch() / "model.gatkit";
  write_file(file, bytes);
  load_and_apply(file);
  if (bytes.size() >= 8) {  // the same bytes with a correct checksum: the fuzzer gets past it
    bytes.resize(bytes.size() - 8);
    put<std::uint64_t>(bytes, fnv1a(bytes));
    write_file(file, bytes);
    load_and_apply(file);
  }
  // The input as the configuration JSON, with as many parameters as it turns out to need.
  write_file(file, container(as_text(data, size), 0));
  load_and_apply(file);
  for (const auto& loader : {+[](const fs::path& f) { load_model(f); }, +[](const fs::path& f) { load_graph_model(f); },
                             +[](const fs::path& f) { load_training_state(f); }}) {
    std::int64_t needed = -1;
    try {
      loader(file);
    } catch (const Error& e) {
      needed = needed_parameters(e.what());
    }
    if (needed > 0 && needed <= 200000) {
      const fs::path full = scratch() / "model_full.gatkit";
      write_file(full, container(as_text(data, size), static_cast<std::uint64_t>(needed)));
      load_and_apply(full);
    }
  }
  return 0;
}

int dataset(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool linqs_layout = data[0] == 'l';
  const std::vector<std::string_view> parts = nul_separated(as_text(data + 1, size - 1));
  const fs::path folder = scratch() / "dataset";
  std::error_code ec;
  fs::remove_all(folder, ec);
  fs::create_directories(folder);
  const std::vector<const char*> names =
      linqs_layout ? std::vector<const char*>{"d.content", "d.cites", "train.txt", "val.txt", "test.txt"}
                   : std::vector<const char*>{"features.svmlight", "edges.txt", "labels.txt", "train.txt", "val.txt", "test.txt"};
  for (std::size_t k = 0; k < parts.size() && k < names.size(); ++k)  // an empty part: no such file
    if (!parts[k].empty()) write_file(folder / names[k], parts[k]);
  if (const auto d = attempt([&] { return load_node_dataset(folder); })) {
    const std::int64_t n = d->graph.num_nodes();
    check(d->features.rows() == n && static_cast<std::int64_t>(d->labels.size()) == n &&
              static_cast<std::int64_t>(d->node_ids.size()) == n,
          "load_node_dataset: features, labels and ids per node");
    check(static_cast<std::int64_t>(d->class_names.size()) == d->num_classes, "load_node_dataset: one name per class");
    for (const auto* list : {&d->train, &d->val, &d->test})
      for (const NodeId i : *list)
        check(i >= 0 && i < n && d->labels[static_cast<std::size_t>(i)] >= 0 &&
                  d->labels[static_cast<std::size_t>(i)] < d->num_classes,
              "load_node_dataset: split nodes exist and are labelled");
    compute_graph_stats(d->graph);
  }
  return 0;
}

int tu(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::string_view> parts = nul_separated(as_text(data, size));
  const fs::path folder = scratch() / "tu";
  std::error_code ec;
  fs::remove_all(folder, ec);
  fs::create_directories(folder);
  static const char* const names[] = {"graph_indicator", "A", "node_labels", "edge_labels", "graph_labels",
                                      "node_attributes", "edge_attributes", "graph_attributes"};
  for (std::size_t k = 0; k < parts.size() && k < std::size(names); ++k)  // an empty part: no such file
    if (!parts[k].empty() || k < 2) write_file(folder / ("D_" + std::string(names[k]) + ".txt"), parts[k]);
  // Skipping (--on-error skip) passes over the graphs of bad lines: on files that read without it, it
  // changes nothing; otherwise the graphs it keeps obey the same rules.
  std::vector<io::SkippedEntry> skipped;
  const auto d = attempt([&] { return io::read_tu_dataset({folder, "D"}, {}, &skipped); });
  const auto strict = attempt([&] { return io::read_tu_dataset({folder, "D"}); });
  if (strict) {
    check(d && skipped.empty() && d->graphs == strict->graphs && d->class_values == strict->class_values,
          "read_tu_dataset: skipping changed a file that reads without it");
  }
  if (!d) return 0;
  for (std::size_t k = 0; k < skipped.size(); ++k) {
    check(skipped[k].record >= 1 && skipped[k].record <= d->graphs.size() &&
              (k == 0 || skipped[k].record > skipped[k - 1].record) && !skipped[k].error.empty(),
          "read_tu_dataset: skipped graphs in order, each with its error");
    check(d->graphs[skipped[k].record - 1].num_nodes == 0, "read_tu_dataset: a skipped graph keeps only its id");
  }
  const std::int64_t node_width = d->node_attributes + d->node_label_width;
  const std::int64_t edge_width = d->edge_attributes + d->edge_label_width;
  io::GraphFile file;
  std::size_t next_skipped = 0;
  for (std::size_t k = 0; k < d->graphs.size(); ++k) {
    if (next_skipped < skipped.size() && skipped[next_skipped].record == k + 1) {
      ++next_skipped;
      continue;
    }
    const io::GraphRecord& g = d->graphs[k];
    check(g.num_nodes >= 1, "read_tu_dataset: every graph has a node");
    check_edges(g.edges, g.num_nodes, "read_tu_dataset");
    check(g.node_features.empty() ? node_width == 0 : static_cast<std::int64_t>(g.node_features.size()) == g.num_nodes,
          "read_tu_dataset: one node row per node");
    for (const auto& row : g.node_features) check(static_cast<std::int64_t>(row.size()) == node_width, "read_tu_dataset: node row width");
    check(g.edge_features.empty() ? edge_width == 0 || g.edges.empty() : g.edge_features.size() == g.edges.size(),
          "read_tu_dataset: one edge row per edge");
    for (const auto& row : g.edge_features) check(static_cast<std::int64_t>(row.size()) == edge_width, "read_tu_dataset: edge row width");
    // What the reader gives, the graph models take: no edge twice, rows of the right shapes.
    try {
      if (g.num_nodes <= 100000) (void)chem::model_graph(g);
    } catch (const Error& e) {
      bug(std::string("model_graph refuses a graph read_tu_dataset gave: ") + e.what());
    }
    file.graphs.push_back(g);
  }
  const fs::path out = scratch() / "tu_out.json";
  try {  // every record the reader gives can be written as JSON and read back
    io::write_graph_json(out, file);
    check(io::read_graph_json(out).graphs == file.graphs, "read_tu_dataset -> JSON -> read_graph_json changed the graphs");
  } catch (const Error& e) {
    bug(std::string("a TU graph does not go through JSON: ") + e.what());
  }
  return 0;
}

// A new harness goes here and in GATKIT_FUZZ_HARNESSES (fuzz/CMakeLists.txt), which scripts/fuzz.sh and CI fuzz.
std::span<const NamedHarness> all_harnesses() {
  static constexpr std::array<NamedHarness, 11> harnesses = {{
      {"edge_list", edge_list},
      {"svmlight", svmlight},
      {"split", split},
      {"linqs", linqs},
      {"npy", npy},
      {"sdf", sdf},
      {"json", json},
      {"checkpoint", checkpoint},
      {"dataset", dataset},
      {"tu", tu},
      {"smiles", smiles},
  }};
  return harnesses;
}

}  // namespace gatkit::fuzz
