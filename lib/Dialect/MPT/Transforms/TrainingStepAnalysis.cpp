//===- TrainingStepAnalysis.cpp - measurements of a training step ---------===//

#include "mpt/Dialect/MPT/Transforms/TrainingStepAnalysis.h"

#include "mpt/Dialect/MPT/IR/MPTOps.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace mlir::mpt;

/// Bytes of a statically shaped value of integers or floats (0 when dynamic,
/// and for index and other types, which are not activations).
static int64_t staticBytes(Type type) {
  Type element = getElementTypeOrSelf(type);
  if (!element.isIntOrFloat())
    return 0;
  int64_t width = (element.getIntOrFloatBitWidth() + 7) / 8;
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped)
    return width;
  return shaped.hasStaticShape() ? shaped.getNumElements() * width : 0;
}

std::optional<int64_t>
mlir::mpt::measureSavedActivationBytes(func::FuncOp func) {
  SetVector<Operation *> forward;
  func.walk([&](LossOp loss) {
    BackwardSliceOptions options;
    options.inclusive = true;
    (void)getBackwardSlice(loss.getOperation(), &forward, options);
  });
  if (forward.empty())
    return std::nullopt;
  int64_t bytes = 0;
  for (Operation *op : forward) {
    if (isa<arith::ConstantOp, tensor::EmptyOp>(op))
      continue;
    if (isa<CastOp>(op) && isa<BlockArgument>(op->getOperand(0)))
      continue;
    for (Value result : op->getResults()) {
      bool readLater = llvm::any_of(result.getUsers(), [&](Operation *user) {
        return !forward.contains(user) &&
               !isa<func::ReturnOp, GradSeedOp>(user);
      });
      if (readLater)
        bytes += staticBytes(result.getType());
    }
  }
  return bytes;
}
