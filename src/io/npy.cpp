// NumPy .npy files (format versions 1.0, 2.0 and 3.0).
//
// Layout: "\x93NUMPY", major, minor, header length (uint16 LE for 1.x, uint32 LE for 2.x/3.x), then a
// Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), } padded with spaces
// and a '\n', then the raw C-order data. Nothing declared in the header is trusted: the header length is
// capped, the shape product is overflow-checked and compared with the bytes the file actually holds
// before anything is allocated. Only little-endian and one-byte dtypes are accepted; element values are
// decoded byte by byte, so the reader also works on a big-endian host.
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

#include "gatkit/io/readers.hpp"
#include "gatkit/util/error.hpp"
#include "gatkit/util/files.hpp"
#include "line_reader.hpp"

namespace gatkit::io {
namespace {

constexpr std::uint32_t max_header_length = 64 * 1024;
constexpr char magic[] = "\x93NUMPY";
constexpr std::size_t magic_length = 6;

struct Dtype {
  const char* descr;
  char kind;  // 'f', 'i' or 'u'
  int size;   // bytes
};

constexpr Dtype supported_dtypes[] = {
    {"<f4", 'f', 4}, {"<f8", 'f', 8}, {"|i1", 'i', 1}, {"<i1", 'i', 1}, {"<i2", 'i', 2}, {"<i4", 'i', 4},
    {"<i8", 'i', 8}, {"|u1", 'u', 1}, {"<u1", 'u', 1}, {"<u2", 'u', 2}, {"<u4", 'u', 4},
};

struct Header {
  Dtype dtype{};
  std::vector<std::uint64_t> shape;
  std::uint64_t elements = 1;
  std::uint64_t data_offset = 0;
};

using FilePtr = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& message) {
  throw ParseError(file, 0, message);
}

std::string shape_string(const std::vector<std::uint64_t>& shape) {
  std::string s = "(";
  for (std::size_t k = 0; k < shape.size(); ++k) s += (k ? ", " : "") + std::to_string(shape[k]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

/// A recursive-descent parser for the header dict; keys may come in any order.
class HeaderParser {
 public:
  HeaderParser(const std::filesystem::path& file, std::string_view text) : file_(file), s_(text) {}

  void parse(Header& h) {
    bool have_descr = false, have_order = false, have_shape = false;
    skip_space();
    expect('{');
    for (;;) {
      skip_space();
      if (peek() == '}') break;
      const std::string key = string_literal("a key");
      skip_space();
      expect(':');
      skip_space();
      if (key == "descr") {
        if (have_descr) error("key 'descr' appears twice");
        if (peek() == '[') error("structured dtypes are not supported");
        h.dtype = dtype(string_literal("a dtype string"));
        have_descr = true;
      } else if (key == "fortran_order") {
        if (have_order) error("key 'fortran_order' appears twice");
        if (boolean_literal())
          error(
              "fortran_order is True: Fortran-order (column-major) arrays are not supported; save the "
              "array in C order (numpy.ascontiguousarray)");
        have_order = true;
      } else if (key == "shape") {
        if (have_shape) error("key 'shape' appears twice");
        h.shape = tuple_literal();
        have_shape = true;
      } else {
        error("unexpected key " + detail::quote(key) + " (expected 'descr', 'fortran_order', 'shape')");
      }
      skip_space();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      if (peek() == '}') break;
      error("expected ',' or '}' in the dict, found " + found());
    }
    ++i_;  // '}'
    skip_space();
    if (i_ != s_.size()) error("unexpected text after the dict: " + found());
    if (!have_descr || !have_shape || !have_order)
      error(std::string("missing key '") +
            (!have_descr   ? "descr"
             : !have_shape ? "shape"
                           : "fortran_order") +
            "'");
  }

 private:
  [[noreturn]] void error(const std::string& message) const { fail(file_, "npy header: " + message); }
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  std::string found() const {
    return i_ < s_.size() ? detail::quote(s_.substr(i_, 20)) : std::string("the end of the header");
  }
  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  void expect(char c) {
    if (peek() != c) error(std::string("expected '") + c + "', found " + found());
    ++i_;
  }

  std::string string_literal(const char* what) {
    const char q = peek();
    if (q != '\'' && q != '"') error(std::string("expected ") + what + " in quotes, found " + found());
    const std::size_t start = ++i_;
    while (i_ < s_.size() && s_[i_] != q) {
      if (s_[i_] == '\\') error("escape sequences in strings are not supported");
      ++i_;
    }
    if (i_ == s_.size()) error("unterminated string");
    return std::string(s_.substr(start, i_++ - start));
  }

  bool boolean_literal() {
    if (s_.substr(i_, 4) == "True") {
      i_ += 4;
      return true;
    }
    if (s_.substr(i_, 5) == "False") {
      i_ += 5;
      return false;
    }
    error("expected True or False for fortran_order, found " + found());
  }

  std::vector<std::uint64_t> tuple_literal() {
    std::vector<std::uint64_t> dims;
    expect('(');
    for (;;) {
      skip_space();
      if (peek() == ')') break;
      const std::size_t start = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      std::uint64_t d = 0;
      const auto status = detail::parse_uint64(s_.substr(start, i_ - start), d);
      if (status == detail::NumberStatus::out_of_range)
        error("a dimension of 'shape' does not fit in 64 bits");
      if (status != detail::NumberStatus::ok)
        error("expected a non-negative dimension in 'shape', found " + found());
      if (peek() == 'L') ++i_;  // Python 2 long literal
      if (dims.size() == 32) error("'shape' has more than 32 dimensions");
      dims.push_back(d);
      skip_space();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      if (peek() != ')') error("expected ',' or ')' in 'shape', found " + found());
    }
    ++i_;  // ')'; "(5)" (an int in Python, never written by numpy) is accepted as (5,)
    return dims;
  }

  Dtype dtype(const std::string& descr) const {
    for (const Dtype& d : supported_dtypes)
      if (descr == d.descr) return d;
    if (!descr.empty() && descr[0] == '>')
      error("big-endian dtype " + detail::quote(descr) +
            " is not supported (convert with "
            "array.astype(array.dtype.newbyteorder('<')))");
    error("unsupported dtype " + detail::quote(descr) +
          " (supported: '<f4', '<f8', '|i1', '<i2', '<i4', '<i8', '|u1', '<u2', '<u4')");
  }

  const std::filesystem::path& file_;
  std::string_view s_;
  std::size_t i_ = 0;
};

std::uint64_t load_le(const unsigned char* p, int size) {
  std::uint64_t v = 0;
  for (int b = size - 1; b >= 0; --b) v = (v << 8) | p[b];
  return v;
}

FilePtr open_for_reading(const std::filesystem::path& file, std::uint64_t& file_size) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) fail(file, "is a directory, not a file");
  FilePtr fp(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!fp) fail(file, std::string("cannot open: ") + std::strerror(errno));
  file_size = std::filesystem::file_size(file, ec);
  if (ec) fail(file, "cannot determine the file size: " + ec.message());
  return fp;
}

void read_exact(std::FILE* fp, const std::filesystem::path& file, void* out, std::size_t n,
                const char* what) {
  if (std::fread(out, 1, n, fp) != n)
    fail(file, std::string("truncated file: could not read ") + what +
                   (std::ferror(fp) ? std::string(" (") + std::strerror(errno) + ")" : std::string()));
}

Header read_header(std::FILE* fp, const std::filesystem::path& file, std::uint64_t file_size) {
  unsigned char prefix[12];
  if (file_size < 10) fail(file, "not a .npy file: only " + std::to_string(file_size) + " bytes");
  read_exact(fp, file, prefix, 8, "the magic string");
  if (std::memcmp(prefix, magic, magic_length) != 0)
    fail(file, "not a .npy file: the file does not start with \"\\x93NUMPY\"");
  const int major = prefix[6], minor = prefix[7];
  if (major < 1 || major > 3 || minor != 0)
    fail(file, "unsupported .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                   " (supported: 1.0, 2.0, 3.0)");
  const int length_bytes = major == 1 ? 2 : 4;
  read_exact(fp, file, prefix + 8, static_cast<std::size_t>(length_bytes), "the header length");
  const std::uint64_t header_length = load_le(prefix + 8, length_bytes);
  Header h;
  h.data_offset = 8 + static_cast<std::uint64_t>(length_bytes) + header_length;
  if (header_length > max_header_length)
    fail(file, "npy header length " + std::to_string(header_length) + " exceeds the limit of " +
                   std::to_string(max_header_length) + " bytes");
  if (h.data_offset > file_size)
    fail(file, "truncated file: the header declares " + std::to_string(header_length) +
                   " bytes but the file has only " + std::to_string(file_size) + " bytes");
  std::string text(static_cast<std::size_t>(header_length), '\0');
  read_exact(fp, file, text.data(), text.size(), "the header");
  HeaderParser(file, text).parse(h);

  // Every product is overflow-checked and compared with the bytes the file really holds.
  for (std::uint64_t d : h.shape)
    if (__builtin_mul_overflow(h.elements, d, &h.elements))
      fail(file, "shape " + shape_string(h.shape) + " has too many elements (overflow)");
  std::uint64_t bytes = 0;
  if (__builtin_mul_overflow(h.elements, static_cast<std::uint64_t>(h.dtype.size), &bytes))
    fail(file, "shape " + shape_string(h.shape) + " has too many elements (overflow)");
  const std::uint64_t available = file_size - h.data_offset;
  if (bytes != available)
    fail(file, std::string(bytes > available ? "truncated file" : "unexpected trailing bytes") + ": shape " +
                   shape_string(h.shape) + " of " + detail::quote(h.dtype.descr) + " needs " +
                   std::to_string(bytes) + " data bytes, the file holds " + std::to_string(available));
  return h;
}

/// Calls sink(k, bytes) for every element k in file order, reading in 1 MiB blocks.
template <class Sink>
void for_each_element(std::FILE* fp, const std::filesystem::path& file, const Header& h, Sink&& sink) {
  const std::size_t size = static_cast<std::size_t>(h.dtype.size);
  const std::size_t per_block = (std::size_t{1} << 20) / size;
  std::vector<unsigned char> block(per_block * size);
  for (std::uint64_t first = 0; first < h.elements; first += per_block) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(per_block, h.elements - first));
    read_exact(fp, file, block.data(), n * size, "the array data");
    for (std::size_t k = 0; k < n; ++k) sink(first + k, block.data() + k * size);
  }
}

}  // namespace

MatrixF read_npy_matrix(const std::filesystem::path& file, const Limits& limits) {
  limits.validate();
  std::uint64_t file_size = 0;
  FilePtr fp = open_for_reading(file, file_size);
  const Header h = read_header(fp.get(), file, file_size);
  if (h.dtype.kind != 'f')
    fail(file,
         "expected a float32 or float64 array ('<f4', '<f8'), found dtype " + detail::quote(h.dtype.descr));
  if (h.shape.size() > 2) fail(file, "expected a 1-D or 2-D array, found shape " + shape_string(h.shape));
  const std::uint64_t rows = h.shape.empty() ? 1 : h.shape[0];
  const std::uint64_t cols = h.shape.size() == 2 ? h.shape[1] : 1;
  if (rows > static_cast<std::uint64_t>(limits.max_nodes))
    fail(file, "shape " + shape_string(h.shape) + ": " + std::to_string(rows) + " rows " +
                   ::gatkit::detail::limit_note(limits.max_nodes, "rows (nodes)", "max_nodes", "max-nodes"));
  if (cols > static_cast<std::uint64_t>(limits.max_feature_dim))
    fail(file, "shape " + shape_string(h.shape) + ": " + std::to_string(cols) + " columns " +
                   ::gatkit::detail::limit_note(limits.max_feature_dim, "features", "max_feature_dim", "max-features"));
  MatrixF m(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));  // size checked above
  float* out = m.data();
  const bool f8 = h.dtype.size == 8;
  for_each_element(fp.get(), file, h, [&](std::uint64_t k, const unsigned char* p) {
    const double v =
        f8 ? std::bit_cast<double>(load_le(p, 8))
           : static_cast<double>(std::bit_cast<float>(static_cast<std::uint32_t>(load_le(p, 4))));
    if (!std::isfinite(v) || std::fabs(v) > static_cast<double>(std::numeric_limits<float>::max()))
      fail(file, "element (" + std::to_string(k / cols) + ", " + std::to_string(k % cols) + ") is " +
                     (std::isnan(v)   ? "NaN"
                      : std::isinf(v) ? "infinite"
                                      : "out of range for float32") +
                     "; expected finite values");
    out[k] = static_cast<float>(v);
  });
  return m;
}

std::vector<std::int64_t> read_npy_integers(const std::filesystem::path& file, const Limits& limits) {
  limits.validate();
  std::uint64_t file_size = 0;
  FilePtr fp = open_for_reading(file, file_size);
  const Header h = read_header(fp.get(), file, file_size);
  if (h.dtype.kind == 'f')
    fail(file, "expected an integer array, found dtype " + detail::quote(h.dtype.descr));
  const bool column = h.shape.size() == 2 && h.shape[1] == 1;
  if (h.shape.size() > 1 && !column)
    fail(file, "expected a 1-D integer array, found shape " + shape_string(h.shape));
  if (h.elements > static_cast<std::uint64_t>(limits.max_nodes))
    fail(file, "shape " + shape_string(h.shape) + ": " + std::to_string(h.elements) + " values " +
                   ::gatkit::detail::limit_note(limits.max_nodes, "values (nodes)", "max_nodes", "max-nodes"));
  std::vector<std::int64_t> values(static_cast<std::size_t>(h.elements));
  const int size = h.dtype.size;
  const bool is_signed = h.dtype.kind == 'i';
  for_each_element(fp.get(), file, h, [&](std::uint64_t k, const unsigned char* p) {
    std::uint64_t v = load_le(p, size);
    if (is_signed && size < 8 && (v >> (8 * size - 1)) != 0) v |= ~std::uint64_t{0} << (8 * size);  // sign
    values[static_cast<std::size_t>(k)] = static_cast<std::int64_t>(v);
  });
  return values;
}

namespace {

// The 2-D float32 header of shape (rows, cols), padded with spaces so that the data starts at byte 128
// (numpy aligns the data to 64 bytes; any 2-D shape fits in 128), ending with '\n'.
std::string npy_header(std::int64_t rows, std::int64_t cols) {
  constexpr std::size_t kDataOffset = 128;
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                       std::to_string(cols) + "), }";
  const std::size_t prefix = magic_length + 2 + 2;
  header.append(kDataOffset - 1 - prefix - header.size(), ' ');
  header += '\n';
  const auto length = static_cast<std::uint16_t>(header.size());
  std::string out(magic, magic_length);
  out += static_cast<char>(1);  // format 1.0
  out += static_cast<char>(0);
  out += static_cast<char>(length & 0xff);
  out += static_cast<char>(length >> 8);
  return out + header;
}

}  // namespace

NpyRowWriter::NpyRowWriter(std::ostream& out, std::int64_t cols) : out_(out), cols_(cols) {
  GATKIT_REQUIRE(cols >= 0, "npy: negative column count");
  start_ = out_.tellp();
  const std::string placeholder = npy_header(0, cols_);  // rewritten by finish() with the row count
  out_.write(placeholder.data(), static_cast<std::streamsize>(placeholder.size()));
}

void NpyRowWriter::write_row(const float* row) {
  // Little-endian float32, C order.
  block_.resize(4 * static_cast<std::size_t>(cols_));
  for (std::int64_t k = 0; k < cols_; ++k) {
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(row[k]);
    for (int b = 0; b < 4; ++b) block_[4 * static_cast<std::size_t>(k) + b] = static_cast<char>(bits >> (8 * b));
  }
  out_.write(block_.data(), static_cast<std::streamsize>(block_.size()));
  ++rows_;
}

void NpyRowWriter::finish() {
  const std::streampos end = out_.tellp();
  const std::string header = npy_header(rows_, cols_);
  out_.seekp(start_);
  out_.write(header.data(), static_cast<std::streamsize>(header.size()));
  out_.seekp(end);
}

void write_npy_matrix(const std::filesystem::path& file, const MatrixF& m) {
  write_file_atomically(file, [&](std::ostream& out) {
    NpyRowWriter writer(out, m.cols());
    for (Eigen::Index i = 0; out && i < m.rows(); ++i) writer.write_row(m.row(i).data());  // rows are contiguous
    writer.finish();
  });
}

}  // namespace gatkit::io
