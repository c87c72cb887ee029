//===- Npy.h - .npy files: the container and typed arrays -----*- C++ -*-===//
//
// Part of the tooling library (runtime/lib/Tooling, mpt_tooling_npy), not of
// libmpt_runtime. NumPy's .npy format (versions 1.0, 2.0 and 3.0): the
// container, independent of what the elements are (the header is parsed and
// checked: magic, version, the dict with 'descr', 'fortran_order' and
// 'shape', non-negative dimensions whose product fits in 64 bits, exactly
// the data the header promises, nothing after it), which mpt-ptx-emu reads
// its buffers with; and arrays of the runtime's element types (NpyArray),
// which data sets, dumps and `mpt-run --call` use.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_TOOLING_NPY_H
#define MPT_TOOLING_NPY_H

#include "mpt-runtime/DType.h"
#include "mpt-runtime/FileIO.h"
#include "mpt-runtime/Status.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mpt {
namespace rt {

struct NpyHeader {
  /// The dtype string as written ("<f4", "|b1"), native order ('=') read as
  /// little-endian ('<').
  std::string descr;
  std::vector<int64_t> shape; ///< every dimension >= 0; empty: a scalar
  int64_t numElements = 1;    ///< the product of `shape`
  size_t dataOffset = 0;      ///< where the data starts in the file
};

/// Parses the header of the .npy file `bytes`. Errors start with `name`:
/// "not a .npy file", "truncated .npy header", ".npy format version N is
/// not supported", "bad .npy header: ..." (including negative or too large
/// dimensions), "Fortran-order arrays are not supported ...".
Expected<NpyHeader> parseNpyHeader(std::string_view bytes,
                                   const std::string &name);

/// The data of the file `bytes` with header `header` whose items are
/// `itemSize` bytes: exactly numElements * itemSize bytes must follow the
/// header ("truncated .npy data (H of W bytes for <what>)", "corrupt .npy
/// file (N bytes after the data)", or a size beyond 64 bits).
Expected<std::string_view> npyData(std::string_view bytes,
                                   const NpyHeader &header, size_t itemSize,
                                   const std::string &name,
                                   const std::string &what);

/// The bytes `np.save` writes (format 1.0, or 2.0 for a header longer than
/// 65535 bytes) for an array with this descr, shape and C-order data.
std::string serializeNpyFile(std::string_view descr,
                             const std::vector<int64_t> &shape,
                             std::string_view data);

/// The item size of a descr with fixed-size items ('<f4' -> 4, '|b1' -> 1,
/// '<V2' -> 2), or 0.
size_t npyItemSize(std::string_view descr);

/// The file size a .npy header promises (header plus elements times item
/// size), for readFile: a file longer than that is refused before its data
/// is read.
SizePromise npySizePromise();

/// The number of elements of `shape` and their size in bytes when every
/// dimension is non-negative and both fit in int64; false otherwise.
bool npyCheckedSize(const std::vector<int64_t> &shape, uint64_t itemSize,
                    int64_t &elements, int64_t &bytes);

//===----------------------------------------------------------------------===//
// Typed arrays (NpyArray.cpp)
//===----------------------------------------------------------------------===//

/// An array as stored in a .npy file (C order, little-endian).
struct NpyArray {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::string data;

  /// The product of `shape`; -1 when a dimension is negative or the
  /// product does not fit in int64 (parseNpy never returns such arrays).
  int64_t numElements() const;
  /// e.g. "float32 [1437, 8, 8, 1]" (numpy's names).
  std::string describe() const;
};

/// numpy's name of a dtype ("float32", "bfloat16 (as uint16 bits)", ...).
std::string numpyTypeName(DType t);

/// Parses .npy versions 1.0, 2.0 and 3.0 (the container above) with
/// dtypes <f4 <f8 <f2 |b1 |i1 <i4 <i8 (and <u2, read as bf16 bits).
/// Fortran order, big-endian and object arrays, negative or overflowing
/// shapes, and missing or extra data bytes are errors naming the file.
Expected<NpyArray> parseNpy(std::string_view bytes, const std::string &name);
Expected<NpyArray> readNpy(const std::string &path);
/// The bytes numpy's `np.save` (format 1.0) writes for this array, byte for
/// byte; bf16 is stored as '<u2' bit patterns.
std::string serializeNpy(DType dtype, const std::vector<int64_t> &shape,
                         std::string_view data);
Status writeNpy(const std::string &path, const NpyArray &array);

/// "[1437, 8, 8, 1]"; with `anyFirst` the first dimension is "N".
std::string npyShapeText(const std::vector<int64_t> &shape,
                         bool anyFirst = false);

} // namespace rt
} // namespace mpt

#endif // MPT_TOOLING_NPY_H
