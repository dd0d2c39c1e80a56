#include "gatkit/graph/stats.hpp"

#include <algorithm>
#include <cmath>

#include <boost/graph/connected_components.hpp>

#include "gatkit/graph/boost_adapter.hpp"

namespace gatkit {
namespace {

/// degree(i) for i in [0, n) summarised. Sums in int64 (exact), then one division.
template <class Degree>
DegreeStats degree_stats(std::int64_t n, Degree&& degree) {
  DegreeStats s;
  if (n == 0) return s;
  std::vector<std::int64_t> d(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) d[static_cast<std::size_t>(i)] = degree(static_cast<NodeId>(i));
  std::int64_t sum = 0;
  for (std::int64_t x : d) sum += x;
  s.mean = static_cast<double>(sum) / static_cast<double>(n);
  double squares = 0.0;
  for (std::int64_t x : d) squares += (static_cast<double>(x) - s.mean) * (static_cast<double>(x) - s.mean);
  s.std = std::sqrt(squares / static_cast<double>(n));
  std::sort(d.begin(), d.end());
  s.min = d.front();
  s.max = d.back();
  const std::size_t mid = d.size() / 2;
  s.median = d.size() % 2 == 1 ? static_cast<double>(d[mid])
                               : 0.5 * (static_cast<double>(d[mid - 1]) + static_cast<double>(d[mid]));
  return s;
}

}  // namespace

std::vector<std::int32_t> connected_components(const Graph& g, std::int64_t* count) {
  std::vector<std::int32_t> component(static_cast<std::size_t>(g.num_nodes()), 0);
  const UndirectedView view(g);
  // Boost's DFS visits start vertices in vertices(view) order, 0 upwards, and numbers components as it
  // meets them: component ids follow each component's smallest node.
  const std::int32_t components = g.num_nodes() == 0
      ? 0
      : boost::connected_components(
            view, boost::make_iterator_property_map(component.begin(), get(boost::vertex_index, view)));
  if (count != nullptr) *count = components;
  return component;
}

GraphStats compute_graph_stats(const Graph& g) {
  GraphStats s;
  s.num_nodes = g.num_nodes();
  s.num_edges = g.num_edges();
  s.num_self_loops = g.num_self_loops();
  s.symmetric = g.is_symmetric();

  const std::vector<std::int32_t> component = connected_components(g, &s.num_components);
  std::vector<std::int64_t> size(static_cast<std::size_t>(s.num_components), 0);
  for (std::int32_t c : component) ++size[static_cast<std::size_t>(c)];
  if (!size.empty()) s.largest_component = *std::max_element(size.begin(), size.end());

  for (std::int64_t i = 0; i < s.num_nodes; ++i) {
    const NodeId v = static_cast<NodeId>(i);
    const auto other = [v](NodeId u) { return u != v; };
    const auto in = g.in_neighbors(v), out = g.out_neighbors(v);
    if (std::none_of(in.begin(), in.end(), other) && std::none_of(out.begin(), out.end(), other))
      ++s.isolated_nodes;
  }
  s.in_degree = degree_stats(s.num_nodes, [&g](NodeId v) { return g.in_degree(v); });
  s.out_degree = degree_stats(s.num_nodes, [&g](NodeId v) { return g.out_degree(v); });
  return s;
}

}  // namespace gatkit
