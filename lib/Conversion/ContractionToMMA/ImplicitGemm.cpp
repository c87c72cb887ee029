//===- ImplicitGemm.cpp - convolutions as implicit GEMMs ------------------===//
//
// A convolution is a GEMM whose operand indices are affine sums of loops:
//
//   fprop  out[n, p, q, f] += x[n, p*sh + r*dh - ph, q*sw + s*dw - pw, c]
//                             * w[r, s, c, f]
//          M = (n, p, q), N = f, K = (r, s, c)
//   dgrad  dx[n, h, w, c] += dy'[n, h - r + ph', w - s + pw', f] * w[r, s, c,
//   f]
//          (dy' is dy zero-padded, and dilated by the stride: the frontend's
//          flipped-filter form), M = (n, h, w), N = c, K = (r, s, f)
//   wgrad  dw[r, s, c, f] += x'[n, p*sh + r*dh, q*sw + s*dw, c] * dy[n, p, q,
//   f]
//          M = (r, s, c), N = f, K = (n, p, q)
//
// No im2col buffer exists: each thread loading a tile element splits its
// flattened GEMM row (fixed for the whole reduction) and reduction index
// (moving with each tile) into loop coordinates, and sums coordinate times
// stride. A folded zero padding (the primes above) becomes a window test on
// the logical index: outside it the load reads zeros (cp.async with a zero
// source size, at a clamped address), so the padded buffer never exists.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::mpt;
using namespace mlir::mpt::mma;

/// Sum of coeff(r, d) * coords[d] over `dims` for index `r`.
static Value indexPart(KernelBuilder &kb, const LinearExpr &e,
                       ArrayRef<unsigned> dims, const Coordinates &coords) {
  Value sum = kb.i32(0);
  for (unsigned d : dims)
    if (e.coeffs[d] != 0)
      sum = kb.add(sum, kb.mul(coords.values[d], e.coeffs[d]));
  return sum;
}

OperandAddress mma::addressFixedPart(KernelBuilder &kb, const Access &access,
                                     ArrayRef<unsigned> fixedDims,
                                     const Coordinates &coords) {
  OperandAddress addr;
  SmallVector<int64_t> strides = access.strides();
  int64_t base = access.offset();
  Value off = kb.i32(0);
  for (auto [r, e] : llvm::enumerate(access.indices)) {
    bool windowed = access.hasWindows() && !access.windows[r].trivial;
    if (!windowed) {
      base += e.constant * strides[r];
      for (unsigned d : fixedDims)
        if (e.coeffs[d] != 0)
          off = kb.add(off, kb.mul(coords.values[d], e.coeffs[d] * strides[r]));
      addr.fixedIndex.push_back(Value());
      continue;
    }
    const PadWindow &w = access.windows[r];
    Value rel = kb.add(indexPart(kb, e, fixedDims, coords),
                       kb.i32(e.constant - w.offset));
    addr.fixedIndex.push_back(rel);
  }
  addr.fixedOffset = kb.add(off, kb.i32(base));
  return addr;
}

Value mma::addressMovingPart(KernelBuilder &kb, const Access &access,
                             const OperandAddress &fixed,
                             ArrayRef<unsigned> movingDims,
                             const Coordinates &coords, Value extraValid,
                             Value &valid) {
  SmallVector<int64_t> strides = access.strides();
  Value off = fixed.fixedOffset;
  valid = kb.both(fixed.fixedValid, extraValid);
  for (auto [r, e] : llvm::enumerate(access.indices)) {
    bool windowed = access.hasWindows() && !access.windows[r].trivial;
    if (!windowed) {
      for (unsigned d : movingDims)
        if (e.coeffs[d] != 0)
          off = kb.add(off, kb.mul(coords.values[d], e.coeffs[d] * strides[r]));
      continue;
    }
    const PadWindow &w = access.windows[r];
    Value rel =
        kb.add(fixed.fixedIndex[r], indexPart(kb, e, movingDims, coords));
    if (w.stride == 1) {
      // 0 <= rel < size as one unsigned comparison.
      Value in = kb.b.createOrFold<arith::CmpIOp>(
          kb.loc, arith::CmpIPredicate::ult, rel, kb.i32(w.size));
      valid = kb.both(valid, in);
      off = kb.add(off, kb.mul(rel, strides[r]));
      continue;
    }
    // A dilated buffer: only every stride-th logical index holds data.
    Value nonNeg = kb.ge(rel, 0);
    Value relc = kb.select(nonNeg, rel, kb.i32(0));
    Value q = kb.div(relc, w.stride);
    Value rm = kb.rem(relc, w.stride);
    valid = kb.both(valid, nonNeg);
    valid = kb.both(valid, kb.lt(q, w.size));
    valid = kb.both(valid, kb.eq(rm, 0));
    off = kb.add(off, kb.mul(q, strides[r]));
  }
  if (!valid)
    return off;
  // Never an out-of-bounds address: invalid elements read the base.
  return kb.select(valid, off, kb.i32(0));
}

std::string mma::classifyFamily(const GemmProblem &p) {
  // Convolution windows show in the original maps: an operand index that
  // sums an output-side loop (M or N) and a reduction loop. Unit loops
  // count (a 1x1 filter is still a convolution).
  linalg::LinalgOp op = p.op;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  bool conv = false, flipped = false;
  int64_t outputSideExtent = 0, reductionExtent = 0;
  for (unsigned operand = 0; operand < 2; ++operand) {
    for (AffineExpr e : maps[operand].getResults()) {
      SmallVector<std::pair<unsigned, int64_t>> terms;
      bool linear = true;
      std::function<void(AffineExpr, int64_t)> walk = [&](AffineExpr x,
                                                          int64_t mult) {
        if (auto d = dyn_cast<AffineDimExpr>(x)) {
          terms.push_back({d.getPosition(), mult});
        } else if (auto bin = dyn_cast<AffineBinaryOpExpr>(x)) {
          if (bin.getKind() == AffineExprKind::Add) {
            walk(bin.getLHS(), mult);
            walk(bin.getRHS(), mult);
          } else if (bin.getKind() == AffineExprKind::Mul) {
            if (auto c = dyn_cast<AffineConstantExpr>(bin.getRHS()))
              walk(bin.getLHS(), mult * c.getValue());
            else if (auto c = dyn_cast<AffineConstantExpr>(bin.getLHS()))
              walk(bin.getRHS(), mult * c.getValue());
            else
              linear = false;
          } else {
            linear = false;
          }
        } else if (!isa<AffineConstantExpr>(x)) {
          linear = false;
        }
      };
      walk(e, 1);
      if (!linear || terms.size() < 2)
        continue;
      auto isReduction = [&](unsigned d) {
        return iterators[d] == utils::IteratorType::reduction;
      };
      for (auto [d, c] : terms) {
        if (c < 0)
          flipped = true;
        if (isReduction(d))
          reductionExtent = std::max(reductionExtent, p.loopExtents[d]);
        else
          outputSideExtent = std::max(outputSideExtent, p.loopExtents[d]);
      }
      conv = true;
    }
  }
  if (!conv)
    return p.batch > 1 ? "batched_gemm" : "gemm";
  if (flipped)
    return "conv_dgrad";
  // Named convolution ops are forward convolutions. Otherwise fprop and
  // wgrad have the same structure (each slides one operand over the
  // other): fprop slides a small filter (reduction loops) over a large
  // output, wgrad the large output gradient (reduction loops) over the
  // small filter.
  if (isa<linalg::ConvolutionOpInterface>(op.getOperation()))
    return "conv_fprop";
  return reductionExtent < outputSideExtent ? "conv_fprop" : "conv_wgrad";
}
