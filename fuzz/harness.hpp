#pragma once
// Fuzz harnesses: one function per reader, each feeding arbitrary bytes to the reader through a file
// (the readers take paths) and checking what must hold for every input:
//  - the only exceptions are gatkit::Error and its subclasses (anything else, std::bad_alloc included,
//    escapes and crashes the fuzzer: a bug);
//  - whatever a reader accepts, the library can go on with (build the graph, featurise the molecule,
//    write it and read it back).
// The same functions run under libFuzzer (fuzz_main.cpp, GATKIT_FUZZ=ON) and, in the normal test suite,
// over the committed corpus and every crash input kept in fuzz/regressions/ (tests/fuzz).
#include <cstddef>
#include <cstdint>
#include <span>

namespace gatkit::fuzz {

using Harness = int (*)(const std::uint8_t* data, std::size_t size);

int edge_list(const std::uint8_t* data, std::size_t size);
int svmlight(const std::uint8_t* data, std::size_t size);
int split(const std::uint8_t* data, std::size_t size);
/// .content and .cites separated by a NUL byte.
int linqs(const std::uint8_t* data, std::size_t size);
int npy(const std::uint8_t* data, std::size_t size);
int sdf(const std::uint8_t* data, std::size_t size);
int json(const std::uint8_t* data, std::size_t size);
/// A checkpoint (model or training state) as it is, with its checksum repaired, and a configuration
/// JSON wrapped in a container.
int checkpoint(const std::uint8_t* data, std::size_t size);
/// A whole data folder: the first byte picks the layout ('l': LINQS .content, .cites, train, val, test;
/// else Planetoid features.svmlight, edges, labels, train, val, test), then the files' contents separated
/// by NUL bytes; an empty part means that file is absent.
int dataset(const std::uint8_t* data, std::size_t size);
/// A TU Dortmund data set: graph_indicator, A, node_labels, edge_labels, graph_labels, node_attributes,
/// edge_attributes, graph_attributes separated by NUL bytes; an empty part means that file is absent
/// (the first two are always written).
int tu(const std::uint8_t* data, std::size_t size);

/// A SMILES file (chem::SmiFileReader), then a CSV table of SMILES (chem::SmilesCsvReader) read by its
/// "smiles" column and by its first column.
int smiles(const std::uint8_t* data, std::size_t size);

struct NamedHarness {
  const char* name;  ///< also the folder name under fuzz/corpus and fuzz/regressions
  Harness run;
};

/// Every harness, by name.
std::span<const NamedHarness> all_harnesses();

}  // namespace gatkit::fuzz
