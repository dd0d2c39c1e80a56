// Trains a graph-level model on an SDF's 0/1 data item, saves it, loads it back and scores the file
// with GraphPredictor: what `gatkit train --save` and `gatkit predict` do, from C++.
// Usage: gatkit_molecules FILE.sdf TARGET MODEL_FILE
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <gatkit/chem/sdf.hpp>
#include <gatkit/train/graph_predictor.hpp>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s FILE.sdf TARGET MODEL_FILE\n", argv[0]);
    return 2;
  }
  try {
    const std::vector<gatkit::chem::Molecule> molecules = gatkit::chem::read_sdf(argv[1]);
    std::vector<gatkit::chem::MoleculeGraph> graphs;
    gatkit::RowMatrix<double> targets(static_cast<Eigen::Index>(molecules.size()), 1);
    for (std::size_t i = 0; i < molecules.size(); ++i) {
      graphs.push_back(gatkit::chem::featurize(molecules[i]));
      const std::string* value = molecules[i].property(argv[2]);
      targets(static_cast<Eigen::Index>(i), 0) = value && !value->empty() ? std::stod(*value) : std::nan("");
    }
    gatkit::GraphTrainOptions options;
    options.max_epochs = 5;
    gatkit::TrainedGraphModel model;
    const auto split = gatkit::train::random_split(static_cast<std::int64_t>(graphs.size()), 0.8, 0.1, 0);
    (void)gatkit::train_graph_classifier(graphs, targets, split, options, /*seed=*/0, &model);
    model.targets = {argv[2]};  // the trainer fills the rest; names and featuriser come from the caller
    gatkit::save_graph_model(model, argv[3]);

    gatkit::GraphPredictor predictor(gatkit::load_graph_model(argv[3]));
    const gatkit::RowMatrix<double> p = predictor.predict(std::span<const gatkit::chem::Molecule>(molecules));
    std::printf("predicted %lld molecules; %s: P(%s = 1) = %.4f\n", static_cast<long long>(p.rows()),
                molecules.front().name.c_str(), argv[2], p(0, 0));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
