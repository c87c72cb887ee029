//===- KernelBuilder.cpp - helpers to build kernel bodies -----------------===//
//
// Kernels compute offsets in i32 (every buffer is checked to have fewer than
// 2^31 elements) and cast to index only at memory accesses: 64-bit address
// arithmetic would double the integer registers and instructions.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace mlir::mpt;
using namespace mlir::mpt::mma;

Value KernelBuilder::i32(int64_t v) {
  return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v);
}

Value KernelBuilder::idx(int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value KernelBuilder::f32(double v) {
  return arith::ConstantFloatOp::create(b, loc, b.getF32Type(),
                                        APFloat(float(v)));
}

std::optional<int64_t> KernelBuilder::constant(Value v) {
  APInt value;
  if (matchPattern(v, m_ConstantInt(&value)))
    return value.getSExtValue();
  return std::nullopt;
}

Value KernelBuilder::add(Value x, Value y) {
  return b.createOrFold<arith::AddIOp>(loc, x, y);
}

Value KernelBuilder::sub(Value x, Value y) {
  return b.createOrFold<arith::SubIOp>(loc, x, y);
}

Value KernelBuilder::mul(Value x, int64_t y) {
  if (y == 0)
    return i32(0);
  if (y == 1)
    return x;
  return b.createOrFold<arith::MulIOp>(loc, x, i32(y));
}

Value KernelBuilder::mul(Value x, Value y) {
  return b.createOrFold<arith::MulIOp>(loc, x, y);
}

Value KernelBuilder::div(Value x, int64_t y) {
  if (y == 1)
    return x;
  if (llvm::isPowerOf2_64(y))
    return b.createOrFold<arith::ShRUIOp>(loc, x, i32(llvm::Log2_64(y)));
  return b.createOrFold<arith::DivUIOp>(loc, x, i32(y));
}

Value KernelBuilder::rem(Value x, int64_t y) {
  if (y == 1)
    return i32(0);
  if (llvm::isPowerOf2_64(y))
    return b.createOrFold<arith::AndIOp>(loc, x, i32(y - 1));
  return b.createOrFold<arith::RemUIOp>(loc, x, i32(y));
}

Value KernelBuilder::xorI(Value x, Value y) {
  return b.createOrFold<arith::XOrIOp>(loc, x, y);
}

Value KernelBuilder::andI(Value x, Value y) {
  return b.createOrFold<arith::AndIOp>(loc, x, y);
}

Value KernelBuilder::lt(Value x, Value y) {
  return b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, x, y);
}

Value KernelBuilder::ge(Value x, int64_t y) {
  return b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::sge, x,
                                       i32(y));
}

Value KernelBuilder::eq(Value x, int64_t y) {
  return b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, x,
                                       i32(y));
}

Value KernelBuilder::both(Value p, Value q) {
  if (!p)
    return q;
  if (!q)
    return p;
  return b.createOrFold<arith::AndIOp>(loc, p, q);
}

Value KernelBuilder::select(Value p, Value x, Value y) {
  return b.createOrFold<arith::SelectOp>(loc, p, x, y);
}

Value KernelBuilder::minI(Value x, Value y) {
  return b.createOrFold<arith::MinSIOp>(loc, x, y);
}

Value KernelBuilder::toIndex(Value x) {
  return b.createOrFold<arith::IndexCastUIOp>(loc, b.getIndexType(), x);
}

//===----------------------------------------------------------------------===//
// Kernels and operands
//===----------------------------------------------------------------------===//

gpu::GPUFuncOp mma::createKernel(OpBuilder &b, Location loc,
                                 gpu::GPUModuleOp kernels, StringRef family,
                                 ValueRange operands, int64_t threads,
                                 StringRef tileName) {
  SymbolTable table(kernels);
  std::string name;
  for (int64_t i = 0;; ++i) {
    name = (family + "_" + Twine(i)).str();
    if (!table.lookup(name))
      break;
  }
  OpBuilder::InsertionGuard guard(b);
  Block *body = kernels.getBody();
  if (!body->empty() && body->back().hasTrait<OpTrait::IsTerminator>())
    b.setInsertionPoint(&body->back());
  else
    b.setInsertionPointToEnd(body);
  auto type = b.getFunctionType(TypeRange(operands), {});
  auto func = gpu::GPUFuncOp::create(b, loc, name, type);
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  func.setKnownBlockSizeAttr(b.getDenseI32ArrayAttr({int32_t(threads), 1, 1}));
  // One resident block is all the kernel asks for: without the hint,
  // ptxas for sm_90 may cap registers for occupancy and spill.
  func->setAttr(NVVM::NVVMDialect::getMinctasmAttrName(),
                b.getI32IntegerAttr(1));
  func->setAttr("mpt.kernel_family", b.getStringAttr(family));
  func->setAttr("mpt.tile", b.getStringAttr(tileName));
  return func;
}

Value mma::flatView(OpBuilder &b, Location loc, Value memref, int64_t span) {
  auto type = cast<MemRefType>(memref.getType());
  auto flatType =
      MemRefType::get({span}, type.getElementType(),
                      MemRefLayoutAttrInterface(), type.getMemorySpace());
  return memref::ReinterpretCastOp::create(b, loc, flatType, memref,
                                           /*offset=*/0, /*sizes=*/{span},
                                           /*strides=*/{1});
}

unsigned OperandList::add(Value v) {
  for (auto [i, x] : llvm::enumerate(vals))
    if (x == v)
      return i;
  vals.push_back(v);
  return vals.size() - 1;
}

void mma::decompose(KernelBuilder &kb, Value flat, ArrayRef<unsigned> dims,
                    ArrayRef<int64_t> extents, Coordinates &coords) {
  Value rest = flat;
  for (int i = int(dims.size()) - 1; i >= 0; --i) {
    unsigned d = dims[i];
    if (i == 0) {
      coords.values[d] = rest;
      break;
    }
    coords.values[d] = kb.rem(rest, extents[d]);
    rest = kb.div(rest, extents[d]);
  }
}

Value mma::linearOffset(KernelBuilder &kb, const Access &access,
                        ArrayRef<unsigned> dims, const Coordinates &coords) {
  Value off = kb.i32(0);
  for (unsigned d : dims) {
    int64_t s = access.effectiveStride(d);
    if (s != 0)
      off = kb.add(off, kb.mul(coords.values[d], s));
  }
  return off;
}
