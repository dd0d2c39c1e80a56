#pragma once
// One flat parameter buffer per model. Layers register named blocks while the model is constructed,
// then allocate() creates the value and gradient buffers; layers read their blocks through Eigen::Map
// views. The optimizer, the checkpoint writer and the gradient checker all see the single vector.
#include <cstdint>
#include <string>
#include <vector>

#include "gatkit/tensor.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit {

template <class T>
class Parameters {
 public:
  struct Block {
    std::string name;
    std::int64_t rows = 0, cols = 0;
    std::int64_t offset = 0;
    bool decay = true;  ///< subject to L2 weight decay (every block of the GAT models is, biases too, as in
                        ///< PyTorch Geometric's Adam(weight_decay) and the GAT reference code)
  };
  using MatrixMap = Eigen::Map<RowMatrix<T>>;
  using ConstMatrixMap = Eigen::Map<const RowMatrix<T>>;

  /// Registers a rows x cols block and returns its handle. Only before allocate().
  int add(std::string name, std::int64_t rows, std::int64_t cols, bool decay = true) {
    GATKIT_REQUIRE(values_.size() == 0, "parameters: add() after allocate()");
    blocks_.push_back({std::move(name), rows, cols, size_, decay});
    size_ += rows * cols;
    return static_cast<int>(blocks_.size()) - 1;
  }
  void allocate() {
    values_.setZero(size_);
    grads_.setZero(size_);
  }

  std::int64_t size() const { return size_; }
  const std::vector<Block>& blocks() const { return blocks_; }
  Vector<T>& values() { return values_; }
  const Vector<T>& values() const { return values_; }
  Vector<T>& grads() { return grads_; }
  const Vector<T>& grads() const { return grads_; }
  void zero_grads() { grads_.setZero(); }

  MatrixMap value(int h) { return map(values_.data(), h); }
  ConstMatrixMap value(int h) const { return cmap(values_.data(), h); }
  MatrixMap grad(int h) { return map(grads_.data(), h); }
  ConstMatrixMap grad(int h) const { return cmap(grads_.data(), h); }

 private:
  MatrixMap map(T* base, int h) const {
    const Block& b = blocks_[static_cast<std::size_t>(h)];
    return MatrixMap(base + b.offset, b.rows, b.cols);
  }
  ConstMatrixMap cmap(const T* base, int h) const {
    const Block& b = blocks_[static_cast<std::size_t>(h)];
    return ConstMatrixMap(base + b.offset, b.rows, b.cols);
  }

  std::vector<Block> blocks_;
  std::int64_t size_ = 0;
  Vector<T> values_, grads_;
};

}  // namespace gatkit
