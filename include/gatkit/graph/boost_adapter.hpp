#pragma once
// Boost.Graph views of a gatkit::Graph, without copying it. A view holds a pointer to the graph, so the
// graph must outlive every view (and every algorithm run) made from it.
//
//  - UndirectedView: the graph with edge directions forgotten. out_edges(v) lists the in-edges of v
//    (in gatkit's in-CSR order) and then the out-edges of v (out-CSR order), each seen from v:
//    source(e) == v. Weakly connected components of a directed graph are therefore the connected
//    components of this view. An edge j -> i shows up in the lists of both i and j; on a symmetric graph
//    each neighbour appears twice in a list and a self-loop appears twice in its node's list, which is
//    harmless for BFS, DFS and components. Models VertexListGraph, IncidenceGraph and AdjacencyGraph.
//  - DirectedView: the graph as it is. out_edges(v) follows gatkit's out-CSR (targets ascending),
//    in_edges(v) its in-CSR (sources ascending). Models VertexListGraph, IncidenceGraph,
//    BidirectionalGraph and AdjacencyGraph.
//
// Vertex descriptors are NodeIds and get(boost::vertex_index, view) is the identity, so algorithms that
// make their own colour or distance maps (breadth_first_search, connected_components, ...) work with no
// property-map arguments. Edge descriptors are ViewEdge values; ViewEdge::id is the edge's index in the
// in-edge arrays (sources(), weights()), so per-edge data can be looked up with it.
//
// Call the Boost functions unqualified (vertices(view), out_edges(v, view), ...): they live in namespace
// gatkit and are found by argument-dependent lookup, as Boost's own algorithms find them.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <utility>

#include <boost/graph/graph_traits.hpp>
#include <boost/graph/properties.hpp>
#include <boost/iterator/counting_iterator.hpp>
#include <boost/iterator/iterator_facade.hpp>
#include <boost/property_map/property_map.hpp>

#include "gatkit/graph/graph.hpp"

namespace gatkit {

/// An edge of a view, as seen from `source`. id is the edge's index in the in-edge arrays.
struct ViewEdge {
  NodeId source = -1;
  NodeId target = -1;
  EdgeId id = -1;
  /// Equal when they are the same gatkit edge (same id), whichever end they are seen from: the
  /// identity Boost expects of undirected edge descriptors.
  friend bool operator==(const ViewEdge& a, const ViewEdge& b) { return a.id == b.id; }
};

/// Readable property map ViewEdge -> EdgeId (its index in the in-edge arrays): get(boost::edge_index,
/// view). Compose it with an array to get per-edge values, e.g. weights for Dijkstra.
struct ViewEdgeIndexMap {
  using key_type = ViewEdge;
  using value_type = EdgeId;
  using reference = EdgeId;
  using category = boost::readable_property_map_tag;
  friend EdgeId get(const ViewEdgeIndexMap&, const ViewEdge& e) { return e.id; }
  EdgeId operator[](const ViewEdge& e) const { return e.id; }
};

/// The graph with directions forgotten; see the header comment. Does not own the graph.
struct UndirectedView {
  const Graph* graph = nullptr;
  UndirectedView() = default;
  explicit UndirectedView(const Graph& g) : graph(&g) {}
  explicit UndirectedView(const Graph&&) = delete;  ///< a view of a temporary would dangle
};

/// The graph with its directions; see the header comment. Does not own the graph.
struct DirectedView {
  const Graph* graph = nullptr;
  DirectedView() = default;
  explicit DirectedView(const Graph& g) : graph(&g) {}
  explicit DirectedView(const Graph&&) = delete;  ///< a view of a temporary would dangle
};

namespace detail {

/// Which edges of node v an iterator walks.
enum class Incidence {
  in,    ///< in-edges of v, seen from their sources: (sources[e], v, e)
  out,   ///< out-edges of v: (v, targets[k], out_edge_ids[k])
  both,  ///< in-edges then out-edges of v, all seen from v
};

/// Random-access iterator over the incident edges of one node. Position p counts from 0 over the
/// chosen range(s), so begin/end and distances are plain integer arithmetic.
template <Incidence Which>
class IncidentEdgeIterator
    : public boost::iterator_facade<IncidentEdgeIterator<Which>, ViewEdge,
                                    boost::random_access_traversal_tag, ViewEdge, std::ptrdiff_t> {
 public:
  IncidentEdgeIterator() = default;
  IncidentEdgeIterator(const Graph* g, NodeId v, std::int64_t position)
      : graph_(g), node_(v), position_(position) {}

 private:
  friend class boost::iterator_core_access;

  ViewEdge dereference() const {
    const Graph& g = *graph_;
    if constexpr (Which == Incidence::in) {
      const EdgeId e = g.in_offsets()[node_] + position_;
      return {g.sources()[e], node_, e};
    } else if constexpr (Which == Incidence::out) {
      const EdgeId k = g.out_offsets()[node_] + position_;
      return {node_, g.targets()[k], g.out_edge_ids()[k]};
    } else {
      const std::int64_t in_degree = g.in_degree(node_);
      if (position_ < in_degree) {
        const EdgeId e = g.in_offsets()[node_] + position_;
        return {node_, g.sources()[e], e};
      }
      const EdgeId k = g.out_offsets()[node_] + (position_ - in_degree);
      return {node_, g.targets()[k], g.out_edge_ids()[k]};
    }
  }
  bool equal(const IncidentEdgeIterator& other) const {
    return position_ == other.position_ && node_ == other.node_ && graph_ == other.graph_;
  }
  void increment() { ++position_; }
  void decrement() { --position_; }
  void advance(std::ptrdiff_t n) { position_ += n; }
  std::ptrdiff_t distance_to(const IncidentEdgeIterator& other) const {
    return static_cast<std::ptrdiff_t>(other.position_ - position_);
  }

  const Graph* graph_ = nullptr;
  NodeId node_ = 0;
  std::int64_t position_ = 0;
};

/// The neighbours of one node: the far ends (targets) of IncidentEdgeIterator's edges.
template <Incidence Which>
class NeighborIterator
    : public boost::iterator_facade<NeighborIterator<Which>, NodeId,
                                    boost::random_access_traversal_tag, NodeId, std::ptrdiff_t> {
 public:
  NeighborIterator() = default;
  explicit NeighborIterator(IncidentEdgeIterator<Which> edge) : edge_(edge) {}

 private:
  friend class boost::iterator_core_access;
  NodeId dereference() const { return (*edge_).target; }
  bool equal(const NeighborIterator& other) const { return edge_ == other.edge_; }
  void increment() { ++edge_; }
  void decrement() { --edge_; }
  void advance(std::ptrdiff_t n) { edge_ += n; }
  std::ptrdiff_t distance_to(const NeighborIterator& other) const { return other.edge_ - edge_; }

  IncidentEdgeIterator<Which> edge_;
};

template <Incidence Which>
std::int64_t incident_count(const Graph& g, NodeId v) {
  if constexpr (Which == Incidence::in) return g.in_degree(v);
  else if constexpr (Which == Incidence::out) return g.out_degree(v);
  else return g.in_degree(v) + g.out_degree(v);
}

template <Incidence Which>
std::pair<IncidentEdgeIterator<Which>, IncidentEdgeIterator<Which>> incident_edges(const Graph& g,
                                                                                   NodeId v) {
  return {IncidentEdgeIterator<Which>(&g, v, 0),
          IncidentEdgeIterator<Which>(&g, v, incident_count<Which>(g, v))};
}

template <Incidence Which>
std::pair<NeighborIterator<Which>, NeighborIterator<Which>> neighbors(const Graph& g, NodeId v) {
  auto [first, last] = incident_edges<Which>(g, v);
  return {NeighborIterator<Which>(first), NeighborIterator<Which>(last)};
}

/// Traversal categories of the two views.
struct UndirectedTraversal : boost::vertex_list_graph_tag,
                             boost::incidence_graph_tag,
                             boost::adjacency_graph_tag {};
struct DirectedTraversal : boost::vertex_list_graph_tag,
                           boost::bidirectional_graph_tag,
                           boost::adjacency_graph_tag {};

/// The graph_traits members both views share.
struct ViewTraitsBase {
  using vertex_descriptor = NodeId;
  using edge_descriptor = ViewEdge;
  using edge_parallel_category = boost::allow_parallel_edge_tag;
  using vertex_iterator = boost::counting_iterator<NodeId>;
  using vertices_size_type = std::size_t;
  using edges_size_type = std::size_t;
  using degree_size_type = std::size_t;
  using edge_iterator = void;  // not an EdgeListGraph
  static NodeId null_vertex() { return -1; }
};

}  // namespace detail

// ---- UndirectedView ----------------------------------------------------------------------------

inline std::pair<boost::counting_iterator<NodeId>, boost::counting_iterator<NodeId>> vertices(
    const UndirectedView& view) {
  return {boost::counting_iterator<NodeId>(0),
          boost::counting_iterator<NodeId>(static_cast<NodeId>(view.graph->num_nodes()))};
}
inline std::size_t num_vertices(const UndirectedView& view) {
  return static_cast<std::size_t>(view.graph->num_nodes());
}
/// In-edges of v then out-edges of v, each with source == v.
inline auto out_edges(NodeId v, const UndirectedView& view) {
  return detail::incident_edges<detail::Incidence::both>(*view.graph, v);
}
/// in_degree(v) + out_degree(v) in the graph (a self-loop counts twice).
inline std::size_t out_degree(NodeId v, const UndirectedView& view) {
  return static_cast<std::size_t>(detail::incident_count<detail::Incidence::both>(*view.graph, v));
}
inline std::size_t degree(NodeId v, const UndirectedView& view) { return out_degree(v, view); }
inline auto adjacent_vertices(NodeId v, const UndirectedView& view) {
  return detail::neighbors<detail::Incidence::both>(*view.graph, v);
}
inline NodeId source(const ViewEdge& e, const UndirectedView&) { return e.source; }
inline NodeId target(const ViewEdge& e, const UndirectedView&) { return e.target; }

// ---- DirectedView ------------------------------------------------------------------------------

inline std::pair<boost::counting_iterator<NodeId>, boost::counting_iterator<NodeId>> vertices(
    const DirectedView& view) {
  return {boost::counting_iterator<NodeId>(0),
          boost::counting_iterator<NodeId>(static_cast<NodeId>(view.graph->num_nodes()))};
}
inline std::size_t num_vertices(const DirectedView& view) {
  return static_cast<std::size_t>(view.graph->num_nodes());
}
/// Edges v -> t, targets ascending.
inline auto out_edges(NodeId v, const DirectedView& view) {
  return detail::incident_edges<detail::Incidence::out>(*view.graph, v);
}
/// Edges s -> v, sources ascending.
inline auto in_edges(NodeId v, const DirectedView& view) {
  return detail::incident_edges<detail::Incidence::in>(*view.graph, v);
}
inline std::size_t out_degree(NodeId v, const DirectedView& view) {
  return static_cast<std::size_t>(view.graph->out_degree(v));
}
inline std::size_t in_degree(NodeId v, const DirectedView& view) {
  return static_cast<std::size_t>(view.graph->in_degree(v));
}
inline std::size_t degree(NodeId v, const DirectedView& view) {
  return in_degree(v, view) + out_degree(v, view);
}
/// Targets of v's out-edges.
inline auto adjacent_vertices(NodeId v, const DirectedView& view) {
  return detail::neighbors<detail::Incidence::out>(*view.graph, v);
}
inline NodeId source(const ViewEdge& e, const DirectedView&) { return e.source; }
inline NodeId target(const ViewEdge& e, const DirectedView&) { return e.target; }

// ---- vertex_index: the identity on NodeId --------------------------------------------------------

inline boost::typed_identity_property_map<NodeId> get(boost::vertex_index_t, const UndirectedView&) {
  return {};
}
inline boost::typed_identity_property_map<NodeId> get(boost::vertex_index_t, const DirectedView&) {
  return {};
}
inline NodeId get(boost::vertex_index_t, const UndirectedView&, NodeId v) { return v; }
inline NodeId get(boost::vertex_index_t, const DirectedView&, NodeId v) { return v; }

// ---- edge_index: ViewEdge::id ------------------------------------------------------------------

inline ViewEdgeIndexMap get(boost::edge_index_t, const UndirectedView&) { return {}; }
inline ViewEdgeIndexMap get(boost::edge_index_t, const DirectedView&) { return {}; }
inline EdgeId get(boost::edge_index_t, const UndirectedView&, const ViewEdge& e) { return e.id; }
inline EdgeId get(boost::edge_index_t, const DirectedView&, const ViewEdge& e) { return e.id; }

}  // namespace gatkit

namespace boost {

template <>
struct graph_traits<gatkit::UndirectedView> : gatkit::detail::ViewTraitsBase {
  using directed_category = undirected_tag;
  using traversal_category = gatkit::detail::UndirectedTraversal;
  using out_edge_iterator = gatkit::detail::IncidentEdgeIterator<gatkit::detail::Incidence::both>;
  using adjacency_iterator = gatkit::detail::NeighborIterator<gatkit::detail::Incidence::both>;
  using in_edge_iterator = void;  // not a BidirectionalGraph
};

template <>
struct graph_traits<gatkit::DirectedView> : gatkit::detail::ViewTraitsBase {
  using directed_category = bidirectional_tag;
  using traversal_category = gatkit::detail::DirectedTraversal;
  using out_edge_iterator = gatkit::detail::IncidentEdgeIterator<gatkit::detail::Incidence::out>;
  using in_edge_iterator = gatkit::detail::IncidentEdgeIterator<gatkit::detail::Incidence::in>;
  using adjacency_iterator = gatkit::detail::NeighborIterator<gatkit::detail::Incidence::out>;
};

// Both views share the same two property maps; the const-qualified graphs too (some algorithms ask
// for property_map<const G, ...>).
template <>
struct property_map<gatkit::UndirectedView, vertex_index_t> {
  using type = typed_identity_property_map<gatkit::NodeId>;
  using const_type = type;
};
template <>
struct property_map<const gatkit::UndirectedView, vertex_index_t>
    : property_map<gatkit::UndirectedView, vertex_index_t> {};
template <>
struct property_map<gatkit::DirectedView, vertex_index_t> {
  using type = typed_identity_property_map<gatkit::NodeId>;
  using const_type = type;
};
template <>
struct property_map<const gatkit::DirectedView, vertex_index_t>
    : property_map<gatkit::DirectedView, vertex_index_t> {};
template <>
struct property_map<gatkit::UndirectedView, edge_index_t> {
  using type = gatkit::ViewEdgeIndexMap;
  using const_type = type;
};
template <>
struct property_map<const gatkit::UndirectedView, edge_index_t>
    : property_map<gatkit::UndirectedView, edge_index_t> {};
template <>
struct property_map<gatkit::DirectedView, edge_index_t> {
  using type = gatkit::ViewEdgeIndexMap;
  using const_type = type;
};
template <>
struct property_map<const gatkit::DirectedView, edge_index_t>
    : property_map<gatkit::DirectedView, edge_index_t> {};

}  // namespace boost
