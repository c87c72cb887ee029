//===- Init.h - Initial values of state tensors ---------------*- C++ -*-===//
//
// The initialisation contract shared with the Python frontend
// (python/mpt/init.py), bit for bit. Uniform element i (row-major linear
// index) of a tensor with seed s, all integer arithmetic modulo 2^64:
//
//   z = s + (i + 1) * 0x9E3779B97F4A7C15
//   z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
//   z = (z ^ (z >> 27)) * 0x94D049BB133111EB
//   z = z ^ (z >> 31)
//   u = (z >> 11) * 2^-53                  a double in [0, 1)
//   value = low + (high - low) * u         in double, then one rounding
//                                          to the tensor's type (RNE)
//
// `constant` rounds its value once to the type, `zeros` is all-zero bytes,
// `cast_of` converts another state tensor's initial value (RNE).
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_INIT_H
#define MPT_RUNTIME_INIT_H

#include "mpt-runtime/Signature.h"
#include "mpt-runtime/Status.h"

#include <cstddef>
#include <cstdint>

namespace mpt {
namespace rt {

/// The SplitMix64 output for element `index` of a tensor seeded `seed`.
uint64_t splitmix64At(uint64_t seed, uint64_t index);
/// `(splitmix64At(seed, index) >> 11) * 2^-53`: a double in [0, 1).
double uniform01At(uint64_t seed, uint64_t index);

/// Writes the initial value of `spec` (zeros, constant or uniform) into
/// `dst` (spec.byteSize() bytes). cast_of and a missing init are errors
/// here: the session resolves cast_of through convertElements.
Status fillInitialValue(const TensorSpec &spec, void *dst);
/// The same for elements [first, first + count) (row-major) only, into
/// `dst` (count elements): large tensors are initialised piece by piece.
Status fillInitialValue(const TensorSpec &spec, void *dst, uint64_t first,
                        uint64_t count);

/// Converts `count` elements between float types with one rounding (RNE).
/// Integer types are converted exactly (values must be representable).
void convertElements(DType from, const void *src, DType to, void *dst,
                     size_t count);

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_INIT_H
