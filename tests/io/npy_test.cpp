// .npy: golden files of every supported dtype and version, a write/read round trip, and corrupted files
// (absurd shapes, truncated data, unsupported dtypes, Fortran order, broken headers).
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "gatkit/io/readers.hpp"
#include "io_test_util.hpp"

namespace gatkit::io {
namespace {

using testing::data_path;
using testing::ScratchDir;

std::filesystem::path npy(const char* name) { return data_path(std::string("npy/") + name); }

MatrixF matrix(int rows, int cols, std::initializer_list<float> values) {
  MatrixF m(rows, cols);
  std::copy(values.begin(), values.end(), m.data());
  return m;
}

/// A .npy file image: version 1.0 with `header` padded like numpy, then `data`.
std::string npy_bytes(const std::string& header, const std::string& data, int major = 1) {
  std::string h = header;
  const std::size_t prefix = major == 1 ? 10 : 12;
  h.append((64 - (prefix + h.size() + 1) % 64) % 64, ' ');
  h += '\n';
  std::string out = std::string("\x93NUMPY", 6) + static_cast<char>(major) + '\0';
  for (int b = 0; b < (major == 1 ? 2 : 4); ++b) out += static_cast<char>((h.size() >> (8 * b)) & 0xff);
  return out + h + data;
}

TEST(Npy, ReadsFloatMatrices) {
  EXPECT_EQ(read_npy_matrix(npy("f4_2x3_v1.npy")), matrix(2, 3, {1, 2, 3, 4, 5, 6.5f}));
  // Version 2.0, keys in another order, float64 converted to float.
  EXPECT_EQ(read_npy_matrix(npy("f8_3x2_v2.npy")), matrix(3, 2, {0.5f, -1, 2, 3, 1e-3f, 4}));
  // A 1-D array reads as a column.
  EXPECT_EQ(read_npy_matrix(npy("f4_vector.npy")), matrix(4, 1, {1, -2, 3, 0.25f}));
  // Python 2 long literals in the shape.
  EXPECT_EQ(read_npy_matrix(npy("f4_py2_long.npy")), matrix(2, 2, {1, 2, 3, 4}));
}

TEST(Npy, ReadsIntegerArrays) {
  EXPECT_EQ(read_npy_integers(npy("i8_labels.npy")), (std::vector<std::int64_t>{0, 1, -1, 2}));
  EXPECT_EQ(read_npy_integers(npy("u1_v3.npy")), (std::vector<std::int64_t>{3, 255, 0}));       // version 3.0
  EXPECT_EQ(read_npy_integers(npy("i2_column.npy")), (std::vector<std::int64_t>{-2, 300, 7}));  // (n, 1)
  EXPECT_EQ(read_npy_integers(npy("u4_scalar.npy")), (std::vector<std::int64_t>{4000000000}));  // shape ()
}

TEST(Npy, RoundTrip) {
  ScratchDir dir;
  MatrixF m(5, 7);
  for (Eigen::Index k = 0; k < m.size(); ++k) m.data()[k] = static_cast<float>(k) * 0.37f - 3.0f;
  m(4, 6) = -1e-30f;
  m(0, 0) = 3.4e38f;
  const auto file = dir.path() / "m.npy";
  write_npy_matrix(file, m);
  EXPECT_EQ(read_npy_matrix(file), m);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "m.npy.tmp"));
  EXPECT_EQ(std::filesystem::file_size(file), 128u + 5 * 7 * 4);  // header padded to 64 bytes
  // Overwrites in place; an empty matrix keeps its shape.
  write_npy_matrix(file, MatrixF(0, 3));
  const MatrixF empty = read_npy_matrix(file);
  EXPECT_EQ(empty.rows(), 0);
  EXPECT_EQ(empty.cols(), 3);
  EXPECT_THROW(write_npy_matrix(dir.path() / "no_such_folder" / "m.npy", m), gatkit::Error);
}

// NpyRowWriter (gatkit embed): rows streamed before the count is known give the file write_npy_matrix
// writes, byte for byte, also when the stream does not start at offset 0.
TEST(Npy, RowWriterWritesWhatWriteNpyMatrixWrites) {
  ScratchDir dir;
  MatrixF m(3, 4);
  for (Eigen::Index k = 0; k < m.size(); ++k) m.data()[k] = static_cast<float>(k) - 5.5f;
  write_npy_matrix(dir.path() / "whole.npy", m);
  std::ostringstream streamed;
  streamed << "prefix";
  NpyRowWriter writer(streamed, m.cols());
  for (Eigen::Index i = 0; i < m.rows(); ++i) writer.write_row(m.row(i).data());
  writer.finish();
  EXPECT_EQ(writer.rows(), 3);
  std::ifstream in(dir.path() / "whole.npy", std::ios::binary);
  const std::string whole((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(streamed.str(), "prefix" + whole);
  // Any 2-D shape keeps the 128-byte header.
  std::ostringstream wide;
  NpyRowWriter huge(wide, std::int64_t{1} << 40);
  EXPECT_EQ(wide.str().size(), 128u);
}

TEST(Npy, UnsupportedLayoutsAndDtypes) {
  EXPECT_PARSE_ERROR(read_npy_matrix(npy("fortran.npy")), npy("fortran.npy"), 0, "fortran_order is True");
  EXPECT_PARSE_ERROR(read_npy_matrix(npy("big_endian.npy")), npy("big_endian.npy"), 0,
                     "big-endian dtype '>f4' is not supported");
  EXPECT_PARSE_ERROR(read_npy_matrix(npy("c16.npy")), npy("c16.npy"), 0, "unsupported dtype '<c16'");
  EXPECT_PARSE_ERROR(read_npy_matrix(npy("int_as_matrix.npy")), npy("int_as_matrix.npy"), 0,
                     "expected a float32 or float64 array");
  EXPECT_PARSE_ERROR(read_npy_integers(npy("f4_vector.npy")), npy("f4_vector.npy"), 0,
                     "expected an integer array, found dtype '<f4'");
  EXPECT_PARSE_ERROR(read_npy_integers(npy("int_as_matrix.npy")), npy("int_as_matrix.npy"), 0,
                     "expected a 1-D integer array, found shape (2, 2)");
  EXPECT_PARSE_ERROR(read_npy_matrix(npy("f8_nan.npy")), npy("f8_nan.npy"), 0, "element (1, 0) is NaN");
}

TEST(Npy, DeclaredSizesAreCheckedAgainstTheFile) {
  // 10^18 floats declared, 8 bytes present: rejected before allocating anything.
  EXPECT_PARSE_ERROR(read_npy_matrix(npy("huge_shape.npy")), npy("huge_shape.npy"), 0,
                     "truncated file: shape (1000000000, 1000000000) of '<f4' needs 4000000000000000000 data "
                     "bytes, the file holds 8");
  EXPECT_PARSE_ERROR(read_npy_matrix(npy("overflow_shape.npy")), npy("overflow_shape.npy"), 0, "overflow");
  EXPECT_PARSE_ERROR(read_npy_matrix(npy("truncated.npy")), npy("truncated.npy"), 0,
                     "truncated file: shape (3, 3) of '<f4' needs 36 data bytes, the file holds 32");
  EXPECT_PARSE_ERROR(read_npy_matrix(npy("huge_header.npy")), npy("huge_header.npy"), 0,
                     "header length 2147483647 exceeds the limit");
}

TEST(Npy, CorruptedFiles) {
  ScratchDir dir;
  const std::string f4 = "'descr': '<f4'", c = "'fortran_order': False", s2 = "'shape': (2,)";
  const std::string data(8, '\0');
  struct Case {
    std::string bytes;
    const char* reason;
  };
  const Case cases[] = {
      {"", "not a .npy file: only 0 bytes"},
      {"x,y\n1,2\n", "not a .npy file"},
      {"PK\x03\x04 this is a zip archive, an .npz", "does not start with"},
      {std::string("\x93NUMPY\x04\x00\x10\x00", 10) + std::string(16, ' '),
       "unsupported .npy format version 4.0"},
      {std::string("\x93NUMPY\x01\x00\x40\x00{'descr'", 18), "truncated file: the header declares 64 bytes"},
      {npy_bytes("{" + f4 + ", " + c + ", " + s2 + ", }", data + "xx"), "unexpected trailing bytes"},
      {npy_bytes("{" + f4 + ", " + c + "}", data), "missing key 'shape'"},
      {npy_bytes("{" + f4 + ", " + c + ", " + s2 + ", 'extra': 1}", data), "unexpected key 'extra'"},
      {npy_bytes("{" + f4 + ", " + f4 + ", " + c + ", " + s2 + "}", data), "key 'descr' appears twice"},
      {npy_bytes("{'descr': [('a', '<f4')], " + c + ", " + s2 + "}", data),
       "structured dtypes are not supported"},
      {npy_bytes("{" + f4 + ", 'fortran_order': 0, " + s2 + "}", data), "expected True or False"},
      {npy_bytes("{" + f4 + ", " + c + ", 'shape': (2, -1)}", data), "expected a non-negative dimension"},
      {npy_bytes("{" + f4 + ", " + c + ", 'shape': (99999999999999999999,)}", data),
       "does not fit in 64 bits"},
      {npy_bytes("{" + f4 + ", " + c + ", 'shape': (1, 1, 2)}", data), "expected a 1-D or 2-D array"},
      {npy_bytes("{" + f4 + " " + c + ", " + s2 + "}", data), "expected ',' or '}'"},
      {npy_bytes("{'descr: '<f4', " + c + ", " + s2 + "}", data), "expected ':'"},
      {npy_bytes("{" + f4 + ", " + c + ", " + s2 + "} trailing", data), "unexpected text after the dict"},
      {npy_bytes("[" + f4 + "]", data), "expected '{'"},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.reason);
    const auto f = dir.write("bad.npy", k.bytes);
    EXPECT_PARSE_ERROR(read_npy_matrix(f), f, 0, k.reason);
  }
  // Sanity check of the helper: the same header with correct data reads.
  const float two[2] = {1.5f, -2.0f};
  const auto ok = dir.write("ok.npy", npy_bytes("{" + f4 + ", " + c + ", " + s2 + ", }",
                                                std::string(reinterpret_cast<const char*>(two), 8)));
  EXPECT_EQ(read_npy_matrix(ok), matrix(2, 1, {1.5f, -2.0f}));
  EXPECT_PARSE_ERROR(read_npy_matrix(dir.path()), dir.path(), 0, "is a directory");
}

}  // namespace
}  // namespace gatkit::io
