//===- LinalgMatchers.h - shared matchers of contraction epilogues --------===//
//
// Shared by mpt-fuse-conv-bias-relu and mpt-fold-batchnorm, which both read
// the ops after a convolution: the zero accumulator it starts from, and
// per-channel vectors broadcast to the full result shape. Header-only and
// private to lib/Dialect/MPT/Transforms.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_LIB_DIALECT_MPT_TRANSFORMS_LINALGMATCHERS_H
#define MPT_LIB_DIALECT_MPT_TRANSFORMS_LINALGMATCHERS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/STLExtras.h"

#include <optional>

namespace mlir::mpt::detail {

/// True for a tensor that is zero everywhere: a splat constant or a
/// `linalg.fill` on tensors of a zero constant; +0.0 only when
/// `positiveOnly`, else +0.0 or -0.0.
inline bool isZeroTensor(Value v, bool positiveOnly) {
  auto isZero = [&](Value s) {
    return positiveOnly ? matchPattern(s, m_PosZeroFloat())
                        : matchPattern(s, m_AnyZeroFloat());
  };
  if (isZero(v))
    return true;
  auto fill = v.getDefiningOp<linalg::FillOp>();
  return fill && fill.hasPureTensorSemantics() && isZero(fill.getInputs()[0]);
}

/// True for an accumulator init that is +0.0 everywhere (a -0.0 init could
/// change the sign of a zero result, so it is not accepted).
inline bool isPosZeroInit(Value v) {
  return isZeroTensor(v, /*positiveOnly=*/true);
}

/// A 1-D tensor broadcast to the full shape of `full` along every dimension
/// but one: `vector` and the dimension it runs along.
struct BroadcastVector {
  Value vector;
  int64_t dim;
};

/// Matches `full` (a ranked tensor) as a 1-D tensor broadcast to its shape,
/// through `linalg.broadcast` or a `linalg.generic` on tensors with only
/// parallel loops that yields its single input, read through a map with one
/// dimension result. The vector's size is not checked against `full`'s.
inline std::optional<BroadcastVector> matchBroadcastVector(Value full) {
  auto type = dyn_cast<RankedTensorType>(full.getType());
  if (!type)
    return std::nullopt;
  int64_t rank = type.getRank();
  auto is1D = [](Value v) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    return t && t.getRank() == 1;
  };
  if (auto bcast = full.getDefiningOp<linalg::BroadcastOp>()) {
    if (!bcast.hasPureTensorSemantics() || !is1D(bcast.getInput()))
      return std::nullopt;
    ArrayRef<int64_t> added = bcast.getDimensions();
    for (int64_t d = 0; d < rank; ++d)
      if (!llvm::is_contained(added, d))
        return BroadcastVector{bcast.getInput(), d};
    return std::nullopt;
  }
  auto g = full.getDefiningOp<linalg::GenericOp>();
  if (!g || !g.hasPureTensorSemantics() || g.getNumDpsInputs() != 1 ||
      g.getNumDpsInits() != 1 || g.getNumLoops() != rank ||
      g.getNumParallelLoops() != g.getNumLoops() ||
      !g.getMatchingIndexingMap(g.getDpsInitOperand(0)).isIdentity())
    return std::nullopt;
  OpOperand *in = g.getDpsInputOperand(0);
  auto yield = cast<linalg::YieldOp>(g.getBody()->getTerminator());
  AffineMap map = g.getMatchingIndexingMap(in);
  if (yield.getNumOperands() != 1 ||
      yield.getOperand(0) != g.getMatchingBlockArgument(in) ||
      !is1D(in->get()) || map.getNumResults() != 1 || map.getNumSymbols() != 0)
    return std::nullopt;
  auto dim = dyn_cast<AffineDimExpr>(map.getResult(0));
  if (!dim)
    return std::nullopt;
  return BroadcastVector{in->get(), dim.getPosition()};
}

} // namespace mlir::mpt::detail

#endif // MPT_LIB_DIALECT_MPT_TRANSFORMS_LINALGMATCHERS_H
