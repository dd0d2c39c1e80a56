// gatkit explain's library part: the attention weights gathered from a trained model, the node ranking,
// the molecule shades and the SVG drawing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "gatkit/chem/featurize.hpp"
#include "gatkit/explain/attention_weights.hpp"
#include "gatkit/explain/molecule_svg.hpp"
#include "gatkit/nn/graph_model.hpp"
#include "gatkit/nn/model.hpp"
#include "gatkit/nn/random.hpp"
#include "gatkit/train/graph_predictor.hpp"
#include "gatkit/train/node_classification.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit {
namespace {

using explain::AttentionWeights;

//   a - b - c - e
//    \  |            (undirected; the model adds a self-loop to every node)
//      d
NodeDataset tiny_dataset() {
  NodeDataset d;
  d.name = "tiny";
  const std::vector<Edge> edges = {{0, 1}, {1, 2}, {0, 3}, {1, 3}, {2, 4}};
  d.graph = build_graph(5, edges, {}, {.symmetrize = true});
  Rng rng(7);
  RowMatrix<float> x(5, 3);
  for (Eigen::Index k = 0; k < x.size(); ++k) x.data()[k] = static_cast<float>(rng.uniform(-1, 1));
  d.features = FeatureMatrix<float>(x);
  d.labels = {0, 1, 0, 1, 0};
  d.num_classes = 2;
  d.class_names = {"0", "1"};
  d.node_ids = {"a", "b", "c", "d", "e"};
  d.train = {0, 1};
  d.val = {2};
  d.test = {3, 4};
  return d;
}

TrainedModel tiny_model(AttentionNormalizer normalizer = AttentionNormalizer::softmax) {
  ModelConfig c;
  c.in_dim = 3;
  c.num_classes = 2;
  c.layers = 2;
  c.heads = 3;
  c.hidden = 4;
  c.output_heads = 2;
  c.normalizer = normalizer;
  c.dropout = 0.6;            // evaluation mode must ignore both dropouts
  c.attention_dropout = 0.6;
  GatModel<float> model(c);
  model.initialize(11);
  TrainedModel t;
  t.config = c;
  t.normalize_features = false;
  t.class_names = {"0", "1"};
  t.parameters = model.parameters().values();
  return t;
}

RowMatrix<float> block(const Parameters<float>& p, const std::string& name) {
  for (std::size_t k = 0; k < p.blocks().size(); ++k)
    if (p.blocks()[k].name == name) return p.value(static_cast<int>(k));
  throw std::runtime_error("no block " + name);
}

TEST(NodeAttention, SoftmaxWeightsSumToOnePerTargetAndHead) {
  const NodeDataset data = tiny_dataset();
  const AttentionWeights w = node_attention(tiny_model(), data);
  ASSERT_EQ(w.num_layers(), 2);
  EXPECT_EQ(w.layers[0].heads, 3);
  EXPECT_EQ(w.layers[1].heads, 2);
  // The attention graph: the 10 input edges and a self-loop on each of the 5 nodes.
  EXPECT_EQ(w.graph.num_edges(), 15);
  for (const auto& layer : w.layers)
    for (int h = 0; h < layer.heads; ++h)
      for (NodeId i = 0; i < 5; ++i) {
        double sum = 0;
        for (EdgeId e = w.graph.in_offsets()[i]; e < w.graph.in_offsets()[i + 1]; ++e) sum += layer.weight(e, h);
        EXPECT_NEAR(sum, 1.0, 1e-5) << "node " << i << " head " << h;
      }
}

TEST(NodeAttention, FirstLayerEqualsADenseRecomputationOfTheScores) {
  // e_ijh = LeakyReLU(a_dst[h] . z_ih + a_src[h] . z_jh), z = x W, softmax over j in N(i) + {i}: written
  // out densely over all node pairs, masked by adjacency, independently of the CSR kernels.
  const NodeDataset data = tiny_dataset();
  const TrainedModel trained = tiny_model();
  const AttentionWeights w = node_attention(trained, data);
  GatModel<float> model(trained.config);
  model.parameters().values() = trained.parameters;
  const auto W = block(model.parameters(), "layer0.weight");
  const auto a_src = block(model.parameters(), "layer0.att_src");
  const auto a_dst = block(model.parameters(), "layer0.att_dst");
  const RowMatrix<double> z = data.features.dense().cast<double>() * W.cast<double>();
  const int H = 3, D = 4, n = 5;
  bool adjacent[5][5] = {};
  for (NodeId i = 0; i < n; ++i) {
    adjacent[i][i] = true;
    for (NodeId j : data.graph.in_neighbors(i)) adjacent[i][j] = true;
  }
  for (int h = 0; h < H; ++h)
    for (NodeId i = 0; i < n; ++i) {
      double e[5], top = -1e300, sum = 0;
      for (NodeId j = 0; j < n; ++j) {
        const double s = a_dst.row(h).cast<double>().dot(z.row(i).segment(h * D, D)) +
                         a_src.row(h).cast<double>().dot(z.row(j).segment(h * D, D));
        e[j] = s > 0 ? s : 0.2 * s;
        if (adjacent[i][j]) top = std::max(top, e[j]);
      }
      for (NodeId j = 0; j < n; ++j) sum += adjacent[i][j] ? std::exp(e[j] - top) : 0;
      for (NodeId j = 0; j < n; ++j) {
        const EdgeId edge = explain::find_edge(w.graph, j, i);
        ASSERT_EQ(edge >= 0, adjacent[i][j]) << j << " -> " << i;
        if (edge >= 0) {
          EXPECT_NEAR(w.layers[0].weight(edge, h), std::exp(e[j] - top) / sum, 1e-5);
        }
      }
    }
}

TEST(NodeAttention, SparsemaxRowsSumToOneToo) {
  const AttentionWeights w = node_attention(tiny_model(AttentionNormalizer::sparsemax), tiny_dataset());
  for (int h = 0; h < w.layers[0].heads; ++h)
    for (NodeId i = 0; i < 5; ++i) {
      double sum = 0;
      for (EdgeId e = w.graph.in_offsets()[i]; e < w.graph.in_offsets()[i + 1]; ++e) sum += w.layers[0].weight(e, h);
      EXPECT_NEAR(sum, 1.0, 1e-5);
    }
}

TEST(NodeAttention, MlpModelsHaveNoAttention) {
  TrainedModel t = tiny_model();
  t.config.kind = NodeModelKind::mlp;
  EXPECT_THROW(node_attention(t, tiny_dataset()), InvalidArgument);
}

TEST(ExplainRanking, TopIncomingIsOrderedByWeightThenSource) {
  // Node 0 with in-edges from 0, 1, 2, 3 and hand-set weights (one head); a tie between sources 1 and 3.
  AttentionWeights w;
  const std::vector<Edge> edges = {{0, 0}, {1, 0}, {2, 0}, {3, 0}, {0, 1}};
  w.graph = build_graph(4, edges);
  ASSERT_EQ(w.graph.num_edges(), 5);
  w.layers.push_back({1, {}});
  w.layers[0].alpha.resize(5);
  const float by_source[4] = {0.1f, 0.3f, 0.25f, 0.3f};
  for (EdgeId e = w.graph.in_offsets()[0]; e < w.graph.in_offsets()[1]; ++e)
    w.layers[0].alpha[static_cast<std::size_t>(e)] = by_source[w.graph.sources()[static_cast<std::size_t>(e)]];
  w.layers[0].alpha[4] = 1.0f;
  std::vector<NodeId> order;
  for (EdgeId e : explain::top_incoming(w, 0, 0, 0, 3)) order.push_back(w.graph.sources()[static_cast<std::size_t>(e)]);
  EXPECT_EQ(order, (std::vector<NodeId>{1, 3, 2}));
  EXPECT_EQ(explain::top_incoming(w, 0, 0, 0, 10).size(), 4u);
  EXPECT_EQ(explain::top_incoming(w, 0, -1, 0, 1).size(), 1u);  // the mean of one head is that head
  w.check_complete();
  w.layers[0].alpha.pop_back();  // a layer without its weights is refused, not read past its end
  EXPECT_THROW(w.check_complete(), Error);
  w.layers[0].alpha.push_back(1.0f);
  EXPECT_THROW(explain::top_incoming(w, 1, 0, 0, 3), InvalidArgument);
  EXPECT_THROW(explain::top_incoming(w, 0, 1, 0, 3), InvalidArgument);
}

// ---- molecules ----------------------------------------------------------------------------------

/// Phenol with 2D coordinates: a regular hexagon (aromatic bonds of the input) and O on atom 1.
chem::Molecule phenol() {
  chem::Molecule m;
  m.name = "phenol";
  for (int k = 0; k < 6; ++k) {
    chem::Atom a;
    a.atomic_number = 6;
    a.symbol = "C";
    a.x = 1.5 * std::cos(M_PI / 3 * k);
    a.y = 1.5 * std::sin(M_PI / 3 * k);
    m.atoms.push_back(a);
  }
  chem::Atom o;
  o.atomic_number = 8;
  o.symbol = "O";
  o.x = 3.0;
  m.atoms.push_back(o);
  for (int k = 0; k < 6; ++k) {
    chem::Bond b;
    b.begin = k;
    b.end = (k + 1) % 6;
    b.order = chem::BondOrder::aromatic;
    b.aromatic = true;
    m.bonds.push_back(b);
  }
  chem::Bond co;
  co.begin = 0;
  co.end = 6;
  m.bonds.push_back(co);
  return m;
}

TrainedGraphModel tiny_graph_model() {
  GraphModelConfig c;
  c.in_dim = chem::atom_feature_width();
  c.edge_dim = chem::kBondFeatureWidth;
  c.layers = 2;
  c.heads = 3;
  c.hidden = 4;
  GraphGat<float> net(c);
  net.initialize(5);
  TrainedGraphModel m;
  m.config = c;
  m.targets = {"y"};
  m.parameters = net.parameters().values();
  return m;
}

TEST(MoleculeAttention, ShadesFollowTheirDefinitions) {
  const chem::Molecule m = phenol();
  GraphPredictor predictor(tiny_graph_model());
  const AttentionWeights w = predictor.attention(predictor.featurize(m));
  ASSERT_EQ(w.num_layers(), 2);
  EXPECT_EQ(w.graph.num_nodes(), 7);
  EXPECT_EQ(w.graph.num_edges(), 2 * 7 + 7);  // both directions of each bond, and self-loops
  for (int head : {-1, 0, 2}) {
    const explain::MoleculeShading s = explain::molecule_shading(m, w, 1, head);
    ASSERT_EQ(s.atom.size(), 7u);
    ASSERT_EQ(s.bond.size(), 7u);
    double total = 0;
    for (double v : s.atom) total += v;
    EXPECT_NEAR(total / 7, 1.0, 1e-5);  // softmax: every atom hands out a total weight of 1
    // Bond C1-O7: the mean of O attending to C and C attending to O.
    const double both = explain::edge_weight(w, 1, head, explain::find_edge(w.graph, 0, 6)) +
                        explain::edge_weight(w, 1, head, explain::find_edge(w.graph, 6, 0));
    EXPECT_NEAR(s.bond[6], both / 2, 1e-9);
  }
  EXPECT_THROW(explain::molecule_shading(m, w, 2, -1), InvalidArgument);
  EXPECT_THROW(explain::molecule_shading(m, w, 0, 3), InvalidArgument);
}

/// Well-formedness of the SVG: every tag closed in order, attributes quoted; returns the count of each
/// `class="..."` value.
std::map<std::string, int> check_xml(const std::string& svg) {
  std::vector<std::string> open;
  std::map<std::string, int> classes;
  std::size_t k = svg.find("<svg");
  EXPECT_NE(k, std::string::npos);
  while ((k = svg.find('<', k)) != std::string::npos) {
    const std::size_t end = svg.find('>', k);
    EXPECT_NE(end, std::string::npos);
    if (end == std::string::npos) break;
    const std::string tag = svg.substr(k + 1, end - k - 1);
    EXPECT_EQ(std::count(tag.begin(), tag.end(), '"') % 2, 0) << tag;
    EXPECT_EQ(tag.find('<'), std::string::npos) << tag;
    if (tag.rfind('/', 0) == 0) {
      EXPECT_FALSE(open.empty());
      if (!open.empty()) {
        EXPECT_EQ(open.back(), tag.substr(1));
        open.pop_back();
      }
    } else if (tag.back() != '/') {
      open.push_back(tag.substr(0, tag.find(' ')));
    }
    for (std::size_t c = tag.find("class=\""); c != std::string::npos; c = tag.find("class=\"", c + 1))
      ++classes[tag.substr(c + 7, tag.find('"', c + 7) - c - 7)];
    // Text between tags holds no bare '&' (only entities).
    const std::size_t next = svg.find('<', end);
    const std::string text = svg.substr(end + 1, next == std::string::npos ? std::string::npos : next - end - 1);
    for (std::size_t a = text.find('&'); a != std::string::npos; a = text.find('&', a + 1))
      EXPECT_NE(text.find(';', a), std::string::npos) << text;
    k = end + 1;
  }
  EXPECT_TRUE(open.empty());
  return classes;
}

TEST(MoleculeSvg, OneShapePerAtomAndBondAndALegend) {
  chem::Molecule m = phenol();
  m.name = "phenol <&> \"test\"";  // escaped in the caption
  GraphPredictor predictor(tiny_graph_model());
  const AttentionWeights w = predictor.attention(predictor.featurize(m));
  const std::string svg = explain::molecule_svg(m, explain::molecule_shading(m, w, 1, -1), {m.name, "layer 2 of 2"});
  const auto classes = check_xml(svg);
  EXPECT_EQ(classes.at("atom"), 7);
  EXPECT_EQ(classes.at("bond"), 7);
  EXPECT_EQ(classes.at("legend"), 1);
  EXPECT_NE(svg.find(">OH<"), std::string::npos);  // the hydroxyl with its hydrogen
  EXPECT_NE(svg.find("phenol &lt;&amp;&gt; &quot;test&quot;"), std::string::npos);
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);  // aromatic input bonds: a dashed inner line
}

TEST(MoleculeSvg, ChargesAndLoneAtomsAreLabelled) {
  // Nitromethane as [O-][N+](=O)C with a sodium ion beside it: charges are drawn apart from the symbol.
  chem::Molecule m;
  const int z[] = {8, 7, 8, 6, 11};
  const int charge[] = {-1, 1, 0, 0, 1};
  const double xy[][2] = {{0, 1.3}, {0.75, 0}, {0, -1.3}, {2.25, 0}, {5, 1}};
  for (int k = 0; k < 5; ++k) {
    chem::Atom a;
    a.atomic_number = static_cast<std::uint8_t>(z[k]);
    a.symbol = chem::element_symbol(z[k]);
    a.formal_charge = charge[k];
    a.x = xy[k][0];
    a.y = xy[k][1];
    m.atoms.push_back(a);
  }
  for (auto [b, e, order] : {std::tuple{0, 1, 1}, std::tuple{1, 2, 2}, std::tuple{1, 3, 1}}) {
    chem::Bond bond;
    bond.begin = b;
    bond.end = e;
    bond.order = static_cast<chem::BondOrder>(order);
    m.bonds.push_back(bond);
  }
  const explain::MoleculeShading s{std::vector<double>(5, 1.0), std::vector<double>(3, 0.5)};
  const std::string svg = explain::molecule_svg(m, s, {"nitromethane", "test"});
  const auto classes = check_xml(svg);
  EXPECT_EQ(classes.at("atom"), 5);
  EXPECT_EQ(classes.at("bond"), 3);
  EXPECT_NE(svg.find(">\u2212</text>"), std::string::npos);  // O-
  EXPECT_EQ(std::count(svg.begin(), svg.end(), '+'), 2);      // N+ and Na+
  EXPECT_NE(svg.find(">Na</text>"), std::string::npos);
  EXPECT_EQ(svg.find(">C</text>"), std::string::npos);       // carbons stay unlabelled
}

TEST(MoleculeSvg, MissingCoordinatesAreRefusedOrLaidOut) {
  chem::Molecule m = phenol();
  for (auto& a : m.atoms) a.x = a.y = 0;
  EXPECT_FALSE(explain::has_2d_coordinates(m));
  explain::MoleculeShading s{std::vector<double>(7, 1.0), std::vector<double>(7, 0.5)};
  EXPECT_THROW(explain::molecule_svg(m, s, {}), InvalidArgument);
  explain::compute_2d_layout(m);
  ASSERT_TRUE(explain::has_2d_coordinates(m));
  for (const chem::Bond& b : m.bonds) {
    const auto& p = m.atoms[static_cast<std::size_t>(b.begin)];
    const auto& q = m.atoms[static_cast<std::size_t>(b.end)];
    EXPECT_NEAR(std::hypot(p.x - q.x, p.y - q.y), 1.5, 0.4);  // bonds come out about 1.5 long
  }
  const auto classes = check_xml(explain::molecule_svg(m, s, {"x", "y"}));
  EXPECT_EQ(classes.at("atom"), 7);
}

}  // namespace
}  // namespace gatkit
