// join_node_tables: one mapping of node ids for the edge, feature and label tables (manifest.hpp).
//
// Steps: 1. the union of the ids of all tables; 2. its order (numeric when every id is a canonical
// integer, else first appearance); 3. per table, the ids it lacks (reported, or an error when strict);
// 4. graph, feature rows and labels re-indexed to the joined order.
#include <algorithm>
#include <limits>
#include <unordered_map>

#include "gatkit/io/manifest.hpp"
#include "gatkit/util/error.hpp"
#include "line_reader.hpp"

namespace gatkit {
namespace {

constexpr std::size_t max_examples = 5;

bool canonical_integer(const std::string& s, std::int64_t& value) {
  return io::detail::parse_int64(s, value) == io::detail::NumberStatus::ok && std::to_string(value) == s;
}

std::string example_list(const std::vector<std::string>& ids, std::int64_t count) {
  std::string s;
  for (std::size_t k = 0; k < ids.size(); ++k) s += (k ? ", " : "") + io::detail::quote(ids[k]);
  if (count > static_cast<std::int64_t>(ids.size())) s += ", ...";
  return s;
}

}  // namespace

std::vector<std::string> JoinReport::lines() const {
  std::vector<std::string> out;
  for (const MissingIds& m : missing) {
    std::string what = m.table == "edges"      ? "are in no edge (isolated nodes)"
                       : m.table == "features" ? "have no feature row (all-zero features)"
                                               : "have no label row (unlabelled)";
    out.push_back(m.table + ": " + std::to_string(m.count) + " of " + std::to_string(nodes) + " node ids " + what +
                  ": " + example_list(m.examples, m.count));
  }
  if (only_in_one_table > 0)
    out.push_back("join: " + std::to_string(only_in_one_table) + " node ids appear in only one table: " +
                  example_list(only_in_one_examples, only_in_one_table));
  out.insert(out.end(), notes.begin(), notes.end());
  return out;
}

NodeDataset join_node_tables(const io::EdgeTable& edges, const io::FeatureTable* features, const io::LabelTable& labels,
                             bool directed, bool strict, JoinReport& report, const std::filesystem::path& edges_file,
                             const std::filesystem::path& features_file, const std::filesystem::path& labels_file) {
  report = JoinReport{};
  // 1. Union, in order of first appearance.
  io::NodeIdTable all;
  for (const std::string& id : edges.ids.ids()) all.intern(id);
  if (features)
    for (const std::string& id : features->ids.ids()) all.intern(id);
  for (const std::string& id : labels.ids.ids()) all.intern(id);
  const std::int64_t n = all.size();
  if (n > std::numeric_limits<NodeId>::max())
    throw Error("join: " + std::to_string(n) + " distinct node ids, more than the 2147483647 supported");

  // 2. Order: numeric when every id is a canonical integer.
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));  // order[k] = index into `all`
  for (std::int64_t k = 0; k < n; ++k) order[static_cast<std::size_t>(k)] = k;
  {
    std::vector<std::int64_t> numbers(static_cast<std::size_t>(n));
    bool numeric = true;
    for (std::int64_t k = 0; k < n && numeric; ++k) numeric = canonical_integer(all.id(k), numbers[static_cast<std::size_t>(k)]);
    if (numeric)
      std::sort(order.begin(), order.end(),
                [&](std::int64_t a, std::int64_t b) { return numbers[static_cast<std::size_t>(a)] < numbers[static_cast<std::size_t>(b)]; });
  }
  std::vector<NodeId> node_of(static_cast<std::size_t>(n));  // index into `all` -> node
  for (std::int64_t k = 0; k < n; ++k) node_of[static_cast<std::size_t>(order[static_cast<std::size_t>(k)])] = static_cast<NodeId>(k);

  NodeDataset data;
  data.node_ids.resize(static_cast<std::size_t>(n));
  for (std::int64_t k = 0; k < n; ++k) data.node_ids[static_cast<std::size_t>(k)] = all.id(order[static_cast<std::size_t>(k)]);
  report.nodes = n;

  // Per table: table row -> node.
  auto rows_to_nodes = [&](const io::NodeIdTable& ids) {
    std::vector<NodeId> map(static_cast<std::size_t>(ids.size()));
    for (std::int64_t r = 0; r < ids.size(); ++r) map[static_cast<std::size_t>(r)] = node_of[static_cast<std::size_t>(all.find(ids.id(r)))];
    return map;
  };
  const std::vector<NodeId> edge_nodes = rows_to_nodes(edges.ids);
  const std::vector<NodeId> feature_nodes = features ? rows_to_nodes(features->ids) : std::vector<NodeId>{};
  const std::vector<NodeId> label_nodes = rows_to_nodes(labels.ids);

  // 3. Who is where.
  const int tables = features ? 3 : 2;
  std::vector<std::uint8_t> in_edges(static_cast<std::size_t>(n), 0), in_features(static_cast<std::size_t>(n), 0),
      in_labels(static_cast<std::size_t>(n), 0);
  for (NodeId v : edge_nodes) in_edges[static_cast<std::size_t>(v)] = 1;
  for (NodeId v : feature_nodes) in_features[static_cast<std::size_t>(v)] = 1;
  for (NodeId v : label_nodes) in_labels[static_cast<std::size_t>(v)] = 1;
  auto missing_from = [&](const char* table, const std::vector<std::uint8_t>& present, const std::filesystem::path& file) {
    MissingIds m;
    m.table = table;
    for (std::int64_t v = 0; v < n; ++v) {
      if (present[static_cast<std::size_t>(v)]) continue;
      if (m.examples.size() < max_examples) m.examples.push_back(data.node_ids[static_cast<std::size_t>(v)]);
      ++m.count;
    }
    if (m.count == 0) return;
    if (strict)
      throw ParseError(file, 0, "\"join\": \"strict\": " + std::to_string(m.count) + " node ids of the other tables are not in this " +
                                    (std::string(table) == "edges" ? "edge list" : std::string(table) + " table") + ": " +
                                    example_list(m.examples, m.count));
    report.missing.push_back(std::move(m));
  };
  missing_from("edges", in_edges, edges_file);
  if (features) missing_from("features", in_features, features_file);
  missing_from("labels", in_labels, labels_file);
  for (std::int64_t v = 0; v < n; ++v) {
    const int count = in_edges[static_cast<std::size_t>(v)] + in_features[static_cast<std::size_t>(v)] + in_labels[static_cast<std::size_t>(v)];
    if (count != 1 || tables < 2) continue;
    if (report.only_in_one_examples.size() < max_examples) report.only_in_one_examples.push_back(data.node_ids[static_cast<std::size_t>(v)]);
    ++report.only_in_one_table;
  }

  // 4. Graph.
  std::vector<Edge> e(edges.edges.size());
  for (std::size_t k = 0; k < e.size(); ++k)
    e[k] = {edge_nodes[static_cast<std::size_t>(edges.edges[k].src)], edge_nodes[static_cast<std::size_t>(edges.edges[k].dst)]};
  GraphBuildOptions build;
  build.symmetrize = !directed;
  build.deduplicate = true;
  build.self_loops = SelfLoops::remove;
  data.graph = build_graph(n, e, {}, build);
  if (edges.self_loops > 0)
    report.notes.push_back("edges: " + std::to_string(edges.self_loops) + " self-loops removed (the model adds its own)");
  {
    const std::int64_t used = data.graph.num_edges() / (directed ? 1 : 2);
    const auto rows = static_cast<std::int64_t>(edges.edges.size()) - edges.self_loops;
    if (rows > used)
      report.notes.push_back("edges: " + std::to_string(rows - used) + " rows repeat an edge already listed" +
                             (directed ? "" : " (in either direction)") + "; kept once");
  }

  // Features: rows re-indexed, missing rows all zero.
  if (features) {
    const FeatureMatrix<float>& f = features->features;
    if (f.is_sparse()) {
      const SparseMatrixF& s = f.sparse();
      std::vector<std::int64_t> row_of_node(static_cast<std::size_t>(n), -1);
      for (std::size_t r = 0; r < feature_nodes.size(); ++r) row_of_node[static_cast<std::size_t>(feature_nodes[r])] = static_cast<std::int64_t>(r);
      SparseMatrixF m(n, s.cols());
      m.resizeNonZeros(s.nonZeros());
      std::int32_t* outer = m.outerIndexPtr();
      std::int64_t at = 0;
      outer[0] = 0;
      for (std::int64_t v = 0; v < n; ++v) {
        const std::int64_t r = row_of_node[static_cast<std::size_t>(v)];
        if (r >= 0)
          for (std::int32_t k = s.outerIndexPtr()[r]; k < s.outerIndexPtr()[r + 1]; ++k, ++at) {
            m.innerIndexPtr()[at] = s.innerIndexPtr()[k];
            m.valuePtr()[at] = s.valuePtr()[k];
          }
        outer[v + 1] = static_cast<std::int32_t>(at);
      }
      data.features = FeatureMatrix<float>(std::move(m));
    } else {
      MatrixF m = MatrixF::Zero(n, f.cols());
      for (std::size_t r = 0; r < feature_nodes.size(); ++r) m.row(feature_nodes[r]) = f.dense().row(static_cast<Eigen::Index>(r));
      data.features = FeatureMatrix<float>(std::move(m));
    }
    if (features->duplicates > 0) {
      std::string s = "features: " + std::to_string(features->duplicates) + " (node, feature) pairs are listed more than once";
      if (!features->duplicate_examples.empty()) s += ", e.g. " + features->duplicate_examples.front();
      report.notes.push_back(s);
    }
  } else {
    data.features = FeatureMatrix<float>(SparseMatrixF(n, 0));
  }

  // Labels.
  data.labels.assign(static_cast<std::size_t>(n), -1);
  for (std::size_t r = 0; r < label_nodes.size(); ++r) data.labels[static_cast<std::size_t>(label_nodes[r])] = labels.labels[r];
  data.num_classes = static_cast<std::int32_t>(labels.class_names.size());
  data.class_names = labels.class_names;
  if (labels.unlabelled > 0)
    report.notes.push_back("labels: " + std::to_string(labels.unlabelled) + " rows have an empty label (unlabelled)");
  return data;
}

}  // namespace gatkit
