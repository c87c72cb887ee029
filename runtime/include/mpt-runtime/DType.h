//===- DType.h - Element types and exact conversions ----------*- C++ -*-===//
//
// The element types a signature table may name, their sizes, and the exact
// conversions the runtime needs (initialisation, casts of working copies,
// reading back losses and scales): every narrowing conversion rounds to
// nearest, ties to even, with IEEE overflow to infinity and subnormals, as
// MLIR's arith.truncf does.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_DTYPE_H
#define MPT_RUNTIME_DTYPE_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mpt {
namespace rt {

/// Element types. The numeric values are part of the checkpoint format.
enum class DType : uint8_t {
  F32 = 1,
  F16 = 2,
  BF16 = 3,
  F64 = 4,
  I1 = 5, ///< one byte per element, 0 or 1
  I8 = 6,
  I32 = 7,
  I64 = 8,
};

/// "f32", "f16", "bf16", "f64", "i1", "i8", "i32", "i64".
const char *dtypeName(DType t);
std::optional<DType> parseDType(std::string_view name);
/// Bytes per element (i1 is one byte).
size_t dtypeSize(DType t);
bool isFloat(DType t);
bool isInteger(DType t);

/// Rounds `x` to the binary format with `expBits` exponent and `manBits`
/// fraction bits (round to nearest even, overflow to infinity, subnormals)
/// and returns the bit pattern. NaN keeps its sign and the top fraction bits
/// and is made quiet.
uint64_t roundDoubleToBits(double x, int expBits, int manBits);
uint16_t doubleToHalfBits(double x);
uint16_t doubleToBF16Bits(double x);
/// One rounding from double to f32 (the C++ conversion, RNE).
float doubleToFloat(double x);
double halfBitsToDouble(uint16_t h);
double bf16BitsToDouble(uint16_t b);

/// Writes `x` as one element of type `t` at `dst`, rounding floats to
/// nearest even. Integers are converted with C truncation, saturating at
/// the type's range (NaN -> 0); i1 is 1 for any non-zero `x`.
void storeElement(DType t, double x, void *dst);
/// Reads one element of type `t` as a double (exact for every type except
/// i64 beyond 2^53).
double loadElement(DType t, const void *src);

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_DTYPE_H
