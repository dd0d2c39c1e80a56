// One libFuzzer program per harness: GATKIT_FUZZ_HARNESS names the function of harness.hpp.
#include <cstddef>
#include <cstdint>

#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return gatkit::fuzz::GATKIT_FUZZ_HARNESS(data, size);
}
