// A tiny file that names a huge feature index must cost memory in proportion to the file, not to the
// index, and training on it must stop with a clear error rather than an allocation failure.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "gatkit/io/readers.hpp"
#include "gatkit/nn/model.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit {
namespace {

TEST(HostileSizes, HugeSvmlightIndexCostsOnlyItsEntries) {
  const auto file = std::filesystem::temp_directory_path() / "gatkit_huge_index.svmlight";
  {
    std::ofstream out(file);
    out << "1 3:1 2000000000:1\n0 1:1\n";
  }
  io::SvmlightOptions options;
  options.index_base = io::IndexBase::zero;
  EXPECT_THROW(io::read_svmlight(file, options), ParseError);  // beyond Limits::max_feature_dim by default
  options.limits.max_feature_dim = std::int64_t{1} << 31;     // raised: the index costs only its entries
  const io::SvmlightData data = io::read_svmlight(file, options);
  std::filesystem::remove(file);
  EXPECT_EQ(data.features.cols(), 2000000001);
  EXPECT_EQ(data.features.nonZeros(), 3);
  const FeatureMatrix<float> x(data.features);  // builds the CSC index
  const SparseTransposeIndex& t = *x.transpose_index();
  EXPECT_EQ(t.columns, (std::vector<std::int32_t>{1, 3, 2000000000}));
  EXPECT_EQ(t.offsets, (std::vector<std::int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(t.rows, (std::vector<std::int32_t>{1, 0, 0}));
}

TEST(HostileSizes, AbsurdModelIsAClearError) {
  ModelConfig config;
  config.in_dim = 2000000001;
  config.num_classes = 7;
  try {
    GatModel<float> model(config);
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("input dimension 2000000001"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace gatkit
