// The TU Dortmund graph format (include/gatkit/io/tu.hpp). The files are read one after the other, the
// graph indicator first (it fixes the node and graph counts the other files are checked against); every
// value is kept in flat arrays until the records are assembled at the end.
#include "gatkit/io/tu.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <numeric>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "gatkit/util/error.hpp"
#include "line_reader.hpp"

namespace gatkit::io {
namespace {

namespace fs = std::filesystem;
using ::gatkit::detail::limit_note;

constexpr std::string_view kIndicator = "_graph_indicator.txt";
/// One-hot cells (nodes x label values, edges x label values) a file may make us fill: 2^28 floats
/// (1 GiB). Real data sets stay far below (DD: 335k nodes x 89 labels = 30M); a file whose labels are
/// really ids (a node labelled 900000) would otherwise ask for terabytes.
constexpr std::int64_t kMaxOneHotCells = std::int64_t{1} << 28;

/// Splits a line at commas, spaces and tabs (TU files write "2, 1").
std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ',' || detail::is_blank(line[i]))) ++i;
    std::size_t j = i;
    while (j < line.size() && line[j] != ',' && !detail::is_blank(line[j])) ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

/// What a reader does with a line that row() refuses: nullptr (throw), or a function given the 0-based
/// row index and the error, which must leave the reader's arrays as if the row had been read (placeholder
/// values) and keeps the error for the graph the row belongs to.
using BadRow = std::function<void(std::int64_t row, const ParseError& error)>;

/// Calls row(reader, fields) for every line of `file`. A blank line may only end the file (a blank
/// line between values would shift every value after it to the wrong node). `expected` >= 0: the file
/// must have that many lines, described as `what` ("one per node: 3371"). A ParseError of row() goes
/// to `bad` when there is one; the problems of the file as a whole (line counts, blank lines, line
/// length, encoding) always throw.
template <class Row>
std::int64_t for_each_row(const fs::path& file, std::int64_t expected, const std::string& what,
                          const Limits& limits, Row&& row, const BadRow& bad = nullptr) {
  detail::LineReader r(file, limits.max_line_length);
  std::string_view line;
  std::int64_t rows = 0;
  std::uint64_t blank_line = 0;
  while (r.next(line)) {
    const std::vector<std::string_view> f = fields(line);
    if (f.empty()) {
      if (blank_line == 0) blank_line = r.line_number();
      continue;
    }
    if (blank_line != 0)
      throw ParseError(file, blank_line, "blank line before more values; expected one line per " + what);
    if (expected >= 0 && rows == expected)
      r.fail("more lines than expected: " + std::to_string(expected) + " (one per " + what + ")");
    if (bad) {
      try {
        row(r, f);
      } catch (const ParseError& e) {
        bad(rows, e);
      }
    } else {
      row(r, f);
    }
    ++rows;
  }
  if (expected >= 0 && rows != expected)
    throw ParseError(file, 0, std::to_string(rows) + " lines, expected " + std::to_string(expected) + " (one per " + what + ")");
  return rows;
}

/// A vector of numbers per line, all of one width (that of the first line), flattened. Node and edge
/// attributes become float features (Matrix<float>, values beyond a float's range refused); graph
/// attributes are targets, kept to the digits written (Matrix<double>), as SD and JSON targets are.
template <class Scalar>
struct Matrix {
  std::int64_t cols = 0;
  std::vector<Scalar> values;
  bool empty() const { return cols == 0; }
  bool same_row(std::int64_t a, std::int64_t b) const {
    return std::equal(values.begin() + a * cols, values.begin() + (a + 1) * cols, values.begin() + b * cols);
  }
};

/// With `bad` (skipping), a refused line becomes a row of zeros of the first line's width; the first
/// line, which sets the width, must be readable (a failure before m.cols is set is rethrown).
template <class Scalar>
Matrix<Scalar> read_matrix(const fs::path& file, std::int64_t rows, const std::string& what, const Limits& limits,
                           const BadRow& bad = nullptr) {
  Matrix<Scalar> m;
  const BadRow placeholder = !bad ? BadRow{} : [&](std::int64_t row, const ParseError& error) {
    if (m.cols == 0) throw error;
    m.values.resize(static_cast<std::size_t>((row + 1) * m.cols), Scalar{0});  // drops a partial row, pads a missing one
    bad(row, error);
  };
  for_each_row(file, rows, what, limits, [&](const detail::LineReader& r, const std::vector<std::string_view>& f) {
    const auto width = static_cast<std::int64_t>(f.size());
    if (m.cols == 0 && width > limits.max_feature_dim)
      r.fail(std::to_string(width) + " values " + limit_note(limits.max_feature_dim, "features", "max_feature_dim", "max-features"));
    if (m.cols != 0 && width != m.cols)
      r.fail(std::to_string(width) + " values, expected " + std::to_string(m.cols) + " (as on the first line)");
    for (const std::string_view token : f) {
      if constexpr (std::is_same_v<Scalar, float>)
        m.values.push_back(detail::float_or_fail(r, token, "an attribute"));
      else
        m.values.push_back(detail::double_or_fail(r, token, "an attribute"));
    }
    m.cols = width;  // set by the first line once it has been read whole
  }, placeholder);
  return m;
}

/// "label 900000: its one-hot column exceeds the limit of ..." (a category too large to encode).
std::string one_hot_limit_message(std::int64_t label, const Limits& limits) {
  return "label " + std::to_string(label) + ": its one-hot column " +
         limit_note(limits.max_feature_dim, "features", "max_feature_dim", "max-features");
}

/// One integer label per line (>= 0 unless `any_sign`).
/// With `bad` (skipping), a refused line, or a category whose one-hot column would pass
/// limits.max_feature_dim, becomes the placeholder label 0.
std::vector<std::int64_t> read_labels(const fs::path& file, std::int64_t rows, const std::string& what,
                                      const Limits& limits, bool any_sign, const BadRow& bad = nullptr) {
  std::vector<std::int64_t> labels;
  labels.reserve(static_cast<std::size_t>(rows));
  const BadRow placeholder = !bad ? BadRow{} : [&](std::int64_t row, const ParseError& error) {
    labels.push_back(0);
    bad(row, error);
  };
  for_each_row(file, rows, what, limits, [&](const detail::LineReader& r, const std::vector<std::string_view>& f) {
    if (f.size() != 1)
      r.fail("expected one label per line, found " + std::to_string(f.size()) + " values (gatkit reads one label column)");
    const std::int64_t v = detail::int_or_fail(r, f[0], "a label");
    if (!any_sign && v < 0) r.fail("label " + std::to_string(v) + " is negative; expected a category 0, 1, 2, ...");
    if (!any_sign && bad && v >= limits.max_feature_dim) r.fail(one_hot_limit_message(v, limits));  // strict: one_hot_width()
    labels.push_back(v);
  }, placeholder);
  return labels;
}

/// The one-hot width of `labels` (largest + 1, at least `at_least`), checked against the limits.
std::int64_t one_hot_width(const std::vector<std::int64_t>& labels, std::int64_t at_least, const fs::path& file,
                           const Limits& limits) {
  if (labels.empty()) return 0;
  const std::int64_t largest = *std::max_element(labels.begin(), labels.end());
  if (largest >= limits.max_feature_dim)
    throw ParseError(file, static_cast<std::uint64_t>(std::find(labels.begin(), labels.end(), largest) - labels.begin()) + 1,
                     one_hot_limit_message(largest, limits));
  const std::int64_t width = std::max(largest + 1, at_least);
  if (width > kMaxOneHotCells / static_cast<std::int64_t>(labels.size()))
    throw ParseError(file, 0,
                     std::to_string(labels.size()) + " labels over " + std::to_string(width) +
                         " values would make a one-hot encoding of more than 2^28 values; are these labels ids "
                         "rather than categories?");
  return width;
}

/// Row i of the feature rows: attributes, then the one-hot label.
std::vector<float> feature_row(const Matrix<float>& attributes, const std::vector<std::int64_t>& labels,
                               std::int64_t label_width, std::int64_t i) {
  std::vector<float> row(static_cast<std::size_t>(attributes.cols + label_width), 0.0f);
  std::copy_n(attributes.values.begin() + i * attributes.cols, attributes.cols, row.begin());
  if (!labels.empty()) row[static_cast<std::size_t>(attributes.cols + labels[static_cast<std::size_t>(i)])] = 1.0f;
  return row;
}

/// The labels and attributes of the nodes (or edges): DS_node_labels.txt and DS_node_attributes.txt.
struct ItemFeatures {
  std::vector<std::int64_t> labels;
  Matrix<float> attributes;
  std::int64_t label_width = 0;
  bool empty() const { return labels.empty() && attributes.empty(); }
  std::vector<float> row(std::int64_t i) const { return feature_row(attributes, labels, label_width, i); }
};

/// `item` is "node" or "edge"; `count` the lines each file must have (described by `per`); the one-hot
/// columns are widened so that a row has at least `min_width` columns.
ItemFeatures read_item_features(const TuFiles& files, const std::string& item, std::int64_t count, const std::string& per,
                                std::int64_t min_width, const Limits& limits, const BadRow& bad) {
  ItemFeatures f;
  std::error_code ec;
  const fs::path labels = files.file(item + "_labels"), attributes = files.file(item + "_attributes");
  if (fs::exists(labels, ec)) f.labels = read_labels(labels, count, per, limits, false, bad);
  if (fs::exists(attributes, ec)) f.attributes = read_matrix<float>(attributes, count, per, limits, bad);
  f.label_width = one_hot_width(f.labels, min_width - f.attributes.cols, labels, limits);
  return f;
}

}  // namespace

std::optional<TuFiles> find_tu_dataset(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<std::string> names;
    for (const fs::directory_entry& entry : fs::directory_iterator(path, ec)) {
      const std::string file = entry.path().filename().string();
      if (file.size() > kIndicator.size() && file.ends_with(kIndicator) && entry.is_regular_file(ec))
        names.push_back(file.substr(0, file.size() - kIndicator.size()));
    }
    if (names.empty()) return std::nullopt;
    std::sort(names.begin(), names.end());
    if (names.size() > 1) {
      std::string list;
      for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
      throw InvalidArgument(path.string() + " holds several TU data sets (" + list + "); name one as " +
                            (path / names.front()).string());
    }
    return TuFiles{path, names.front()};
  }
  const std::string name = path.filename().string();
  if (name.empty() || !fs::is_regular_file(path.parent_path() / (name + std::string(kIndicator)), ec)) return std::nullopt;
  return TuFiles{path.parent_path(), name};
}

TuDataset read_tu_dataset(const TuFiles& files, const TuOptions& options, std::vector<SkippedEntry>* skipped) {
  const Limits& limits = options.limits;
  limits.validate();
  GATKIT_REQUIRE(options.min_node_width >= 0 && options.min_edge_width >= 0, "read_tu_dataset: negative minimum width");
  std::error_code ec;
  const auto has = [&](const char* suffix) { return fs::exists(files.file(suffix), ec); };

  // 1. The graph indicator: graph ids 1, 2, 3, ... in node order.
  const fs::path indicator_file = files.file("graph_indicator");
  std::vector<std::int64_t> first_node;  // first_node[g]: the first node of graph g (0-based)
  std::int64_t n = 0;
  const std::int64_t node_limit = std::min<std::int64_t>(limits.max_nodes, std::numeric_limits<NodeId>::max());
  for_each_row(indicator_file, -1, "node", limits, [&](const detail::LineReader& r, const std::vector<std::string_view>& f) {
    if (f.size() != 1) r.fail("expected one graph id per line, found " + std::to_string(f.size()) + " values");
    const std::int64_t id = detail::int_or_fail(r, f[0], "a graph id");
    const auto graphs = static_cast<std::int64_t>(first_node.size());  // graphs started so far
    if (id == graphs + 1) {
      if (graphs == std::numeric_limits<std::int32_t>::max()) r.fail("more than 2^31 - 1 graphs");
      first_node.push_back(n);
    } else if (id != graphs || graphs == 0) {
      r.fail("graph id " + std::to_string(id) + ", expected " +
             (graphs == 0 ? std::string("1") : std::to_string(graphs) + " or " + std::to_string(graphs + 1)) +
             ": graph ids must be 1, 2, 3, ... in node order, each graph's nodes on consecutive lines");
    }
    if (n - first_node.back() == node_limit)
      r.fail("graph " + std::to_string(id) + " has more nodes than " + limit_note(node_limit, "nodes", "max_nodes", "max-nodes"));
    ++n;
  });
  if (n == 0) throw ParseError(indicator_file, 0, "no nodes; expected one graph id per line");
  const auto num_graphs = static_cast<std::int64_t>(first_node.size());
  first_node.push_back(n);  // the end of the last graph
  std::vector<std::int32_t> graph_of(static_cast<std::size_t>(n));
  for (std::int64_t g = 0; g < num_graphs; ++g)
    std::fill(graph_of.begin() + first_node[static_cast<std::size_t>(g)], graph_of.begin() + first_node[static_cast<std::size_t>(g) + 1],
              static_cast<std::int32_t>(g));

  // Skipping: the first error of each graph; a graph with one is passed over. Every row still holds a
  // (placeholder) value, so the rows after a bad one keep their nodes, edges and graphs.
  std::vector<std::string> graph_error(skipped ? static_cast<std::size_t>(num_graphs) : 0);
  const auto mark = [&](std::int64_t g, const ParseError& error) {
    if (graph_error[static_cast<std::size_t>(g)].empty()) graph_error[static_cast<std::size_t>(g)] = error.what();
  };
  const auto bad_rows = [&](auto graph_of_row) -> BadRow {
    if (!skipped) return nullptr;
    return [&mark, graph_of_row](std::int64_t row, const ParseError& error) { mark(graph_of_row(row), error); };
  };

  // 2. Nodes: labels and attributes.
  const std::string per_node = "node: " + std::to_string(n) + " in " + indicator_file.filename().string();
  const ItemFeatures nodes = read_item_features(files, "node", n, per_node, options.min_node_width, limits,
                                                bad_rows([&](std::int64_t i) { return graph_of[static_cast<std::size_t>(i)]; }));

  // 3. Edges, as local node indices of their graph.
  const fs::path a_file = files.file("A");
  std::vector<Edge> edges;
  std::vector<std::int32_t> edge_graph;
  std::vector<std::int64_t> edges_per_graph(static_cast<std::size_t>(num_graphs), 0);
  for_each_row(a_file, -1, "edge", limits, [&](const detail::LineReader& r, const std::vector<std::string_view>& f) {
    if (f.size() != 2) r.fail("expected an edge 'row, col' (two node ids), found " + std::to_string(f.size()) + " values");
    std::int64_t ids[2];
    for (int k = 0; k < 2; ++k) {
      ids[k] = detail::int_or_fail(r, f[static_cast<std::size_t>(k)], "a node id");
      if (ids[k] < 1 || ids[k] > n)
        r.fail("node id " + std::to_string(ids[k]) + " is out of range: expected 1.." + std::to_string(n) + " (" + per_node + ")");
    }
    // Past this point the edge's graph is known: when skipping, a problem of the edge passes over its
    // graph(s), and the row keeps a placeholder edge so that the edge label and attribute rows stay aligned.
    const std::int32_t g = graph_of[static_cast<std::size_t>(ids[0] - 1)];
    const std::int32_t g2 = graph_of[static_cast<std::size_t>(ids[1] - 1)];
    const auto refuse = [&](const std::string& message, std::initializer_list<std::int32_t> graphs) {
      if (!skipped) r.fail(message);
      for (const std::int32_t bad : graphs) mark(bad, ParseError(a_file, r.line_number(), message));
      edges.push_back({0, 0});
      edge_graph.push_back(g);
    };
    if (g2 != g)
      return refuse("edge " + std::to_string(ids[0]) + " -> " + std::to_string(ids[1]) + " joins graph " + std::to_string(g + 1) +
                        " to graph " + std::to_string(g2 + 1) + "; expected an edge within one graph",
                    {g, g2});
    if (edges_per_graph[static_cast<std::size_t>(g)]++ >= limits.max_edges)
      return refuse("graph " + std::to_string(g + 1) + " has more edges than " +
                        limit_note(limits.max_edges, "edges", "max_edges", "max-edges"),
                    {g});
    const std::int64_t base = first_node[static_cast<std::size_t>(g)];
    edges.push_back({static_cast<NodeId>(ids[0] - 1 - base), static_cast<NodeId>(ids[1] - 1 - base)});
    edge_graph.push_back(g);
  });
  const auto m = static_cast<std::int64_t>(edges.size());
  const std::string per_edge = "edge: " + std::to_string(m) + " in " + a_file.filename().string();
  const ItemFeatures edge_features = read_item_features(files, "edge", m, per_edge, options.min_edge_width, limits,
                                                        bad_rows([&](std::int64_t e) { return edge_graph[static_cast<std::size_t>(e)]; }));

  // 4. Graphs: labels and attributes.
  const std::string per_graph = "graph: " + std::to_string(num_graphs) + " in " + indicator_file.filename().string();
  const BadRow bad_graph_row = bad_rows([](std::int64_t g) { return g; });
  std::vector<std::int64_t> graph_labels;
  if (has("graph_labels")) graph_labels = read_labels(files.file("graph_labels"), num_graphs, per_graph, limits, true, bad_graph_row);
  Matrix<double> graph_attributes;
  if (has("graph_attributes"))
    graph_attributes = read_matrix<double>(files.file("graph_attributes"), num_graphs, per_graph, limits, bad_graph_row);
  const auto is_skipped = [&](std::int64_t g) { return skipped && !graph_error[static_cast<std::size_t>(g)].empty(); };

  TuDataset out;
  out.name = files.name;
  out.node_attributes = nodes.attributes.cols;
  out.node_label_width = nodes.label_width;
  out.edge_attributes = edge_features.attributes.cols;
  out.edge_label_width = edge_features.label_width;
  out.graph_attributes = graph_attributes.cols;

  // 5. Records. Edges are grouped by graph in file order; an edge listed twice is kept once when its
  // label and attributes agree.
  std::vector<std::int64_t> order(static_cast<std::size_t>(m));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
    const auto ua = static_cast<std::size_t>(a), ub = static_cast<std::size_t>(b);
    if (edge_graph[ua] != edge_graph[ub]) return edge_graph[ua] < edge_graph[ub];
    if (edges[ua].src != edges[ub].src) return edges[ua].src < edges[ub].src;
    return edges[ua].dst < edges[ub].dst;
  });
  std::vector<char> keep(static_cast<std::size_t>(m), 1);
  for (std::size_t k = 1; k < order.size(); ++k) {
    const auto a = static_cast<std::size_t>(order[k - 1]), b = static_cast<std::size_t>(order[k]);
    if (edge_graph[a] != edge_graph[b] || !(edges[a] == edges[b])) continue;
    const bool same = (edge_features.labels.empty() || edge_features.labels[a] == edge_features.labels[b]) &&
                      (edge_features.attributes.empty() || edge_features.attributes.same_row(order[k - 1], order[k]));
    if (!same) {
      const ParseError error(a_file, b + 1,
                             "edge " + std::to_string(first_node[edge_graph[b]] + edges[b].src + 1) + " -> " +
                                 std::to_string(first_node[edge_graph[b]] + edges[b].dst + 1) + " is listed again (first on line " +
                                 std::to_string(a + 1) + ") with another label or attributes; expected each edge once");
      if (!skipped) throw error;
      mark(edge_graph[b], error);
    }
    keep[b] = 0;
  }
  // The graphs passed over (skipping) are known from here on.
  for (std::int64_t g = 0; g < static_cast<std::int64_t>(graph_labels.size()); ++g)
    if (!is_skipped(g)) out.class_values.push_back(graph_labels[static_cast<std::size_t>(g)]);
  std::sort(out.class_values.begin(), out.class_values.end());
  out.class_values.erase(std::unique(out.class_values.begin(), out.class_values.end()), out.class_values.end());
  out.graphs.resize(static_cast<std::size_t>(num_graphs));
  for (std::int64_t g = 0; g < num_graphs; ++g) {
    GraphRecord& rec = out.graphs[static_cast<std::size_t>(g)];
    rec.id = files.name + "_" + std::to_string(g + 1);
    if (is_skipped(g)) {
      skipped->push_back({static_cast<std::uint64_t>(g + 1), graph_error[static_cast<std::size_t>(g)]});
      continue;
    }
    rec.num_nodes = first_node[static_cast<std::size_t>(g) + 1] - first_node[static_cast<std::size_t>(g)];
    if (!nodes.empty())
      for (std::int64_t i = first_node[static_cast<std::size_t>(g)]; i < first_node[static_cast<std::size_t>(g) + 1]; ++i)
        rec.node_features.push_back(nodes.row(i));
    if (!graph_labels.empty()) {
      const std::int64_t label = graph_labels[static_cast<std::size_t>(g)];
      const auto cls = std::lower_bound(out.class_values.begin(), out.class_values.end(), label) - out.class_values.begin();
      rec.labels.emplace_back("class", static_cast<double>(cls));
      rec.labels.emplace_back("label", static_cast<double>(label));
    }
    for (std::int64_t c = 0; c < graph_attributes.cols; ++c)
      rec.labels.emplace_back(graph_attributes.cols == 1 ? std::string("attribute") : "attribute_" + std::to_string(c + 1),
                              graph_attributes.values[static_cast<std::size_t>(g * graph_attributes.cols + c)]);
  }
  for (std::int64_t e = 0; e < m; ++e) {  // file order
    const auto k = static_cast<std::size_t>(e);
    if (is_skipped(edge_graph[k])) continue;
    if (!keep[k]) {
      ++out.duplicate_edges;
      continue;
    }
    GraphRecord& rec = out.graphs[static_cast<std::size_t>(edge_graph[k])];
    rec.edges.push_back(edges[k]);
    if (!edge_features.empty()) rec.edge_features.push_back(edge_features.row(e));
  }
  return out;
}

}  // namespace gatkit::io
