// load_node_dataset: recognises a folder layout and assembles a NodeDataset from the readers.
//
// Layouts are tried in this order: "planetoid" (features.svmlight + edges.txt), "npy" (edges.txt +
// features.npy + labels.npy), "linqs" (exactly one *.content and one *.cites). Every dataset is checked
// for consistency (label count = node count, labels integral and >= -1, split nodes labelled and in no
// two splits). Split files are used when all three of train.txt/val.txt/test.txt are present, none of
// them means the Planetoid protocol (make_planetoid_split with options.split_seed), some of them is an
// error (a silently half-generated split would be worse).
#include "gatkit/io/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gatkit/io/manifest.hpp"
#include "gatkit/io/readers.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t max_classes = 1'000'000;

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

std::string dataset_name(const fs::path& folder) {
  // Absolute and normalised, without resolving symbolic links: "cora/", "./cora" and "." (inside cora)
  // all give "cora".
  std::error_code ec;
  fs::path p = fs::absolute(folder, ec);
  if (ec) p = folder;
  p = p.lexically_normal();
  if (!p.has_filename()) p = p.parent_path();
  return p.filename().string();
}

std::vector<std::string> numbered_names(std::int64_t n) {
  std::vector<std::string> names;
  names.reserve(static_cast<std::size_t>(n));
  for (std::int64_t k = 0; k < n; ++k) names.push_back(std::to_string(k));
  return names;
}

/// Integer class ids (-1 = unlabelled) to data.labels / num_classes / class_names ("0".."C-1").
void set_numbered_labels(NodeDataset& data, const std::vector<std::int64_t>& raw, const fs::path& source) {
  const std::size_t n = static_cast<std::size_t>(data.features.rows());
  if (raw.size() != n)
    throw ParseError(source, 0,
                     "has " + std::to_string(raw.size()) + " labels, but there are " + std::to_string(n) +
                         " nodes (feature rows)");
  std::int64_t largest = -1;
  data.labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (raw[i] < -1 || raw[i] >= max_classes)
      throw ParseError(source, 0,
                       "label of node " + std::to_string(i) + " is " + std::to_string(raw[i]) +
                           "; expected a class id 0.." + std::to_string(max_classes - 1) +
                           " or -1 for unlabelled");
    data.labels[i] = static_cast<std::int32_t>(raw[i]);
    largest = std::max(largest, raw[i]);
  }
  if (largest < 0) throw ParseError(source, 0, "no labelled nodes (every label is -1)");
  data.num_classes = static_cast<std::int32_t>(largest + 1);
  data.class_names = numbered_names(largest + 1);
}

std::vector<std::int64_t> integral_labels(const std::vector<double>& labels, const fs::path& source) {
  std::vector<std::int64_t> out(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double v = labels[i];
    if (v != std::floor(v) || v < -1 || v >= static_cast<double>(max_classes))
      throw ParseError(source, 0,
                       "label of node " + std::to_string(i) + " is " + std::to_string(v) +
                           "; expected an integer class id or -1 for unlabelled");
    out[i] = static_cast<std::int64_t>(v);
  }
  return out;
}

Graph graph_from_edges(std::int64_t n, const std::vector<Edge>& edges, const NodeDatasetOptions& options) {
  GraphBuildOptions build;
  build.symmetrize = options.symmetrize;
  build.deduplicate = true;
  build.self_loops = SelfLoops::remove;
  return build_graph(n, edges, {}, build);
}

std::vector<Edge> read_index_edges(const fs::path& file, std::int64_t num_nodes, const Limits& limits) {
  io::EdgeListOptions edge_options;
  edge_options.limits = limits;
  edge_options.remap_ids = false;
  edge_options.num_nodes = num_nodes;
  return io::read_edge_list(file, edge_options).edges;
}

void check_node_count(std::int64_t n, const fs::path& source) {
  if (n > std::numeric_limits<NodeId>::max())
    throw ParseError(source, 0, std::to_string(n) + " nodes is more than the 2147483647 supported");
}

/// Reads train/val/test.txt when all three exist; generates the Planetoid split when none does.
void load_or_make_split(NodeDataset& data, const fs::path& folder, std::uint64_t seed, const Limits& limits) {
  const char* names[3] = {"train.txt", "val.txt", "test.txt"};
  std::vector<NodeId>* lists[3] = {&data.train, &data.val, &data.test};
  int present = 0;
  for (const char* name : names) present += is_file(folder / name);
  if (present == 0) {
    make_planetoid_split(data, seed);
    return;
  }
  if (present != 3) {
    std::string have, missing;
    for (const char* name : names) (is_file(folder / name) ? have : missing) += std::string(" ") + name;
    throw Error("dataset " + folder.string() + ": found" + have + " but not" + missing +
                "; provide all three split files or none (then a Planetoid split is drawn)");
  }
  const std::int64_t n = static_cast<std::int64_t>(data.labels.size());
  std::vector<signed char> owner(static_cast<std::size_t>(n), -1);
  for (int s = 0; s < 3; ++s) {
    const fs::path file = folder / names[s];
    *lists[s] = io::read_split(file, n, limits);
    for (NodeId id : *lists[s]) {
      if (data.labels[static_cast<std::size_t>(id)] < 0)
        throw ParseError(file, 0, "node " + std::to_string(id) + " has no label (-1) but is in the split");
      signed char& o = owner[static_cast<std::size_t>(id)];
      if (o >= 0)
        throw ParseError(file, 0,
                         "node " + std::to_string(id) + " is also listed in " + names[o] +
                             "; the splits must be disjoint");
      o = static_cast<signed char>(s);
    }
  }
}

void load_planetoid(NodeDataset& data, const fs::path& folder, const NodeDatasetOptions& options) {
  const fs::path svm_file = folder / "features.svmlight";
  io::SvmlightOptions svm_options;
  svm_options.index_base = io::IndexBase::zero;
  svm_options.limits = options.limits;
  io::SvmlightData svm = io::read_svmlight(svm_file, svm_options);
  const std::int64_t n = svm.features.rows();
  check_node_count(n, svm_file);
  data.features = FeatureMatrix<float>(std::move(svm.features));
  if (const fs::path labels_file = folder / "labels.txt"; is_file(labels_file))
    set_numbered_labels(data, io::read_integer_column(labels_file, options.limits), labels_file);
  else
    set_numbered_labels(data, integral_labels(svm.labels, svm_file), svm_file);
  data.graph = graph_from_edges(n, read_index_edges(folder / "edges.txt", n, options.limits), options);
  data.node_ids = numbered_names(n);
  load_or_make_split(data, folder, options.split_seed, options.limits);
}

void load_npy(NodeDataset& data, const fs::path& folder, const NodeDatasetOptions& options) {
  const fs::path features_file = folder / "features.npy";
  data.features = FeatureMatrix<float>(io::read_npy_matrix(features_file, options.limits));
  const std::int64_t n = data.features.rows();
  check_node_count(n, features_file);
  set_numbered_labels(data, io::read_npy_integers(folder / "labels.npy", options.limits), folder / "labels.npy");
  data.graph = graph_from_edges(n, read_index_edges(folder / "edges.txt", n, options.limits), options);
  data.node_ids = numbered_names(n);
  load_or_make_split(data, folder, options.split_seed, options.limits);
}

void load_linqs(NodeDataset& data, const fs::path& content, const fs::path& cites, const fs::path& folder,
                const NodeDatasetOptions& options) {
  io::LinqsData linqs = io::read_linqs(content, cites, options.limits);
  const std::int64_t n = static_cast<std::int64_t>(linqs.node_ids.size());
  data.graph = graph_from_edges(n, linqs.edges, options);
  data.features = FeatureMatrix<float>(std::move(linqs.features));
  data.labels = std::move(linqs.labels);
  data.num_classes = static_cast<std::int32_t>(linqs.class_names.size());
  data.class_names = std::move(linqs.class_names);
  data.node_ids = std::move(linqs.node_ids);
  load_or_make_split(data, folder, options.split_seed, options.limits);
}

/// A uniform integer in [0, bound) from 64 random bits by rejection: identical on every platform,
/// unlike std::uniform_int_distribution, whose algorithm is implementation-defined.
std::uint64_t uniform_below(std::mt19937_64& rng, std::uint64_t bound) {
  const std::uint64_t threshold = (0 - bound) % bound;  // 2^64 mod bound
  for (;;) {
    const std::uint64_t r = rng();
    if (r >= threshold) return r % bound;
  }
}

/// "; FOLDER/manifest.json is a node data manifest: give it as the data" for the manifests among a
/// folder's JSON files (a folder is not read through its manifest: the manifest names the data).
std::string manifest_hint(std::vector<fs::path> json) {
  std::sort(json.begin(), json.end());
  std::string hint;
  int manifests = 0;
  for (const fs::path& file : json)
    if (is_node_manifest(file)) hint += (manifests++ == 0 ? "; " : ", ") + file.string();
  if (manifests == 0) return hint;
  return hint + (manifests == 1 ? " is a node data manifest: give it as the data"
                                : " are node data manifests: give one as the data");
}

}  // namespace

NodeDataset load_node_dataset(const std::filesystem::path& folder, const NodeDatasetOptions& options) {
  std::error_code ec;
  if (!fs::exists(folder, ec)) throw Error("dataset folder " + folder.string() + " does not exist");
  if (!fs::is_directory(folder, ec)) throw Error("dataset path " + folder.string() + " is not a folder");

  std::vector<fs::path> contents, cites, json;
  try {
    for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
      if (!entry.is_regular_file()) continue;
      if (entry.path().extension() == ".content") contents.push_back(entry.path());
      if (entry.path().extension() == ".cites") cites.push_back(entry.path());
      if (entry.path().extension() == ".json") json.push_back(entry.path());
    }
  } catch (const fs::filesystem_error& e) {
    throw Error("cannot list dataset folder " + folder.string() + ": " + e.code().message());
  }
  std::sort(contents.begin(), contents.end());
  std::sort(cites.begin(), cites.end());

  NodeDataset data;
  data.name = dataset_name(folder);
  const bool edges = is_file(folder / "edges.txt");
  if (edges && is_file(folder / "features.svmlight")) {
    data.layout = "planetoid";
    load_planetoid(data, folder, options);
  } else if (edges && is_file(folder / "features.npy") && is_file(folder / "labels.npy")) {
    data.layout = "npy";
    load_npy(data, folder, options);
  } else if (contents.size() == 1 && cites.size() == 1) {
    data.layout = "linqs";
    load_linqs(data, contents[0], cites[0], folder, options);
  } else {
    std::string found;
    for (const char* name : {"edges.txt", "features.svmlight", "features.npy", "labels.npy", "labels.txt"})
      if (is_file(folder / name)) found += std::string(found.empty() ? "" : ", ") + name;
    for (const auto* list : {&contents, &cites})
      for (const fs::path& p : *list) found += (found.empty() ? "" : ", ") + p.filename().string();
    throw Error(
        "no dataset layout recognised in " + folder.string() +
        ": looked for 'planetoid' (features.svmlight + edges.txt [+ labels.txt, train.txt/val.txt/"
        "test.txt]), 'npy' (edges.txt + features.npy + labels.npy) and 'linqs' (exactly one *.content "
        "and one *.cites); found " +
        (found.empty() ? std::string("none of these files") : found) + manifest_hint(json));
  }
  return data;
}

void make_planetoid_split(NodeDataset& data, std::uint64_t seed, std::int64_t per_class, std::int64_t val,
                          std::int64_t test) {
  GATKIT_REQUIRE(per_class >= 0 && val >= 0 && test >= 0,
                 "make_planetoid_split: negative split size (per_class " + std::to_string(per_class) +
                     ", val " + std::to_string(val) + ", test " + std::to_string(test) + ")");
  std::vector<NodeId> order;
  for (std::size_t i = 0; i < data.labels.size(); ++i) {
    const std::int32_t c = data.labels[i];
    GATKIT_REQUIRE(c < data.num_classes, "make_planetoid_split: node " + std::to_string(i) + " has label " +
                                             std::to_string(c) + " but num_classes is " +
                                             std::to_string(data.num_classes));
    if (c >= 0) order.push_back(static_cast<NodeId>(i));
  }
  // Fisher-Yates, from the back.
  std::mt19937_64 rng(seed);
  for (std::size_t i = order.size(); i > 1; --i)
    std::swap(order[i - 1], order[static_cast<std::size_t>(uniform_below(rng, i))]);

  data.train.clear();
  data.val.clear();
  data.test.clear();
  std::vector<std::int64_t> taken(static_cast<std::size_t>(std::max(data.num_classes, 0)), 0);
  std::vector<NodeId> rest;
  for (NodeId i : order) {
    std::int64_t& t = taken[static_cast<std::size_t>(data.labels[static_cast<std::size_t>(i)])];
    if (t < per_class) {
      ++t;
      data.train.push_back(i);
    } else {
      rest.push_back(i);
    }
  }
  const std::size_t val_end = std::min(static_cast<std::size_t>(val), rest.size());
  const std::size_t test_end = val_end + std::min(static_cast<std::size_t>(test), rest.size() - val_end);
  data.val.assign(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(val_end));
  data.test.assign(rest.begin() + static_cast<std::ptrdiff_t>(val_end),
                   rest.begin() + static_cast<std::ptrdiff_t>(test_end));
  std::sort(data.train.begin(), data.train.end());
  std::sort(data.val.begin(), data.val.end());
  std::sort(data.test.begin(), data.test.end());
}

}  // namespace gatkit
