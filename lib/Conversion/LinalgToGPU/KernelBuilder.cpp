//===- KernelBuilder.cpp - building GPU kernels and launches --------------===//

#include "KernelBuilder.h"

#include "mpt/Conversion/LinalgToGPU/LinalgToGPU.h"

#include "mlir/Dialect/Affine/Utils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"

#include <limits>

using namespace mlir;
using namespace mlir::mpt;
using namespace mlir::mpt::gpukernels;

gpu::GPUModuleOp
mlir::mpt::gpukernels::getOrCreateKernelModule(ModuleOp module) {
  for (auto existing : module.getOps<gpu::GPUModuleOp>())
    if (existing.getName() == kKernelModuleName)
      return existing;
  OpBuilder b(module.getContext());
  b.setInsertionPointToEnd(module.getBody());
  auto kernels =
      gpu::GPUModuleOp::create(b, module.getLoc(), kKernelModuleName);
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                  b.getUnitAttr());
  return kernels;
}

gpu::GPUFuncOp
mlir::mpt::gpukernels::createKernel(OpBuilder &b, gpu::GPUModuleOp kernels,
                                    StringRef family, TypeRange argTypes,
                                    const LaunchDims &dims, Location loc) {
  b.setInsertionPointToEnd(kernels.getBody());
  // `<family>_<n>`, n counting the kernels of the module.
  size_t n =
      std::distance(kernels.getBody()->begin(), kernels.getBody()->end());
  std::string name;
  do
    name = (family + "_" + Twine(n++)).str();
  while (SymbolTable::lookupSymbolIn(kernels, name));
  auto func =
      gpu::GPUFuncOp::create(b, loc, name, b.getFunctionType(argTypes, {}));
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  func.setKnownBlockSizeAttr(b.getDenseI32ArrayAttr(
      {static_cast<int32_t>(dims.block[0]), static_cast<int32_t>(dims.block[1]),
       static_cast<int32_t>(dims.block[2])}));
  func->setAttr("mpt.kernel_family", b.getStringAttr(family));
  b.setInsertionPointToStart(&func.getBody().front());
  b.setInsertionPoint(gpu::ReturnOp::create(b, loc));
  return func;
}

gpu::LaunchFuncOp mlir::mpt::gpukernels::createLaunch(OpBuilder &b,
                                                      Location loc,
                                                      gpu::GPUFuncOp kernel,
                                                      const LaunchDims &dims,
                                                      ValueRange operands) {
  auto c = [&](int64_t v) { return indexConstant(b, loc, v); };
  gpu::KernelDim3 grid{c(dims.grid[0]), c(dims.grid[1]), c(dims.grid[2])};
  gpu::KernelDim3 block{c(dims.block[0]), c(dims.block[1]), c(dims.block[2])};
  Value shared;
  if (dims.sharedBytes)
    shared =
        arith::ConstantIntOp::create(b, loc, b.getI32Type(), dims.sharedBytes);
  return gpu::LaunchFuncOp::create(b, loc, kernel, grid, block, shared,
                                   operands);
}

Value mlir::mpt::gpukernels::indexConstant(OpBuilder &b, Location loc,
                                           int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

SmallVector<Value> mlir::mpt::gpukernels::applyMap(OpBuilder &b, Location loc,
                                                   AffineMap map,
                                                   ArrayRef<Value> dims) {
  SmallVector<Value> out;
  for (AffineExpr expr : map.getResults())
    out.push_back(affine::expandAffineExpr(b, loc, expr, dims, {}));
  return out;
}

SmallVector<Value>
mlir::mpt::gpukernels::delinearize(OpBuilder &b, Location loc, Value linear,
                                   ArrayRef<int64_t> extents) {
  SmallVector<Value> coords(extents.size());
  for (int64_t i = static_cast<int64_t>(extents.size()) - 1; i >= 0; --i) {
    if (i == 0) {
      coords[0] = linear;
      break;
    }
    Value extent = indexConstant(b, loc, extents[i]);
    coords[i] = arith::RemUIOp::create(b, loc, linear, extent);
    linear = arith::DivUIOp::create(b, loc, linear, extent);
  }
  return coords;
}

SmallVector<Value>
mlir::mpt::gpukernels::inlineGenericBody(OpBuilder &b,
                                         linalg::GenericOp generic,
                                         ValueRange args, ArrayRef<Value> ivs) {
  Block &body = generic.getRegion().front();
  IRMapping mapping;
  for (auto [arg, value] : llvm::zip(body.getArguments(), args))
    if (value)
      mapping.map(arg, value);
  SetVector<Value> captured;
  getUsedValuesDefinedAbove(generic.getRegion(), captured);
  for (Value v : captured)
    mapping.map(v, b.clone(*v.getDefiningOp())->getResult(0));
  for (Operation &op : body.without_terminator()) {
    if (auto index = dyn_cast<linalg::IndexOp>(op)) {
      mapping.map(index.getResult(), ivs[index.getDim()]);
      continue;
    }
    b.clone(op, mapping);
  }
  SmallVector<Value> yielded;
  for (Value v : body.getTerminator()->getOperands())
    yielded.push_back(mapping.lookupOrDefault(v));
  return yielded;
}

//===----------------------------------------------------------------------===//
// Combiners
//===----------------------------------------------------------------------===//

/// The identity of `op` on `type`, or null when `op` is not a combiner.
static TypedAttr combinerIdentity(Operation *op, Type type) {
  Builder b(op->getContext());
  if (auto ft = dyn_cast<FloatType>(type)) {
    const llvm::fltSemantics &sem = ft.getFloatSemantics();
    auto f = [&](APFloat v) -> TypedAttr { return b.getFloatAttr(ft, v); };
    if (isa<arith::AddFOp>(op))
      return f(APFloat::getZero(sem, /*Negative=*/true));
    if (isa<arith::MulFOp>(op))
      return f(APFloat::getOne(sem));
    if (isa<arith::MaximumFOp>(op))
      return f(APFloat::getInf(sem, /*Negative=*/true));
    if (isa<arith::MinimumFOp>(op))
      return f(APFloat::getInf(sem));
    if (isa<arith::MaxNumFOp, arith::MinNumFOp>(op))
      return f(APFloat::getQNaN(sem));
    return {};
  }
  auto it = dyn_cast<IntegerType>(type);
  if (!it)
    return {};
  unsigned w = it.getWidth();
  auto i = [&](APInt v) -> TypedAttr { return b.getIntegerAttr(it, v); };
  if (isa<arith::AddIOp, arith::OrIOp, arith::XOrIOp, arith::MaxUIOp>(op))
    return i(APInt::getZero(w));
  if (isa<arith::MulIOp>(op))
    return i(APInt(w, 1));
  if (isa<arith::AndIOp, arith::MinUIOp>(op))
    return i(APInt::getAllOnes(w));
  if (isa<arith::MaxSIOp>(op))
    return i(APInt::getSignedMinValue(w));
  if (isa<arith::MinSIOp>(op))
    return i(APInt::getSignedMaxValue(w));
  return {};
}

std::optional<SmallVector<Combiner>>
gpukernels::matchCombiners(linalg::GenericOp generic) {
  Block &body = generic.getRegion().front();
  unsigned numInputs = generic.getNumDpsInputs();
  Operation *yield = body.getTerminator();

  // Everything that depends on an output's running value.
  DenseSet<Value> dependsOnOutputs;
  for (unsigned i = numInputs, e = body.getNumArguments(); i < e; ++i)
    dependsOnOutputs.insert(body.getArgument(i));
  for (Operation &op : body.without_terminator())
    if (llvm::any_of(op.getOperands(),
                     [&](Value v) { return dependsOnOutputs.contains(v); }))
      for (Value r : op.getResults())
        dependsOnOutputs.insert(r);

  SmallVector<Combiner> combiners;
  for (unsigned i = 0, e = generic.getNumDpsInits(); i < e; ++i) {
    BlockArgument out = body.getArgument(numInputs + i);
    Value yielded = yield->getOperand(i);
    Operation *op = yielded.getDefiningOp();
    if (!op || op->getBlock() != &body || op->getNumOperands() != 2 ||
        op->getNumResults() != 1 || !out.hasOneUse() ||
        *out.getUsers().begin() != op || !yielded.hasOneUse())
      return std::nullopt;
    Value other =
        op->getOperand(0) == out ? op->getOperand(1) : op->getOperand(0);
    if (dependsOnOutputs.contains(other))
      return std::nullopt;
    TypedAttr identity = combinerIdentity(op, out.getType());
    if (!identity)
      return std::nullopt;
    combiners.push_back({op, identity});
  }
  return combiners;
}

Value mlir::mpt::gpukernels::combine(OpBuilder &b, Location loc,
                                     const Combiner &combiner, Value lhs,
                                     Value rhs) {
  OperationState state(loc, combiner.op->getName());
  state.addOperands({lhs, rhs});
  state.addTypes(combiner.op->getResultTypes());
  state.addAttributes(combiner.op->getAttrs());
  return b.create(state)->getResult(0);
}
