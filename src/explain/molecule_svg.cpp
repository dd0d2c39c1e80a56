#include "gatkit/explain/molecule_svg.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <queue>

#include <Eigen/Eigenvalues>

#include "gatkit/chem/perception.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit::explain {
namespace {

struct Point {
  double x = 0, y = 0;
};
Point operator+(Point a, Point b) { return {a.x + b.x, a.y + b.y}; }
Point operator-(Point a, Point b) { return {a.x - b.x, a.y - b.y}; }
Point operator*(double s, Point a) { return {s * a.x, s * a.y}; }
double length(Point a) { return std::hypot(a.x, a.y); }
double cross(Point a, Point b) { return a.x * b.y - a.y * b.x; }

// Drawing constants, in SVG pixels.
constexpr double kBondPixels = 48;     // median bond length on the page
constexpr double kMargin = 34;
constexpr double kFontSize = 15;
constexpr double kLabelGap = 10;       // bond lines stop this far from a labelled atom's centre
constexpr double kLegendHeight = 118;
constexpr double kMinWidth = 540;

struct Rgb {
  double r, g, b;
};

/// Piecewise-linear colour map through `stops` (evenly spaced), t in [0, 1].
template <std::size_t N>
std::string colour(const std::array<Rgb, N>& stops, double t) {
  t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0);
  const double pos = t * static_cast<double>(N - 1);
  const auto k = std::min(static_cast<std::size_t>(pos), N - 2);
  const double f = pos - static_cast<double>(k);
  const Rgb a = stops[k], b = stops[k + 1];
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", static_cast<int>(std::lround(a.r + f * (b.r - a.r))),
                static_cast<int>(std::lround(a.g + f * (b.g - a.g))), static_cast<int>(std::lround(a.b + f * (b.b - a.b))));
  return buf;
}

// Atoms: white -> orange -> dark red (ColorBrewer YlOrRd-like); bonds: light grey -> blue (Blues-like).
// Two hues so that an atom halo and the bonds around it stay distinguishable.
// The darkest stops stay light enough for the black skeleton drawn over them to remain visible.
constexpr std::array<Rgb, 4> kAtomScale = {{{255, 255, 255}, {254, 217, 118}, {248, 110, 50}, {200, 20, 30}}};
constexpr std::array<Rgb, 4> kBondScale = {{{228, 228, 228}, {170, 208, 230}, {80, 150, 205}, {30, 95, 170}}};

std::string num(double v, int digits = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        // Control characters are not allowed in XML 1.0 text.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t') out += c;
    }
  }
  return out;
}

/// Smallest and largest value, widened when equal so that a scale always has a range.
std::pair<double, double> value_range(const std::vector<double>& v) {
  if (v.empty()) return {0, 1};
  auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  double a = *lo, b = *hi;
  if (!(b - a > 1e-9)) {
    a = std::max(0.0, a - 0.05);
    b = a + 0.1;
  }
  return {a, b};
}

/// The smallest ring (of the perception's SSSR) holding both atoms, or null.
const std::vector<std::int32_t>* ring_of(const chem::Perception& p, std::int32_t a, std::int32_t b) {
  const std::vector<std::int32_t>* best = nullptr;
  for (const auto& ring : p.rings) {
    const bool has_a = std::find(ring.begin(), ring.end(), a) != ring.end();
    const bool has_b = std::find(ring.begin(), ring.end(), b) != ring.end();
    if (has_a && has_b && (!best || ring.size() < best->size())) best = &ring;
  }
  return best;
}

std::string line(Point a, Point b, const std::string& attributes) {
  return "<line x1=\"" + num(a.x) + "\" y1=\"" + num(a.y) + "\" x2=\"" + num(b.x) + "\" y2=\"" + num(b.y) + "\" " +
         attributes + "/>\n";
}

/// An atom's label: the element symbol (isotope as a superscript), its charge ("+", "2\u2212"; drawn apart,
/// in the widest free angle around the atom, so that it never sits on a bond) and its hydrogens ("H",
/// "H2" with the count as a subscript), written after the symbol (OH, NH2) or, when the atom's bonds
/// point right, before it (HO, H2N) so that the hydrogens never sit on a bond.
struct AtomLabel {
  std::string symbol;     ///< empty: a plain carbon, no label
  std::string hydrogens;  ///< "", "H" or "H<sub>n"
  std::string charge;     ///< "", "+", "2+", "\u2212", ...
  bool hydrogens_left = false;
};

AtomLabel atom_label(const chem::Atom& atom, int hydrogens, bool lone_carbon, bool bonds_point_right) {
  AtomLabel l;
  const bool carbon = atom.atomic_number == 6;
  if (carbon && atom.formal_charge == 0 && atom.isotope == 0 && atom.radical == 0 && !lone_carbon) return l;
  if (atom.isotope) l.symbol = "<tspan dy=\"-5\" font-size=\"10\">" + std::to_string(atom.isotope) + "</tspan><tspan dy=\"5\">";
  l.symbol += xml_escape(atom.symbol.empty() ? "*" : atom.symbol);
  if (atom.isotope) l.symbol += "</tspan>";
  if (hydrogens > 0) {
    l.hydrogens = "H";
    if (hydrogens > 1) l.hydrogens += "<tspan dy=\"4\" font-size=\"11\">" + std::to_string(hydrogens) + "</tspan><tspan dy=\"-4\"></tspan>";
  }
  if (atom.formal_charge != 0) {
    const int c = std::abs(atom.formal_charge);
    l.charge = (c > 1 ? std::to_string(c) : std::string()) + (atom.formal_charge > 0 ? "+" : "\u2212");
  }
  l.hydrogens_left = bonds_point_right && !l.hydrogens.empty();
  return l;
}

/// One legend row: a gradient bar from lo to hi with its end and middle values, and what it shows.
std::string legend_bar(const std::string& id, const std::array<Rgb, 4>& scale, double lo, double hi, double x, double y,
                       const std::string& label) {
  constexpr double kBarWidth = 150, kBarHeight = 11;
  std::string s = "<linearGradient id=\"" + id + "\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">";
  for (int k = 0; k <= 8; ++k)
    s += "<stop offset=\"" + num(k / 8.0, 3) + "\" stop-color=\"" + colour(scale, k / 8.0) + "\"/>";
  s += "</linearGradient>\n";
  s += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(kBarWidth) + "\" height=\"" + num(kBarHeight) +
       "\" fill=\"url(#" + id + ")\" stroke=\"#888\" stroke-width=\"0.5\"/>\n";
  const double ty = y + kBarHeight + 11;
  s += "<text x=\"" + num(x) + "\" y=\"" + num(ty) + "\" text-anchor=\"start\">" + num(lo, 3) + "</text>";
  s += "<text x=\"" + num(x + kBarWidth / 2) + "\" y=\"" + num(ty) + "\" text-anchor=\"middle\">" + num((lo + hi) / 2, 3) + "</text>";
  s += "<text x=\"" + num(x + kBarWidth) + "\" y=\"" + num(ty) + "\" text-anchor=\"end\">" + num(hi, 3) + "</text>\n";
  s += "<text x=\"" + num(x + kBarWidth + 10) + "\" y=\"" + num(y + kBarHeight - 1) + "\">" + xml_escape(label) + "</text>\n";
  return s;
}

}  // namespace

MoleculeShading molecule_shading(const chem::Molecule& molecule, const AttentionWeights& weights, int layer, int head) {
  GATKIT_REQUIRE(weights.graph.num_nodes() == static_cast<std::int64_t>(molecule.atoms.size()),
                 "explain: attention over " + std::to_string(weights.graph.num_nodes()) + " nodes for a molecule of " +
                     std::to_string(molecule.atoms.size()) + " atoms");
  GATKIT_REQUIRE(layer >= 0 && layer < weights.num_layers(), "explain: layer out of range");
  GATKIT_REQUIRE(head >= -1 && head < weights.layers[static_cast<std::size_t>(layer)].heads, "explain: head out of range");
  MoleculeShading s;
  s.atom = attention_received(weights, layer, head);
  for (const chem::Bond& b : molecule.bonds) {
    double sum = 0;
    int directions = 0;
    for (const EdgeId e : {find_edge(weights.graph, b.begin, b.end), find_edge(weights.graph, b.end, b.begin)})
      if (e >= 0) {
        sum += edge_weight(weights, layer, head, e);
        ++directions;
      }
    s.bond.push_back(directions ? sum / directions : 0.0);
  }
  return s;
}

bool has_2d_coordinates(const chem::Molecule& molecule) {
  if (molecule.atoms.size() <= 1) return true;
  const chem::Atom& first = molecule.atoms.front();
  for (const chem::Atom& a : molecule.atoms)
    if (a.x != first.x || a.y != first.y) return true;
  return false;
}

void compute_2d_layout(chem::Molecule& molecule) {
  const auto n = static_cast<std::int32_t>(molecule.atoms.size());
  std::vector<std::vector<std::int32_t>> adjacent(static_cast<std::size_t>(n));
  for (const chem::Bond& b : molecule.bonds) {
    GATKIT_REQUIRE(b.begin >= 0 && b.begin < n && b.end >= 0 && b.end < n, "layout: bond atom index out of range");
    adjacent[static_cast<std::size_t>(b.begin)].push_back(b.end);
    adjacent[static_cast<std::size_t>(b.end)].push_back(b.begin);
  }
  constexpr double kBond = 1.5;
  const std::vector<std::vector<std::int32_t>> rings = chem::perceive(molecule).rings;
  std::vector<int> component(static_cast<std::size_t>(n), -1);
  double offset_x = 0;
  for (std::int32_t seed = 0; seed < n; ++seed) {
    if (component[static_cast<std::size_t>(seed)] >= 0) continue;
    // 1. The component's atoms and their bond-path distances (BFS from each atom).
    std::vector<std::int32_t> atoms = {seed};
    component[static_cast<std::size_t>(seed)] = seed;
    for (std::size_t k = 0; k < atoms.size(); ++k)
      for (std::int32_t j : adjacent[static_cast<std::size_t>(atoms[k])])
        if (component[static_cast<std::size_t>(j)] < 0) {
          component[static_cast<std::size_t>(j)] = seed;
          atoms.push_back(j);
        }
    const std::size_t m = atoms.size();
    std::vector<int> local(static_cast<std::size_t>(n), -1);
    for (std::size_t k = 0; k < m; ++k) local[static_cast<std::size_t>(atoms[k])] = static_cast<int>(k);
    std::vector<double> d(m * m, 0);
    for (std::size_t s = 0; s < m; ++s) {
      std::vector<int> dist(m, -1);
      std::queue<std::size_t> q;
      dist[s] = 0;
      q.push(s);
      while (!q.empty()) {
        const std::size_t u = q.front();
        q.pop();
        for (std::int32_t j : adjacent[static_cast<std::size_t>(atoms[u])]) {
          const auto v = static_cast<std::size_t>(local[static_cast<std::size_t>(j)]);
          if (dist[v] < 0) {
            dist[v] = dist[u] + 1;
            q.push(v);
          }
        }
      }
      // Path distances overstate the span of chains (a zig-zag of k bonds spans about 0.87 k bonds).
      for (std::size_t t = 0; t < m; ++t) d[s * m + t] = kBond * (dist[t] <= 1 ? dist[t] : 0.87 * dist[t]);
    }
    // Within a ring of size r, atoms k bonds apart along the ring sit on a regular polygon: chord
    // length L sin(pi k / r) / sin(pi / r). Without this, path distances flatten rings.
    for (const auto& ring : rings) {
      const auto r = static_cast<double>(ring.size());
      for (std::size_t a = 0; a < ring.size(); ++a)
        for (std::size_t b = 0; b < ring.size(); ++b) {
          const int la = local[static_cast<std::size_t>(ring[a])], lb = local[static_cast<std::size_t>(ring[b])];
          if (a == b || la < 0 || lb < 0) continue;
          const auto k = static_cast<double>(std::min(a > b ? a - b : b - a, ring.size() - (a > b ? a - b : b - a)));
          d[static_cast<std::size_t>(la) * m + static_cast<std::size_t>(lb)] = kBond * std::sin(M_PI * k / r) / std::sin(M_PI / r);
        }
    }
    // 2. Start from classical multidimensional scaling (the top two eigenvectors of the double-centred
    //    squared distances: a global layout without folds), then refine by stress majorisation
    //    (Gansner et al. 2004): each step moves every atom to the weighted mean of where its distances
    //    to the others place it, weights 1/d^2.
    std::vector<Point> p(m);
    if (m > 2) {
      Eigen::MatrixXd b(static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(m));
      for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < m; ++j) b(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = -0.5 * d[i * m + j] * d[i * m + j];
      const Eigen::VectorXd row_mean = b.rowwise().mean();
      const double total_mean = row_mean.mean();
      b = (b.colwise() - row_mean).rowwise() - row_mean.transpose();
      b.array() += total_mean;
      const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(b);
      const Eigen::Index last = eigen.eigenvalues().size() - 1;  // eigenvalues ascending
      for (std::size_t k = 0; k < m; ++k) {
        const auto row = static_cast<Eigen::Index>(k);
        p[k] = {eigen.eigenvectors()(row, last) * std::sqrt(std::max(0.0, eigen.eigenvalues()(last))),
                eigen.eigenvectors()(row, last - 1) * std::sqrt(std::max(0.0, eigen.eigenvalues()(last - 1))) + 1e-3 * static_cast<double>(k)};
      }
    } else if (m == 2) {
      p[1] = {kBond, 0};
    }
    for (int iteration = 0; iteration < 300 && m > 1; ++iteration) {
      std::vector<Point> next(m);
      for (std::size_t i = 0; i < m; ++i) {
        Point sum;
        double weights = 0;
        for (std::size_t j = 0; j < m; ++j) {
          if (i == j) continue;
          const double dij = d[i * m + j], w = 1 / (dij * dij);
          const Point delta = p[i] - p[j];
          const double len = std::max(length(delta), 1e-9);
          sum = sum + w * (p[j] + (dij / len) * delta);
          weights += w;
        }
        next[i] = (1 / weights) * sum;
      }
      p = next;
    }
    // Turn the component so that its long axis is horizontal (principal axis of the positions).
    Point mean;
    for (const Point& q : p) mean = mean + q;
    mean = (1.0 / static_cast<double>(m)) * mean;
    double sxx = 0, syy = 0, sxy = 0;
    for (const Point& q : p) {
      sxx += (q.x - mean.x) * (q.x - mean.x);
      syy += (q.y - mean.y) * (q.y - mean.y);
      sxy += (q.x - mean.x) * (q.y - mean.y);
    }
    const double angle = 0.5 * std::atan2(2 * sxy, sxx - syy);
    const double c = std::cos(-angle), sn = std::sin(-angle);
    for (Point& q : p) q = {c * (q.x - mean.x) - sn * (q.y - mean.y), sn * (q.x - mean.x) + c * (q.y - mean.y)};
    double min_x = std::numeric_limits<double>::max(), max_x = -min_x;
    for (const Point& q : p) {
      min_x = std::min(min_x, q.x);
      max_x = std::max(max_x, q.x);
    }
    for (std::size_t k = 0; k < m; ++k) {
      chem::Atom& a = molecule.atoms[static_cast<std::size_t>(atoms[k])];
      a.x = p[k].x - min_x + offset_x;
      a.y = p[k].y;
    }
    offset_x += max_x - min_x + 2 * kBond;
  }
}

std::string molecule_svg(const chem::Molecule& molecule, const MoleculeShading& shading, const MoleculeSvgCaption& caption) {
  const std::size_t n = molecule.atoms.size();
  GATKIT_REQUIRE(shading.atom.size() == n && shading.bond.size() == molecule.bonds.size(),
                 "molecule_svg: one shade per atom and per bond is required");
  GATKIT_REQUIRE(has_2d_coordinates(molecule),
                 "molecule_svg: the molecule has no 2D coordinates (all atoms at the same x, y)");
  const chem::Perception perception = chem::perceive(molecule);

  // 1. Page coordinates: median bond -> kBondPixels, y flipped (MDL y points up, SVG y down).
  std::vector<double> bond_lengths;
  for (const chem::Bond& b : molecule.bonds) {
    const chem::Atom &a = molecule.atoms[static_cast<std::size_t>(b.begin)], &c = molecule.atoms[static_cast<std::size_t>(b.end)];
    const double len = std::hypot(a.x - c.x, a.y - c.y);
    if (len > 1e-6) bond_lengths.push_back(len);
  }
  double scale = kBondPixels / 1.5;
  if (!bond_lengths.empty()) {
    std::nth_element(bond_lengths.begin(), bond_lengths.begin() + static_cast<long>(bond_lengths.size() / 2), bond_lengths.end());
    scale = kBondPixels / bond_lengths[bond_lengths.size() / 2];
  }
  double min_x = std::numeric_limits<double>::max(), max_x = -min_x, min_y = min_x, max_y = -min_x;
  for (const chem::Atom& a : molecule.atoms) {
    min_x = std::min(min_x, a.x), max_x = std::max(max_x, a.x);
    min_y = std::min(min_y, a.y), max_y = std::max(max_y, a.y);
  }
  const double drawing_width = (max_x - min_x) * scale + 2 * kMargin;
  const double width = std::max(kMinWidth, drawing_width);
  const double shift = (width - drawing_width) / 2;  // centre narrow molecules above the legend
  const double drawing_height = (max_y - min_y) * scale + 2 * kMargin;
  const double height = drawing_height + kLegendHeight;
  std::vector<Point> at(n);
  for (std::size_t i = 0; i < n; ++i)
    at[i] = {shift + kMargin + (molecule.atoms[i].x - min_x) * scale, kMargin + (max_y - molecule.atoms[i].y) * scale};

  std::vector<int> degree(n, 0);
  for (const chem::Bond& b : molecule.bonds) ++degree[static_cast<std::size_t>(b.begin)], ++degree[static_cast<std::size_t>(b.end)];
  // Mean direction of each atom's bonds on the page (x only): where its hydrogens must not go.
  std::vector<double> bond_dx(n, 0.0);
  for (const chem::Bond& b : molecule.bonds) {
    const auto i = static_cast<std::size_t>(b.begin), j = static_cast<std::size_t>(b.end);
    bond_dx[i] += at[j].x - at[i].x;
    bond_dx[j] += at[i].x - at[j].x;
  }
  std::vector<AtomLabel> labels(n);
  for (std::size_t i = 0; i < n; ++i) {
    const chem::Atom& a = molecule.atoms[i];
    // Hydrogens are written on heteroatoms only (OH, NH2), as chemists draw skeletal formulas.
    const int h = a.atomic_number == 6 || a.atomic_number == 1 ? (degree[i] == 0 ? perception.total_hydrogens[i] : 0)
                                                                : perception.total_hydrogens[i];
    // A lone atom follows the usual formula order: HCl, H2O, H2S, but NH3, CH4.
    const int z = a.atomic_number;
    const bool hydrogen_first = degree[i] == 0 ? z == 8 || z == 16 || z == 34 || z == 9 || z == 17 || z == 35 || z == 53
                                               : bond_dx[i] > 1e-6;
    labels[i] = atom_label(a, h, degree[i] == 0, hydrogen_first);
  }

  const auto [atom_lo, atom_hi] = value_range(shading.atom);
  const auto [bond_lo, bond_hi] = value_range(shading.bond);

  std::string svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(width, 0) + "\" height=\"" + num(height, 0) +
         "\" viewBox=\"0 0 " + num(width, 0) + " " + num(height, 0) + "\" font-family=\"Helvetica, Arial, sans-serif\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";

  // 2. Halos: bonds (wide strokes) under atoms (circles), both under the skeleton.
  svg += "<g class=\"bond-shading\" stroke-linecap=\"round\" stroke-width=\"" + num(kBondPixels * 0.32) + "\">\n";
  for (std::size_t k = 0; k < molecule.bonds.size(); ++k) {
    const chem::Bond& b = molecule.bonds[k];
    svg += line(at[static_cast<std::size_t>(b.begin)], at[static_cast<std::size_t>(b.end)],
                "class=\"bond\" data-atoms=\"" + std::to_string(b.begin + 1) + "-" + std::to_string(b.end + 1) +
                    "\" data-value=\"" + num(shading.bond[k], 4) + "\" stroke=\"" +
                    colour(kBondScale, (shading.bond[k] - bond_lo) / (bond_hi - bond_lo)) + "\"");
  }
  svg += "</g>\n<g class=\"atom-shading\">\n";
  for (std::size_t i = 0; i < n; ++i)
    svg += "<circle class=\"atom\" data-atom=\"" + std::to_string(i + 1) + "\" data-value=\"" + num(shading.atom[i], 4) +
           "\" cx=\"" + num(at[i].x) + "\" cy=\"" + num(at[i].y) + "\" r=\"" + num(kBondPixels * 0.27) + "\" fill=\"" +
           colour(kAtomScale, (shading.atom[i] - atom_lo) / (atom_hi - atom_lo)) + "\" fill-opacity=\"0.9\"/>\n";
  svg += "</g>\n";

  // 3. Skeleton. A bond line stops short of a labelled atom so that the symbol stays legible.
  svg += "<g class=\"skeleton\" stroke=\"#1a1a1a\" stroke-width=\"1.7\" stroke-linecap=\"round\">\n";
  for (const chem::Bond& b : molecule.bonds) {
    const auto i = static_cast<std::size_t>(b.begin), j = static_cast<std::size_t>(b.end);
    Point p = at[i], q = at[j];
    const Point dir = q - p;
    const double len = length(dir);
    if (len < 1e-6) continue;
    const Point unit = (1 / len) * dir, normal = {-unit.y, unit.x};
    if (!labels[i].symbol.empty()) p = p + kLabelGap * unit;
    if (!labels[j].symbol.empty()) q = q - kLabelGap * unit;
    const double gap = 0.17 * kBondPixels;  // between the lines of a multiple bond
    const bool aromatic_input = b.order == chem::BondOrder::aromatic;
    const bool doubled = b.order == chem::BondOrder::double_bond || aromatic_input;
    if (b.order == chem::BondOrder::triple) {
      svg += line(p, q, "");
      svg += line(p + (0.8 * gap) * normal, q + (0.8 * gap) * normal, "");
      svg += line(p - (0.8 * gap) * normal, q - (0.8 * gap) * normal, "");
      continue;
    }
    if (!doubled) {
      svg += line(p, q, "");
      continue;
    }
    // Which side the second line goes: towards the centre of the bond's ring, else towards the side with
    // more neighbours; a bond to a terminal atom (C=O) is drawn as two lines centred on the bond.
    double side = 0;
    if (const auto* ring = ring_of(perception, b.begin, b.end)) {
      Point centre;
      for (std::int32_t a : *ring) centre = centre + at[static_cast<std::size_t>(a)];
      centre = (1.0 / static_cast<double>(ring->size())) * centre;
      side = cross(dir, centre - at[i]) >= 0 ? 1 : -1;
    } else if (degree[i] > 1 && degree[j] > 1) {
      for (const chem::Bond& other : molecule.bonds) {
        std::int32_t from = -1, to = -1;
        if (&other == &b) continue;
        if (other.begin == b.begin || other.begin == b.end) from = other.begin, to = other.end;
        else if (other.end == b.begin || other.end == b.end) from = other.end, to = other.begin;
        if (from < 0) continue;
        side += cross(dir, at[static_cast<std::size_t>(to)] - at[static_cast<std::size_t>(from)]) >= 0 ? 1 : -1;
      }
      side = side >= 0 ? 1 : -1;
    }
    const std::string style = aromatic_input ? "stroke-dasharray=\"4 3\"" : "";
    if (side == 0) {
      svg += line(p + (0.5 * gap) * normal, q + (0.5 * gap) * normal, "");
      svg += line(p - (0.5 * gap) * normal, q - (0.5 * gap) * normal, style);
    } else {
      svg += line(p, q, "");
      // The inner line is shortened at ends without a label, as in printed structures.
      const Point inner_p = labels[i].symbol.empty() ? at[i] + (0.16 * len) * unit : p;
      const Point inner_q = labels[j].symbol.empty() ? at[j] - (0.16 * len) * unit : q;
      svg += line(inner_p + (side * gap) * normal, inner_q + (side * gap) * normal, style);
    }
  }
  svg += "</g>\n";

  // 4. Atom labels: the element symbol centred on the atom (its width estimated from the font size,
  //    about 0.64 em per letter in Helvetica capitals), hydrogens and charge beside it.
  svg += "<g class=\"labels\" font-size=\"" + num(kFontSize, 0) + "\" fill=\"#1a1a1a\">\n";
  for (std::size_t i = 0; i < n; ++i) {
    const AtomLabel& l = labels[i];
    if (l.symbol.empty()) continue;
    const int z = molecule.atoms[i].atomic_number;
    // Conventional (CPK/Jmol-like, darkened for print) colours for the commonest heteroatoms.
    const char* fill = z == 7 ? "#1f3fbf" : z == 8 ? "#c81e1e" : z == 16 ? "#9a7a00" : z == 9 || z == 17 ? "#1e8a1e"
                     : z == 35 ? "#8b2d0e" : z == 15 ? "#c86400" : "#1a1a1a";
    const double half = 0.32 * kFontSize * static_cast<double>(std::max<std::size_t>(1, molecule.atoms[i].symbol.size()));
    const double y = at[i].y + kFontSize * 0.36;
    // Halo-free white outline behind the glyphs keeps them legible over coloured circles.
    const std::string style = "\" fill=\"" + std::string(fill) +
                              "\" stroke=\"white\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\">";
    if (l.hydrogens_left)
      svg += "<text x=\"" + num(at[i].x + half) + "\" y=\"" + num(y) + "\" text-anchor=\"end" + style + l.hydrogens +
             l.symbol + "</text>\n";
    else
      svg += "<text x=\"" + num(at[i].x - half) + "\" y=\"" + num(y) + "\" text-anchor=\"start" + style + l.symbol +
             l.hydrogens + "</text>\n";
    if (!l.charge.empty()) {
      // The charge goes in the middle of the widest angle between the atom's bonds (and its hydrogens'
      // side), up and to the right when that is free, as charges are usually written.
      std::vector<double> angles;
      for (const chem::Bond& b : molecule.bonds) {
        const std::size_t other = b.begin == static_cast<std::int32_t>(i) ? static_cast<std::size_t>(b.end)
                                  : b.end == static_cast<std::int32_t>(i) ? static_cast<std::size_t>(b.begin) : n;
        if (other < n) angles.push_back(std::atan2(at[other].y - at[i].y, at[other].x - at[i].x));
      }
      if (!l.hydrogens.empty()) angles.push_back(l.hydrogens_left ? M_PI : 0.0);
      double best = -M_PI / 4;  // up and to the right (SVG y points down)
      if (!angles.empty()) {
        std::sort(angles.begin(), angles.end());
        double widest = -1;
        for (std::size_t k = 0; k < angles.size(); ++k) {
          const double from = angles[k], to = k + 1 < angles.size() ? angles[k + 1] : angles[0] + 2 * M_PI;
          // Prefer the gap holding the upper right when gaps are about equal.
          const double mid = (from + to) / 2;
          const double score = (to - from) + 0.05 * std::cos(mid + M_PI / 4);
          if (score > widest) widest = score, best = mid;
        }
      }
      const double radius = half + 0.6 * kFontSize;  // clear of the symbol's glyphs
      svg += "<text x=\"" + num(at[i].x + radius * std::cos(best)) + "\" y=\"" + num(at[i].y + radius * std::sin(best) + 4) +
             "\" font-size=\"12\" text-anchor=\"middle" + style + l.charge + "</text>\n";
    }
  }
  svg += "</g>\n";

  // 5. Legend: what is shown, and the two colour scales with their ranges.
  const double ly = drawing_height + 8;
  svg += "<g class=\"legend\" font-size=\"12\" fill=\"#1a1a1a\">\n";
  svg += "<line x1=\"10\" y1=\"" + num(ly - 4) + "\" x2=\"" + num(width - 10) + "\" y2=\"" + num(ly - 4) + "\" stroke=\"#ccc\"/>\n";
  svg += "<text x=\"14\" y=\"" + num(ly + 12) + "\" font-weight=\"bold\">" + xml_escape(caption.title) + "</text>\n";
  svg += "<text x=\"14\" y=\"" + num(ly + 28) + "\">" + xml_escape(caption.subtitle) + "</text>\n";
  svg += legend_bar("atom-scale", kAtomScale, atom_lo, atom_hi, 14, ly + 40, "atom: attention received from neighbours and itself (sum)");
  svg += legend_bar("bond-scale", kBondScale, bond_lo, bond_hi, 14, ly + 76, "bond: mean weight of its two directions");
  svg += "</g>\n</svg>\n";
  return svg;
}

}  // namespace gatkit::explain
