//===- Npy.h - The .npy container: header parser and writer ---*- C++ -*-===//
//
// NumPy's .npy format (versions 1.0, 2.0 and 3.0), independent of what the
// elements are: the header is parsed and checked here (magic, version,
// the dict with 'descr', 'fortran_order' and 'shape', non-negative
// dimensions whose product fits in 64 bits, exactly the data the header
// promises, nothing after it); the caller decides which dtypes (`descr`) it
// accepts and how large their items are. libmpt_runtime reads its data sets
// with it (Data.h maps the descr to a DType) and mpt-ptx-emu its buffers.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_NPY_H
#define MPT_RUNTIME_NPY_H

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

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_NPY_H
