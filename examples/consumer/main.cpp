// Trains a GAT on a node-classification folder and prints its test accuracy.
// Usage: gatkit_consumer DATA_FOLDER [MAX_EPOCHS]
#include <cstdio>
#include <exception>
#include <string>

#include <gatkit/io/dataset.hpp>
#include <gatkit/train/node_classification.hpp>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DATA_FOLDER [MAX_EPOCHS]\n", argv[0]);
    return 2;
  }
  try {
    const gatkit::NodeDataset data = gatkit::load_node_dataset(argv[1]);
    gatkit::TrainOptions options;  // the GAT paper's Cora setup
    options.max_epochs = argc > 2 ? std::stoi(argv[2]) : 30;
    const gatkit::RunResult run = gatkit::train_node_classifier(data, options, /*seed=*/0);
    std::printf("%s: %lld nodes, %d epochs, test accuracy %.4f\n", data.name.c_str(),
                static_cast<long long>(data.graph.num_nodes()), run.epochs, run.test_accuracy);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
