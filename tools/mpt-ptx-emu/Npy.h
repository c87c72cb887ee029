//===- Npy.h - Minimal .npy reader and writer -------------------*- C++ -*-===//
//
// Reads and writes NumPy .npy files (format versions 1.0, 2.0 and 3.0),
// little-endian, C order, for the dtypes kernels exchange: f16, f32, f64,
// i8/u8, i16/u16, i32/u32, i64/u64, bool, and 2-byte raw data ('<V2', what
// ml_dtypes writes for bfloat16). bf16 arrays are written as '<u2' (NumPy has
// no bfloat16; view the result with `.view(ml_dtypes.bfloat16)`).
//
//===----------------------------------------------------------------------===//

#ifndef MPT_TOOLS_MPT_PTX_EMU_NPY_H
#define MPT_TOOLS_MPT_PTX_EMU_NPY_H

#include <cstdint>
#include <string>
#include <vector>

namespace mpt {
namespace npy {

struct Array {
  std::string descr;           ///< NumPy dtype string, e.g. "<f4"
  std::vector<uint64_t> shape; ///< empty for a 0-d array
  std::vector<uint8_t> data;   ///< raw little-endian C-order bytes
  size_t itemSize() const;
  size_t count() const;
};

/// The NumPy descr of an emulator dtype name ("f32" -> "<f4", "bf16" ->
/// "<u2"); empty if unknown.
std::string descrOf(const std::string &dtype);
/// Item size of a supported descr, 0 if unsupported.
size_t itemSizeOf(const std::string &descr);

bool read(const std::string &path, Array &out, std::string &error);
bool write(const std::string &path, const Array &a, std::string &error);

} // namespace npy
} // namespace mpt

#endif // MPT_TOOLS_MPT_PTX_EMU_NPY_H
