//===- NativeAbi.h - The ABI native code states about itself ---*- C++ -*-===//
//
// The signature table travels next to the native code, and any table can be
// packed next to any code (`mpt-artifact pack`): a table with one argument
// more or fewer, a dropped result, an edited shape or an entry symbol of
// another function would make the runtime pass buffers the code does not
// expect, and the code would read and write past them. So the code states
// its own ABI in the exported data symbol `mpt_abi`, and the runtime checks
// the table against it before the first call:
//
//   const struct mpt_abi mpt_abi = {
//     "mpt-abi", 1, 1, (const struct mpt_abi_function[]){
//       {"train_step", "mpt_train_step", 2, 2, 0x5c0f...ull,
//        (const struct mpt_abi_buffer[]){{16, 1, 0}, {32, 1, 0},
//                                        {16, 1, 0}, {4, 1, 0}}}}};
//
// For every function: its name and entry symbol, its argument and result
// counts, each buffer's byte size and dtype (arguments, then results), and
// a hash of the function's entry in the signature table (names, roles,
// dtypes, shapes, updates, classes; not the initial values, which the code
// never sees). mpt-compile generates the record with nativeAbiSource() from
// the same table it generates the entry points from; hand-written steps
// (the runtime's tests) get theirs from `mpt-artifact abi-source SIG.json`.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_NATIVEABI_H
#define MPT_RUNTIME_NATIVEABI_H

#include "mpt-runtime/Signature.h"
#include "mpt-runtime/Status.h"

#include <cstdint>
#include <string>

// A C layout (the generated C source declares the same structs), so the
// field names are C's.
extern "C" {
/// One buffer of an entry: arguments first, then results.
struct mpt_abi_buffer {
  uint64_t bytes;    ///< dense row-major size
  uint32_t dtype;    ///< the number of the mpt::rt::DType
  uint32_t reserved; ///< 0
};

/// One compiled function.
struct mpt_abi_function {
  const char *name;   ///< "train_step"
  const char *symbol; ///< "mpt_train_step"
  uint32_t num_args;
  uint32_t num_results;
  /// mpt::rt::signatureHash() of the table entry the code was compiled for.
  uint64_t signature_hash;
  /// num_args + num_results buffers (null when there are none).
  const struct mpt_abi_buffer *buffers;
};

/// The record, exported as `mpt_abi`.
struct mpt_abi {
  char magic[8];    ///< "mpt-abi" and a NUL
  uint32_t version; ///< kNativeAbiVersion
  uint32_t num_functions;
  const struct mpt_abi_function *functions;
};
}

namespace mpt {
namespace rt {

/// The layout version of `struct mpt_abi` this runtime reads and writes.
constexpr uint32_t kNativeAbiVersion = 1;
/// The exported name of the record.
constexpr const char *kNativeAbiSymbol = "mpt_abi";

/// 64-bit FNV-1a of the function's table entry: its name and symbol, and
/// for every argument and result its name, role, dtype, shape, `updates`
/// and `classes`, each field length-prefixed (no two tables hash the same
/// text).
uint64_t signatureHash(const FunctionSig &function);

/// C source defining `const struct mpt_abi mpt_abi` for every function of
/// `manifest` (self-contained: it declares the structs it needs).
std::string nativeAbiSource(const Manifest &manifest);

/// Checks `manifest` against the record the code exports (`abi` null: the
/// code has none). Each function of the table must be in the record under
/// its entry symbol, compiled for the same function, with the same counts,
/// byte sizes and dtypes, and the same table hash. The message names the
/// function and tensor and says what the code expects; the caller prefixes
/// the artifact's name.
Status checkNativeAbi(const Manifest &manifest, const mpt_abi *abi);

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_NATIVEABI_H
